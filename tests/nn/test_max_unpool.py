"""max_unpool1d / max_unpool2d and MaxUnpool1d / MaxUnpool2d: max_unpool(max_pool(x)) values
and gradients against PyTorch (float32 and float64, random geometries), repeated indices,
output_size, unbatched inputs, first and second order, reprs and every error."""
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


def round_trip(pool, unpool, x, window, gz):
    """unpool(pool(x)) back to x's size, and its gradient w.r.t. x for the output's gz."""
    y, index = pool(x, *window, return_indices=True)
    z = unpool(y, index, *window[:3], output_size=x.shape[2:])
    z.backward(gz)
    return z


def compare_round_trips(x, window, pool, unpool, torch_pool, torch_unpool):
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    gz = np.arange(x.size, dtype=x.dtype).reshape(x.shape)
    z = round_trip(pool, unpool, xv, window, gz)
    zt = round_trip(torch_pool, torch_unpool, xt, window, torch.tensor(gz))
    assert z.dtype == x.dtype and xv.grad.dtype == x.dtype
    assert_close(z, zt, tol=0)
    assert_close(xv.grad, xt.grad, tol=0)


@given(pool_cases(dilated=False), st.booleans(), st.sampled_from([np.float32, np.float64]))
def test_max_unpool2d_of_max_pool2d_matches_torch(case, ties, dtype):
    x, kernel, stride, padding, _, ceil_mode = case
    x = (np.round(x) if ties else x).astype(dtype)  # ties: one pixel wins several windows
    compare_round_trips(x, (kernel, stride, padding, 1, ceil_mode), F.max_pool2d,
                        F.max_unpool2d, TF.max_pool2d, TF.max_unpool2d)


@given(pool_cases(dilated=False), st.sampled_from([np.float32, np.float64]))
def test_max_unpool1d_of_max_pool1d_matches_torch(case, dtype):
    x, kernel, stride, padding, _, ceil_mode = case
    x = np.round(x[:, :, 0]).astype(dtype)
    compare_round_trips(x, (kernel[1], stride[1], padding[1], 1, ceil_mode), F.max_pool1d,
                        F.max_unpool1d, TF.max_pool1d, TF.max_unpool1d)


def test_repeated_indices_keep_the_last_value_and_gather_every_gradient():
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    index = np.array([[[[5, 5], [0, 5]]]])
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    z, zt = F.max_unpool2d(xv, index, 2), TF.max_unpool2d(xt, torch.tensor(index), 2)
    # which repeat PyTorch keeps varies between its runs (its threads race); ours is the last
    assert z.data[0, 0, 1, 1] == 4.0 and zt[0, 0, 1, 1] in (1.0, 2.0, 4.0)
    np.testing.assert_array_equal(np.delete(z.data.ravel(), 5),
                                  np.delete(zt.detach().numpy().ravel(), 5))
    gz = np.arange(16.0).reshape(1, 1, 4, 4)
    z.backward(gz)
    zt.backward(torch.tensor(gz))
    assert_close(xv.grad, xt.grad, tol=0)  # [[5, 5], [0, 5]]


def test_default_output_size_and_output_size_forms():
    x = np.random.default_rng(0).standard_normal((2, 3, 3, 4))
    index = np.zeros(x.shape, np.int64)
    assert F.max_unpool2d(x, index, 2).shape == (2, 3, 6, 8)
    assert F.max_unpool2d(x, index, (3, 2), (2, 1), (1, 0)).shape == (2, 3, 5, 5)  # as torch
    for output_size in [(7, 9), [2, 3, 7, 9], torch.Size([2, 3, 7, 9])]:
        z = F.max_unpool2d(x, index, 2, output_size=output_size)
        zt = TF.max_unpool2d(torch.tensor(x), torch.tensor(index), 2, output_size=output_size)
        assert_close(z, zt, tol=0)
    assert F.max_unpool1d(x[:, :, 0], index[:, :, 0], 2, output_size=[2, 3, 9]).shape == (2, 3, 9)


def test_unbatched_inputs():
    x = np.round(np.random.default_rng(1).uniform(-2, 2, (3, 5, 6)))
    y, index = F.max_pool2d(x, 2, return_indices=True)
    zt = TF.max_unpool2d(*TF.max_pool2d(torch.tensor(x), 2, return_indices=True), 2)
    assert_close(F.max_unpool2d(y, index, 2), zt, tol=0)
    y, index = F.max_pool1d(x[0], 2, return_indices=True)
    zt = TF.max_unpool1d(*TF.max_pool1d(torch.tensor(x[0]), 2, return_indices=True), 2)
    assert_close(F.max_unpool1d(y, index, 2), zt, tol=0)


def test_indices_may_be_a_variable_or_any_integer_array():
    x = np.arange(4.0).reshape(1, 1, 2, 2)
    index = np.array([[[[0, 3], [8, 15]]]])
    want = F.max_unpool2d(x, index, 2).data
    for given_index in (index.astype(np.int32), index.astype(np.uint8)):
        np.testing.assert_array_equal(F.max_unpool2d(x, given_index, 2).data, want)
    np.testing.assert_array_equal(F.max_unpool2d(x, Variable(index), 2).data, want)


@pytest.mark.parametrize("window", [(2, None, 0), (2, 2, 1), ((2, 3), (3, 3), (1, 0))])
def test_first_and_second_order_match_numerical(window):
    x = np.random.default_rng(2).standard_normal((2, 2, 3, 4))
    plane = F.max_unpool2d(x, np.zeros(x.shape, np.int64), *window).shape[2:]
    # distinct indices, each in the output plane: numerical and analytic gradients agree
    index = np.stack([np.random.default_rng(n).permutation(plane[0] * plane[1])[:12]
                      for n in range(4)]).reshape(x.shape)

    def f(v):
        return F.max_unpool2d(v, index, *window)

    gradcheck(f, x)
    gradgradcheck(f, x)
    index_1d = np.stack([np.random.default_rng(n).permutation(8)[:4] for n in range(4)])
    gradcheck(lambda v: F.max_unpool1d(v, index_1d.reshape(2, 2, 4), 2), x[:, :, 0])


def test_layers_match_torch_and_print_as_torch():
    x = np.round(np.random.default_rng(4).uniform(-2, 2, (2, 3, 6, 7))).astype(np.float32)
    for pool, unpool, sample in [
        ((3, 2, 1), (3, 2, 1), x),
        ((2,), (2,), x[:, :, 0]),
    ]:
        dims = sample.ndim - 2
        y, index = getattr(nn, f"MaxPool{dims}d")(*pool, return_indices=True)(sample)
        layer = getattr(nn, f"MaxUnpool{dims}d")(*unpool)
        twin = getattr(torch.nn, f"MaxUnpool{dims}d")(*unpool)
        assert repr(layer) == repr(twin)
        z = layer(y, index, output_size=sample.shape)
        zt = twin(*getattr(torch.nn, f"MaxPool{dims}d")(*pool, return_indices=True)(
            torch.tensor(sample)), output_size=sample.shape)
        assert_close(z, zt, tol=0)
        assert z.dtype == np.float32
    assert repr(nn.MaxUnpool2d((2, 3), 1, (1, 0))) == repr(torch.nn.MaxUnpool2d((2, 3), 1, (1, 0)))
    assert nn.MaxUnpool1d(2, padding=1).get_config() == {"kernel_size": (2,), "stride": (2,),
                                                         "padding": (1,)}


X, INDEX = np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 2, 2), np.int64)


@pytest.mark.parametrize("call, error, match", [
    (lambda: F.max_unpool2d(X, np.array([[[[0, 1], [2, 16]]]]), 2), ValueError,
     r"max_unpool2d: index 16 is outside the output plane of size \(4, 4\) \(indices must be in "
     r"\[0, 16\)\)"),
    (lambda: F.max_unpool2d(X, np.array([[[[-1, 1], [2, 3]]]]), 2), ValueError,
     r"max_unpool2d: index -1 is outside"),
    (lambda: F.max_unpool2d(X, INDEX[..., :1], 2), ValueError,
     r"max_unpool2d: indices of shape \(1, 1, 2, 1\) do not match the input's shape "
     r"\(1, 1, 2, 2\)"),
    (lambda: F.max_unpool2d(X, INDEX.astype(float), 2), TypeError,
     r"max_unpool2d: indices must be integers .* got dtype float64"),
    (lambda: F.max_unpool2d(X, INDEX.astype(bool), 2), TypeError, r"got dtype bool"),
    (lambda: F.max_unpool2d(X[0, 0], INDEX[0, 0], 2), ValueError,
     r"max_unpool2d: expected an input \(N, C, H, W\) or without its batch axis, got shape "
     r"\(2, 2\)"),
    (lambda: F.max_unpool2d(X.astype(np.int64), INDEX, 2), TypeError,
     r"max_unpool2d: expected a floating-point input, got dtype int64"),
    (lambda: F.max_unpool2d(X, INDEX, 2, output_size=(5, 5, 5)), ValueError,
     r"max_unpool2d: output_size must have 2 or 4 items, got \(5, 5, 5\)"),
    (lambda: F.max_unpool2d(X, INDEX, 2, output_size=(6, 4)), ValueError,
     r"max_unpool2d: output_size \(6, 4\) is invalid: item 0 must be between 2 and 6 "
     r"\(exclusive\)"),
    (lambda: F.max_unpool2d(X, INDEX, 2, padding=2), ValueError,
     r"max_unpool2d: the output size \(0, 0\) is empty"),
    (lambda: F.max_unpool2d(X, INDEX, 0), ValueError,
     r"max_unpool2d: kernel_size must be at least 1"),
    (lambda: F.max_unpool2d(X, INDEX, 2, stride=(1, 2, 3)), TypeError,
     r"max_unpool2d: stride must be an int or a pair of ints"),
    (lambda: F.max_unpool1d(X, INDEX, 2), ValueError,
     r"max_unpool1d: expected an input \(N, C, L\) or without its batch axis, got shape "
     r"\(1, 1, 2, 2\)"),
    (lambda: F.max_unpool1d(X[0], INDEX[0], (2, 2)), TypeError,
     r"max_unpool1d: kernel_size must be an int or a 1-tuple"),
    (lambda: F.max_unpool1d(X[0], INDEX[0] + 4, 2), ValueError,
     r"max_unpool1d: index 4 is outside the output plane of size \(4,\)"),
    (lambda: F.max_unpool1d(X[0], INDEX[0], 2, output_size=(2, 2)), ValueError,
     r"max_unpool1d: output_size must have 1 or 3 items, got \(2, 2\)"),
    (lambda: F.max_unpool1d(X[0], INDEX[0], 2, output_size=[9]), ValueError,
     r"max_unpool1d: output_size \[9\] is invalid: item 0 must be between 2 and 6"),
    (lambda: nn.MaxUnpool2d(2, stride=0), ValueError, r"MaxUnpool2d: stride must be at least 1"),
    (lambda: nn.MaxUnpool1d(2, padding=-1), ValueError,
     r"MaxUnpool1d: padding must be at least 0"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
