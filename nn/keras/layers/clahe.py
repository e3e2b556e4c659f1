"""Keras' ContrastLimitedAdaptiveHistogramEqualization layer (CLAHE): each channel equalized
tile by tile, its histograms clipped, and the tiles' tables blended bilinearly; computed on
the host inside an op, as Equalization is."""
import numbers

import numpy as np

from autograd.backend import as_array, to_cpu
from autograd.function import Function

from ._base import on_images, per_axis
from .augmentation import _value_range
from .color_augmentation import KERAS_RANGE, _ColorAugmentation, rescaled

LEVELS = 256  # (the histograms' bins: the levels 0-255 of Keras' range)


class ContrastLimitedAdaptiveHistogramEqualization(_ColorAugmentation):
    """Each channel of each image cut into tile_grid_size = (rows, cols) tiles (padded
    symmetrically at the bottom and right to whole tiles); each tile's histogram of the
    levels 0-255, its counts capped at clip_limit * tile pixels / 256 (<= 0: not capped)
    and the excess spread evenly, makes a table cdf - cdf_min scaled to 0-255, and each
    pixel takes the bilinear blend of the tables of the four tiles around it. As Keras
    3.15's TensorFlow, JAX and NumPy backends (its torch backend cuts a fractional cap to a
    whole count and pads by repeating the edge row, not mirroring): in float32, applied in
    inference too, integer images given back as integers (the blend cut towards zero), no
    gradient (a table lookup). Its transformation: None; labels and segmentation masks are
    left as they are."""

    in_inference = True

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8),
                 data_format=None, *, name=None, input_shape=None):
        super().__init__(None, data_format, name, input_shape)
        self.value_range = _value_range(value_range, self.who)
        if self.value_range[0] == self.value_range[1]:
            raise ValueError(f"{self.who}: value_range must have two different bounds, got "
                             f"{value_range!r}")
        if not isinstance(clip_limit, numbers.Real) or isinstance(clip_limit, bool) or \
                not np.isfinite(clip_limit):
            raise ValueError(f"{self.who}: clip_limit must be a finite number, got "
                             f"{clip_limit!r}")
        if not (isinstance(tile_grid_size, (tuple, list)) and len(tile_grid_size) == 2):
            raise ValueError(f"{self.who}: tile_grid_size must be a pair (rows, cols) of "
                             f"ints, got {tile_grid_size!r}")
        self._grid = per_axis(tile_grid_size, 2, "tile_grid_size", self.who)
        self.clip_limit, self.tile_grid_size = clip_limit, tile_grid_size

    def forward(self, data):
        if isinstance(data, dict):
            return super().forward(data)
        return self.transform_images(data, None, self.training)

    def transform_images(self, images, transformation=None, training=True):
        """images (Keras' layout) equalized, in their own dtype, in training and inference
        alike."""
        return on_images(self._images(images), self._layout, Clahe(
            tuple(self.value_range), float(self.clip_limit), self._grid))


class Clahe(Function):
    """y = x (N, C, H, W) equalized tile by tile in `value_range` (the layer's
    docstring), in Keras' float32 operations and order; no gradient"""

    def __init__(self, value_range, clip_limit, grid):
        self.value_range, self.clip_limit, self.grid = value_range, clip_limit, grid

    def forward(self, x):
        host = to_cpu(x)
        # (Keras moves the values to 0-255 in float32, and leaves them when already there)
        moved = host if self.value_range == KERAS_RANGE else host.astype(np.float32)
        levels = rescaled(moved, self.value_range, KERAS_RANGE)
        height, width = host.shape[2:]
        tiles = _tile_sizes((height, width), self.grid)
        padded = np.pad(levels, ((0, 0), (0, 0), *((0, g * t - n) for g, t, n in zip(
            self.grid, tiles, (height, width)))), mode="symmetric")
        tables = _edged(self._tables(padded, tiles))
        blended = _blended(tables, _pixel_levels(padded), tiles)[:, :, :height, :width]
        out = rescaled(blended, KERAS_RANGE, self.value_range)
        return as_array(_cast(out, host.dtype), like=x)

    def _tables(self, padded, tiles):
        """(N, C, rows, cols, 256) float32 tables of the tiles of `padded` (N, C, H', W'):
        each tile's clipped histogram's cdf, less its least value, scaled to 0-255."""
        counts = _histograms(padded, self.grid, tiles)
        area = tiles[0] * tiles[1]
        if self.clip_limit > 0:
            limit = np.float32(self.clip_limit * area / float(LEVELS))
            clipped = np.minimum(counts, limit)
            # (the excess summed exactly, then rounded once: float32 sums differ by order)
            excess = (counts - clipped).astype(np.float64).sum(-1, keepdims=True)
            counts = clipped + excess.astype(np.float32) / np.float32(LEVELS)
        # (PyTorch's cumsum on the host adds float32 in double, rounding each sum once)
        cdf = np.cumsum(counts, -1, dtype=np.float64).astype(np.float32)
        lowest = cdf.min(-1, keepdims=True)
        span = np.float32(area) - lowest
        span = np.where(span == 0, np.float32(1), span)
        return np.clip((cdf - lowest) * np.float32(255) / span, 0, 255)

    def backward(self, gy):
        return None


def _tile_sizes(sizes, grid):
    """(tile rows, tile cols): the sizes over the grid, rounded up."""
    return tuple(-(-n // g) for n, g in zip(sizes, grid))


def _histograms(padded, grid, tiles):
    """(N, C, rows, cols, 256) float32 counts of the levels (cut towards zero, clipped to
    0-255) in each tile of padded (N, C, H', W')."""
    n, c = padded.shape[:2]
    with np.errstate(invalid="ignore"):  # (NaN and huge values: the cast's own result)
        levels = np.clip(padded.astype(np.int32), 0, LEVELS - 1)
    tiled = levels.reshape(n, c, grid[0], tiles[0], grid[1], tiles[1])
    tiled = tiled.transpose(0, 1, 2, 4, 3, 5).reshape(-1, tiles[0] * tiles[1])
    offsets = np.arange(tiled.shape[0])[:, None] * LEVELS
    counts = np.bincount((tiled + offsets).ravel(), minlength=tiled.shape[0] * LEVELS)
    return counts.astype(np.float32).reshape(n, c, grid[0], grid[1], LEVELS)


def _edged(tables):
    """tables (N, C, rows, cols, 256) with the first and last tile repeated on each side:
    (N, C, rows + 2, cols + 2, 256), the tables of the border pixels' outer neighbours."""
    return np.pad(tables, ((0, 0), (0, 0), (1, 1), (1, 1), (0, 0)), mode="edge")


def _pixel_levels(padded):
    """The level of each pixel, the index into its tables: clipped to 0-255, then cut
    towards zero (Keras clips first here, unlike for the histograms)."""
    with np.errstate(invalid="ignore"):
        return np.clip(padded, 0, LEVELS - 1).astype(np.int32)


def _blended(tables, levels, tiles):
    """Each pixel's value (N, C, H', W') float32: its level looked up in the four edged
    tables around it, blended by its position between their centres."""
    rows, row_weights = _neighbours(levels.shape[2], tiles[0], tables.shape[2])
    cols, col_weights = _neighbours(levels.shape[3], tiles[1], tables.shape[3])
    n, c = levels.shape[:2]
    image = np.arange(n)[:, None, None, None]
    channel = np.arange(c)[None, :, None, None]

    def at(row, col):
        return tables[image, channel, row[:, None], col[None, :], levels]

    top = at(rows[0], cols[0]) * (1 - col_weights) + at(rows[0], cols[1]) * col_weights
    bottom = at(rows[1], cols[0]) * (1 - col_weights) + at(rows[1], cols[1]) * col_weights
    return top * (1 - row_weights[:, None]) + bottom * row_weights[:, None]


def _neighbours(size, tile, edged):
    """For each of `size` pixels along an axis of tiles `tile` long: the edged tables
    before and after it ((2, size) ints, within 0 to edged - 1) and its float32 weight
    towards the one after, y = (i - tile / 2) / tile + 1 less its floor."""
    position = (np.arange(size, dtype=np.float32) - np.float32(tile / 2.0)) / \
        np.float32(tile) + np.float32(1)
    before = np.floor(position)
    pair = np.clip(np.stack([before, before + 1]), 0, edged - 1).astype(np.int32)
    return pair, position - before


def _cast(values, dtype):
    """float32 values in `dtype` (integers cut towards zero, as a cast does)."""
    with np.errstate(invalid="ignore"):
        return values.astype(dtype, copy=False)


__all__ = ["ContrastLimitedAdaptiveHistogramEqualization"]
