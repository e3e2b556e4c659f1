"""F.grid_sample (PyTorch's) on 4-D input (images) and 5-D input (volumes), modes 'bilinear'
(trilinear on volumes), 'nearest' and (images only) 'bicubic', padding modes 'zeros', 'border'
and 'reflection': the spatial transformer's sampler.

Source positions follow ATen's GridSampler.h: a grid value g in [-1, 1] unnormalises to
(g + 1)(size - 1)/2 with align_corners, (g + 1) size/2 - 1/2 without; 'border' clips it to
[0, size - 1], 'reflection' reflects it about the edges (the corner pixels' centres with
align_corners, their outer sides without) and then clips. Each step is piecewise linear, so
the position is computed exactly in NumPy (in the input's precision, as ATen's) together
with its slope, and re-attached to the grid as slope * (grid - grid's value) + position:
the same value, and the gradient ATen's (0 at and beyond a clipped edge). Linear sampling
is then four gathers (eight on volumes) weighted by differentiable weights, so gradients with
respect to the input and the grid, and theirs, come from those ops. Bicubic sampling, as
ATen's, takes the unnormalised position as it is, reads the 4 x 4 pixels around it, each tap
moved into the image by the padding mode (or reading 0), and weights them with the cubic
convolution kernel of interpolate's 'bicubic': the grid's gradient flows through the
weights alone."""
import itertools

import numpy as np

from autograd.ops import get_item, transpose
from autograd.ops.validation import float_input

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
    positions = [_source_positions(get_item(g, (Ellipsis, len(sizes) - 1 - axis)), size,
                                   position_padding, align_corners)
                 for axis, size in enumerate(sizes)]
    last = x.ndim - 1  # (N, *spatial, C): one gather reads every channel
    image = transpose(x, (0,) + tuple(range(2, x.ndim)) + (1,))
    if mode == "nearest":
        out = _read(image, [np.rint(p.data) for p in positions], None)  # (halves to even)
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


def _source_positions(coordinate, size, padding_mode, align_corners):
    """Pixel positions (ATen's grid_sampler_compute_source_index) of a grid coordinate
    along an axis of `size` pixels, as a Variable with the grid's gradient."""
    g = coordinate.data
    dtype = g.dtype.type
    if align_corners:  # ATen's CPU kernel: (g + 1) * scale (- 0.5)
        position, slope = (g + dtype(1)) * dtype((size - 1) / 2), dtype((size - 1) / 2)
    else:
        position, slope = (g + dtype(1)) * dtype(size / 2) - dtype(0.5), dtype(size / 2)
    slope = np.full(g.shape, slope)
    if padding_mode == "reflection":
        position, slope = _reflected(position, slope, size, align_corners)
    if padding_mode != "zeros":
        position, slope = _clipped(position, slope, size)
    return (coordinate - g) * slope + position  # the value `position`, the slope `slope`


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
    floors = [np.floor(p.data) for p in positions]
    fractions = [p - f for p, f in zip(positions, floors)]  # in [0, 1): the upper neighbour's
    out = None
    for upper in itertools.product((0, 1), repeat=len(positions)):
        corner = [f + u for f, u in zip(floors, upper)]
        weight = None
        for u, fraction in zip(upper, fractions):
            factor = fraction if u else 1 - fraction
            weight = factor if weight is None else weight * factor
        term = _read(image, corner, weight)
        out = term if out is None else out + term
    return out


def _bicubic(image, positions, padding_mode, align_corners):
    """Sum over the 4 x 4 pixels around (rows, columns) (Variables: the unnormalised
    positions) of image (N, H, W, C), each tap padded (_tap), times its cubic weights
    along x, then along y (ATen's order)."""
    rows, columns = positions
    height, width = image.shape[1:3]
    top, left = np.floor(rows.data), np.floor(columns.data)
    row_weights, column_weights = cubic_weights(rows - top), cubic_weights(columns - left)
    column_taps = [_tap(left - 1 + j, width, padding_mode, align_corners) for j in range(4)]
    out = None
    for i, row_weight in enumerate(row_weights):
        row = _tap(top - 1 + i, height, padding_mode, align_corners)
        line = None
        for column, column_weight in zip(column_taps, column_weights):
            term = _read(image, [row, column], column_weight)
            line = term if line is None else line + term
        term = line * get_item(row_weight, (Ellipsis, None))
        out = term if out is None else out + term
    return out


def _tap(index, size, padding_mode, align_corners):
    """A tap's pixel index (float array) moved into [0, size - 1] by the padding mode, as
    ATen's compute_coordinates ('zeros': as it is, read as 0 outside)."""
    if padding_mode == "zeros":
        return index
    slope = np.zeros_like(index)  # (no gradient flows through a tap's index)
    if padding_mode == "reflection":
        index, slope = _reflected(index, slope, size, align_corners)
    return _clipped(index, slope, size)[0]


def _read(image, indices, weight):
    """image[n, *indices] (N, *out, C), times weight (N, *out) where given, and 0 where the
    indices (one float array per spatial axis) fall outside the image."""
    inside = np.ones(indices[0].shape, bool)
    for index, size in zip(indices, image.shape[1:-1]):
        inside &= (index >= 0) & (index < size)
    indices = [np.where(inside, index, 0).astype(np.intp) for index in indices]
    batch = np.arange(image.shape[0]).reshape((-1,) + (1,) * (indices[0].ndim - 1))
    values = get_item(image, (batch, *indices))
    mask = inside.astype(image.dtype)
    if weight is None:
        return values * mask[..., None]
    return values * get_item(weight * mask, (Ellipsis, None))


__all__ = ["grid_sample"]
