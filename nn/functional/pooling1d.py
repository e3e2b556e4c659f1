"""1-D pooling over (N, C, L): the 2-D pools on a height of 1 (as conv1d is conv2d's),
the adaptive ones included."""
from autograd.variable import as_variable

from ._batch import with_batch_axis
from .adaptive_pool import adaptive_avg_pool2d, adaptive_max_pool2d
from .conv1d import check_window_fits, with_height, without_height
from .im2col import Window, output_size, single
from .pooling import avg_pool2d, check_taps_reach_the_input, max_pool2d


def max_pool1d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Maximum over each window: x (N, C, L) -> (N, C, OL), or unbatched (C, L) -> (C, OL)
    (see max_pool2d); with return_indices, also each winner's index along L (int64)."""
    if getattr(x, "ndim", None) == 2:
        return with_batch_axis(max_pool1d, as_variable(x), kernel_size, stride, padding,
                               dilation, ceil_mode, return_indices)
    x, (kernel, stride, padding, dilation) = _prepare(x, "max_pool1d", kernel_size, stride,
                                                      padding, dilation, ceil_mode)
    y = max_pool2d(with_height(x), (1, kernel), (1, stride), (0, padding), (1, dilation),
                   ceil_mode, return_indices)
    return _without_height(y)


def max_pool1d_with_indices(x, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """max_pool1d's (maximum, indices) whatever return_indices says (PyTorch's)."""
    return max_pool1d(x, kernel_size, stride, padding, dilation, ceil_mode, True)


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


def adaptive_avg_pool1d(x, output_size):
    """Mean over adaptive windows: x (N, C, L) -> (N, C, output_size), or unbatched (C, L)
    (see adaptive_avg_pool2d)."""
    if getattr(x, "ndim", None) == 2:
        return with_batch_axis(adaptive_avg_pool1d, as_variable(x), output_size)
    x, size = _prepare_adaptive(x, output_size, "adaptive_avg_pool1d")
    return without_height(adaptive_avg_pool2d(with_height(x), (1, size)))


def adaptive_max_pool1d(x, output_size, return_indices=False):
    """Maximum over adaptive windows: x (N, C, L) -> (N, C, output_size), or unbatched
    (C, L); with return_indices, also each winner's index along L (see adaptive_max_pool2d)."""
    if getattr(x, "ndim", None) == 2:
        return with_batch_axis(adaptive_max_pool1d, as_variable(x), output_size,
                               return_indices)
    x, size = _prepare_adaptive(x, output_size, "adaptive_max_pool1d")
    return _without_height(adaptive_max_pool2d(with_height(x), (1, size), return_indices))


def adaptive_max_pool1d_with_indices(x, output_size, return_indices=False):
    """adaptive_max_pool1d's (maximum, indices) whatever return_indices says (PyTorch's)."""
    return adaptive_max_pool1d(x, output_size, True)


def _without_height(y):
    """(N, C, 1, L) back to (N, C, L), or both of a (values, indices) pair: an index into a
    (1, L) plane is the index along L."""
    if not isinstance(y, tuple):
        return without_height(y)
    values, indices = y
    return without_height(values), indices.reshape(indices.shape[:2] + indices.shape[3:])


def _prepare(x, who, kernel_size, stride, padding, dilation, ceil_mode):
    """x and its window, checked in the 1-D op's own terms (the 2-D pool's errors would
    name a height of 1 and a 4-D shape)."""
    x = _checked_input(x, who)
    window = kernel, _, padding, dilation = window_1d(kernel_size, stride, padding, dilation,
                                                      who)
    if 2 * padding > kernel:  # (PyTorch's rule, as the 2-D pools')
        raise ValueError(f"{who}: padding {padding} must be at most half of the kernel size "
                         f"{kernel}")
    if not ceil_mode:  # (in ceil mode a window may reach past the padded input)
        check_window_fits(x.shape, kernel, padding, dilation, who)
    as_1d = Window((kernel,), (window[1],), (padding,), (dilation,), bool(ceil_mode))
    out = output_size(x.shape, as_1d, who)
    if dilation != 1:
        check_taps_reach_the_input(x.shape, as_1d, out, who)
    return x, window


def _prepare_adaptive(x, output_size, who):
    """x and the output length, checked in the 1-D op's own terms."""
    x = _checked_input(x, who)
    if 0 in x.shape[1:]:  # (no window would hold a value)
        raise ValueError(f"{who}: expected an input with non-zero channels and length, got "
                         f"shape {tuple(x.shape)}")
    return x, single(output_size, "output_size", who, 1)


def _checked_input(x, who):
    x = as_variable(x, who=who)
    if x.ndim != 3:
        raise ValueError(f"{who}: expected an input (N, C, L), got shape {x.shape}")
    if x.dtype.kind != "f":
        raise TypeError(f"{who}: expected a floating-point input, got dtype {x.dtype}")
    return x


def window_1d(kernel_size, stride, padding, dilation, who):
    """(kernel, stride, padding, dilation) as ints, checked; stride None is the kernel."""
    kernel = single(kernel_size, "kernel_size", who, 1)
    return (kernel, kernel if stride is None else single(stride, "stride", who, 1),
            single(padding, "padding", who, 0), single(dilation, "dilation", who, 1))


__all__ = ["max_pool1d", "max_pool1d_with_indices", "avg_pool1d", "adaptive_avg_pool1d",
           "adaptive_max_pool1d", "adaptive_max_pool1d_with_indices", "window_1d"]
