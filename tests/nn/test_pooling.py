"""max_pool2d / avg_pool2d and their layers: forward against a direct NumPy reference and
PyTorch, backprop against numerical differentiation (first and second order), -inf padding,
tie-breaking and errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck
from autograd.testing import arrays

from ._helpers import assert_close


def reference_pool(x, kernel, stride, padding, reduce, pad_value):
    (ph, pw), (sh, sw) = padding, stride
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=pad_value)
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel, axis=(2, 3))
    return reduce(windows[:, :, ::sh, ::sw], axis=(4, 5))


@st.composite
def pool_cases(draw, distinct=False):
    """(x, kernel, stride, padding) with padding at most half the kernel, as PyTorch."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    h = draw(st.integers(max(1, kernel[0] - 2 * padding[0]), 4))
    w = draw(st.integers(max(1, kernel[1] - 2 * padding[1]), 4))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w)
    return draw(arrays(shape, distinct=distinct)), kernel, stride, padding


@given(pool_cases(distinct=True))
def test_max_pool2d_forward_and_gradients(case):
    x, kernel, stride, padding = case
    y = F.max_pool2d(x, kernel, stride, padding)
    np.testing.assert_array_equal(y.data, reference_pool(x, kernel, stride, padding, np.max,
                                                         -np.inf))
    f = lambda v: F.max_pool2d(v, kernel, stride, padding)  # noqa: E731
    gradcheck(f, x)
    gradgradcheck(f, x, mode="fast")


@given(pool_cases())
def test_avg_pool2d_forward_and_gradients(case):
    x, kernel, stride, padding = case
    y = F.avg_pool2d(x, kernel, stride, padding)
    np.testing.assert_allclose(y.data, reference_pool(x, kernel, stride, padding, np.mean, 0),
                               rtol=1e-12, atol=1e-12)
    f = lambda v: F.avg_pool2d(v, kernel, stride, padding)  # noqa: E731
    gradcheck(f, x)
    gradgradcheck(f, x, mode="fast")


def test_max_pool_pads_with_minus_infinity():
    x = -1 - np.arange(16.0).reshape(1, 1, 4, 4)  # all negative
    y = F.max_pool2d(x, 2, 2, padding=1)
    np.testing.assert_array_equal(y.data[0, 0], [[-1, -2, -4], [-5, -6, -8], [-13, -14, -16]])


def test_max_pool_gradient_goes_to_first_maximum_like_torch():
    torch = pytest.importorskip("torch")
    x = np.array([[[[1.0, 3.0, 3.0], [3.0, 0.0, 3.0], [2.0, 3.0, 1.0]]]])
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    F.max_pool2d(xv, 2, 1).sum().backward()
    torch.nn.functional.max_pool2d(xt, 2, 1).sum().backward()
    assert_close(xv.grad, xt.grad)


def test_overlapping_windows_accumulate_gradient():
    x = Variable(np.array([[[[0.0, 0.0, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 0.0]]]]))
    F.max_pool2d(x, 2, 1).sum().backward()
    assert x.grad.data[0, 0, 1, 1] == 4  # the centre wins all four windows


@pytest.mark.parametrize("layer, kwargs", [
    ("MaxPool2d", dict(kernel_size=2)),
    ("MaxPool2d", dict(kernel_size=3, stride=2, padding=1)),
    ("MaxPool2d", dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1))),
    ("AvgPool2d", dict(kernel_size=2)),
    ("AvgPool2d", dict(kernel_size=3, stride=2, padding=1)),
    ("AvgPool2d", dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0))),
])
def test_pool_layers_match_torch(layer, kwargs):
    torch = pytest.importorskip("torch")
    x = -np.random.default_rng(0).random((2, 3, 7, 6)).astype(np.float32)  # negative: padding
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = getattr(nn, layer)(**kwargs)(xv), getattr(torch.nn, layer)(**kwargs)(xt)
    assert_close(y, yt)
    gy = np.random.default_rng(1).standard_normal(y.shape).astype(np.float32)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad)
    assert y.dtype == np.float32 and xv.grad.dtype == np.float32


def test_stride_defaults_to_kernel_size():
    layer = nn.MaxPool2d(3)
    assert layer.stride == 3  # kept as given, as PyTorch's
    assert layer(np.zeros((1, 1, 9, 9))).shape == (1, 1, 3, 3)
    assert list(layer.state_dict()) == []


@pytest.mark.parametrize("op", [F.max_pool2d, F.avg_pool2d])
def test_pool_errors(op):
    name = op.__name__
    with pytest.raises(ValueError, match=rf"{name}: padding \(2, 2\) must be at most half"):
        op(np.zeros((1, 1, 8, 8)), 3, padding=2)
    with pytest.raises(ValueError, match=rf"{name}: expected an input of shape \(N, C, H, W\)"):
        op(np.zeros((8, 8)), 2)
    with pytest.raises(ValueError, match=rf"{name}: kernel size \(5, 5\) is bigger"):
        op(np.zeros((1, 1, 3, 3)), 5)
    with pytest.raises(TypeError, match=rf"{name}: expected a floating-point input"):
        op(np.zeros((1, 1, 4, 4), dtype=np.int64), 2)
