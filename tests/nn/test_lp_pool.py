"""lp_pool1d / lp_pool2d and LPPool1d / LPPool2d: values and gradients against PyTorch's
formula (float32 and float64, random geometries and norm types, negative inputs and zero
windows included, where NaNs must agree too), second order on positive inputs, reprs and
errors."""
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck

torch = pytest.importorskip("torch")
TF = torch.nn.functional

NORM_TYPES = [1, 2, 3, 1.5, 4.0, -1, -2.5, math.inf, -math.inf]


@st.composite
def lp_cases(draw, dims):
    """(x, kernel_size, stride, ceil_mode) that PyTorch accepts (no padding: each axis at
    least the kernel long)."""
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    stride = draw(st.one_of(st.none(), st.tuples(*[st.integers(1, 3)] * dims)))
    sizes = tuple(k + draw(st.integers(0, 4)) for k in kernel)
    sign = draw(st.sampled_from(["positive", "mixed", "with zeros"]))
    x = np.random.default_rng(draw(st.integers(0, 2**16))).uniform(0.5, 2.0, (2, 2) + sizes)
    if sign != "positive":
        x = x * np.where(np.random.default_rng(sum(sizes)).random(x.shape) < 0.5, -1, 1)
    if sign == "with zeros":
        x[..., :kernel[-1]] = 0  # at least one window of zeros: PyTorch's gradient there is 0
    unwrap = (lambda v: v[0]) if dims == 1 else (lambda v: v)
    return x, unwrap(kernel), stride and unwrap(stride), draw(st.booleans())


def tolerance(dtype):
    """float32: a window's sum of odd powers of mixed signs cancels, and both libraries'
    roundings grow with it (1.1e-4 apart on a gradient of 47 under another seed)."""
    return 1e-3 if dtype == np.float32 else 1e-10


def compare(ours, theirs, x, norm_type, *window, tol):
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv, norm_type, *window), theirs(xt, norm_type, *window)
    assert y.dtype == x.dtype
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=tol, atol=tol, equal_nan=True)
    gy = np.random.default_rng(0).standard_normal(y.shape).astype(x.dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    np.testing.assert_allclose(xv.grad.data, xt.grad.numpy(), rtol=tol, atol=tol,
                               equal_nan=True)


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # x^1.5 at x < 0: NaN, as torch
@pytest.mark.parametrize("dims", [1, 2])
@given(data=st.data(), norm_type=st.sampled_from(NORM_TYPES),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_values_and_gradients_match_torch(dims, data, norm_type, dtype):
    x, kernel, stride, ceil_mode = data.draw(lp_cases(dims))
    if norm_type < 0:  # x^p at 0 is inf for p < 0 and the gradient inf - inf in both
        assume(np.all(x != 0))
    name = f"lp_pool{dims}d"
    compare(getattr(F, name), getattr(TF, name), x.astype(dtype), norm_type, kernel, stride,
            ceil_mode, tol=tolerance(dtype))


def test_a_window_of_zeros_has_value_and_gradient_zero():
    x = np.zeros((1, 1, 2, 4))
    x[..., 2:] = [[1.0, 2.0], [3.0, 4.0]]
    xv = Variable(x)
    y = F.lp_pool2d(xv, 2, 2)
    y.backward(np.ones(y.shape))
    np.testing.assert_allclose(y.data[0, 0], [[0.0, math.sqrt(30.0)]])
    np.testing.assert_array_equal(xv.grad.data[..., :2], 0)  # not NaN (1/p power at 0)


def test_unbatched_inputs_match_torch():
    x = np.random.default_rng(1).uniform(0.5, 2.0, (3, 5, 6))
    np.testing.assert_allclose(F.lp_pool2d(x, 2, 2).data,
                               TF.lp_pool2d(torch.tensor(x), 2, 2).numpy(), rtol=1e-12)
    np.testing.assert_allclose(F.lp_pool1d(x[0], 3, 2, 1, True).data,
                               TF.lp_pool1d(torch.tensor(x[0]), 3, 2, 1, True).numpy(),
                               rtol=1e-12)


@given(lp_cases(2), st.sampled_from([1, 2, 3, 1.5]))
def test_first_and_second_order_on_positive_inputs(case, norm_type):
    x, kernel, stride, ceil_mode = case
    x = np.abs(x) + 0.5  # positive sums: differentiable everywhere

    def f(v):
        return F.lp_pool2d(v, norm_type, kernel, stride, ceil_mode)

    gradcheck(f, x)
    gradgradcheck(f, x, mode="fast")
    gradgradcheck(lambda v: F.lp_pool1d(v, norm_type, x.shape[-1]), x[:, :, 0], mode="fast")


@pytest.mark.parametrize("layer, args", [
    ("LPPool2d", (2, 2)), ("LPPool2d", (2.5, (2, 3), 1, True)), ("LPPool2d", (3, (1, 2), (2, 1))),
    ("LPPool1d", (2, 3)), ("LPPool1d", (1.5, 2, 1, True)), ("LPPool1d", (math.inf, 2)),
])
def test_layers_match_torch(layer, args):
    x = np.random.default_rng(2).uniform(0.5, 2.0, (2, 3, 5, 7)).astype(np.float32)
    x = x if layer == "LPPool2d" else x[:, :, 0]
    ours, theirs = getattr(nn, layer)(*args), getattr(torch.nn, layer)(*args)
    assert repr(ours) == repr(theirs)
    np.testing.assert_allclose(ours(x).data, theirs(torch.tensor(x)).numpy(), rtol=1e-5)
    assert ours(x).dtype == np.float32
    assert getattr(nn, layer)(**ours.get_config()).extra_repr() == ours.extra_repr()


X2, X1 = np.ones((1, 1, 4, 4)), np.ones((1, 1, 4))


@pytest.mark.parametrize("call, error, match", [
    (lambda: F.lp_pool2d(X2, 0, 2), ValueError, r"lp_pool2d: norm_type cannot be 0"),
    (lambda: F.lp_pool1d(X1, "2", 2), TypeError, r"lp_pool1d: norm_type must be a real number"),
    (lambda: F.lp_pool2d(X2, 2, 5), ValueError,
     r"lp_pool2d: kernel size \(5, 5\) is bigger than the padded input \(4, 4\)"),
    (lambda: F.lp_pool1d(X1, 2, 5), ValueError,
     r"lp_pool1d: kernel size 5 is bigger than the padded input 4"),
    (lambda: F.lp_pool2d(X2, 2, 0), ValueError, r"lp_pool2d: kernel_size must be at least 1"),
    (lambda: F.lp_pool2d(X2, 2, 2, stride=0), ValueError, r"lp_pool2d: stride must be at least"),
    (lambda: F.lp_pool1d(X1, 2, (2, 2)), TypeError,
     r"lp_pool1d: kernel_size must be an int or a 1-tuple"),
    (lambda: F.lp_pool2d(X2[0, 0, 0], 2, 2), ValueError,
     r"lp_pool2d: expected an input \(N, C, H, W\) or without its batch axis, got shape \(4,\)"),
    (lambda: F.lp_pool1d(X2, 2, 2), ValueError,
     r"lp_pool1d: expected an input \(N, C, L\) or without its batch axis, got shape "
     r"\(1, 1, 4, 4\)"),
    (lambda: F.lp_pool1d(X1.astype(np.int32), 2, 2), TypeError,
     r"lp_pool1d: expected a floating-point input, got dtype int32"),
    (lambda: nn.LPPool2d(0, 2), ValueError, r"LPPool2d: norm_type cannot be 0"),
    (lambda: nn.LPPool2d(2, (2, 0)), ValueError, r"LPPool2d: kernel_size must be at least 1"),
    (lambda: nn.LPPool1d(2, (2, 2)), TypeError, r"LPPool1d: kernel_size must be an int or a"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
