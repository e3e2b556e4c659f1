"""max_pool2d's fused backward (MaxPool2dGrad): exact against a direct scatter to each window's
first maximum (ties, overlapping and separate windows, padding), numerical gradients to third
order, PyTorch's rules for -inf and NaN windows, dtypes and the shape of the recorded graph."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck
from autograd.testing import arrays
from nn.functional.pooling import MaxPool2dGrad

from ._helpers import assert_close


@st.composite
def windows(draw, overlapping):
    """(kernel, stride, padding): windows that overlap (a stride below the kernel on some
    axis) or that never do (stride >= kernel on both), padding at most half the kernel."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    if overlapping:
        kernel = (max(kernel[0], 2), kernel[1])
        stride = (draw(st.integers(1, kernel[0] - 1)), draw(st.integers(1, 3)))
    else:
        stride = tuple(draw(st.integers(k, k + 1)) for k in kernel)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    return kernel, stride, padding


@st.composite
def pool_inputs(draw, overlapping, distinct):
    kernel, stride, padding = draw(windows(overlapping))
    h = draw(st.integers(max(1, kernel[0] - 2 * padding[0]), 5))
    w = draw(st.integers(max(1, kernel[1] - 2 * padding[1]), 5))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w)
    if distinct:  # numerical derivatives need a unique maximum in every window
        x = draw(arrays(shape, distinct=True))
    else:  # small integers: many ties, to pin down which maximum gets the gradient
        x = draw(arrays(shape)).round() - 1.0
    return x, kernel, stride, padding


def reference_gradient(x, gy, kernel, stride, padding):
    """gy added, window by window, at the first maximum (row-major) of each window."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    grad = np.zeros_like(padded)
    n, c, oh, ow = gy.shape
    for i, j, a, b in np.ndindex(n, c, oh, ow):
        window = padded[i, j, a * sh:a * sh + kh, b * sw:b * sw + kw]
        r, s = np.unravel_index(np.argmax(window), window.shape)
        grad[i, j, a * sh + r, b * sw + s] += gy[i, j, a, b]
    return grad[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]]


@pytest.mark.parametrize("overlapping", [False, True])
@given(data=st.data())
def test_gradient_goes_to_the_first_maximum_of_each_window(overlapping, data):
    x, kernel, stride, padding = data.draw(pool_inputs(overlapping, distinct=False))
    xv = Variable(x)
    y = F.max_pool2d(xv, kernel, stride, padding)
    gy = np.random.default_rng(0).standard_normal(y.shape)
    y.backward(gy)
    np.testing.assert_allclose(xv.grad.data, reference_gradient(x, gy, kernel, stride, padding),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("overlapping", [False, True])
@given(data=st.data())
def test_first_and_second_order_match_numerical(overlapping, data):
    x, kernel, stride, padding = data.draw(pool_inputs(overlapping, distinct=True))
    f = lambda v: F.max_pool2d(v, kernel, stride, padding)  # noqa: E731
    gradcheck(f, x, mode="full")
    gradgradcheck(f, x, mode="full")


@pytest.mark.parametrize("kernel, stride, padding", [(2, 2, 1), (3, 1, 1), ((3, 2), (2, 1), 1)])
def test_third_order_matches_numerical(kernel, stride, padding):
    rng = np.random.default_rng(0)
    x = rng.permutation(60).reshape(1, 2, 5, 6) / 7.0  # distinct values, tied nowhere
    u = Variable(rng.standard_normal(F.max_pool2d(x, kernel, stride, padding).shape),
                 requires_grad=False)

    def gradient(x):  # a first derivative of a nonlinear function of max_pool2d
        y = F.max_pool2d(x, kernel, stride, padding)
        return ag.grad((y * y * u).sum(), [x], create_graph=True)

    gradgradcheck(gradient, x, mode="full")  # second derivative of `gradient`: third order


def test_first_order_backprop_is_one_fused_call():
    x = Variable(np.random.default_rng(0).standard_normal((2, 3, 6, 6)))
    y = F.max_pool2d(x, 3, 1)
    (gx,) = ag.grad((y * y).sum(), [x], create_graph=True)
    assert isinstance(gx.creator, MaxPool2dGrad)  # one scatter, no reshape/index chain
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad.creator is None  # no graph without create_graph


def test_windows_of_minus_infinity_send_the_gradient_to_their_first_pixel_inside():
    x = Variable(np.full((1, 1, 2, 2), -np.inf))
    y = F.max_pool2d(x, 2, 1, padding=1)  # nine windows, each all -inf
    y.backward(np.ones(y.shape))
    np.testing.assert_array_equal(y.data, np.full((1, 1, 3, 3), -np.inf))
    np.testing.assert_array_equal(x.grad.data, [[[[4.0, 2.0], [2.0, 1.0]]]])  # as PyTorch


def test_nan_wins_its_window_like_torch():
    torch = pytest.importorskip("torch")
    x = np.array([[[[1.0, np.nan, 3.0], [np.nan, 0.0, 2.0], [2.0, 3.0, 1.0]]]])
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = F.max_pool2d(xv, 2, 1), torch.nn.functional.max_pool2d(xt, 2, 1)
    assert_close(y, yt)  # NaN where the window holds one
    y.sum().backward()
    yt.sum().backward()
    assert_close(xv.grad, xt.grad)  # to the window's last NaN, as PyTorch


@pytest.mark.parametrize("kernel, stride", [(2, 2), (3, 1)])
def test_float32_stays_float32_to_second_order(kernel, stride):
    x = Variable(np.random.default_rng(0).standard_normal((2, 2, 6, 6)).astype(np.float32))
    y = F.max_pool2d(x, kernel, stride)
    (gx,) = ag.grad((y * y).sum(), [x], create_graph=True)
    (ggx,) = ag.grad((gx * gx).sum(), [x])
    assert y.dtype == gx.dtype == ggx.dtype == np.float32


def test_many_kernel_positions_use_a_wider_winner_type():
    x = np.random.default_rng(0).permutation(2 * 17 * 17).reshape(1, 2, 17, 17).astype(float)
    xv = Variable(x)
    F.max_pool2d(xv, 17).sum().backward()  # 289 kernel positions: more than uint8 holds
    expected = (x == x.max(axis=(2, 3), keepdims=True)).astype(float)
    np.testing.assert_array_equal(xv.grad.data, expected)
