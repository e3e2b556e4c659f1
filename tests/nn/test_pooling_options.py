"""Pooling's options: ceil_mode and dilation (max pooling), ceil_mode, count_include_pad and
divisor_override (average pooling), on the functions and the layers: values and gradients
against PyTorch in float64 on random geometries, numerical first and second order."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck
from autograd.testing import arrays

from ._helpers import assert_close

torch = pytest.importorskip("torch")


@st.composite
def pool_cases(draw, dilated):
    """(x, kernel, stride, padding, dilation, ceil_mode) that PyTorch accepts."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilated else (1, 1)
    sizes = (draw(st.integers(1, 6)), draw(st.integers(1, 6)))
    ceil_mode = draw(st.booleans())
    assume(all(_windows_see_the_input(*axis, ceil_mode)
               for axis in zip(sizes, kernel, stride, padding, dilation)))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + sizes
    x = draw(arrays(shape, distinct=True))
    return x, kernel, stride, padding, dilation, ceil_mode


def _windows_see_the_input(size, k, s, p, d, ceil_mode):
    """PyTorch's output size along one axis is at least 1 (with ceil_mode a window may reach
    past the padded input), and every window has a tap on the input (with dilation one can
    fall entirely in the padding: PyTorch gives -inf there, rungrad refuses it)."""
    reach = size + 2 * p - d * (k - 1) - 1
    out = -(-reach // s) + 1 if ceil_mode else reach // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    taps = np.arange(out)[:, None] * s - p + np.arange(k) * d
    return out >= 1 and ((taps >= 0) & (taps < size)).any(axis=1).all()


def compare_with_torch(ours, theirs, x, *args):
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv, *args), theirs(xt, *args)
    assert_close(y, yt, tol=1e-12)
    gy = np.random.default_rng(0).standard_normal(y.shape)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad, tol=1e-12)


@given(pool_cases(dilated=True))
def test_max_pool2d_with_dilation_and_ceil_mode_matches_torch(case):
    compare_with_torch(F.max_pool2d, torch.nn.functional.max_pool2d, *case)


@given(pool_cases(dilated=False), st.booleans(), st.sampled_from([None, 1, 5]))
def test_avg_pool2d_options_match_torch(case, count_include_pad, divisor):
    x, kernel, stride, padding, _, ceil_mode = case
    compare_with_torch(F.avg_pool2d, torch.nn.functional.avg_pool2d, x, kernel, stride,
                       padding, ceil_mode, count_include_pad, divisor)


@given(pool_cases(dilated=True), st.booleans())
def test_first_and_second_order_match_numerical(case, count_include_pad):
    x, kernel, stride, padding, dilation, ceil_mode = case
    for f in (lambda v: F.max_pool2d(v, kernel, stride, padding, dilation, ceil_mode),
              lambda v: F.avg_pool2d(v, kernel, stride, padding, ceil_mode, count_include_pad)):
        gradcheck(f, x)
        gradgradcheck(f, x, mode="fast")


def test_ceil_mode_adds_the_last_partial_window():
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    assert F.max_pool2d(x, 2).shape == (1, 1, 2, 2)
    y = F.max_pool2d(x, 2, ceil_mode=True)
    np.testing.assert_array_equal(y.data[0, 0], [[6, 8, 9], [16, 18, 19], [21, 23, 24]])
    np.testing.assert_array_equal(F.avg_pool2d(x, 2, ceil_mode=True).data[0, 0, 2],
                                  [20.5, 22.5, 24])  # the partial window divides by 2, 2, 1


@pytest.mark.parametrize("op", [F.max_pool2d, F.avg_pool2d])
def test_in_ceil_mode_a_kernel_may_be_bigger_than_the_input(op):
    # the only window along W reaches past the 2 columns, as PyTorch allows
    x = np.arange(14.0).reshape(1, 1, 7, 2)
    compare_with_torch(op, getattr(torch.nn.functional, op.__name__), x, (2, 3), None, 0,
                       *((1, True) if op is F.max_pool2d else (True,)))
    assert op(x, (2, 3), ceil_mode=True).shape == (1, 1, 4, 1)
    with pytest.raises(ValueError, match=r"kernel size \(2, 3\) is bigger than the padded"):
        op(x, (2, 3))


def test_a_window_only_on_padding_is_refused():
    # taps at rows -1 and 1 of a 1-row input: PyTorch returns -inf and indexes past the input
    with pytest.raises(ValueError, match=r"max_pool2d: window 0 along H covers only padding: "
                                         r"kernel size \(2, 1\), dilation \(2, 1\)"):
        F.max_pool2d(np.zeros((1, 1, 1, 5)), (2, 1), padding=(1, 0), dilation=(2, 1))


@pytest.mark.parametrize("layer, kwargs", [
    ("MaxPool2d", dict(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)),
    ("MaxPool2d", dict(kernel_size=2, ceil_mode=True)),
    ("AvgPool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                       count_include_pad=False)),
    ("AvgPool2d", dict(kernel_size=2, divisor_override=3)),
])
def test_layers_match_torch(layer, kwargs):
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 6)).astype(np.float32)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = getattr(nn, layer)(**kwargs)(xv), getattr(torch.nn, layer)(**kwargs)(xt)
    assert_close(y, yt)
    y.sum().backward()
    yt.sum().backward()
    assert_close(xv.grad, xt.grad)
    assert y.dtype == np.float32 and xv.grad.dtype == np.float32


@pytest.mark.parametrize("layer, args, kwargs", [
    ("MaxPool1d", (2,), {}), ("MaxPool1d", (3,), dict(dilation=2, ceil_mode=True)),
    ("MaxPool2d", (2,), {}), ("MaxPool2d", ((2, 3),), dict(return_indices=True)),
    ("MaxPool2d", (3,), dict(stride=(1, 2), padding=(1, 0), dilation=(1, 2), ceil_mode=True)),
    ("MaxPool3d", ((2, 1, 2),), dict(stride=1, padding=(1, 0, 0))),
    ("AvgPool1d", (2,), {}), ("AvgPool1d", (3, 1, 1), dict(ceil_mode=True)),
    ("AvgPool2d", (2,), {}), ("AvgPool2d", ((2, 3),), dict(divisor_override=3)),
    ("AvgPool3d", (3, 2, 1), dict(count_include_pad=False)),
])
def test_layers_keep_their_arguments_and_print_them_as_torch(layer, args, kwargs):
    """Arguments kept as given (AvgPool1d's as 1-tuples), PyTorch's attributes and reprs,
    and the config rebuilds the same layer."""
    ours, theirs = getattr(nn, layer)(*args, **kwargs), getattr(torch.nn, layer)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    for name in ("kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices",
                 "count_include_pad", "divisor_override"):
        if hasattr(theirs, name):
            assert getattr(ours, name) == getattr(theirs, name), name
    assert repr(type(ours)(**ours.get_config())) == repr(ours)


def test_errors():
    with pytest.raises(ValueError, match=r"max_pool2d: dilation must be at least 1"):
        F.max_pool2d(np.zeros((1, 1, 4, 4)), 2, dilation=0)
    with pytest.raises(ValueError, match=r"max_pool2d: kernel size \(3, 3\) with dilation "
                                         r"\(2, 2\) \(spanning \(5, 5\)\) is bigger"):
        F.max_pool2d(np.zeros((1, 1, 4, 4)), 3, dilation=2)
    with pytest.raises(ValueError, match=r"avg_pool2d: divisor_override must be a positive"):
        F.avg_pool2d(np.zeros((1, 1, 4, 4)), 2, divisor_override=0)
