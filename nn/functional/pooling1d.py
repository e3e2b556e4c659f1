"""1-D pooling over (N, C, L): the 2-D pools on a height of 1 (as conv1d is conv2d's)."""
from autograd.variable import as_variable

from ._batch import with_batch_axis
from .conv1d import check_window_fits, with_height, without_height
from .im2col import single
from .pooling import avg_pool2d, max_pool2d


def max_pool1d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Maximum over each window: x (N, C, L) -> (N, C, OL), or unbatched (C, L) -> (C, OL)
    (see max_pool2d)."""
    if getattr(x, "ndim", None) == 2:
        return with_batch_axis(max_pool1d, as_variable(x), kernel_size, stride, padding,
                               dilation, ceil_mode)
    x, (kernel, stride, padding, dilation) = _prepare(x, "max_pool1d", kernel_size, stride,
                                                      padding, dilation, ceil_mode)
    y = max_pool2d(with_height(x), (1, kernel), (1, stride), (0, padding), (1, dilation),
                   ceil_mode)
    return without_height(y)


def avg_pool1d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Mean over each window: x (N, C, L) -> (N, C, OL), or unbatched (C, L) -> (C, OL)
    (see avg_pool2d)."""
    if getattr(x, "ndim", None) == 2:
        return with_batch_axis(avg_pool1d, as_variable(x), kernel_size, stride, padding,
                               ceil_mode, count_include_pad)
    x, (kernel, stride, padding, _) = _prepare(x, "avg_pool1d", kernel_size, stride, padding, 1,
                                               ceil_mode)
    y = avg_pool2d(with_height(x), (1, kernel), (1, stride), (0, padding), ceil_mode,
                   count_include_pad)
    return without_height(y)


def _prepare(x, who, kernel_size, stride, padding, dilation, ceil_mode):
    """x and its window, checked in the 1-D op's own terms (the 2-D pool's errors would
    name a height of 1)."""
    x = as_variable(x, who=who)
    if x.ndim != 3:
        raise ValueError(f"{who}: expected an input (N, C, L), got shape {x.shape}")
    window = kernel, _, padding, dilation = window_1d(kernel_size, stride, padding, dilation,
                                                      who)
    if 2 * padding > kernel:  # (PyTorch's rule, as the 2-D pools')
        raise ValueError(f"{who}: padding {padding} must be at most half of the kernel size "
                         f"{kernel}")
    if not ceil_mode:  # (in ceil mode a window may reach past the padded input)
        check_window_fits(x.shape, kernel, padding, dilation, who)
    return x, window


def window_1d(kernel_size, stride, padding, dilation, who):
    """(kernel, stride, padding, dilation) as ints, checked; stride None is the kernel."""
    kernel = single(kernel_size, "kernel_size", who, 1)
    return (kernel, kernel if stride is None else single(stride, "stride", who, 1),
            single(padding, "padding", who, 0), single(dilation, "dilation", who, 1))


__all__ = ["max_pool1d", "avg_pool1d", "window_1d"]
