"""adaptive_avg_pool2d / adaptive_max_pool2d and their layers: values and gradients against
PyTorch (float64, random shapes), numerical first and second order, indices, NaN, errors."""
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


@st.composite
def adaptive_cases(draw, distinct=False):
    """(x, output_size): any input size, any output size up to the input's (or above)."""
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w)
    size = draw(st.one_of(st.integers(1, 4),
                          st.tuples(st.one_of(st.none(), st.integers(1, h + 1)),
                                    st.integers(1, w + 1))))
    return draw(arrays(shape, distinct=distinct)), size


def compare_with_torch(ours, theirs, x, **kwargs):
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv, **kwargs), theirs(xt, **kwargs)
    assert_close(y, yt, tol=1e-12)
    gy = np.random.default_rng(0).standard_normal(y.shape)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad, tol=1e-12)


@given(adaptive_cases())
def test_adaptive_avg_pool2d_matches_torch(case):
    x, size = case
    compare_with_torch(F.adaptive_avg_pool2d, torch.nn.functional.adaptive_avg_pool2d, x,
                       output_size=size)


@given(adaptive_cases(distinct=True))
def test_adaptive_max_pool2d_matches_torch(case):
    x, size = case
    compare_with_torch(F.adaptive_max_pool2d, torch.nn.functional.adaptive_max_pool2d, x,
                       output_size=size)


@given(adaptive_cases(distinct=True))
def test_first_and_second_order_match_numerical(case):
    x, size = case
    for op in (F.adaptive_avg_pool2d, F.adaptive_max_pool2d):
        f = lambda v, op=op: op(v, size)  # noqa: E731
        gradcheck(f, x)
        gradgradcheck(f, x, mode="fast")


def test_indices_match_torch_and_ties_go_to_the_first_maximum():
    x = np.array([[[[1.0, 3.0, 3.0, 0.0, 2.0], [3.0, 0.0, 3.0, 2.0, 2.0],
                    [2.0, 3.0, 1.0, 2.0, 2.0]]]])
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, index = F.adaptive_max_pool2d(xv, (2, 3), return_indices=True)
    yt, index_t = torch.nn.functional.adaptive_max_pool2d(xt, (2, 3), return_indices=True)
    np.testing.assert_array_equal(index, index_t.numpy())
    y.sum().backward()
    yt.sum().backward()
    assert_close(xv.grad, xt.grad)


def test_nan_wins_its_window_like_torch():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    x[0, 0, 0, 1] = x[0, 0, 1, 0] = np.nan
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = F.adaptive_max_pool2d(xv, 2), torch.nn.functional.adaptive_max_pool2d(xt, 2)
    np.testing.assert_array_equal(y.data, yt.detach().numpy())
    y.sum().backward()
    yt.sum().backward()
    np.testing.assert_array_equal(xv.grad.data, xt.grad.numpy())


@pytest.mark.parametrize("layer, size", [
    ("AdaptiveAvgPool2d", 1), ("AdaptiveAvgPool2d", (7, 7)), ("AdaptiveAvgPool2d", (None, 3)),
    ("AdaptiveMaxPool2d", (2, 3)), ("AdaptiveMaxPool2d", 1),
])
def test_layers_match_torch_in_float32(layer, size):
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 5)).astype(np.float32)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    ours, theirs = getattr(nn, layer)(size), getattr(torch.nn, layer)(size)
    y, yt = ours(xv), theirs(xt)
    assert_close(y, yt)
    y.sum().backward()
    yt.sum().backward()
    assert_close(xv.grad, xt.grad)
    assert y.dtype == np.float32 and xv.grad.dtype == np.float32
    assert repr(ours) == f"{layer}(output_size={size})"
    assert list(ours.state_dict()) == []


def test_adaptive_avg_pool_to_the_input_size_is_a_new_node_with_the_same_values():
    x = Variable(np.random.default_rng(0).standard_normal((1, 2, 3, 3)))
    y = F.adaptive_avg_pool2d(x, 3)
    assert y is not x
    np.testing.assert_array_equal(y.data, x.data)


@pytest.mark.parametrize("op", [F.adaptive_avg_pool2d, F.adaptive_max_pool2d])
def test_errors_name_the_op_and_the_argument(op):
    name = op.__name__
    with pytest.raises(ValueError, match=rf"{name}: expected an input of shape \(N, C, H, W\)"):
        op(np.zeros((4, 4)), 2)
    with pytest.raises(ValueError, match=rf"{name}: output_size must be a positive integer"):
        op(np.zeros((1, 1, 4, 4)), (0, 2))
    with pytest.raises(ValueError, match=rf"{name}: output_size must be an int or a pair"):
        op(np.zeros((1, 1, 4, 4)), (1, 2, 3))
    with pytest.raises(TypeError, match=rf"{name}: expected a floating-point input"):
        op(np.zeros((1, 1, 4, 4), dtype=np.int64), 2)
    with pytest.raises(ValueError, match=r"AdaptiveAvgPool2d: output_size must be a positive"):
        nn.AdaptiveAvgPool2d(-1)


@pytest.mark.parametrize("layer", [nn.AdaptiveAvgPool2d(2), nn.AdaptiveMaxPool2d(2)])
def test_an_empty_plane_is_refused_not_pooled_into_made_up_values(layer):
    with pytest.raises(ValueError, match="expected an input with non-zero channels, height "
                                         "and width, got shape \\(1, 1, 3, 0\\)"):
        layer(np.zeros((1, 1, 3, 0)))


def test_float16_adaptive_means_are_computed_in_float32_and_rounded_once():
    """(The averaging matrix was float16: 1000s averaged to 999.5; PyTorch's gives 1000.)"""
    for pool, shape, size in ((F.adaptive_avg_pool2d, (1, 1, 64, 64), (2, 3)),
                              (F.adaptive_avg_pool1d, (1, 1, 64), 3),
                              (F.adaptive_avg_pool3d, (1, 1, 4, 64, 64), (3, 2, 3))):
        x = Variable(np.full(shape, 1000, np.float16))
        y = pool(x, size)
        assert y.dtype == np.float16 and np.all(y.data == 1000)
        y.sum().backward()
        assert x.grad.dtype == np.float16
