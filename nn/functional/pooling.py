"""2-D max and average pooling over sliding windows (PyTorch's semantics).

Max pooling is fused: its forward is one pass per kernel position over contiguous columns
and its backward one scatter (MaxPool2dGrad), whose own backward gathers at the same
positions: first-order backprop costs one call, and higher orders still work.
"""
import math

import numpy as np

from autograd.arguments import positive_int
from autograd.backend import get_array_module, scatter_add
from autograd.function import Function
from autograd.lazy import refuse_book_keywords
from autograd.ops import get_item, reshape, sum
from autograd.ops.elementwise import zero_grad
from autograd.ops.half_precision import in_float32
from autograd.spec import Choice, Spec
from autograd.variable import as_variable

from ._batch import with_batch_axis
from .im2col import im2col, im2col_array, make_window, output_size, pair, spans


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False, **book):
    """Maximum over each window: x (N, C, H, W) -> (N, C, OH, OW); `stride` defaults to
    `kernel_size`; `dilation` spaces the window's taps; ceil_mode rounds OH and OW up (a last
    partial window). Padding is -inf, so it never wins (a zero pad would beat all-negative
    windows). The gradient goes to the first maximal element of each window, as PyTorch's.
    With return_indices, also each winner's flat index into its (H, W) plane (int64, as
    PyTorch's: the first maximum, the last NaN), the indices max_unpool2d takes.
    """
    if book:
        refuse_book_keywords(book, "max_pool2d", {"pad": "padding="})
    if getattr(x, "ndim", None) == 3:  # one image (C, H, W), unbatched: PyTorch takes it
        return with_batch_axis(max_pool2d, as_variable(x), kernel_size, stride, padding,
                               dilation, ceil_mode, return_indices)
    x, window = prepare(x, kernel_size, stride, padding, "max_pool2d", dilation, ceil_mode)
    if not return_indices:
        return MaxPool2d(window)(x)
    function = MaxPool2d(window)
    y = function(x)
    return y, WinnerIndices(function, lambda pool: _indices_of(pool, x.shape, window))(y)


def _indices_of(pool, x_shape, window):
    """The winners' flat indices into each plane of a MaxPool2d that has run (its backward's
    positions set from them on the way)."""
    indices = _plane_indices(pool.winners, x_shape, window)
    pool.positions = indices + plane_starts(x_shape, get_array_module(indices))
    return indices


class WinnerIndices(Function):
    """A max pool's return_indices (int64, PyTorch's): `read(pool)` of the pool Function that
    made its input y, at this call. An op of y, so that a captured step reads each batch's
    (max_unpool takes them); integers, through which no gradient flows. max_pool2d,
    adaptive_max_pool2d and the 3-D and fractional pools differ in `read`."""

    input_specs = (Spec(shape=("N", "C", "H", "W"), distinct=True,
                        sides={"N": (1, 2), "C": (1, 2), "H": (2, 4), "W": (2, 4)}),)
    apply = staticmethod(lambda x: max_pool2d(x, 2, return_indices=True)[1])
    gradcheck_order = 0  # (integers)

    def __init__(self, pool, read):
        self.pool, self.read = pool, read

    def forward(self, y):
        return self.read(self.pool)

    def backward(self, g):  # (never reached: an integer output gets no gradient)
        return None


def max_pool2d_with_indices(x, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """max_pool2d's (maximum, indices) whatever return_indices says (PyTorch's)."""
    return max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None, **book):
    """Mean over each window: x (N, C, H, W) -> (N, C, OH, OW); `stride` defaults to
    `kernel_size`. As PyTorch: zero padding counts in the mean with count_include_pad (but
    ceil_mode's overhang past the padding never does); divisor_override replaces the count."""
    if book:
        refuse_book_keywords(book, "avg_pool2d", {"pad": "padding="})
    if getattr(x, "ndim", None) == 3:  # one image (C, H, W), unbatched: PyTorch takes it
        return with_batch_axis(avg_pool2d, as_variable(x), kernel_size, stride, padding,
                               ceil_mode, count_include_pad, divisor_override)
    x, window = prepare(x, kernel_size, stride, padding, "avg_pool2d", 1, ceil_mode)
    # float16 windows summed in float32 (PyTorch's CPU): 64 x 64 values of 30 overflowed
    return in_float32(_window_means, x, window, count_include_pad, divisor_override)


def _window_means(x, window, count_include_pad, divisor_override):
    n, c, h, w = x.shape
    col = im2col(reshape(x, (n * c, 1, h, w)), window)  # (1, KH, KW, N*C, OH, OW)
    total = sum(col, axis=(0, 1, 2))
    total = reshape(total, (n, c) + total.shape[1:])
    if divisor_override is not None:
        return total * (1.0 / positive_int(divisor_override, "divisor_override", "avg_pool2d"))
    counts = _window_counts(x.shape, window, total.shape[2:], count_include_pad)
    if counts.ndim == 0:  # every window counts kh*kw pixels: a scalar keeps the fast path
        return total * (1.0 / float(counts))
    return total * get_array_module(x.data).asarray(1.0 / counts, dtype=x.dtype)


def _window_counts(shape, window, out, count_include_pad):
    """How many pixels each window's mean divides by (PyTorch's rule): a scalar when all
    windows count the full kernel, else an (OH, OW) array ((OD, OH, OW) for a 3-D window)."""
    per_axis = []
    for size, o, k, s, p in zip(shape[2:], out, window.kernel, window.stride, window.padding):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, size + p)  # ceil_mode's overhang past the padding: out
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, size)
        per_axis.append(end - start)
    counts = per_axis[0]
    for more in per_axis[1:]:  # (OH, OW), or (OD, OH, OW) for a 3-D window
        counts = np.multiply.outer(counts, more)
    full = math.prod(window.kernel)
    return np.array(full) if (counts == full).all() else counts


class MaxPool2d(Function):
    """y[n, c, a, b] = max of x[n, c] (padded with -inf) over window (a, b);
    x (N, C, H, W) -> y (N, C, OH, OW);  dx = gy at each window's first maximum"""

    input_specs = (Spec(shape=("N", "C", "H", "W"), distinct=True,
                        sides={"N": (1, 2), "C": (1, 2), "H": (3, 4), "W": (3, 4)}),)
    # window: (kernel_size, stride, padding, dilation, ceil_mode)
    arg_specs = {"window": Choice((2, None, 0, 1, False), (2, 1, 0, 1, False),
                                  (2, 2, 1, 1, False), (1, 1, 0, 1, False), (2, 1, 0, 2, False),
                                  (2, 2, 0, 1, True))}
    apply = staticmethod(lambda x, window: max_pool2d(x, *window))

    def __init__(self, window):
        self.window = window
        self.positions = None

    def forward(self, x):
        y, self.winners = _window_max(x, self.window)
        self.positions = None  # backward's cache belongs to this call (a replay calls again)
        return y

    def backward(self, gy):
        x_shape = self.inputs[0].shape
        if self.positions is None:  # only once a gradient is wanted; kept for a second call
            self.positions = _flat_positions(self.winners, x_shape, self.window)
        disjoint = _disjoint(self.window, self.positions.shape[2:])
        return MaxPool2dGrad(self.positions, x_shape, disjoint)(gy, self.inputs[0])


class MaxPool2dGrad(Function):
    """gx = zeros(x's shape) with gy[n, c, a, b] added at flat index positions[n, c, a, b]
    (window (a, b)'s maximum); linear in gy, so d/dgy is the gather ggx.flat[positions].
    x is an input too, with d/dx = 0 (the positions are piecewise constant in x), so that a
    second derivative w.r.t. x is 0, as PyTorch's, and not 'does not require grad'.
    `distinct`: the positions never repeat (windows that cannot overlap), where an assignment
    is exact and faster than an accumulation."""

    checked_through = "MaxPool2d"

    def __init__(self, positions, x_shape, distinct):
        self.positions, self.x_shape, self.distinct = positions, tuple(x_shape), distinct

    def forward(self, gy, x):
        return scatter_flat(gy, self.positions, self.x_shape, accumulate=not self.distinct)

    def backward(self, ggx):
        need_gy, need_x = self.needs_input_grad
        d_gy = gather_flat(ggx, self.positions) if need_gy else None
        return d_gy, (zero_grad(self.inputs[1]) if need_x else None)


def scatter_flat(values, positions, shape, accumulate):
    """An array of `shape`, zero but at the flat `positions` (an int array of values' shape),
    where `values` are added (accumulate) or written (the last of repeated positions wins)."""
    out = get_array_module(values).zeros(math.prod(shape), dtype=values.dtype)
    if accumulate:
        # 1-D: NumPy's add.at is several times faster on flat indices
        scatter_add(out, positions.ravel(), values.ravel())
    else:
        out[positions] = values
    return out.reshape(shape)


def gather_flat(x, positions):
    """Differentiable x.flat[positions], of positions' shape (scatter_flat's adjoint)."""
    return get_item(reshape(x, (-1,)), positions)


def _disjoint(window, out_shape):
    """Whether no two windows can share a pixel."""
    return all(s >= span or o == 1 for span, s, o in zip(spans(window), window.stride,
                                                         out_shape))


def _window_max(x, window):
    """(maximum, winner) of each window of x (N, C, H, W), both (N, C, OH, OW): the winner is
    the row-major kernel position of the first maximum (of the last NaN, as PyTorch, when the
    window holds NaNs; of the first pixel inside the image when every value is -inf)."""
    xp = get_array_module(x)
    n, c, h, w = x.shape
    col = im2col_array(x.reshape(n * c, 1, h, w), window, pad_value=-xp.inf)
    (kh, kw), (oh, ow) = window.kernel, col.shape[4:]
    col = col.reshape(kh * kw, n, c, oh, ow)
    first = _first_inside(window, (oh, ow), xp)
    if xp is not np:  # (on the GPU a test for NaN would wait for it: let NaN win always)
        return _scan(col, first, nan_wins=True)
    y, winners = _scan(col, first, nan_wins=False)
    if xp.isnan(y).any():  # rare: scan again, letting NaN win its windows
        y, winners = _scan(col, first, nan_wins=True)
    return y, winners


def _scan(col, first, nan_wins):
    """Running maximum over col (K, ...) along K and the last position that raised it
    (`first` where none did): strict `>` keeps the first of equal maxima."""
    xp = get_array_module(col)
    best = col[0].copy()
    winners = xp.empty(best.shape, dtype=first.dtype)
    winners[...] = first
    raised = xp.empty(best.shape, dtype=bool)
    step = xp.empty_like(winners)
    for k in range(1, len(col)):
        xp.greater(col[k], best, out=raised)
        if nan_wins:
            raised |= xp.isnan(col[k])
        xp.maximum(best, col[k], out=best)
        # Raising positions only grow, so the winner is their maximum: a multiply and a
        # maximum are several times faster than a masked write.
        xp.multiply(raised.view(xp.uint8), step.dtype.type(k), out=step)
        xp.maximum(winners, step, out=winners)
    return best, winners


def _first_inside(window, out_shape, xp):
    """(OH, OW) row-major kernel position of each window's first tap inside the image (0
    unless the window overlaps the top or left padding); every earlier tap is padding."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = window[:4]
    oh, ow = out_shape
    rows = xp.maximum(-((xp.arange(oh) * sh - ph) // dh), 0)  # ceil((ph - a*sh) / dh)
    cols = xp.maximum(-((xp.arange(ow) * sw - pw) // dw), 0)
    return (rows[:, None] * kw + cols).astype(np.min_scalar_type(kh * kw - 1))


def _flat_positions(winners, x_shape, window):
    """Flat indices into x (N, C, H, W) of each window's winning kernel position:
    (N, C, OH, OW) ints."""
    positions = _plane_indices(winners, x_shape, window)
    positions += plane_starts(x_shape, get_array_module(winners))
    return positions


def _plane_indices(winners, x_shape, window):
    """Flat indices into each (H, W) plane of each window's winning kernel position:
    (N, C, OH, OW) int64 (PyTorch's indices)."""
    xp = get_array_module(winners)
    w = x_shape[3]
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = window[:4]
    oh, ow = winners.shape[2:]
    k = xp.arange(kh * kw, dtype=np.int64)
    positions = xp.take((k // kw) * dh * w + (k % kw) * dw, winners)  # offsets in the window
    positions += ((xp.arange(oh) * sh - ph) * w)[:, None] + (xp.arange(ow) * sw - pw)
    return positions


def plane_starts(shape, xp):
    """(N, C, 1, 1) flat index of each (H, W) plane's first element in an (N, C, H, W)
    array ((N, C, 1, 1, 1) of each (D, H, W) volume in an (N, C, D, H, W) one): plane
    indices plus these index the flattened array."""
    n, c = shape[:2]
    starts = xp.arange(n * c, dtype=np.int64).reshape((n, c) + (1,) * (len(shape) - 2))
    return starts * math.prod(shape[2:])


def prepare(x, kernel_size, stride, padding, who, dilation, ceil_mode, layout="(N, C, H, W)",
            sizes=pair):
    """x as a floating-point Variable of `layout` and its checked Window (`sizes` reads the
    window's arguments: pair for the 2-D pools, triple for the 3-D ones)."""
    x = as_variable(x)
    if x.ndim != layout.count(",") + 1:
        raise ValueError(f"{who}: expected an input of shape {layout}, got {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"{who}: expected a floating-point input, got dtype {x.dtype}")
    window = make_window(kernel_size, stride, padding, who, dilation, ceil_mode, sizes)
    for k, p in zip(window.kernel, window.padding):
        if 2 * p > k:  # PyTorch's rule; it also keeps every window on at least one pixel
            raise ValueError(f"{who}: padding {window.padding} must be at most half of the "
                             f"kernel size {window.kernel}")
    out = output_size(x.shape, window, who)
    if any(d != 1 for d in window.dilation):
        check_taps_reach_the_input(x.shape, window, out, who)
    return x, window


def pool_input(x, dims, layout, who):
    """x as a floating-point Variable of `layout` ((N, C) and `dims` axes) or without its batch
    axis, else the error in the op's own terms (the pools it runs on would name themselves)."""
    x = as_variable(x, who=who)
    if x.ndim not in (dims + 1, dims + 2):
        raise ValueError(f"{who}: expected an input {layout} or without its batch axis, got "
                         f"shape {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"{who}: expected a floating-point input, got dtype {x.dtype}")
    return x


def check_taps_reach_the_input(shape, window, out, who):
    """With dilation, a window's taps can all fall in the padding, between or past the input's
    pixels: such a window has no maximum (PyTorch returns -inf there and indexes past the
    input), so it is refused."""
    axes = "DHW"[-len(out):] if len(out) > 1 else "L"
    for axis, size, o, k, s, p, d in zip(axes, shape[2:], out, *window[:4]):
        taps = np.arange(o)[:, None] * s - p + np.arange(k) * d  # (windows, taps) along axis
        inside = ((taps >= 0) & (taps < size)).any(axis=1)
        if not inside.all():
            raise ValueError(
                f"{who}: window {int(np.argmin(inside))} along {axis} covers only padding: "
                f"kernel size {window.kernel}, dilation {window.dilation}, padding "
                f"{window.padding}, input shape {tuple(shape)}")


__all__ = ["max_pool2d", "max_pool2d_with_indices", "avg_pool2d", "plane_starts",
           "scatter_flat", "gather_flat", "pool_input", "prepare", "check_taps_reach_the_input"]
