"""1-D convolution: conv2d over inputs of height 1 (no Function of its own)."""
from autograd.ops import reshape
from autograd.variable import as_variable

from ._batch import with_batch_axis
from .conv import check_channels, conv2d, prepare
from .im2col import single


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution: x (N, C, L), weight (OC, C/groups, K), bias (OC,) or None ->
    (N, OC, OL) with OL = (L + 2*padding - dilation*(K - 1) - 1) // stride + 1 (PyTorch's);
    padding may be 'valid' or 'same', as conv2d's. An unbatched (C, L) gives (OC, OL)."""
    layout = "(OC, C/groups, K)"
    if getattr(x, "ndim", None) == 2:  # one sequence (C, L), unbatched: PyTorch takes it
        return with_batch_axis(conv1d, as_variable(x), weight, bias, stride, padding,
                               dilation, groups)
    x, weight, groups = prepare(x, weight, bias, groups, "conv1d", layout, "(N, C, L)")
    check_channels(x, weight, bias, groups, weight.shape[0], "conv1d", layout)
    stride, dilation = (single(value, name, "conv1d", 1) for value, name
                        in ((stride, "stride"), (dilation, "dilation")))
    if not isinstance(padding, str):  # ('same' and 'valid' are conv2d's to resolve)
        padding = (0, single(padding, "padding", "conv1d", 0))
    y = conv2d(with_height(x), with_height(weight), bias, (1, stride), padding, (1, dilation),
               groups)
    return without_height(y)


def with_height(x):
    """(N, C, L) as (N, C, 1, L): a 1-D op as its 2-D one (conv1d, the 1-D pools)."""
    return reshape(x, x.shape[:2] + (1,) + x.shape[2:])


def without_height(y):
    """(N, C, 1, L) back to (N, C, L)."""
    return reshape(y, y.shape[:2] + y.shape[3:])


__all__ = ["conv1d", "with_height", "without_height"]
