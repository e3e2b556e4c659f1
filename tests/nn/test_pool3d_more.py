"""max_unpool3d / MaxUnpool3d and lp_pool3d / LPPool3d against PyTorch: values and gradients
(float32 and float64, random geometries and norm types), output_size, unbatched inputs,
first and second order, reprs and every error."""
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import gradcheck, gradgradcheck

from .test_lp_pool import NORM_TYPES, compare, lp_cases, tolerance
from .test_max_unpool import compare_round_trips
from .test_pooling_options import _windows_see_the_input

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@st.composite
def unpool_cases(draw):
    """(x with distinct values, (kernel, stride, padding, dilation, ceil_mode)) that
    max_pool3d accepts."""
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(3))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(3))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    sizes = tuple(draw(st.integers(1, 5)) for _ in range(3))
    ceil_mode = draw(st.booleans())
    assume(all(_windows_see_the_input(n, k, s, p, 1, ceil_mode)
               for n, k, s, p in zip(sizes, kernel, stride, padding)))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + sizes
    x = np.random.default_rng(draw(st.integers(0, 2**16))).permutation(math.prod(shape))
    return x.reshape(shape), (kernel, stride, padding, 1, ceil_mode)


@given(unpool_cases(), st.sampled_from([np.float32, np.float64]))
def test_max_unpool3d_of_max_pool3d_matches_torch(case, dtype):
    x, window = case
    compare_round_trips(x.astype(dtype), window, F.max_pool3d, F.max_unpool3d,
                        TF.max_pool3d, TF.max_unpool3d)


def test_max_unpool3d_default_size_and_unbatched_input_match_torch():
    x = np.random.default_rng(0).standard_normal((2, 2, 4, 6, 4))
    y, index = TF.max_pool3d(torch.tensor(x), 2, return_indices=True)
    for values, indices in ((y, index), (y[0], index[0])):
        ours = F.max_unpool3d(values.numpy(), indices.numpy(), 2)
        np.testing.assert_array_equal(ours.data, TF.max_unpool3d(values, indices, 2).numpy())
    layer = nn.MaxUnpool3d(2)
    z = layer(y.numpy(), index.numpy(), output_size=(2, 2, 5, 7, 5))
    np.testing.assert_array_equal(z.data, TF.max_unpool3d(y, index, 2, output_size=(5, 7, 5)))


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # x^1.5 at x < 0: NaN, as torch
@given(data=st.data(), norm_type=st.sampled_from(NORM_TYPES),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_lp_pool3d_matches_torch(data, norm_type, dtype):
    x, kernel, stride, ceil_mode = data.draw(lp_cases(3))
    if norm_type < 0:  # x^p at 0 is inf for p < 0 and the gradient inf - inf in both
        assume(np.all(x != 0))
    compare(F.lp_pool3d, TF.lp_pool3d, x.astype(dtype), norm_type, kernel, stride, ceil_mode,
            tol=tolerance(dtype))


def test_first_and_second_order_match_numerical():
    x = np.random.default_rng(1).uniform(0.5, 2.0, (1, 1, 2, 3, 3))
    distinct = np.random.default_rng(2).permutation(4 * 6 * 6)[:x.size].reshape(x.shape)
    for f in (lambda v: F.lp_pool3d(v, 2.5, (2, 2, 1), 1),
              lambda v: F.max_unpool3d(v, distinct, 2)):
        gradcheck(f, x)
        gradgradcheck(lambda v, f=f: f(v * v) ** 2, x)


@pytest.mark.parametrize("layer, args", [
    ("LPPool3d", (2, 2)), ("LPPool3d", (1.5, (2, 1, 3), (1, 2, 1), True)),
    ("MaxUnpool3d", (2,)), ("MaxUnpool3d", ((2, 1, 3), (1, 2, 2), (1, 0, 1))),
])
def test_layer_reprs_match_torch(layer, args):
    ours, theirs = getattr(nn, layer)(*args), getattr(torch.nn, layer)(*args)
    assert repr(ours) == repr(theirs)
    assert repr(getattr(nn, layer)(**ours.get_config())) == repr(ours)
    if layer == "LPPool3d":
        x = np.random.default_rng(2).uniform(0.5, 2.0, (2, 3, 4, 5, 6)).astype(np.float32)
        np.testing.assert_allclose(ours(x).data, theirs(torch.tensor(x)).numpy(), rtol=1e-5)
        assert ours(x).dtype == np.float32


X3, I3 = np.ones((1, 1, 2, 2, 2)), np.zeros((1, 1, 2, 2, 2), dtype=np.int64)


@pytest.mark.parametrize("call, error, match", [
    (lambda: F.max_unpool3d(X3, I3 + 64, 2), ValueError,
     r"max_unpool3d: index 64 is outside the output plane of size \(4, 4, 4\) \(indices "
     r"must be in \[0, 64\)\)"),
    (lambda: F.max_unpool3d(X3, I3 - 1, 2), ValueError, r"max_unpool3d: index -1 is outside"),
    (lambda: F.max_unpool3d(X3, I3.astype(float), 2), TypeError,
     r"max_unpool3d: indices must be integers .* got dtype float64"),
    (lambda: F.max_unpool3d(X3, I3[..., :1], 2), ValueError,
     r"max_unpool3d: indices of shape \(1, 1, 2, 2, 1\) do not match the input's shape "
     r"\(1, 1, 2, 2, 2\)"),
    (lambda: F.max_unpool3d(X3[0, 0, 0], I3[0, 0, 0], 2), ValueError,
     r"max_unpool3d: expected an input \(N, C, D, H, W\) or without its batch axis, got "
     r"shape \(2, 2\)"),
    (lambda: F.max_unpool3d(X3.astype(np.int64), I3, 2), TypeError,
     r"max_unpool3d: expected a floating-point input, got dtype int64"),
    (lambda: F.max_unpool3d(X3, I3, 2, output_size=(4, 4, 6)), ValueError,
     r"max_unpool3d: output_size \(4, 4, 6\) is invalid: item 2 must be between 2 and 6"),
    (lambda: F.max_unpool3d(X3, I3, 2, output_size=(4, 4)), ValueError,
     r"max_unpool3d: output_size must have 3 or 5 items, got \(4, 4\)"),
    (lambda: F.max_unpool3d(X3, I3, (2, 2)), TypeError,
     r"max_unpool3d: kernel_size must be an int or a triple of ints"),
    (lambda: nn.MaxUnpool3d(0), ValueError, r"MaxUnpool3d: kernel_size must be at least 1"),
    (lambda: F.lp_pool3d(X3, 0, 2), ValueError, r"lp_pool3d: norm_type cannot be 0"),
    (lambda: F.lp_pool3d(X3, 2, 3), ValueError,
     r"lp_pool3d: kernel size \(3, 3, 3\) is bigger than the padded input \(2, 2, 2\)"),
    (lambda: F.lp_pool3d(X3, 2, 2, stride=0), ValueError,
     r"lp_pool3d: stride must be at least 1"),
    (lambda: F.lp_pool3d(X3, 2, (2, 2)), TypeError,
     r"lp_pool3d: kernel_size must be an int or a triple of ints"),
    (lambda: F.lp_pool3d(X3[0, 0], 2, 2), ValueError,
     r"lp_pool3d: expected an input \(N, C, D, H, W\) or without its batch axis, got shape "
     r"\(2, 2, 2\)"),
    (lambda: F.lp_pool3d(X3.astype(np.int32), 2, 2), TypeError,
     r"lp_pool3d: expected a floating-point input, got dtype int32"),
    (lambda: nn.LPPool3d(0, 2), ValueError, r"LPPool3d: norm_type cannot be 0"),
    (lambda: nn.LPPool3d(2, (2, 2)), TypeError, r"LPPool3d: kernel_size must be an int or a"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
