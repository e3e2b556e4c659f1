"""conv2d, im2col/col2im and the Conv2d layer: forward against a direct NumPy reference and
PyTorch, backprop against numerical differentiation (to third order), errors, dtypes."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck
from autograd.testing import arrays
from nn.functional import conv as conv_module
from nn.functional.im2col import col2im, im2col, make_window

from ._helpers import assert_close, assert_parameter_grads_match, copy_weights


@pytest.fixture(autouse=True, scope="module", params=["one product", "per sample"])
def product_layout(request):
    """Every test of this module both ways conv2d multiplies: one (OC, K) @ (K, N*OH*OW)
    product, and one product per sample (its path for large images with few column rows)."""
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "per sample":
            patch.setattr(conv_module, "_PER_SAMPLE_MIN_PIXELS", 0)
        else:
            patch.setattr(conv_module, "_PER_SAMPLE_MAX_ROWS", -1)
        yield request.param


def reference_conv2d(x, w, b, stride, padding):
    """Direct definition: every output is a sum over one window (sliding_window_view)."""
    (sh, sw), (ph, pw) = stride, padding
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, w.shape[2:], axis=(2, 3))
    y = np.einsum("nchwij,ocij->nohw", windows[:, :, ::sh, ::sw], w)
    return y if b is None else y + b[None, :, None, None]


@st.composite
def conv_cases(draw, max_side=4):
    """(x, weight, bias or None, stride, padding) with a window that fits the padded input."""
    n, c, oc = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    h = draw(st.integers(max(1, kernel[0] - 2 * padding[0]), max_side))
    w = draw(st.integers(max(1, kernel[1] - 2 * padding[1]), max_side))
    x = draw(arrays((n, c, h, w)))
    weight = draw(arrays((oc, c) + kernel))
    bias = draw(st.none() | arrays((oc,)))
    return x, weight, bias, stride, padding


def conv_of(bias, stride, padding):
    """conv2d as a function of its float inputs only (for gradcheck)."""
    if bias is None:
        return lambda x, w: F.conv2d(x, w, None, stride, padding)
    return lambda x, w, b: F.conv2d(x, w, b, stride, padding)


def inputs_of(case):
    x, weight, bias = case[:3]
    return (x, weight) if bias is None else (x, weight, bias)


@given(conv_cases())
def test_conv2d_forward_matches_direct_definition(case):
    x, weight, bias, stride, padding = case
    y = F.conv2d(x, weight, bias, stride, padding)
    np.testing.assert_allclose(y.data, reference_conv2d(x, weight, bias, stride, padding),
                               rtol=1e-12, atol=1e-12)


@given(conv_cases())
def test_conv2d_gradients_match_numerical(case):
    gradcheck(conv_of(*case[2:]), *inputs_of(case))


@given(conv_cases(max_side=3))
def test_conv2d_second_order_gradients(case):
    gradgradcheck(conv_of(*case[2:]), *inputs_of(case), mode="fast")


def test_conv2d_third_order_gradient():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 2, 4, 3))
    w = rng.standard_normal((2, 2, 3, 2))
    u = Variable(rng.standard_normal((2, 2, 2, 4)), requires_grad=False)

    def gradient(x, w):  # a first derivative of a nonlinear function of conv2d
        y = F.conv2d(x, w, None, stride=(2, 1), padding=1)
        return ag.grad((y * y * u).sum(), [x, w], create_graph=True)

    gradgradcheck(gradient, x, w, mode="full")  # second derivative of `gradient`: third order


@given(st.data())
def test_im2col_and_col2im_are_adjoint_and_differentiable(data):
    x, weight, _, stride, padding = data.draw(conv_cases())
    window = make_window(weight.shape[2:], stride, padding, "test")
    col = im2col(Variable(x), window)
    c = data.draw(arrays(col.shape))
    # <im2col(x), c> == <x, col2im(c)>
    lhs = float(np.sum(col.data * c))
    rhs = float(np.sum(x * col2im(Variable(c), x.shape, window).data))
    assert math.isclose(lhs, rhs, rel_tol=1e-9, abs_tol=1e-9)
    gradgradcheck(lambda v: im2col(v, window), x, mode="fast")
    gradgradcheck(lambda v: col2im(v, x.shape, window), c, mode="fast")


@pytest.mark.parametrize("kwargs", [
    dict(in_channels=1, out_channels=4, kernel_size=3, padding=1),
    dict(in_channels=3, out_channels=2, kernel_size=(2, 3), stride=(2, 1), padding=(0, 2)),
    dict(in_channels=2, out_channels=3, kernel_size=1, stride=2, bias=False),
    dict(in_channels=2, out_channels=2, kernel_size=(3, 1), stride=(1, 3), padding=(1, 0)),
])
def test_conv2d_layer_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    ours = nn.Conv2d(**kwargs)
    theirs = torch.nn.Conv2d(**kwargs)
    copy_weights(ours, theirs)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, kwargs["in_channels"], 7, 6)).astype(np.float32)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv), theirs(xt)
    assert_close(y, yt)
    gy = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad)
    assert_parameter_grads_match(ours, theirs, tol=1e-4)


def test_conv2d_layer_parameters_follow_pytorch():
    layer = nn.Conv2d(3, 8, (5, 3))
    assert [(n, p.shape, p.dtype) for n, p in layer.named_parameters()] == [
        ("weight", (8, 3, 5, 3), np.float32), ("bias", (8,), np.float32)]
    bound = 1 / math.sqrt(3 * 5 * 3)
    for param in layer.parameters():
        assert np.all(np.abs(param.data) <= bound)
        assert np.std(param.data) > bound / 4  # drawn, not constant
    assert list(nn.Conv2d(3, 8, 3, bias=False).state_dict()) == ["weight"]


def test_float32_stays_float32_and_float64_batches_are_cast():
    layer = nn.Conv2d(2, 3, 3, padding=1)
    x = Variable(np.ones((1, 2, 4, 4), np.float32))
    y = layer(x)
    y.backward(np.ones(y.shape, np.float32))
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    assert layer.weight.grad.dtype == np.float32 and layer.bias.grad.dtype == np.float32
    assert layer(np.ones((1, 2, 4, 4))).dtype == np.float32


def test_input_that_needs_no_gradient_gets_none():
    layer = nn.Conv2d(1, 2, 3)
    x = Variable(np.ones((1, 1, 4, 4), np.float32), requires_grad=False)
    layer(x).sum().backward()
    assert x.grad is None and layer.weight.grad is not None


@pytest.mark.parametrize("x_shape, w_shape, kwargs, message", [
    ((2, 3, 8, 8), (4, 1, 3, 3), {}, r"input has 3 channels .*\(4, 1, 3, 3\) expects 1"),
    ((2, 1, 2, 2), (4, 1, 5, 5), {}, r"kernel size \(5, 5\) is bigger than the padded input"),
    ((2, 1, 2, 2), (4, 1, 5, 5), {"padding": 1}, r"padded input \(4, 4\)"),
    ((8, 8), (4, 1, 3, 3), {}, r"\(N, C, H, W\), or one unbatched \(C, H, W\), got \(8, 8\)"),
    ((1, 1, 8, 8), (4, 1, 3), {}, r"weight of shape \(OC, C/groups, KH, KW\), got \(4, 1, 3\)"),
    ((1, 1, 8, 8), (4, 1, 3, 3), {"stride": 0}, r"stride must be at least 1"),
    ((1, 1, 8, 8), (4, 1, 3, 3), {"padding": -1}, r"padding must be at least 0"),
    ((1, 1, 8, 8), (4, 1, 3, 3), {"bias": np.zeros(3)}, r"bias of shape \(3,\) .* 4 output"),
])
def test_conv2d_errors_name_the_shapes(x_shape, w_shape, kwargs, message):
    with pytest.raises(ValueError, match="^conv2d: .*" + message):
        F.conv2d(np.zeros(x_shape), np.zeros(w_shape), **kwargs)


def test_conv2d_rejects_malformed_geometry():
    with pytest.raises(TypeError, match="conv2d: stride must be an int or a pair of ints"):
        F.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 2, 2)), stride=(1, 2, 3))
    with pytest.raises(ValueError, match="Conv2d: in_channels must be a positive integer, got 0"):
        nn.Conv2d(0, 2, 3)
