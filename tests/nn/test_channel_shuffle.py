"""F.channel_shuffle and nn.ChannelShuffle against PyTorch: values and gradients (a
permutation: exact) over 3-D to 5-D inputs and group counts, float32 and float64; second
order; repr and config; every error."""
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
@pytest.mark.parametrize("shape, groups", [((2, 6, 3), 3), ((2, 6, 3), 2), ((1, 8, 2, 3), 4),
                                           ((3, 4, 2, 1, 2), 2), ((2, 5, 2), 5),
                                           ((2, 5, 2), 1), ((0, 4, 2), 2)])
def test_values_and_gradients_match_torch(dtype, shape, groups):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = F.channel_shuffle(xv, groups), TF.channel_shuffle(xt, groups)
    assert y.dtype == dtype
    assert_close(y, yt, tol=0)
    gy = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad, tol=0)


def test_shuffle_interleaves_the_groups():
    x = np.arange(6.0).reshape(1, 6, 1)
    np.testing.assert_array_equal(F.channel_shuffle(x, 2).data.ravel(), [0, 3, 1, 4, 2, 5])


def test_second_order_matches_numerical():
    x = np.random.default_rng(2).standard_normal((2, 6, 2))
    assert_gradients_match(lambda v: F.channel_shuffle(v * v, 3) ** 2, x, order=2)


def test_module_matches_torch_and_prints_as_it():
    ours, theirs = nn.ChannelShuffle(3), torch.nn.ChannelShuffle(3)
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(3).standard_normal((2, 9, 2, 2)).astype(np.float32)
    assert_close(ours(x), theirs(torch.tensor(x)), tol=0)
    assert repr(nn.ChannelShuffle(**ours.get_config())) == repr(ours)


@pytest.mark.parametrize("call, message", [
    (lambda: F.channel_shuffle(np.ones((2, 6)), 3),
     r"channel_shuffle: expected an input with more than 2 dimensions \(N, C, \*\), got shape "
     r"\(2, 6\)"),
    (lambda: F.channel_shuffle(np.ones((2, 6, 3)), 4),
     r"channel_shuffle: the number of channels must be divisible by groups: got 6 channels "
     r"and 4 groups \(input shape \(2, 6, 3\)\)"),
    (lambda: F.channel_shuffle(np.ones((2, 6, 3)), 0),
     r"channel_shuffle: groups must be a positive integer"),
    (lambda: nn.ChannelShuffle(-2), r"ChannelShuffle: groups must be a positive integer"),
])
def test_errors_name_the_function_and_what_was_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()
