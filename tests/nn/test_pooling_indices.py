"""return_indices on max pooling (max_pool1d/2d, adaptive_max_pool1d/2d, the layers and the
*_with_indices names): values, indices (ties and NaNs included) and gradients against
PyTorch, float32 and float64, on random geometries."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck

from ._helpers import assert_close
from .test_pooling_options import pool_cases

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def with_ties(x, ties):
    """x, or its values rounded to integers in [-2, 2]: many equal maxima in a window."""
    return np.round(x) if ties else x


def compare(ours, theirs, x, *args):
    """Values, int64 indices and the gradient of the values, ours against torch's."""
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    (y, index), (yt, index_t) = ours(xv, *args), theirs(xt, *args)
    assert y.dtype == x.dtype and index.dtype == np.int64
    np.testing.assert_array_equal(index, index_t.numpy())
    assert_close(y, yt, tol=0)
    gy = np.random.default_rng(0).standard_normal(y.shape).astype(x.dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad, tol=1e-6)


dtypes = st.sampled_from([np.float32, np.float64])


@given(pool_cases(dilated=True), st.booleans(), dtypes)
def test_max_pool2d_indices_match_torch(case, ties, dtype):
    x, *window = case
    x = with_ties(x, ties).astype(dtype)
    compare(lambda v, *a: F.max_pool2d(v, *a, return_indices=True),
            lambda t, *a: TF.max_pool2d(t, *a, return_indices=True), x, *window)


@st.composite
def pool1d_cases(draw):
    """(x (N, C, L) with ties, kernel, stride, padding, dilation, ceil_mode) from the 2-D
    cases' width axis."""
    x, kernel, stride, padding, dilation, ceil_mode = draw(pool_cases(dilated=True))
    return (np.round(x[:, :, 0]), kernel[1], stride[1], padding[1], dilation[1], ceil_mode)


@given(pool1d_cases(), dtypes)
def test_max_pool1d_indices_match_torch(case, dtype):
    x, *window = case
    compare(lambda v, *a: F.max_pool1d(v, *a, return_indices=True),
            lambda t, *a: TF.max_pool1d(t, *a, return_indices=True), x.astype(dtype), *window)


@given(st.integers(1, 7), st.integers(1, 7), st.integers(1, 4), st.integers(1, 4),
       st.booleans(), dtypes)
def test_adaptive_max_pool_indices_match_torch(h, w, oh, ow, ties, dtype):
    x = with_ties(np.random.default_rng(h * w).uniform(-2, 2, (2, 3, h, w)), ties).astype(dtype)
    compare(lambda v, s: F.adaptive_max_pool2d(v, s, True),
            lambda t, s: TF.adaptive_max_pool2d(t, s, True), x, (oh, ow))
    compare(lambda v, s: F.adaptive_max_pool1d(v, s, True),
            lambda t, s: TF.adaptive_max_pool1d(t, s, True), x[:, :, 0], ow)


def test_nan_and_all_minus_infinity_windows_get_torch_indices():
    x = np.array([[[[1.0, np.nan, 3.0, np.nan], [np.nan, 0.0, -np.inf, -np.inf]],
                   [[-np.inf, -np.inf, -np.inf, 2.0], [-np.inf, -np.inf, 5.0, 5.0]]]])
    for args in [(2,), (2, 1, 1), ((1, 3), (1, 1), (0, 1)), (2, 2, 1, 1, True)]:
        y, index = F.max_pool2d(x, *args, return_indices=True)
        yt, index_t = TF.max_pool2d(torch.tensor(x), *args, return_indices=True)
        np.testing.assert_array_equal(index, index_t.numpy())
        np.testing.assert_array_equal(y.data, yt.numpy())
    y, index = F.adaptive_max_pool2d(x, (1, 2), True)
    np.testing.assert_array_equal(index, TF.adaptive_max_pool2d(torch.tensor(x), (1, 2),
                                                                 True)[1].numpy())


def test_unbatched_inputs_give_unbatched_indices():
    x = np.round(np.random.default_rng(1).uniform(-2, 2, (3, 5, 6)))
    for ours, theirs, args in [
        (F.max_pool2d, TF.max_pool2d, (2, 1, 1, 1, False, True)),
        (F.max_pool1d, TF.max_pool1d, (3, 2, 1, 1, True, True)),
        (F.adaptive_max_pool2d, TF.adaptive_max_pool2d, ((2, 4), True)),
        (F.adaptive_max_pool1d, TF.adaptive_max_pool1d, (4, True)),
    ]:
        sample = x if ours in (F.max_pool2d, F.adaptive_max_pool2d) else x[0]
        (y, index), (yt, index_t) = ours(sample, *args), theirs(torch.tensor(sample), *args)
        assert index.shape == y.shape == tuple(yt.shape)
        np.testing.assert_array_equal(index, index_t.numpy())
        np.testing.assert_array_equal(y.data, yt.numpy())


@pytest.mark.parametrize("name, args", [
    ("max_pool2d_with_indices", (2, 1, 1, 1, True)),
    ("max_pool1d_with_indices", (3, 2, 1, 2, False)),
    ("adaptive_max_pool2d_with_indices", ((3, 2),)),
    ("adaptive_max_pool1d_with_indices", (3,)),
])
def test_with_indices_names_always_return_the_pair(name, args):
    x = np.round(np.random.default_rng(2).uniform(-2, 2, (2, 3, 7, 6)))
    x = x if "2d" in name else x[:, :, 0]
    (y, index), (yt, index_t) = (getattr(F, name)(x, *args, return_indices=False),
                                 getattr(TF, name)(torch.tensor(x), *args))
    np.testing.assert_array_equal(index, index_t.numpy())
    np.testing.assert_array_equal(y.data, yt.numpy())


def test_without_return_indices_only_the_values_come_back():
    x = np.zeros((1, 1, 4, 4))
    assert isinstance(F.max_pool2d(x, 2), Variable)
    assert isinstance(F.max_pool1d(x[:, :, 0], 2), Variable)
    assert isinstance(F.adaptive_max_pool1d(x[:, :, 0], 2), Variable)


@pytest.mark.parametrize("layer, args, sample", [
    ("MaxPool2d", (3, 2, 1, 1, True, True), (2, 3, 7, 6)),
    ("MaxPool1d", (3, 2, 1, 2, True, True), (2, 3, 9)),
    ("AdaptiveMaxPool2d", ((3, None), True), (2, 3, 7, 6)),
    ("AdaptiveMaxPool1d", (4, True), (2, 3, 9)),
])
def test_layers_take_return_indices_where_torch_does(layer, args, sample):
    # positionally: the modules put return_indices before ceil_mode, as PyTorch's
    x = np.round(np.random.default_rng(3).uniform(-2, 2, sample)).astype(np.float32)
    compare(lambda v: getattr(nn, layer)(*args)(v), lambda t: getattr(torch.nn, layer)(*args)(t),
            x)


def test_layer_reprs_and_configs():
    assert repr(nn.MaxPool1d(3, return_indices=True)) == repr(torch.nn.MaxPool1d(3))
    assert repr(nn.AdaptiveMaxPool1d(3, True)) == repr(torch.nn.AdaptiveMaxPool1d(3, True))
    assert nn.MaxPool2d(2, return_indices=True).get_config()["return_indices"] is True
    config = nn.MaxPool1d(2, ceil_mode=True, return_indices=True).get_config()
    assert config["return_indices"] is True and config["ceil_mode"] is True


@given(pool_cases(dilated=True))
def test_pooling_with_indices_keeps_first_and_second_order(case):
    x, *window = case

    def values(v):
        return F.max_pool2d(v, *window, return_indices=True)[0]

    gradcheck(values, x)
    gradgradcheck(values, x, mode="fast")


def test_backward_after_return_indices_matches_the_plain_pool():
    x = np.random.default_rng(4).standard_normal((2, 3, 6, 6))
    grads = []
    for return_indices in (False, True):
        xv = Variable(x)
        y = F.max_pool2d(xv, 3, 1, 1, return_indices=return_indices)
        (y[0] if return_indices else y).sum().backward()
        grads.append(xv.grad.data)
    np.testing.assert_array_equal(*grads)


@pytest.mark.parametrize("kwargs, length, match", [
    (dict(kernel_size=2, dilation=2, padding=1), 1,
     r"max_pool1d: window 0 along L covers only padding: kernel size \(2,\), dilation \(2,\), "
     r"padding \(1,\), input shape \(1, 2, 1\)"),
    (dict(kernel_size=3, stride=2, ceil_mode=True), 1,
     r"max_pool1d: kernel size \(3,\) is bigger than the padded input \(1,\) \(input shape "
     r"\(1, 2, 1\)"),
])
def test_max_pool1d_errors_name_the_1d_op_and_shape(kwargs, length, match):
    # (they came from the 2-D pool it runs on, naming max_pool2d and a 4-D shape)
    with pytest.raises(ValueError, match=match):
        F.max_pool1d(np.zeros((1, 2, length)), **kwargs)
