"""2-D max and average pooling over sliding windows (PyTorch's semantics).

Max pooling is fused: its forward is one pass per kernel position over contiguous columns
and its backward one scatter (MaxPool2dGrad), whose own backward gathers at the same
positions: first-order backprop costs one call, and higher orders still work.
"""
import math

import numpy as np

from autograd.backend import get_array_module, scatter_add
from autograd.function import Function
from autograd.ops import get_item, reshape, sum
from autograd.ops.elementwise import zero_grad
from autograd.spec import Choice, Spec
from autograd.variable import as_variable

from .im2col import im2col, im2col_array, make_window, output_size


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Maximum over each window: x (N, C, H, W) -> (N, C, OH, OW); `stride` defaults to
    `kernel_size`. Padding is -inf, so it never wins (a zero pad would beat all-negative
    windows). The gradient goes to the first maximal element of each window, as PyTorch's.
    """
    x, window = _prepare(x, kernel_size, stride, padding, "max_pool2d")
    return MaxPool2d(window)(x)


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Mean over each window: x (N, C, H, W) -> (N, C, OH, OW); `stride` defaults to
    `kernel_size`; zero padding counts in the mean (PyTorch's count_include_pad=True)."""
    x, window = _prepare(x, kernel_size, stride, padding, "avg_pool2d")
    n, c, h, w = x.shape
    col = im2col(reshape(x, (n * c, 1, h, w)), window)  # (1, KH, KW, N*C, OH, OW)
    kh, kw = window.kernel
    pooled = sum(col, axis=(0, 1, 2)) * (1.0 / (kh * kw))
    return reshape(pooled, (n, c) + pooled.shape[1:])


class MaxPool2d(Function):
    """y[n, c, a, b] = max of x[n, c] (padded with -inf) over window (a, b);
    x (N, C, H, W) -> y (N, C, OH, OW);  dx = gy at each window's first maximum"""

    input_specs = (Spec(shape=("N", "C", "H", "W"), distinct=True,
                        sides={"N": (1, 2), "C": (1, 2), "H": (2, 4), "W": (2, 4)}),)
    # window: (kernel_size, stride, padding)
    arg_specs = {"window": Choice((2, None, 0), (2, 1, 0), (2, 2, 1), (1, 1, 0))}
    apply = staticmethod(lambda x, window: max_pool2d(x, *window))

    def __init__(self, window):
        self.window = window
        self.positions = None

    def forward(self, x):
        y, self.winners = _window_max(x, self.window)
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
        xp = get_array_module(gy)
        gx = xp.zeros(math.prod(self.x_shape), dtype=gy.dtype)
        if self.distinct:
            gx[self.positions] = gy
        else:
            # 1-D: NumPy's add.at is several times faster on flat indices
            scatter_add(gx, self.positions.ravel(), gy.ravel())
        return gx.reshape(self.x_shape)

    def backward(self, ggx):
        need_gy, need_x = self.needs_input_grad
        d_gy = get_item(reshape(ggx, (-1,)), self.positions) if need_gy else None
        return d_gy, (zero_grad(self.inputs[1]) if need_x else None)


def _disjoint(window, out_shape):
    """Whether no two windows can share a pixel."""
    return all(s >= k or o == 1 for k, s, o in zip(window.kernel, window.stride, out_shape))


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
    """(OH, OW) row-major kernel position of each window's first pixel inside the image (0
    unless the window overlaps the top or left padding); every earlier position is padding."""
    (kh, kw), (sh, sw), (ph, pw) = window
    oh, ow = out_shape
    rows = xp.maximum(ph - xp.arange(oh) * sh, 0)
    cols = xp.maximum(pw - xp.arange(ow) * sw, 0)
    return (rows[:, None] * kw + cols).astype(np.min_scalar_type(kh * kw - 1))


def _flat_positions(winners, x_shape, window):
    """Flat indices into x (N, C, H, W) of each window's winning kernel position:
    (N, C, OH, OW) ints."""
    xp = get_array_module(winners)
    n, c, h, w = x_shape
    (kh, kw), (sh, sw), (ph, pw) = window
    oh, ow = winners.shape[2:]
    k = xp.arange(kh * kw)
    positions = xp.take((k // kw) * w + k % kw, winners)  # offsets in the window
    positions += ((xp.arange(oh) * sh - ph) * w)[:, None] + (xp.arange(ow) * sw - pw)
    positions += xp.arange(n * c).reshape(n, c, 1, 1) * (h * w)
    return positions


def _prepare(x, kernel_size, stride, padding, who):
    x = as_variable(x)
    if x.ndim != 4:
        raise ValueError(f"{who}: expected an input of shape (N, C, H, W), got {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"{who}: expected a floating-point input, got dtype {x.dtype}")
    window = make_window(kernel_size, stride, padding, who)
    for k, p in zip(window.kernel, window.padding):
        if 2 * p > k:  # PyTorch's rule; it also keeps every window on at least one pixel
            raise ValueError(f"{who}: padding {window.padding} must be at most half of the "
                             f"kernel size {window.kernel}")
    output_size(x.shape, window, who)
    return x, window


__all__ = ["max_pool2d", "avg_pool2d"]
