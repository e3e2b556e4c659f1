"""Keras' augmentation layers that work on hue and saturation: RandomSaturation, RandomHue,
and RandomColorJitter (RandomBrightness, RandomContrast, RandomSaturation and RandomHue in
turn), on Keras' RGB <-> HSV conversions (color_spaces). Labels and segmentation masks are
left as they are."""
import numpy as np

from autograd.ops import clip, concatenate, where

from ...layers.keras_name import snake_case
from .augmentation import _value_range
from .brightness_contrast import RandomBrightness, RandomContrast
from .color_augmentation import FactorAugmentation, _ColorAugmentation, per_image, rescaled
from .color_spaces import hsv_planes, rgb_planes

_EPSILON = 1e-7  # (Keras' backend.epsilon())


def rgb_to_hsv(images):
    """(N, 3, H, W) HSV of (N, 3, H, W) RGB images, as Keras computes them."""
    return concatenate(hsv_planes(*(images[:, i:i + 1] for i in range(3))), axis=1)


def hsv_to_rgb(images):
    """rgb_to_hsv's inverse: (N, 3, H, W) RGB of (N, 3, H, W) HSV images."""
    return concatenate(rgb_planes(*(images[:, i:i + 1] for i in range(3))), axis=1)


def with_plane(hsv, index, plane):
    """hsv (N, 3, H, W) with plane `index` replaced by `plane` (N, 1, H, W)."""
    planes = [hsv[:, i:i + 1] for i in range(3)]
    planes[index] = plane
    return concatenate(planes, axis=1)


class RandomSaturation(FactorAugmentation):
    """Each RGB image's saturation scaled by f / (1 - f), f drawn per image from factor
    (0.5 keeps the image, 0 makes it gray, 1 saturates it fully), as Keras 3.15 computes it:
    on the images as they are (no value-range map), the saturation clipped to value_range,
    and a number f (within [-1, 1]) read as (-|f|, |f|) (its docstring: (0, f)), so that a
    negative draw turns the image gray."""

    channels = (3,)
    factor_bounds = (-1, 1)

    def transform(self, images, transformation):
        drawn = per_image(transformation["factor"])
        scales = drawn / (1.0 - drawn + _EPSILON)
        hsv = rgb_to_hsv(images)
        return hsv_to_rgb(with_plane(hsv, 1, clip(hsv[:, 1:2] * scales, *self._range)))


class RandomHue(FactorAugmentation):
    """Each RGB image's hue turned by +-f / 2 of the colour circle, f drawn per image from
    factor (a number f: [0, f]; within [0, 1]) and the sign with even odds; computed in
    [0, 1] (from value_range, taken as (low, high) as given) and clipped there.
    Transformation: "factor" (N,), the signed turn."""

    channels = (3,)
    factor_bounds = (0, 1)

    def draw(self, images):
        def turns(source, n):
            signs = np.where(source.uniform(size=n) > 0.5, -1.0, 1.0)
            return signs * source.uniform(*self._factors, n) * 0.5

        return {"factor": self.draws(images, turns)}

    def transform(self, images, transformation):
        hsv = rgb_to_hsv(rescaled(images, self.value_range, (0, 1)))
        hue = hsv[:, :1] + per_image(transformation["factor"])
        hue = where(hue > 1.0, hue - 1.0, hue)  # (one turn at most: |shift| <= 1/2)
        hue = where(hue < 0.0, hue + 1.0, hue)
        rgb = clip(hsv_to_rgb(with_plane(hsv, 0, hue)), 0, 1)
        return rescaled(rgb, (0, 1), self.value_range)


class RandomColorJitter(_ColorAugmentation):
    """RandomBrightness, RandomContrast, RandomSaturation and RandomHue in turn, each with
    its factor (None: left out) and the one value_range, drawing from this layer's
    generator. Transformation: each step's, by its name ("random_brightness", ...)."""

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None,
                 saturation_factor=None, hue_factor=None, seed=None, data_format=None, *,
                 name=None, input_shape=None, bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        self.value_range = _value_range(value_range, self.who)
        self.brightness_factor, self.contrast_factor = brightness_factor, contrast_factor
        self.saturation_factor, self.hue_factor = saturation_factor, hue_factor
        steps = ((RandomBrightness, brightness_factor), (RandomContrast, contrast_factor),
                 (RandomSaturation, saturation_factor), (RandomHue, hue_factor))
        # (a tuple, not attributes: the steps are this layer's arithmetic, not sublayers a
        # model lists or saves)
        self._steps = tuple(self._step(kind, factor) for kind, factor in steps
                            if factor is not None)
        if saturation_factor is not None or hue_factor is not None:
            self.channels = (3,)

    def _step(self, kind, factor):
        try:
            step = kind(factor, value_range=self.value_range)
        except ValueError as error:  # (named as this layer's argument)
            raise ValueError(f"{self.who}: {kind.__name__[6:].lower()}_factor: "
                             f"{error}") from None
        return step

    def draw(self, images):
        # (every step's draws first, in the steps' order: none depends on the pixels)
        return {_named(step): step.drawn(images, self._source) for step in self._steps}

    def transform(self, images, transformation):
        for step in self._steps:
            images = step.transform(images, transformation[_named(step)])
        return images


def _named(step):
    """A step's key in the transformation, as Keras names its attribute: random_hue."""
    return snake_case(type(step).__name__)


__all__ = ["RandomSaturation", "RandomHue", "RandomColorJitter"]
