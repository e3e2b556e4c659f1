"""adaptive_avg_pool1d / adaptive_max_pool1d and their modules: values and gradients against
PyTorch (float32 and float64, random lengths and output sizes), unbatched inputs, first and
second order, reprs, and the errors in 1-D terms; a NaN or inf stays in its windows (1-D, 2-D
and 3-D adaptive averages)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck
from autograd.testing import arrays

from ._helpers import assert_close

torch = pytest.importorskip("torch")
TF = torch.nn.functional

NAMES = ["adaptive_avg_pool1d", "adaptive_max_pool1d"]


@given(st.sampled_from(NAMES), st.integers(1, 9), st.integers(1, 5),
       st.sampled_from([np.float32, np.float64]), st.booleans())
def test_values_and_gradients_match_torch(name, length, out, dtype, batched):
    shape = (2, 3, length) if batched else (3, length)
    x = np.random.default_rng(length * out).standard_normal(shape).astype(dtype)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = getattr(F, name)(xv, out), getattr(TF, name)(xt, out)
    assert y.dtype == dtype
    assert_close(y, yt, tol=1e-6)
    gy = np.random.default_rng(0).standard_normal(y.shape).astype(dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad, tol=1e-6)


@given(st.sampled_from(NAMES), arrays((2, 2, 5), distinct=True), st.integers(1, 4))
def test_first_and_second_order_match_numerical(name, x, out):
    def f(v):
        return getattr(F, name)(v, out)

    gradcheck(f, x)
    gradgradcheck(f, x, mode="fast")


@pytest.mark.parametrize("layer, args", [("AdaptiveAvgPool1d", (3,)),
                                         ("AdaptiveAvgPool1d", ((2,),)),
                                         ("AdaptiveMaxPool1d", (4,)),
                                         ("AdaptiveMaxPool1d", (1, False))])
def test_layers_match_torch(layer, args):
    x = np.random.default_rng(1).standard_normal((2, 3, 7)).astype(np.float32)
    ours, theirs = getattr(nn, layer)(*args), getattr(torch.nn, layer)(*args)
    assert repr(ours) == repr(theirs)
    assert_close(ours(x), theirs(torch.tensor(x)))
    assert ours.get_config()["output_size"] == args[0]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("call, error, match", [
    (lambda f: f(np.zeros((1, 2, 3, 4)), 2), ValueError,
     r"{}: expected an input \(N, C, L\), got shape \(1, 2, 3, 4\)"),
    (lambda f: f(np.zeros((1, 2, 3), np.int64), 2), TypeError,
     r"{}: expected a floating-point input, got dtype int64"),
    (lambda f: f(np.zeros((1, 2, 0)), 2), ValueError,
     r"{}: expected an input with non-zero channels and length, got shape \(1, 2, 0\)"),
    (lambda f: f(np.zeros((1, 0, 3)), 2), ValueError, r"{}: expected an input with non-zero"),
    (lambda f: f(np.zeros((1, 2, 3)), 0), ValueError, r"{}: output_size must be at least 1"),
    (lambda f: f(np.zeros((1, 2, 3)), (2, 2)), TypeError,
     r"{}: output_size must be an int or a 1-tuple of an int, got \(2, 2\)"),
    (lambda f: f(np.zeros((1, 2, 3)), None), TypeError, r"{}: output_size must be an int"),
])
def test_errors_name_the_1d_op(name, call, error, match):
    with pytest.raises(error, match=match.format(name)):
        call(getattr(F, name))


@pytest.mark.parametrize("layer", ["AdaptiveAvgPool1d", "AdaptiveMaxPool1d"])
def test_layers_check_output_size_when_made(layer):
    with pytest.raises(TypeError, match=f"{layer}: output_size must be an int or a 1-tuple"):
        getattr(nn, layer)((2, 3))
    with pytest.raises(ValueError, match=f"{layer}: output_size must be at least 1"):
        getattr(nn, layer)(0)


@pytest.mark.parametrize("name, shape, out", [
    ("adaptive_avg_pool1d", (2, 3, 7), 3), ("adaptive_avg_pool1d", (1, 2, 5), 4),
    ("adaptive_avg_pool2d", (2, 2, 5, 7), (3, 2)),
    ("adaptive_avg_pool2d", (1, 1, 4, 4), (3, None)),
    ("adaptive_avg_pool3d", (1, 2, 5, 3, 4), (2, 2, 3)),
    ("adaptive_avg_pool3d", (1, 1, 4, 4, 4), 3),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_nan_or_inf_reaches_only_the_windows_that_hold_it(name, shape, out, dtype):
    # (averaging matrices spread them over whole rows: 0 * inf is NaN)
    x = np.random.default_rng(2).standard_normal(shape).astype(dtype)
    x.flat[1], x.flat[-1], x.flat[x.size // 2] = np.nan, np.inf, -np.inf
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = getattr(F, name)(xv, out), getattr(TF, name)(xt, out)
    assert y.dtype == dtype
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-6, atol=1e-6)
    gy = np.random.default_rng(3).standard_normal(y.shape).astype(dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad, tol=1e-6)
