"""Keras' RandomErasing: a random box of each image replaced by noise or a constant; and
the random boxes it draws, which CutMix draws too."""
import numbers

import numpy as np

from autograd.ops import clip, where

from .augmentation import _Augmentation, _value_range
from .augmentation_chance import RandomArrays, chances, unit_bounds


def random_spans(source, count, length, shares):
    """(start, end) arrays of `count` spans of shares * length, each placed uniformly
    within [0, length] (Keras' _compute_crop_bounds; not rounded to pixels)."""
    span = shares * length
    start = source.uniform(0.0, 1.0, count) * (length - span)
    return start, start + span


def box_masks(xs, ys, height, width):
    """(N, 1, H, W) masks, 1 at the pixels whose indices lie in [x0, x1) x [y0, y1), of
    the N boxes xs = (x0, x1), ys = (y0, y1) ((N,) arrays each)."""
    column = np.arange(width)[None, None, None, :]
    row = np.arange(height)[None, None, :, None]
    x0, x1, y0, y1 = (v[:, None, None, None] for v in (*xs, *ys))
    return (column >= x0) & (column < x1) & (row >= y0) & (row < y1)


class RandomErasing(_Augmentation):
    """Each image, with a probability p drawn from factor (a number f: p from (0, f), so
    the default 1.0 erases about half of them, as Keras 3.15's code does), gets a box of
    sqrt(a) W by sqrt(b) H pixels, a and b drawn from scale, placed at random, replaced by
    fill_value (a number, or one per channel) or, when None, normal noise times
    value_range's high end; the fill clipped to value_range. Transformation: "batch_masks"
    (N, 1, H, W), 1 where erased, and with fill_value None the noise, "fill_value";
    segmentation masks are left as they are (as Keras')."""

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255),
                 seed=None, data_format=None, *, name=None, input_shape=None,
                 bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        self.factor, self.scale, self.fill_value = factor, scale, fill_value
        self._chance = unit_bounds(factor, "factor", self.who)
        self._scale = unit_bounds(scale, "scale", self.who)
        self.value_range = _value_range(value_range, self.who)
        if not (fill_value is None or _numbers(fill_value, (1,)) or _numbers(fill_value, (3,))):
            raise ValueError(f"{self.who}: fill_value must be None, a number or 3 numbers (one "
                             f"per channel), got {fill_value!r}")

    def draw(self, images):
        drawn = RandomArrays(lambda source, count: self._draw(source, count, images.shape),
                             self._source)(images)
        return dict(zip(("batch_masks", "fill_value"), drawn))

    def transform(self, images, transformation):
        low, high = self.value_range
        if self.fill_value is None:
            fill = clip(transformation["fill_value"] * high, low, high)
        else:
            fill = np.clip(np.reshape(np.asarray(self.fill_value, images.dtype), (1, -1, 1, 1)),
                           low, high)
        return where(transformation["batch_masks"] > 0, fill, images)

    def _draw(self, source, count, shape):
        height, width = shape[2:]
        shares = np.sqrt(source.uniform(*self._scale, (count, 2)))  # (width's, height's)
        boxes = box_masks(random_spans(source, count, width, shares[:, 0]),
                          random_spans(source, count, height, shares[:, 1]), height, width)
        masks = boxes & chances(source, count, self._chance)[:, None, None, None]
        if self.fill_value is not None:
            return (masks,)
        return masks, source.standard_normal(shape)


def _numbers(value, lengths):
    """Whether `value` is a number (length 1 in `lengths`) or a sequence of such a length."""
    items = value if isinstance(value, (tuple, list)) else (value,) if 1 in lengths else ()
    return len(items) in lengths and all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                                         for v in items)


__all__ = ["RandomErasing"]
