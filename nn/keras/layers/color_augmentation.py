"""Keras' colour and intensity augmentation layers: Solarization, AutoContrast,
RandomGrayscale, RandomInvert, RandomPosterization, RandomColorDegeneration and
RandomSharpness (RandomSaturation, RandomHue and RandomColorJitter are in hsv_augmentation,
Equalization in equalization), with what they share: Keras' factor ranges, its value-range
maps and its grayscale.

Each follows Keras 3.15's code where it differs from its docstring (said in the layer's
docstring); the images are those of the augmentation layers (channels-last (N, H, W, C) or
one image, data_format='channels_first' for (N, C, H, W)), and every random setting is drawn
per image inside an op (RandomDraws), so that a captured step draws anew at each replay.
Their transformations (Keras' keys) leave labels and segmentation masks as they are."""

import numpy as np

from autograd.ops import (
    astype,
    bitwise_left_shift,
    bitwise_right_shift,
    clip,
    equal,
    isnan,
    logical_or,
    where,
)

from ... import functional as F
from ._base import channel_axis
from .augmentation import _Augmentation, _value_range
from .augmentation_chance import chances, is_number
from .color_spaces import LUMA

KERAS_RANGE = (0, 255)  # (the range Keras' colour layers compute in)


def keras_factor(factor, name, who, bounds):
    """Keras' factor of a colour layer as (lower, upper): a number f within bounds = (low,
    high) means (max(-|f|, low), |f|); a pair within bounds is taken either way round."""
    pair = tuple(factor) if isinstance(factor, (tuple, list)) else (factor,)
    if len(pair) not in (1, 2) or not all(is_number(v) and bounds[0] <= v <= bounds[1]
                                          for v in pair):
        raise ValueError(f"{who}: {name} must be a number or a (lower, upper) pair within "
                         f"{list(bounds)}, got {factor!r}")
    if len(pair) == 1:
        return max(-abs(float(factor)), bounds[0]), abs(float(factor))
    return tuple(sorted(map(float, pair)))


def rescaled(images, source, target):
    """images mapped linearly from value range `source` (low, high) to `target`, with
    Keras' operations in their order (so float32 results agree to the bit); the images
    themselves when the ranges are the same."""
    if tuple(source) == tuple(target):
        return images
    low, high, new_low, new_high = (np.asarray(v, images.dtype) for v in (*source, *target))
    return (images - low) / (high - low) * (new_high - new_low) + new_low


def grayscale(images):
    """(N, 1, H, W) luma of (N, 3, H, W) RGB images, with Keras' (and torchvision's)
    weights; (N, 1, H, W) images as they are."""
    if images.shape[1] == 1:
        return images
    red, green, blue = (images[:, i:i + 1] for i in range(3))
    return red * LUMA[0] + green * LUMA[1] + blue * LUMA[2]


class _ColorAugmentation(_Augmentation):
    """An augmentation of pixel values; `channels`: the channel counts it takes (None:
    any), checked in inference too."""

    channels = None

    def _images(self, x):
        x = super()._images(x)
        count = x.shape[channel_axis(self._layout, x.ndim)]
        if self.channels is not None and count not in self.channels:
            wanted = " or ".join(map(str, self.channels))
            raise ValueError(f"{self.who}: expected images with {wanted} channels "
                             f"({self._layout}), got shape {tuple(x.shape)}")
        return x

    def _set_range(self, value_range):
        """value_range kept as given (the config's), and sorted as `_range` (Keras sorts
        it)."""
        self.value_range = _value_range(value_range, self.who)
        self._range = tuple(sorted(self.value_range))

    def uniform(self, images, bounds):
        """One number per image, uniform over bounds = (low, high), as (N,)."""
        return self.draws(images, lambda source, n: source.uniform(*bounds, n))


def per_image(values):
    """(N,) values of a transformation as (N, 1, 1, 1), to scale or pick whole images."""
    return values.reshape(-1, 1, 1, 1)


class FactorAugmentation(_ColorAugmentation):
    """A colour layer of one `factor` (a number or a pair within `factor_bounds`, read as
    keras_factor reads it) and a value_range. Transformation: "factor" (N,), drawn from
    it."""

    factor_bounds = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, *,
                 name=None, input_shape=None, bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        self.factor = factor
        self._set_range(value_range)
        self._factors = keras_factor(factor, "factor", self.who, self.factor_bounds)

    def draw(self, images):
        return {"factor": self.uniform(images, self._factors)}


class Solarization(_ColorAugmentation):
    """Each image, in 0-255, brightened by a drawn addition (clipped to 0-255), and each
    pixel at or above a drawn threshold turned into 255 - x. Keras 3.15 scales only the
    upper bound of each factor by 255: a factor (a, b) (a number f: (0, f); within [0, 1])
    draws from [a, 255 b]. The defaults (0, 0) invert every pixel."""

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255),
                 seed=None, data_format=None, *, name=None, input_shape=None,
                 bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        self.addition_factor, self.threshold_factor = addition_factor, threshold_factor
        self._set_range(value_range)
        self._additions, self._thresholds = (
            _scaled_upper(keras_factor(factor, name, self.who, (0, 1)))
            for factor, name in ((addition_factor, "addition_factor"),
                                 (threshold_factor, "threshold_factor")))

    def draw(self, images):
        return {"additions": self.uniform(images, self._additions),
                "thresholds": self.uniform(images, self._thresholds)}

    def transform(self, images, transformation):
        additions, thresholds = (per_image(transformation[k]) for k in ("additions",
                                                                        "thresholds"))
        x = clip(rescaled(images, self._range, KERAS_RANGE) + additions, 0, 255)
        return rescaled(where(x < thresholds, x, 255 - x), KERAS_RANGE, self._range)


def _scaled_upper(bounds):
    return bounds[0], bounds[1] * 255


class AutoContrast(_ColorAugmentation):
    """Each channel of each image stretched linearly so that its lowest value becomes the
    value range's low and its highest the high; a channel of one value (or holding a NaN)
    is left as it is. Deterministic, and applied in inference too (as Keras'). Keras 3.15
    reduces over axes (1, 2), the wrong ones for channels-first images; here every layout
    gets the per-channel result. Its transformation: None."""

    in_inference = True

    def __init__(self, value_range=(0, 255), data_format=None, *, name=None,
                 input_shape=None, bounding_box_format=None):
        super().__init__(None, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        self._set_range(value_range)

    def transform(self, images, transformation):
        x = rescaled(images, self._range, KERAS_RANGE)
        low = x.min(axis=(2, 3), keepdims=True)
        span = x.max(axis=(2, 3), keepdims=True) - low
        flat = equal(span, 0)
        # (a flat channel's 255 / 0 would give NaN, which Keras then replaces by the input;
        # dividing by 1 there keeps the gradient finite)
        scale = 255.0 / where(flat, 1.0, span)
        y = rescaled(clip(x * scale + -low * scale, 0.0, 255.0), KERAS_RANGE, self._range)
        return where(logical_or(flat, isnan(y)), images, y)


class RandomGrayscale(_ColorAugmentation):
    """Each RGB image turned to gray (its luma in all three channels) with probability
    factor (a number in [0, 1]); one-channel images are left as they are. Transformation:
    "should_apply" (N,), 1 where turned."""

    channels = (1, 3)

    def __init__(self, factor=0.5, data_format=None, seed=None, *, name=None,
                 input_shape=None, bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        if not (is_number(factor) and 0 <= factor <= 1):
            raise ValueError(f"{self.who}: factor must be a number in [0, 1], got {factor!r}")
        self.factor = factor

    def draw(self, images):
        return {"should_apply": self.draws(
            images, lambda source, n: source.random(n) < self.factor)}

    def transform(self, images, transformation):
        return where(per_image(transformation["should_apply"]), grayscale(images), images)


class RandomInvert(_ColorAugmentation):
    """Each image inverted, value_range[1] - x (Keras 3.15's: the high bound only, not
    low + high - x), with a probability drawn per image from factor (a number f: [0, f];
    within [0, 1]). Transformation: "apply_inversion" (N,), 1 where inverted."""

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, *,
                 name=None, input_shape=None, bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        self.factor = factor
        self.value_range = _value_range(value_range, self.who)
        self._probabilities = keras_factor(factor, "factor", self.who, (0, 1))

    def draw(self, images):
        return {"apply_inversion": self.draws(
            images, lambda source, n: chances(source, n, self._probabilities))}

    def transform(self, images, transformation):
        inverted = per_image(transformation["apply_inversion"])
        return where(inverted, self.value_range[1] - images, images)


class RandomPosterization(_ColorAugmentation):
    """Each image, in 0-255, kept to its top b bits per channel (the others zeroed), b drawn
    per image as Keras 3.15's randint draws it: a number f (within [1, 8]) gives 1 to f - 1,
    a pair (a, b) a to b - 1, the upper bound left out unless the two are equal. No gradient
    (the pixels pass through uint8, as in Keras). Transformation: "shift_factor" (N,),
    8 - b."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, *,
                 name=None, input_shape=None, bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        self.factor = factor
        self._set_range(value_range)
        bounds = keras_factor(factor, "factor", self.who, (1, 8))
        if not all(float(v).is_integer() for v in bounds):
            raise ValueError(f"{self.who}: factor must be whole numbers of bits, got "
                             f"{factor!r}")
        self._bits = tuple(int(v) for v in bounds)

    def draw(self, images):
        return {"shift_factor": self.draws(
            images, lambda source, n: 8 - self._drawn_bits(source, n))}

    def transform(self, images, transformation):
        shifts = astype(per_image(transformation["shift_factor"]), np.uint8)
        # (values outside 0-255 would wrap in the cast: Keras leaves that to the platform)
        pixels = astype(clip(rescaled(images, self._range, KERAS_RANGE), 0, 255), np.uint8)
        kept = bitwise_left_shift(bitwise_right_shift(pixels, shifts), shifts)
        return rescaled(astype(kept, images.dtype), KERAS_RANGE, self._range)

    def _drawn_bits(self, source, n):
        """n bit counts, each from low to high - 1 with equal odds, or low when the bounds
        are equal (from uniform: NumPy's global generator and a Generator name their integer
        draws differently)."""
        low, high = self._bits
        if low == high:
            return np.full(n, low)
        return np.minimum(np.floor(source.uniform(low, high, n)), high - 1)


class RandomColorDegeneration(FactorAugmentation):
    """Each RGB image moved towards its gray version by f drawn per image, x + f (gray - x),
    clipped to value_range. Keras 3.15 reads a number f (within [-1, 1]) as (-|f|, |f|), not
    as its docstring's (0, f): a negative draw moves away from gray."""

    channels = (3,)
    factor_bounds = (-1, 1)

    def transform(self, images, transformation):
        factors = per_image(transformation["factor"])
        return clip(images + factors * (grayscale(images) - images), *self._range)


class RandomSharpness(FactorAugmentation):
    """Each image blended with its blur by Keras' 3 x 3 smoothing kernel (zero-padded):
    x + (1 - 2 f) (blurred - x), f drawn per image from factor (a number f: [0, f]; within
    [0, 1]; 0.5 keeps the image, 0 blurs it, 1 sharpens it), clipped to value_range."""

    factor_bounds = (0, 1)

    def transform(self, images, transformation):
        sharpness = per_image(transformation["factor"]) * 2
        edge, centre = 1.0 / 13.0, 5.0 / 13.0
        kernel = np.full((3, 3), edge)
        kernel[1, 1] = centre
        channels = images.shape[1]
        weight = np.broadcast_to(kernel, (channels, 1, 3, 3)).astype(images.dtype)
        blurred = F.conv2d(images, weight, padding=1, groups=channels)
        return clip(images + (1.0 - sharpness) * (blurred - images), *self._range)


__all__ = ["Solarization", "AutoContrast", "RandomGrayscale", "RandomInvert",
           "RandomPosterization", "RandomColorDegeneration", "RandomSharpness"]
