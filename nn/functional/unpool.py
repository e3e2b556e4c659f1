"""Max unpooling (PyTorch's): max pooling's partial inverse. Each value goes back to the
position max pooling took it from (its index into the output plane), zeros elsewhere; its
gradient is the gather at those positions.
"""
import math

import numpy as np

from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import reshape
from autograd.spec import Choice, Spec
from autograd.variable import Variable, wrap

from .conv1d import with_height, without_height
from .im2col import make_window, pair, triple
from .pooling import gather_flat, max_pool2d, plane_starts, pool_input, scatter_flat
from .pooling1d import window_1d


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None):
    """input (N, C, H, W) and its indices (same shape, flat into each output plane, as
    max_pool2d(..., return_indices=True) gives them) -> (N, C, OH, OW) with
    OH = (H - 1) * stride - 2 * padding + kernel_size unless output_size ((OH, OW) or
    (N, C, OH, OW)) says otherwise, less than a stride away. Unbatched (C, H, W) too."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2,
                       "(N, C, H, W)", "max_unpool2d")


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None):
    """input (N, C, D, H, W) and its indices (same shape, flat into each (OD, OH, OW) output
    volume, as max_pool3d(..., return_indices=True) gives them) -> (N, C, OD, OH, OW), each
    size as max_unpool2d's; output_size (OD, OH, OW) or (N, C, OD, OH, OW). Unbatched
    (C, D, H, W) too."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3,
                       "(N, C, D, H, W)", "max_unpool3d")


def _max_unpool(x, indices, kernel_size, stride, padding, output_size, dims, layout, who):
    """max_unpool2d (dims 2) and max_unpool3d (dims 3)."""
    x, indices, unbatched = _inputs(x, indices, dims, layout, who)
    window = make_window(kernel_size, stride, padding, who, sizes=pair if dims == 2 else triple)
    out = _output_size(x.shape[2:], window.kernel, window.stride, window.padding, output_size,
                       who)
    return _unbatched(MaxUnpool(x.shape[:2] + out, who)(x, indices), unbatched)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None):
    """input (N, C, L) and its indices (same shape, as max_pool1d(..., return_indices=True)
    gives them) -> (N, C, OL), OL = (L - 1) * stride - 2 * padding + kernel_size unless
    output_size ((OL,) or (N, C, OL)) says otherwise (see max_unpool2d). Unbatched (C, L)."""
    who = "max_unpool1d"
    x, indices, unbatched = _inputs(input, indices, 1, "(N, C, L)", who)
    kernel, stride, padding, _ = window_1d(kernel_size, stride, padding, 1, who)
    out = _output_size(x.shape[2:], (kernel,), (stride,), (padding,), output_size, who)
    y = MaxUnpool(x.shape[:2] + (1,) + out, who, out)(with_height(x), with_height(indices))
    return _unbatched(without_height(y), unbatched)


def _inputs(x, indices, dims, layout, who):
    """(x, indices, unbatched): both checked, Variables (indices: max pooling's output, or
    an array given), with a batch axis put in front if unbatched."""
    x = pool_input(x, dims, layout, who)
    if not isinstance(indices, Variable):
        indices = wrap(get_array_module(x.data).asarray(indices), False)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{who}: indices must be integers (max pooling's return_indices), got "
                        f"dtype {indices.dtype}")
    if indices.shape != x.shape:
        raise ValueError(f"{who}: indices of shape {indices.shape} do not match the input's "
                         f"shape {tuple(x.shape)}")
    unbatched = x.ndim == dims + 1
    if unbatched:
        x, indices = reshape(x, (1,) + x.shape), reshape(indices, (1,) + indices.shape)
    return x, indices, unbatched


def _unbatched(y, unbatched):
    return reshape(y, y.shape[1:]) if unbatched else y


def _output_size(sizes, kernel, stride, padding, output_size, who):
    """PyTorch's output sizes: (size - 1) * stride - 2 * padding + kernel on each axis, or
    output_size's (its last len(sizes) items) where each is less than a stride from that."""
    default = tuple((size - 1) * s - 2 * p + k
                    for size, k, s, p in zip(sizes, kernel, stride, padding))
    if output_size is None:
        out = default
    else:
        out = tuple(output_size)
        if len(out) == len(sizes) + 2:  # (N, C, ...) given: the batch and channels are x's
            out = out[2:]
        if len(out) != len(sizes):
            raise ValueError(f"{who}: output_size must have {len(sizes)} or {len(sizes) + 2} "
                             f"items, got {output_size!r}")
        for axis, (size, d, s) in enumerate(zip(out, default, stride)):
            if not d - s < size < d + s:
                raise ValueError(f"{who}: output_size {output_size!r} is invalid: item "
                                 f"{axis} must be between {d - s} and {d + s} (exclusive)")
    if min(out) < 1:
        raise ValueError(f"{who}: the output size {out} is empty (input size {tuple(sizes)}, "
                         f"kernel {tuple(kernel)}, stride {tuple(stride)}, padding "
                         f"{tuple(padding)})")
    return out


def _check_range(indices, out, who):
    plane = math.prod(out)
    outside = (indices < 0) | (indices >= plane)
    if outside.any():
        raise ValueError(f"{who}: index {int(indices[outside][0])} is outside the output "
                         f"plane of size {out} (indices must be in [0, {plane}))")


class MaxUnpool(Function):
    """y = zeros of `y_shape` (N, C, *out) with x (N, C, *spatial) at `indices` (x's shape,
    flat into each output plane or volume), the last value where they repeat, as PyTorch;
    dx = gy read at those positions (a gather, as PyTorch's: every repeat gets its
    position's gradient). The indices are an input, checked and placed at each call (a
    captured step takes each batch's pooling indices)."""

    # (input, window); non-overlapping windows, so no position repeats and the numerical
    # derivative agrees with the gather
    input_specs = (Spec(shape=("N", "C", "H", "W"), distinct=True,
                        sides={"N": (1, 2), "C": (1, 2), "H": (2, 5), "W": (2, 5)}),)
    arg_specs = {"window": Choice((2, None, 0), (2, 2, 1), ((1, 2), (1, 3), 0), (1, 1, 0))}
    apply = staticmethod(lambda x, window: max_unpool2d(
        *max_pool2d(x, *window, return_indices=True), *window, output_size=x.shape))

    def __init__(self, y_shape, who="max_unpool2d", out=None):
        """out: the output size the errors name (max_unpool1d's, without the height)."""
        self.y_shape, self.who = tuple(y_shape), who
        self.out = self.y_shape[2:] if out is None else tuple(out)

    @property
    def name(self):  # (what its errors lead with)
        return self.who

    def forward(self, x, indices):
        _check_range(indices, self.out, self.who)
        xp = get_array_module(indices)
        self.positions = indices.astype(np.int64) + plane_starts(self.y_shape, xp)
        return scatter_flat(x, self.positions, self.y_shape, accumulate=False)

    def backward(self, gy):
        return gather_flat(gy, self.positions), None


__all__ = ["max_unpool1d", "max_unpool2d", "max_unpool3d"]
