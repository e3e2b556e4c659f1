"""F.grid_sample (PyTorch's) on 4-D input (images) and 5-D input (volumes), modes 'bilinear'
(trilinear on volumes), 'nearest' and (images only) 'bicubic', padding modes 'zeros', 'border'
and 'reflection': the spatial transformer's sampler.

Source positions follow ATen's GridSampler.h: a grid value g in [-1, 1] unnormalises to
(g + 1)(size - 1)/2 with align_corners, (g + 1) size/2 - 1/2 without; 'border' clips it to
[0, size - 1], 'reflection' reflects it about the edges (the corner pixels' centres with
align_corners, their outer sides without) and then clips. Each step is piecewise linear, so
SourcePosition computes the position exactly (in the input's precision, as ATen's) and its
gradient is the slope there (ATen's: 0 at and beyond a clipped edge). Linear sampling is then
four gathers (eight on volumes) weighted by differentiable weights, so gradients with respect
to the input and the grid, and theirs, come from those ops. Bicubic sampling, as ATen's,
takes the unnormalised position as it is, reads the 4 x 4 pixels around it, each tap moved
into the image by the padding mode (or reading 0), and weights them with the cubic
convolution kernel of interpolate's 'bicubic': the grid's gradient flows through the
weights alone. Every array computed from the grid's values (the positions, their cells, the
taps' indices) is an op's result, so a captured step (autograd.capture) samples each
batch's grid."""
import itertools
import math

import numpy as np

from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import get_item, reshape, transpose
from autograd.ops.validation import float_input
from autograd.spec import Choice, Spec
from autograd.variable import wrap

from .embedding import EmbeddingLookup
from .interpolate import cubic_weights

_MODES = ("bilinear", "nearest", "bicubic")
_PADDING_MODES = ("zeros", "border", "reflection")


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros",  # noqa: A002 (PyTorch's)
                align_corners=None):
    """input (N, C, H_in, W_in) sampled at grid (N, H_out, W_out, 2), whose last axis holds
    (x, y) in [-1, 1] (-1 the left / top edge): output (N, C, H_out, W_out); a volume
    (N, C, D_in, H_in, W_in) at grid (N, D_out, H_out, W_out, 3) of (x, y, z), trilinearly
    ('bilinear', PyTorch's name) or at the nearest voxel: (N, C, D_out, H_out, W_out).
    'bicubic' (images): the 4 x 4 neighbours weighted by the cubic convolution kernel (values
    may overshoot the input's range, as PyTorch's). Points outside read 0 ('zeros'), the
    nearest edge value ('border') or a mirrored one ('reflection'). The grid must be finite
    (an infinite or NaN point reads NaN, where PyTorch clips)."""
    x, g = _checked(input, grid, mode, padding_mode)
    align_corners = bool(align_corners)
    sizes = x.shape[2:]  # the grid's last axis runs the other way: x along the last axis
    # (bicubic pads each tap, not the position: ATen's)
    position_padding = "zeros" if mode == "bicubic" else padding_mode
    positions = [SourcePosition(size, position_padding, align_corners)(
        get_item(g, (Ellipsis, len(sizes) - 1 - axis))) for axis, size in enumerate(sizes)]
    last = x.ndim - 1  # (N, *spatial, C): one gather reads every channel
    image = transpose(x, (0,) + tuple(range(2, x.ndim)) + (1,))
    if mode == "nearest":  # (the grid's gradient: zeros, as PyTorch's, not none)
        cells = [GridCell("nearest", zero_slope=True)(p) for p in positions]
        out = _read(image, cells, None, zero_slope=True)
    elif mode == "bicubic":
        out = _bicubic(image, positions, padding_mode, align_corners)
    else:
        out = _linear(image, positions)
    return transpose(out, (0, last) + tuple(range(1, last)))


def _checked(input, grid, mode, padding_mode):  # noqa: A002
    """input and grid as Variables, or PyTorch's error (clearer) for what is wrong."""
    who = "grid_sample"
    if mode not in _MODES:
        raise ValueError(f"{who}: mode must be 'bilinear', 'nearest' or 'bicubic', got "
                         f"{mode!r}")
    if padding_mode not in _PADDING_MODES:
        raise ValueError(f"{who}: padding_mode must be 'zeros', 'border' or 'reflection', "
                         f"got {padding_mode!r}")
    x, g = float_input(input, who), float_input(grid, who)
    if x.ndim not in (4, 5):
        raise ValueError(f"{who}: expected a 4-D input (N, C, H, W) or a 5-D one "
                         f"(N, C, D, H, W), got shape {x.shape}")
    dims = x.ndim - 2
    if mode == "bicubic" and dims != 2:
        raise ValueError(f"{who}: bicubic interpolation only supports 4-D input (N, C, H, W), "
                         f"got shape {x.shape}")
    if g.ndim != x.ndim or g.shape[-1] != dims:
        layout = "(N, H_out, W_out, 2)" if dims == 2 else "(N, D_out, H_out, W_out, 3)"
        raise ValueError(f"{who}: grid must have shape {layout} for a {x.ndim}-D input, got "
                         f"{g.shape}")
    if g.shape[0] != x.shape[0]:
        raise ValueError(f"{who}: grid and input must have the same batch size, got grid "
                         f"{g.shape} and input {x.shape}")
    if x.dtype != g.dtype:
        raise TypeError(f"{who}: input and grid must have the same dtype, got {x.dtype} and "
                        f"{g.dtype}")
    if 0 in x.shape[2:]:
        raise ValueError(f"{who}: input of shape {x.shape} has an empty spatial axis")
    return x, g


class SourcePosition(Function):
    """p = the pixel position of grid coordinate g along an axis of `size` pixels (ATen's
    grid_sampler_compute_source_index: unnormalised, then reflected and clipped by the
    padding mode), piecewise linear in g;  dp/dg = its slope there (0 at and beyond a
    clipped edge, flipped by each reflection)"""

    # g stretched and shifted, so that no drawn value sits on a kink (an edge, exactly)
    input_specs = (Spec(elements=(-1.5, 1.5)),)
    arg_specs = {"size": Choice(1, 3, 4), "padding_mode": Choice(*_PADDING_MODES),
                 "align_corners": Choice(False, True)}
    apply = staticmethod(lambda g, **args: SourcePosition(**args)(g * 1.1 + 0.0123))

    def __init__(self, size, padding_mode, align_corners):
        self.size, self.padding_mode, self.align_corners = size, padding_mode, align_corners

    def forward(self, g):
        return self._position_and_slope(g)[0]

    def backward(self, gy):  # (arrays or Variables: the slope is a constant of g's piece)
        return gy * self._position_and_slope(self.inputs[0].data)[1]

    backward_data = backward

    def _position_and_slope(self, g):
        dtype = g.dtype.type
        size = self.size
        if self.align_corners:  # ATen's CPU kernel: (g + 1) * scale (- 0.5)
            position, slope = (g + dtype(1)) * dtype((size - 1) / 2), dtype((size - 1) / 2)
        else:
            position, slope = (g + dtype(1)) * dtype(size / 2) - dtype(0.5), dtype(size / 2)
        slope = get_array_module(g).full(g.shape, slope)
        if self.padding_mode == "reflection":
            position, slope = _reflected(position, slope, size, self.align_corners)
        if self.padding_mode != "zeros":
            position, slope = _clipped(position, slope, size)
        return position, slope


class GridCell(Function):
    """i = floor(p) (or the nearest integer, halves to even, with rounding='nearest'), as
    floats: the pixel a position falls in, an op so that a captured step finds each batch's;
    di/dp = 0 (piecewise constant): none passed back, or zeros with zero_slope (where it is
    the grid's only path, so that the grid's gradient is zeros, as PyTorch's)"""

    input_specs = (Spec(),)
    arg_specs = {"rounding": Choice("floor", "nearest")}
    gradcheck_order = 0  # (no derivative: 0 almost everywhere)

    def __init__(self, rounding="floor", zero_slope=False):
        self.rounding, self.zero_slope = rounding, zero_slope

    def forward(self, p):
        return np.floor(p) if self.rounding == "floor" else np.rint(p)

    def backward(self, gy):
        return _zeros_for(self.inputs)[0] if self.zero_slope else None


class Taps(Function):
    """(flat index, inside) of the pixels at integer-valued float indices (one per spatial
    axis, each (N, *out)) in an image (N, *sizes, C) seen as rows (N * prod(sizes), C): each
    index first moved into the image by the padding mode (bicubic's taps; 'zeros' leaves it),
    `inside` 1 where every index falls inside (else the row read is 0's, then masked). An
    op, so that a captured step reads each batch's taps; no gradient (integers)."""

    input_specs = (Spec(shape=("N", "H"), elements=(-3, 6)), Spec(shape=("N", "H"),
                                                                  elements=(-3, 6)))
    arg_specs = {"padding_mode": Choice(*_PADDING_MODES), "align_corners": Choice(False, True)}
    apply = staticmethod(lambda i, j, **args: Taps((4, 3), **args)(np.floor(i.data),
                                                                     np.floor(j.data)))
    gradcheck_order = 0  # (integers)

    def __init__(self, sizes, padding_mode="zeros", align_corners=False, zero_slope=False):
        self.sizes, self.padding_mode = tuple(sizes), padding_mode
        self.align_corners, self.zero_slope = align_corners, zero_slope

    def forward(self, *indices):
        xp = get_array_module(indices[0])
        indices = [self._padded(index, size) for index, size in zip(indices, self.sizes)]
        inside = xp.ones(indices[0].shape, bool)
        for index, size in zip(indices, self.sizes):
            inside &= (index >= 0) & (index < size)
        batch = indices[0].shape[0]
        flat = xp.arange(batch).reshape((-1,) + (1,) * (indices[0].ndim - 1)) * math.prod(
            self.sizes)
        for axis, index in enumerate(indices):
            flat = flat + xp.where(inside, index, 0).astype(np.int64) * math.prod(
                self.sizes[axis + 1:])
        return flat, inside.astype(indices[0].dtype)

    def _padded(self, index, size):
        """A tap's index moved into [0, size - 1] as ATen's compute_coordinates."""
        if self.padding_mode == "zeros":
            return index
        slope = np.zeros_like(index)
        if self.padding_mode == "reflection":
            index, slope = _reflected(index, slope, size, self.align_corners)
        return _clipped(index, slope, size)[0]

    def backward(self, g_flat, g_inside):
        return _zeros_for(self.inputs) if self.zero_slope else (None,) * len(self.inputs)


def _zeros_for(inputs):
    """A zero gradient for each input (Variables without a graph)."""
    return tuple(wrap(get_array_module(x.data).zeros_like(x.data), False) for x in inputs)


def _clipped(position, slope, size):
    """position clipped to [0, size - 1], slope 0 at and beyond the bounds (ATen's)."""
    high = position.dtype.type(size - 1)
    inside = (position > 0) & (position < high)
    return np.clip(position, 0, high), np.where(inside, slope, 0).astype(slope.dtype)


def _reflected(position, slope, size, align_corners):
    """ATen's reflect_coordinates: mirrored into [low, high] (0 and size - 1 with
    align_corners, -1/2 and size - 1/2 without); the slope flips with each mirroring."""
    dtype = position.dtype.type
    if align_corners and size == 1:
        return np.zeros_like(position), np.zeros_like(slope)
    low, span = (dtype(0), dtype(size - 1)) if align_corners else (dtype(-0.5), dtype(size))
    shifted = position - low
    distance = np.abs(shifted)
    extra = np.fmod(distance, span)
    odd = np.floor(distance / span) % 2 == 1
    sign = np.where(shifted < 0, -1, 1) * np.where(odd, -1, 1)
    return np.where(odd, span - extra, extra) + low, (slope * sign).astype(slope.dtype)


def _linear(image, positions):
    """Sum over the 2^dims neighbouring pixels (voxels) of image (N, *spatial, C) times their
    (bi/tri)linear weights, which are differentiable in the positions (Variables, one per
    spatial axis), in ATen's order of the corners (the last axis' fastest)."""
    floors = [GridCell()(p) for p in positions]
    fractions = [p - f for p, f in zip(positions, floors)]  # in [0, 1): the upper neighbour's
    out = None
    for upper in itertools.product((0, 1), repeat=len(positions)):
        corner = [f + u if u else f for f, u in zip(floors, upper)]
        weight = None
        for u, fraction in zip(upper, fractions):
            factor = fraction if u else 1 - fraction
            weight = factor if weight is None else weight * factor
        term = _read(image, corner, weight)
        out = term if out is None else out + term
    return out


def _bicubic(image, positions, padding_mode, align_corners):
    """Sum over the 4 x 4 pixels around (rows, columns) (Variables: the unnormalised
    positions) of image (N, H, W, C), each tap padded (Taps), times its cubic weights
    along x, then along y (ATen's order)."""
    rows, columns = positions
    top, left = GridCell()(rows), GridCell()(columns)
    row_weights, column_weights = cubic_weights(rows - top), cubic_weights(columns - left)
    column_taps = [left + (j - 1) for j in range(4)]
    out = None
    for i, row_weight in enumerate(row_weights):
        row = top + (i - 1)
        line = None
        for column, column_weight in zip(column_taps, column_weights):
            term = _read(image, [row, column], column_weight, padding_mode, align_corners)
            line = term if line is None else line + term
        term = line * get_item(row_weight, (Ellipsis, None))
        out = term if out is None else out + term
    return out


def _read(image, indices, weight, padding_mode="zeros", align_corners=False,
          zero_slope=False):
    """image[n, *indices] (N, *out, C), times weight (N, *out) where given, and 0 where the
    indices (integer-valued Variables, one per spatial axis, moved by the padding mode
    first) fall outside the image: the rows looked up by the taps' flat indices (zeros
    passed back to the indices with zero_slope, see GridCell)."""
    flat, inside = Taps(image.shape[1:-1], padding_mode, align_corners, zero_slope)(*indices)
    rows = reshape(image, (math.prod(image.shape[:-1]), image.shape[-1]))  # (C may be 0)
    values = EmbeddingLookup()(rows, flat)
    return values * get_item(inside if weight is None else weight * inside, (Ellipsis, None))


__all__ = ["grid_sample"]
