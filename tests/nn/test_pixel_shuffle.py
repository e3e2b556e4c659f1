"""F.pixel_shuffle / F.pixel_unshuffle and their layers against PyTorch: values and
gradients over shapes and factors in float32 and float64, the round trip, numerical first
and second order, reprs, and the errors."""
import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Variable, gradcheck, gradgradcheck

from ._helpers import assert_close

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _compare(ours, theirs, x):
    xv, xt = Variable(x), torch.tensor(x, requires_grad=True)
    y, yt = ours(xv), theirs(xt)
    assert_close(y, yt, tol=0)  # a permutation: exact
    assert y.dtype == x.dtype
    gy = np.random.default_rng(1).standard_normal(y.shape).astype(x.dtype)
    y.backward(gy)
    yt.backward(torch.tensor(gy))
    assert_close(xv.grad, xt.grad, tol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("lead, channels, h, w, r", [
    ((2,), 4, 3, 5, 2), ((1,), 18, 2, 1, 3), ((), 8, 4, 3, 2), ((2, 3), 9, 1, 2, 3),
    ((1,), 3, 2, 2, 1),
])
def test_shuffle_and_unshuffle_match_torch(dtype, lead, channels, h, w, r):
    x = np.random.default_rng(0).standard_normal(lead + (channels, h, w)).astype(dtype)
    _compare(lambda v: F.pixel_shuffle(v, r), lambda t: TF.pixel_shuffle(t, r), x)
    shuffled = TF.pixel_shuffle(torch.tensor(x), r).numpy()
    _compare(lambda v: F.pixel_unshuffle(v, r), lambda t: TF.pixel_unshuffle(t, r), shuffled)
    np.testing.assert_array_equal(F.pixel_unshuffle(F.pixel_shuffle(x, r), r).data, x)


def test_first_and_second_order_match_numerical():
    x = np.random.default_rng(2).standard_normal((1, 8, 2, 3))
    gradcheck(lambda v: F.pixel_shuffle(v, 2), x)
    gradgradcheck(lambda v: F.pixel_shuffle(v * v, 2) ** 2, x)
    gradcheck(lambda v: F.pixel_unshuffle(v, 2), x.reshape(1, 2, 4, 6))
    gradgradcheck(lambda v: F.pixel_unshuffle(v * v, 2) ** 2, x.reshape(1, 2, 4, 6))


def test_layers_match_torch():
    x = np.random.default_rng(3).standard_normal((2, 8, 3, 4)).astype(np.float32)
    for ours, theirs in ((nn.PixelShuffle(2), torch.nn.PixelShuffle(2)),
                         (nn.PixelUnshuffle(1), torch.nn.PixelUnshuffle(1))):
        assert repr(ours) == repr(theirs)
        _compare(ours, theirs, x)
        assert repr(type(ours)(**ours.get_config())) == repr(ours)
    _compare(nn.PixelUnshuffle(2), torch.nn.PixelUnshuffle(2), x.reshape(2, 2, 6, 8))


@pytest.mark.parametrize("call, message", [
    (lambda: F.pixel_shuffle(np.zeros((4, 2)), 2),
     r"pixel_shuffle: expected an input of at least 3 dimensions \(\*, C, H, W\), got shape "
     r"\(4, 2\)"),
    (lambda: F.pixel_shuffle(np.zeros((1, 6, 2, 2)), 2),
     r"pixel_shuffle: the input's channels \(dimension -3\) must be divisible by "
     r"upscale_factor\*\*2 = 4, got 6 \(input shape \(1, 6, 2, 2\)\)"),
    (lambda: F.pixel_shuffle(np.zeros((1, 4, 2, 2)), 0),
     r"pixel_shuffle: upscale_factor must be a positive integer"),
    (lambda: F.pixel_unshuffle(np.zeros((1, 1, 3, 4)), 2),
     r"pixel_unshuffle: the input's height \(dimension -2\) must be divisible by "
     r"downscale_factor 2, got 3 \(input shape \(1, 1, 3, 4\)\)"),
    (lambda: F.pixel_unshuffle(np.zeros((1, 1, 4, 3)), 2),
     r"pixel_unshuffle: the input's width \(dimension -1\) must be divisible by "
     r"downscale_factor 2, got 3"),
    (lambda: F.pixel_unshuffle(np.zeros(4), 2),
     r"pixel_unshuffle: expected an input of at least 3 dimensions"),
    (lambda: nn.PixelShuffle(-1), r"PixelShuffle: upscale_factor must be a positive integer"),
    (lambda: nn.PixelUnshuffle(1.5),
     r"PixelUnshuffle: downscale_factor must be a positive integer"),
])
def test_errors_name_the_op_and_what_was_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()
