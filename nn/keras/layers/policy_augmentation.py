"""Keras' RandAugment and AugMix: augmentation policies that pick among the other
augmentation layers (shear, translation, rotation and the colour layers) and chain or mix
their results. Their sublayers draw from the policy's generator (with a seed, one stream
for all, as Keras draws them from the policy's seed), all in get_random_transformation;
segmentation masks go through the sublayers' transform_segmentation_masks alike."""
import numpy as np

from autograd.backend import to_cpu
from autograd.ops import clip, where

from .affine_augmentation import RandomRotation, RandomTranslation
from .augmentation import _Augmentation, _value_range
from .augmentation_chance import RandomArrays, check_interpolation, unit_bounds
from .brightness_contrast import RandomBrightness, RandomContrast
from .color_augmentation import (
    AutoContrast,
    RandomColorDegeneration,
    RandomPosterization,
    RandomSharpness,
    Solarization,
)
from .equalization import Equalization
from .geometric_augmentation import RandomShear

# name: make(factor (lower, upper), value_range, interpolation), as Keras builds them
_OPERATIONS = {
    "random_shear": lambda f, r, i: RandomShear(f, f, interpolation=i),
    "random_translation": lambda f, r, i: RandomTranslation(f, f, interpolation=i),
    "random_rotation": lambda f, r, i: RandomRotation(f, interpolation=i),
    "random_brightness": lambda f, r, i: RandomBrightness(f, value_range=r),
    "random_color_degeneration": lambda f, r, i: RandomColorDegeneration(f, value_range=r),
    "random_contrast": lambda f, r, i: RandomContrast(f, value_range=r),
    "random_sharpness": lambda f, r, i: RandomSharpness(f, value_range=r),
    "random_posterization": lambda f, r, i: RandomPosterization(max(1, int(8 * f[1])),
                                                                value_range=r),
    "solarization": lambda f, r, i: Solarization(f, f, value_range=r),
    "auto_contrast": lambda f, r, i: AutoContrast(value_range=r),
    "equalization": lambda f, r, i: Equalization(value_range=r),
}
_RAND_AUGMENT = ("random_shear", "random_translation", "random_rotation", "random_brightness",
                 "random_color_degeneration", "random_contrast", "random_sharpness",
                 "random_posterization", "solarization", "auto_contrast", "equalization")
_AUG_MIX = ("random_shear", "random_translation", "random_rotation", "random_posterization",
            "solarization", "auto_contrast", "equalization")  # (all_ops adds the 4 below)
_AUG_MIX_ALL = _AUG_MIX + ("random_brightness", "random_color_degeneration",
                           "random_contrast", "random_sharpness")


class _Policy(_Augmentation):
    """A layer made of Keras' augmentation layers `names` (its children of those names),
    built with factor (a number f in [0, 1]: (0, f)), value_range and interpolation."""

    changes_masks = True

    def _operations(self, names, factor, value_range, interpolation):
        check_interpolation(interpolation, self.who)
        self._factor = unit_bounds(factor, "factor", self.who)
        self.value_range = _value_range(value_range, self.who)
        self._names = names
        for name in names:
            setattr(self, name, _OPERATIONS[name](self._factor, self.value_range,
                                                  interpolation))
            getattr(self, name).bounding_box_format = self.bounding_box_format  # (Keras')

    def _choices(self, source, count, options):
        """`count` indices, each uniform over range(options)."""
        return np.minimum((source.uniform(0.0, 1.0, count) * options).astype(int), options - 1)


class RandAugment(_Policy):
    """num_ops times, one of Keras' 11 operations (shear, translation, rotation, brightness,
    colour degeneration, contrast, sharpness, posterization, solarization, auto-contrast,
    equalization; each with factor, a number f: (0, f)) applied to the whole batch, picked
    at random per batch. As Keras (and so that a captured step picks anew), every operation
    is computed and the picked one kept: num_ops x 11 of them per call. Transformation:
    "layer_idxes" (num_ops, 11), one-hot, and "transforms", per op a dict of each
    operation's transformation by name (drawn anew for each op). Keras 3.15 moves the boxes
    once per operation picked, in the operations' order; here at each step, as the images."""

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear",
                 seed=None, data_format=None, *, name=None, input_shape=None,
                 bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        if not (isinstance(num_ops, (int, np.integer)) and not isinstance(num_ops, bool)
                and num_ops >= 0):
            raise ValueError(f"{self.who}: num_ops must be a whole number >= 0, got "
                             f"{num_ops!r}")
        self.num_ops, self.factor, self.interpolation = int(num_ops), factor, interpolation
        self._operations(_RAND_AUGMENT, factor, value_range, interpolation)

    def draw(self, images):
        count = len(self._names)
        picks = self.draws(images, lambda source, n: np.eye(count)[
            self._choices(source, self.num_ops, count)])  # (num_ops, 11), one-hot
        transforms = [{name: getattr(self, name).drawn(images, self._source)
                       for name in self._names} for _ in range(self.num_ops)]
        return {"layer_idxes": picks, "transforms": transforms}

    def transform(self, images, transformation):
        return self._applied(images, transformation, "transform")

    def transform_masks(self, masks, transformation):
        return self._applied(masks, transformation, "transform_masks")

    def move_boxes(self, bounding_boxes, transformation):
        """Step by step, as the images: each step's picked operation with its transformation."""
        picks = to_cpu(transformation["layer_idxes"]) > 0
        for step, transforms in enumerate(transformation["transforms"]):
            for k in np.flatnonzero(picks[step]):
                name = self._names[k]
                bounding_boxes = getattr(self, name).transform_bounding_boxes(
                    bounding_boxes, transforms[name])
        return bounding_boxes

    def _applied(self, images, transformation, method):
        """images through the picked operation's `method` at each step."""
        picks = transformation["layer_idxes"]
        for step, transforms in enumerate(transformation["transforms"]):
            for k, name in enumerate(self._names):
                changed = getattr(getattr(self, name), method)(images, transforms[name])
                images = where(picks[step, k] > 0, changed, images)
        return images


class AugMix(_Policy):
    """num_chains chains of up to chain_depth operations each (each step one of Keras'
    operations or none, picked at random per batch as Keras' Python-side choice: a captured
    step keeps its picks), mixed with Dirichlet(alpha) weights, then w x + (1 - w) mix with
    w ~ Beta(alpha, alpha) per batch, clipped to value_range. all_ops=False leaves out
    brightness, colour degeneration, contrast and sharpness. Transformation (Keras' keys):
    "chain_mixing_weights", "weight_sample", "chain_transforms" (per chain, its
    (operation name, transformation) steps)."""

    moves_mask_pixels = False  # (masks blended as the images, as Keras')

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3,
                 alpha=1.0, all_ops=True, interpolation="bilinear", seed=None,
                 data_format=None, *, name=None, input_shape=None, bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        for value, what in ((num_chains, "num_chains"), (chain_depth, "chain_depth")):
            if not (isinstance(value, (int, np.integer)) and not isinstance(value, bool)
                    and value >= 1):
                raise ValueError(f"{self.who}: {what} must be a whole number >= 1, got "
                                 f"{value!r}")
        if not (isinstance(alpha, (int, float)) and not isinstance(alpha, bool) and alpha > 0):
            raise ValueError(f"{self.who}: alpha must be a positive number, got {alpha!r}")
        self.num_chains, self.chain_depth, self.alpha = int(num_chains), int(chain_depth), alpha
        self.factor, self.all_ops, self.interpolation = factor, bool(all_ops), interpolation
        self._operations(_AUG_MIX_ALL if all_ops else _AUG_MIX, factor, value_range,
                         interpolation)

    def draw(self, images):
        weights, share = RandomArrays(lambda source, n: (
            source.dirichlet([self.alpha] * self.num_chains),
            source.beta(self.alpha, self.alpha)), self._source)(images)
        source = np.random if self._source is None else self._source
        chains = []
        for _ in range(self.num_chains):
            chain = []
            for _ in range(self.chain_depth):
                pick = self._choices(source, 1, len(self._names) + 1)[0]
                if pick < len(self._names):  # (the last choice: no operation)
                    name = self._names[pick]
                    chain.append((name, getattr(self, name).drawn(images, self._source)))
            chains.append(chain)
        return {"chain_mixing_weights": weights, "weight_sample": share,
                "chain_transforms": chains}

    def transform(self, images, transformation):
        return clip(self._mixed(images, transformation, "transform"), *self.value_range)

    def transform_masks(self, masks, transformation):
        return self._mixed(masks, transformation, "transform_masks")  # (Keras': unclipped)

    def move_boxes(self, bounding_boxes, transformation):
        return bounding_boxes  # (Keras 3.15's AugMix leaves the boxes as they are)

    def _mixed(self, images, transformation, method):
        """w x + (1 - w) sum_c m_c chain_c(x), each chain's steps by their `method`."""
        weights, share = transformation["chain_mixing_weights"], transformation["weight_sample"]
        mixed = 0.0
        for chain, steps in enumerate(transformation["chain_transforms"]):
            changed = images
            for name, step in steps:
                changed = getattr(getattr(self, name), method)(changed, step)
            mixed = mixed + changed * weights[chain]
        return share * images + (1 - share) * mixed


__all__ = ["RandAugment", "AugMix"]
