"""F.local_response_norm and nn.LocalResponseNorm against PyTorch: values and gradients
over 3-D, 4-D and 5-D inputs, window sizes below, at and past the channel count, even and
odd, and several alpha, beta, k; float32 and float64; second order against numerical; the
module's repr and config; every error."""
import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Variable
from autograd.testing import assert_gradients_match

from ._helpers import assert_close

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(2, 5, 4), (3, 6, 2, 3), (1, 4, 2, 2, 3), (2, 1, 3)])
@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("alpha, beta, k", [(1e-4, 0.75, 1.0), (0.5, 1.3, 2.0), (2, 2, 1)])
def test_values_and_gradients_match_torch(dtype, shape, size, alpha, beta, k):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype) * 2
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = F.local_response_norm(xv, size, alpha, beta, k), TF.local_response_norm(
        xt, size, alpha, beta, k)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert y.dtype == dtype
    assert_close(y, yt, tol)
    gy = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad, tol)


@pytest.mark.parametrize("shape, size", [((2, 4, 3), 3), ((1, 5, 2, 2), 2), ((1, 3, 2), 6)])
def test_second_order_matches_numerical(shape, size):
    x = np.random.default_rng(2).standard_normal(shape)
    assert_gradients_match(lambda v: F.local_response_norm(v, size, alpha=0.8, beta=0.6,
                                                           k=1.5), x, order=2)


def test_an_empty_input_comes_back():
    x = np.zeros((0, 3, 4), np.float32)
    assert F.local_response_norm(x, 3).shape == (0, 3, 4)


@pytest.mark.parametrize("args", [(3,), (2, 1, 2, 3), (5, 0.001, 0.5, 2.0)])
def test_module_matches_torch_and_prints_as_it(args):
    ours, theirs = nn.LocalResponseNorm(*args), torch.nn.LocalResponseNorm(*args)
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(3).standard_normal((2, 6, 3, 3)).astype(np.float32)
    assert_close(ours(x), theirs(torch.tensor(x)))
    assert repr(nn.LocalResponseNorm(**ours.get_config())) == repr(ours)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.local_response_norm(np.ones((2, 3)), 2), ValueError,
     r"local_response_norm: expected an input of 3 or more dimensions \(N, C, \*\), got "
     r"shape \(2, 3\)"),
    (lambda: F.local_response_norm(np.ones((2, 3, 4)), 0), ValueError,
     r"local_response_norm: size must be a positive integer"),
    (lambda: F.local_response_norm(np.ones((2, 3, 4)), 2, alpha="1"), TypeError,
     r"local_response_norm: alpha must be a real number"),
    (lambda: F.local_response_norm(np.ones((2, 3, 4)), 2, beta=None), TypeError,
     r"local_response_norm: beta must be a real number"),
    (lambda: F.local_response_norm(np.ones((2, 3, 4)), 2, k=1j), TypeError,
     r"local_response_norm: k must be a real number"),
    (lambda: F.local_response_norm(np.ones((2, 3, 4), int), 2), TypeError,
     r"local_response_norm: expected a floating-point input, got dtype int64"),
    (lambda: nn.LocalResponseNorm(-1), ValueError,
     r"LocalResponseNorm: size must be a positive integer"),
    (lambda: nn.LocalResponseNorm(2, alpha=[1]), TypeError,
     r"LocalResponseNorm: alpha must be a real number"),
])
def test_errors_name_the_function_and_what_was_wrong(call, error, message):
    with pytest.raises(error, match=message):
        call()
