"""3-D max, average and adaptive pooling over (N, C, D, H, W), composed from the 2-D pools
over (H, W) and a reduction over depth windows (PyTorch's semantics).

Max pooling finds each window's winner in NumPy (the 2-D pool's winner per depth slice,
then the first maximum, or last NaN, over the window's slices: PyTorch's (d, h, w) scan
order) inside one Function (GatherMaxima), whose forward finds and gathers them: a captured
step finds each batch's winners again, and the gradient, a scatter of gy, is differentiable
again (MaxPool2dGrad). Fractional max pooling gathers its maxima through it too.
"""
from functools import partial

import numpy as np

from autograd.arguments import positive_int
from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import get_item, mean, reshape
from autograd.ops.half_precision import in_float32
from autograd.spec import Choice, Spec
from autograd.variable import as_variable

from ._batch import with_batch_axis
from .adaptive_pool import (
    _adaptive_max,
    adaptive_avg_pool2d,
    window_bounds,
    window_means,
)
from .adaptive_pool import (
    prepare as prepare_adaptive,
)
from .conv3d import _depth_padded, _taps
from .im2col import Window, _extra_padding, output_size, triple
from .pooling import (
    MaxPool2dGrad,
    WinnerIndices,
    _plane_indices,
    _scan,
    _window_counts,
    _window_max,
    avg_pool2d,
    plane_starts,
    prepare,
)

_LAYOUT = "(N, C, D, H, W)"


def max_pool3d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Maximum over each window: x (N, C, D, H, W) -> (N, C, OD, OH, OW), or unbatched
    (C, D, H, W) -> (C, OD, OH, OW); arguments as max_pool2d's, ints or triples. With
    return_indices, also each winner's flat index into its (D, H, W) volume (int64, as
    PyTorch's: the first maximum in (d, h, w) order, the last NaN)."""
    if getattr(x, "ndim", None) == 4:
        return with_batch_axis(max_pool3d, as_variable(x), kernel_size, stride, padding,
                               dilation, ceil_mode, return_indices)
    x, window = prepare(x, kernel_size, stride, padding, "max_pool3d", dilation, ceil_mode,
                        _LAYOUT, triple)
    out = output_size(x.shape, window, "max_pool3d")
    return gather_maxima(x, partial(_window_winners, window=window, out=out), return_indices)


def max_pool3d_with_indices(x, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """max_pool3d's (maximum, indices) whatever return_indices says (PyTorch's)."""
    return max_pool3d(x, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool3d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over each window: x (N, C, D, H, W) -> (N, C, OD, OH, OW), or unbatched
    (C, D, H, W); arguments as avg_pool2d's, ints or triples (PyTorch's counting rules).
    The padded input must hold the window, as for avg_pool2d (PyTorch's avg_pool3d also
    wants the unpadded one to: Keras' 'same' pooling over a thin volume needs this)."""
    who = "avg_pool3d"
    if getattr(x, "ndim", None) == 4:
        return with_batch_axis(avg_pool3d, as_variable(x), kernel_size, stride, padding,
                               ceil_mode, count_include_pad, divisor_override)
    if getattr(x, "dtype", None) == np.float16:  # window sums in float32 (PyTorch's CPU):
        # 16 x 16 x 16 values of 30 overflowed float16's 65504
        return in_float32(avg_pool3d, as_variable(x), kernel_size, stride, padding, ceil_mode,
                          count_include_pad, divisor_override)
    x, window = prepare(x, kernel_size, stride, padding, who, 1, ceil_mode, _LAYOUT, triple)
    if divisor_override is not None:  # (checked before any work)
        divisor = positive_int(divisor_override, "divisor_override", who)
    out = output_size(x.shape, window, who)
    n, c, _, h, w = x.shape
    padded = _depth_padded(x, window.padding[0])
    extra = _extra_padding(x.shape, window, out)[0]  # ceil_mode's overhang: zeros too
    if extra:
        from autograd.ops import pad  # (loaded on first use)
        padded = pad(padded, ((0, 0), (0, 0), (0, extra), (0, 0), (0, 0)))
    depth_sums = None
    for k in range(window.kernel[0]):
        tap = get_item(padded, (slice(None), slice(None), _taps(k, window.stride[0], out[0])))
        depth_sums = tap if depth_sums is None else depth_sums + tap
    plane = _plane_window(window)
    total = avg_pool2d(reshape(depth_sums, (n, c * out[0], h, w)), plane.kernel, plane.stride,
                       plane.padding, ceil_mode, True, 1)  # window sums
    total = reshape(total, (n, c) + out)
    if divisor_override is not None:
        return total * (1.0 / divisor)
    counts = _window_counts(x.shape, window, out, count_include_pad)
    if counts.ndim == 0:
        return total * (1.0 / float(counts))
    return total * get_array_module(x.data).asarray(1.0 / counts, dtype=x.dtype)


def adaptive_avg_pool3d(x, output_size):
    """Mean over adaptive windows: x (N, C, D, H, W) -> (N, C, OD, OH, OW); output_size an
    int or a triple (None: as the input). An unbatched (C, D, H, W) gives (C, OD, OH, OW)."""
    if getattr(x, "ndim", None) == 4:
        return with_batch_axis(adaptive_avg_pool3d, as_variable(x), output_size)
    x, (od, oh, ow) = prepare_adaptive(x, output_size, "adaptive_avg_pool3d", _LAYOUT)
    if x.dtype == np.float16:  # (in float32, rounded once, as avg_pool3d)
        return in_float32(adaptive_avg_pool3d, x, output_size)
    n, c, d, h, w = x.shape
    if (od, oh, ow) == (1, 1, 1):  # global pooling: one reduction
        return mean(x, axis=(2, 3, 4), keepdims=True)
    y = reshape(adaptive_avg_pool2d(reshape(x, (n, c * d, h, w)), (oh, ow)),
                (n, c, d, oh * ow))
    return reshape(window_means(y, 2, od), (n, c, od, oh, ow))


def adaptive_max_pool3d(x, output_size, return_indices=False):
    """Maximum over adaptive windows: x (N, C, D, H, W) -> (N, C, OD, OH, OW), or unbatched
    (C, D, H, W); with return_indices, also each winner's flat index into its (D, H, W)
    volume (see max_pool3d)."""
    if getattr(x, "ndim", None) == 4:
        return with_batch_axis(adaptive_max_pool3d, as_variable(x), output_size,
                               return_indices)
    x, out = prepare_adaptive(x, output_size, "adaptive_max_pool3d", _LAYOUT)
    return gather_maxima(x, partial(_adaptive_winners, out=out), return_indices)


def adaptive_max_pool3d_with_indices(x, output_size, return_indices=False):
    """adaptive_max_pool3d's (maximum, indices) whatever return_indices says (PyTorch's)."""
    return adaptive_max_pool3d(x, output_size, True)


class GatherMaxima(Function):
    """y = x.flat[p], p the flat positions of each window's first maximum (or last NaN) that
    `locate` finds in x (N, C, *spatial), an array; dx = gy added at p (p is piecewise
    constant in x). max_pool3d, adaptive_max_pool3d and the fractional max pools differ only
    in `locate` (checked here through max_pool3d)."""

    input_specs = (Spec(shape=("N", "C", "D", "H", "W"), distinct=True,
                        sides={"N": (1, 2), "C": (1, 2), "D": (3, 4), "H": (3, 4),
                               "W": (3, 4)}),)
    # window: (kernel_size, stride, padding, dilation, ceil_mode), as max_pool3d takes them
    arg_specs = {"window": Choice((2, None, 0, 1, False), (2, 1, 0, 1, False),
                                  ((1, 2, 2), 2, (0, 1, 1), 1, False), (2, 1, 0, 2, False),
                                  (2, 2, 0, 1, True))}
    apply = staticmethod(lambda x, window: max_pool3d(x, *window))

    def __init__(self, locate):
        self.locate = locate

    def forward(self, x, *placing):  # placing: what else `locate` reads (given samples)
        self.positions = self.locate(x, *placing)  # (this call's: a replay calls again)
        return x.reshape(-1)[self.positions]

    def backward(self, gy):
        x = self.inputs[0]
        gx = MaxPool2dGrad(self.positions, x.shape, False)(gy, x)
        return (gx,) + (None,) * (len(self.inputs) - 1)


def _window_winners(x, window, out):
    """The flat positions in x (N, C, D, H, W) of each sliding window's winner."""
    depth = out[0]
    values, hw = _plane_maxima(x, _plane_window(window))
    pd = window.padding[0]
    after = pd + _extra_padding(x.shape, window, out)[0]
    xp = get_array_module(values)
    widths = ((0, 0), (0, 0), (pd, after), (0, 0), (0, 0))  # -inf never wins, as padding
    values, hw = xp.pad(values, widths, constant_values=-xp.inf), xp.pad(hw, widths)
    kd, sd, dd = window.kernel[0], window.stride[0], window.dilation[0]
    taps = np.arange(kd)[:, None] * dd + np.arange(depth) * sd  # (KD, OD) padded depths
    first = np.maximum(-((np.arange(depth) * sd - pd) // dd), 0)  # first tap inside x
    return _flat_positions(x.shape, *_depth_winners(values, hw, taps, first, pd))


def _adaptive_winners(x, out):
    """The flat positions in x (N, C, D, H, W) of each adaptive window's winner."""
    od, oh, ow = out
    n, c, d, h, w = x.shape
    values, positions = _adaptive_max(x.reshape(n, c * d, h, w), (oh, ow))
    values = values.reshape(n, c, d, oh, ow)
    hw = (positions % (h * w)).reshape(values.shape)
    starts, ends = window_bounds(d, od)
    # a shorter window repeats its last depth: a repeat never beats itself
    taps = np.minimum(starts + np.arange((ends - starts).max())[:, None], ends - 1)
    return _flat_positions(x.shape, *_depth_winners(values, hw, taps,
                                                    np.zeros(od, dtype=np.int64), 0))


def _flat_positions(shape, depth_index, plane_hw):
    """Flat indices into the whole (N, C, D, H, W) array from each winner's depth and (H, W)
    index."""
    h, w = shape[3:]
    indices = depth_index * (h * w) + plane_hw
    return indices + plane_starts(shape, get_array_module(indices))


def _plane_window(window):
    """The (H, W) part of a 3-D window."""
    return Window(*(v[1:] for v in window[:4]), window.ceil_mode)


def _plane_maxima(x, plane):
    """Each depth slice's 2-D window maxima and their flat (H, W) indices, both
    (N, C, D, OH, OW), of x (N, C, D, H, W), an array."""
    n, c, d, h, w = x.shape
    slices = x.reshape(n, c * d, h, w)
    values, winners = _window_max(slices, plane)
    hw = _plane_indices(winners, slices.shape, plane)
    shape = (n, c, d) + values.shape[2:]
    return values.reshape(shape), hw.reshape(shape)


def _depth_winners(values, hw, taps, first, offset):
    """Flat (D, H, W) index of each 3-D window's winner, (N, C, OD, OH, OW): values and hw
    (N, C, D', OH, OW) are each slice's 2-D maxima and their (H, W) indices, taps (K, OD)
    the slices of each window (depth + offset), first (OD,) the tap to start from; the first
    maximum over the taps wins, or the last NaN."""
    xp = get_array_module(values)
    columns = xp.moveaxis(values[:, :, taps], 2, 0)  # (K, N, C, OD, OH, OW)
    start = xp.asarray(first, dtype=np.intp).reshape(-1, 1, 1)
    best, tap = _scan(columns, start, nan_wins=False)
    if xp.isnan(best).any():  # rare: scan again, letting NaN win its windows
        best, tap = _scan(columns, start, nan_wins=True)
    slices = xp.asarray(taps)[tap, xp.arange(taps.shape[1])[:, None, None]]
    return slices - offset, xp.take_along_axis(hw, slices, axis=2)


def gather_maxima(x, locate, return_indices, *placing, draws_random=False):
    """x (N, C, *spatial) at the maxima `locate(x, *placing)` finds in its array
    (GatherMaxima; `placing`: inputs it reads besides x, so that a captured step gives it
    each call's); with return_indices, also their flat indices into each sample's channel
    (int64, as PyTorch's). draws_random: `locate` draws from NumPy's generator (see
    Function.draws_random)."""
    function = GatherMaxima(locate)
    function.draws_random = draws_random
    y = function(x, *placing)
    if not return_indices:
        return y
    starts = plane_starts(x.shape, get_array_module(x.data))
    return y, WinnerIndices(function, lambda pool: (pool.positions - starts).astype(np.int64))(y)


__all__ = ["max_pool3d", "max_pool3d_with_indices", "avg_pool3d", "adaptive_avg_pool3d",
           "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices", "gather_maxima"]
