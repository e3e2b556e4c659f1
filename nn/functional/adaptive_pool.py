"""Adaptive 2-D pooling (PyTorch's): the output size is given, the windows follow from it.

Output cell i of an axis of size `size` pooled to `out` covers [floor(i*size/out),
ceil((i+1)*size/out)): windows of nearly equal length that may overlap by one. Average
pooling is then separable, one axis at a time (AdaptiveMeans): a product with an averaging
matrix, or, where the input holds a NaN or inf (which the matrix's zeros would spread over
the whole row), the sums of each window's own values; its gradient is the transposed
product, differentiable to any order. Max pooling picks each window's maximum and scatters its
gradient back with max pooling's MaxPool2dGrad.
"""
import numpy as np

from autograd.arguments import positive_int
from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import matmul, mean, swapaxes
from autograd.ops.half_precision import in_float32
from autograd.spec import Choice, Spec
from autograd.variable import as_variable

from ._batch import with_batch_axis
from .pooling import MaxPool2dGrad, WinnerIndices


def window_bounds(size, out):
    """(starts, ends) of the `out` adaptive windows over an axis of `size`, as int arrays."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def averaging_matrix(size, out, dtype):
    """(out, size) matrix whose row i averages window i."""
    starts, ends = window_bounds(size, out)
    columns = np.arange(size)
    inside = (columns >= starts[:, None]) & (columns < ends[:, None])
    return (inside / (ends - starts)[:, None]).astype(dtype)


def window_means(x, axis, out):
    """The means of x's `out` adaptive windows along `axis` (a Variable; that axis becomes
    `out` long)."""
    axis %= x.ndim
    if x.shape[axis] == out:
        return x
    if axis >= x.ndim - 2:
        return AdaptiveMeans(out, axis - x.ndim)(x)
    return swapaxes(AdaptiveMeans(out, -2)(swapaxes(x, axis, -2)), axis, -2)


class AdaptiveMeans(Function):
    """y = the means of x's adaptive windows along axis -1 (y = x A^T) or -2 (y = A x), A
    (out, size) the averaging matrix (1/length on window i's row); dx = gy A or A^T gy"""

    input_specs = (Spec(shape=("N", "L"), sides={"N": (1, 3), "L": (1, 7)}),)
    arg_specs = {"out": Choice(1, 2, 3, 5), "axis": Choice(-1, -2)}

    def __init__(self, out, axis=-1):
        self.out, self.axis = out, axis

    def forward(self, x):
        xp = get_array_module(x)
        matrix = xp.asarray(averaging_matrix(x.shape[self.axis], self.out, x.dtype))
        if xp.isfinite(x).all():  # the product: one BLAS call
            return x @ matrix.T if self.axis == -1 else matrix @ x
        # a NaN or inf must stay in its own windows, where the product's zeros would
        # spread it over the whole row: the windows' values gathered and summed
        return xp.moveaxis(self._window_sums(xp.moveaxis(x, self.axis, -1)), -1, self.axis)

    def _window_sums(self, x):
        """The window means over the last axis, from the windows' own values."""
        size, xp = x.shape[-1], get_array_module(x)
        starts, ends = window_bounds(size, self.out)
        taps = starts[:, None] + np.arange((ends - starts).max())  # (out, longest window)
        gathered = x[..., xp.asarray(np.minimum(taps, size - 1))]
        sums = xp.where(xp.asarray(taps < ends[:, None]), gathered, 0).sum(axis=-1)
        return (sums * xp.asarray(1.0 / (ends - starts), dtype=x.dtype)).astype(x.dtype)

    def backward(self, gy):
        xp = get_array_module(gy.data)
        size = self.inputs[0].shape[self.axis]
        matrix = xp.asarray(averaging_matrix(size, self.out, gy.dtype))
        return matmul(gy, matrix) if self.axis == -1 else matmul(matrix.T, gy)


def adaptive_avg_pool2d(x, output_size):
    """Mean over adaptive windows: x (N, C, H, W) -> (N, C, OH, OW); output_size is an int,
    an (OH, OW) pair, or a pair with None for "as the input". An unbatched (C, H, W) gives
    (C, OH, OW)."""
    if getattr(x, "ndim", None) == 3:  # one image, unbatched: PyTorch takes it
        return with_batch_axis(adaptive_avg_pool2d, as_variable(x), output_size)
    x, (oh, ow) = prepare(x, output_size, "adaptive_avg_pool2d")
    if x.dtype == np.float16:  # (in float32, rounded once, as avg_pool2d and PyTorch's CPU)
        return in_float32(adaptive_avg_pool2d, x, output_size)
    h, w = x.shape[2:]
    if (oh, ow) == (1, 1):  # global pooling, the common case: one reduction
        return mean(x, axis=(2, 3), keepdims=True)
    y = window_means(window_means(x, 3, ow), 2, oh)
    return y if y is not x else x * 1  # a new node, as PyTorch returns a new tensor


def adaptive_max_pool2d(x, output_size, return_indices=False):
    """Maximum over adaptive windows: x (N, C, H, W) -> (N, C, OH, OW). The gradient goes to
    each window's first maximum (its last NaN if it holds NaNs), as PyTorch. With
    return_indices, also the winners' flat indices into each (H, W) plane, as PyTorch's (int64,
    as max_pool2d's). An unbatched (C, H, W) gives (C, OH, OW)."""
    if getattr(x, "ndim", None) == 3:  # one image, unbatched
        return with_batch_axis(adaptive_max_pool2d, as_variable(x), output_size, return_indices)
    x, size = prepare(x, output_size, "adaptive_max_pool2d")
    function = AdaptiveMaxPool2d(size)
    y = function(x)
    if not return_indices:
        return y
    plane = x.shape[2] * x.shape[3]
    return y, WinnerIndices(function, lambda pool: pool.positions % plane)(y)


def adaptive_max_pool2d_with_indices(x, output_size, return_indices=False):
    """adaptive_max_pool2d's (maximum, indices) whatever return_indices says (PyTorch's)."""
    return adaptive_max_pool2d(x, output_size, True)


class AdaptiveMaxPool2d(Function):
    """y[n, c, a, b] = max of x[n, c] over adaptive window (a, b);
    x (N, C, H, W) -> y (N, C, OH, OW);  dx = gy at each window's first maximum"""

    input_specs = (Spec(shape=("N", "C", "H", "W"), distinct=True,
                        sides={"N": (1, 2), "C": (1, 2), "H": (2, 5), "W": (2, 5)}),)
    arg_specs = {"output_size": Choice((2, 2), (1, 1), (3, 2), (2, 4))}
    apply = staticmethod(lambda x, output_size: adaptive_max_pool2d(x, output_size))

    def __init__(self, output_size):
        self.output_size = output_size

    def forward(self, x):
        y, self.positions = _adaptive_max(x, self.output_size)
        return y

    def backward(self, gy):
        x = self.inputs[0]
        disjoint = all(size % out == 0 for size, out in zip(x.shape[2:], self.output_size))
        return MaxPool2dGrad(self.positions, x.shape, disjoint)(gy, x)


def _adaptive_max(x, output_size):
    """(maximum, flat index into x of the winner) of each adaptive window, (N, C, OH, OW)."""
    xp = get_array_module(x)
    n, c, h, w = x.shape
    (oh, ow) = output_size
    y = xp.empty((n, c, oh, ow), dtype=x.dtype)
    positions = xp.empty((n, c, oh, ow), dtype=np.int64)
    row_starts, row_ends = window_bounds(h, oh)
    col_starts, col_ends = window_bounds(w, ow)
    planes = (xp.arange(n * c) * (h * w)).reshape(n, c)
    for a, (top, bottom) in enumerate(zip(row_starts, row_ends)):
        for b, (left, right) in enumerate(zip(col_starts, col_ends)):
            width = right - left
            # (the window's size spelled out: -1 cannot be inferred for a batch of 0)
            window = x[:, :, top:bottom, left:right].reshape(n, c, (bottom - top) * width)
            winner = _first_max(window, xp)
            y[:, :, a, b] = xp.take_along_axis(window, winner[..., None], axis=-1)[..., 0]
            positions[:, :, a, b] = planes + (top + winner // width) * w + left + winner % width
    return y, positions


def _first_max(window, xp):
    """Index along the last axis of the first maximum, or of the last NaN (PyTorch's rule)."""
    nan = xp.isnan(window)
    if not nan.any():
        return xp.argmax(window, axis=-1)
    last_nan = window.shape[-1] - 1 - xp.argmax(nan[..., ::-1], axis=-1)
    return xp.where(nan.any(axis=-1), last_nan, xp.argmax(xp.where(nan, -xp.inf, window),
                                                          axis=-1))


def prepare(x, output_size, who, layout="(N, C, H, W)"):
    """x as a floating-point Variable of `layout`, with every axis but N non-empty, and the
    output sizes (see output_pair)."""
    x = as_variable(x)
    if x.ndim != layout.count(",") + 1:
        raise ValueError(f"{who}: expected an input of shape {layout}, got {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"{who}: expected a floating-point input, got dtype {x.dtype}")
    if 0 in x.shape[1:]:  # (no window would hold a value: PyTorch refuses it too)
        sizes = "depth, height and width" if x.ndim == 5 else "height and width"
        raise ValueError(f"{who}: expected an input with non-zero channels, {sizes}, "
                         f"got shape {tuple(x.shape)}")
    return x, output_pair(output_size, x.shape[2:], who)


def output_pair(output_size, input_hw, who):
    """output_size (an int, or a pair of ints or None) as an (OH, OW) pair of ints >= 1;
    None keeps the input's size on that axis. With three input sizes (D, H, W), an
    (OD, OH, OW) triple from an int or a triple."""
    count = len(input_hw)
    items = (tuple(output_size) if isinstance(output_size, (tuple, list))
             else (output_size,) * count)
    if len(items) != count:
        noun = "a pair" if count == 2 else "a triple"
        raise ValueError(f"{who}: output_size must be an int or {noun}, got {output_size!r}")
    return tuple(size if item is None else positive_int(item, "output_size", who)
                 for item, size in zip(items, input_hw))


__all__ = ["adaptive_avg_pool2d", "adaptive_max_pool2d", "adaptive_max_pool2d_with_indices"]
