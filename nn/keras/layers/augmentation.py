"""What Keras' image augmentation layers share (its BaseImagePreprocessingLayer): each call is
get_random_transformation (the random settings, drawn inside ops) and then
transform_images, on images or on Keras 3's dict {"images", "labels",
"segmentation_masks", "bounding_boxes"}, whose parts get the one transformation: labels through
transform_labels (as they are, but for MixUp and CutMix), masks through
transform_segmentation_masks (a geometric layer's map with 'nearest' interpolation; a
colour layer leaves them), boxes ({"boxes", "labels"} in the layer's bounding_box_format)
through transform_bounding_boxes (moved with the pixels: box_augmentation).
Inside a model (`keras.Sequential([RandomFlip(), ...])`), each
training batch gets new random variants, while evaluate and predict see the images as they
are.

Images are channels-last (N, H, W, C) or one image (H, W, C), as Keras' (data_format=
'channels_first' for (N, C, H, W)), masks in the images' layout; integer pixels become
float32. The random settings are drawn inside an op (RandomDraws), so that a captured
training step draws new ones at every replay; `seed` gives the layer a generator of its
own. The layers themselves are in affine_augmentation, flip_crop_augmentation,
brightness_contrast and the other *_augmentation modules."""
import contextvars
import numbers

import numpy as np

from autograd.backend import as_array, to_cpu
from autograd.function import Function
from autograd.ops import astype, expand_dims, get_item
from autograd.variable import as_variable

from ...layers.config import init_config
from ...module import Module
from ._base import CHANNELS_FIRST, KerasLayer, data_format_name, floating, on_images
from ._base import channels_first as to_channels_first
from .box_augmentation import box_dict, with_input_shape

_KEYS = ("images", "labels", "segmentation_masks", "bounding_boxes")
# the generator of the draw in progress: a context variable, so that two threads calling one
# layer with different seeds do not draw from each other's
_DRAWING_FROM = contextvars.ContextVar("augmentation_generator", default=None)


class RandomDraws(Function):
    """y = draw(generator, N): the random settings of a batch of N images, drawn at each
    call (no gradient: they do not depend on the images' values)"""

    def __init__(self, draw, generator):
        self.draw, self.generator = draw, generator
        self.draws_random = generator is None  # (a captured step accounts for NumPy's)

    def forward(self, x):
        source = np.random if self.generator is None else self.generator
        return as_array(np.asarray(self.draw(source, x.shape[0]), np.float64).astype(x.dtype),
                        like=x)

    def backward(self, gy):
        return None


class Derived(Function):
    """y = compute(x) on the host, in x's dtype: what a transformation's drawn settings give
    (the points a geometric layer samples), recomputed at each replay; no gradient"""

    def __init__(self, compute):
        self.compute = compute

    def forward(self, x):
        return as_array(np.asarray(self.compute(to_cpu(x))).astype(x.dtype), like=x)

    def backward(self, gy):
        return None


class _Augmentation(Module, KerasLayer):
    """An augmentation layer: identity in inference (unless `in_inference`); while
    training, `draw` then `transform` on the images as (N, C, H, W). Subclasses write
    draw(images) (the transformation: a dict of Variables drawn by `draws` or RandomArrays
    from `_source`, or None), transform(images, transformation), and transform_masks
    (default: as they are) and transform_labels where they change those."""

    supports_masking = False
    in_inference = False  # (AutoContrast: applied in inference too)
    # a geometric layer's masks go through transform_masks (a colour layer's come back as
    # given, not even made floating); moved pixels keep an integer mask's dtype, blended
    # ones (MixUp's) are floating
    changes_masks = False
    moves_mask_pixels = True
    bounding_box_format = None  # (Keras' argument; a layer taking it sets it)

    def __init__(self, seed, data_format, name, input_shape):
        super().__init__()
        self._keras_arguments(name, input_shape)
        self.seed, self.data_format = seed, data_format
        self._layout = data_format_name(data_format, self.who)
        self.generator = None if seed is None else np.random.default_rng(seed)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def forward(self, data):
        if isinstance(data, dict):
            return self._on_dict(data)
        images = floating(self._images(data))
        transformation = self.get_random_transformation(images, self.training)
        return self.transform_images(images, transformation, self.training)

    # ----- Keras' public API, on images in Keras' layout -----
    def get_random_transformation(self, data, training=True, seed=None):
        """The random settings of one call for `data` (images or a dict with "images"): a
        dict as Keras names them (None outside training). seed: an int or a NumPy
        Generator to draw from instead of the layer's generator."""
        if not (training or self.in_inference):
            return None
        images = self._batch(data["images"] if isinstance(data, dict) else data)
        return self.drawn(images, self.generator if seed is None else
                          np.random.default_rng(seed))

    def transform_images(self, images, transformation, training=True):
        """images (Keras' layout) with `transformation` applied (as they are outside
        training); floating-point."""
        images = floating(self._images(images))
        if not (training or self.in_inference):
            return images
        return on_images(images, self._layout, lambda x: self.transform(x, transformation))

    def transform_labels(self, labels, transformation, training=True):
        """The labels of the images: as they are (MixUp and CutMix mix them)."""
        return labels

    def transform_segmentation_masks(self, masks, transformation, training=True):
        """Segmentation masks (the images' layout): a geometric layer's map of the images
        with 'nearest' interpolation, integer masks kept integer (their pixels only move);
        as they are for a colour layer."""
        if not (training or self.in_inference) or not self.changes_masks:
            return masks
        masks = self._masks(masks)
        moved = on_images(_exactly_floating(masks), self._layout,
                          lambda m: self.transform_masks(m, transformation))
        return astype(moved, masks.dtype) if self.moves_mask_pixels else moved

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        """{"boxes": (B, N, 4) in bounding_box_format, "labels": (B, N)} moved with the
        images' pixels (NumPy float32 boxes; box_augmentation): as they are outside training
        and for a colour layer; a geometric layer's `move_boxes`."""
        if not (training or self.in_inference) or not self.changes_masks:
            return bounding_boxes
        return self.move_boxes(box_dict(bounding_boxes, self.who), transformation)

    def move_boxes(self, bounding_boxes, transformation):
        """The boxes (a box_dict) under `transformation`: where Keras has no such transform
        (RandomElasticTransform, CutMix), a NotImplementedError naming the layer."""
        raise NotImplementedError(f"{self.who}: bounding boxes are not supported (Keras 3.15's "
                                  f"{type(self).__name__} has no transform_bounding_boxes)")

    def drawn(self, images, generator):
        """draw(images) on an (N, C, H, W) batch, its draws from `generator` (None: NumPy's
        global one; a policy passes its own to its operations)."""
        token = _DRAWING_FROM.set(generator)
        try:
            transformation = self.draw(images)
        finally:
            _DRAWING_FROM.reset(token)
        # (Keras' "input_shape": the boxes need the image size)
        shape = tuple(images.shape)
        return with_input_shape(transformation, shape if self._layout == CHANNELS_FIRST else
                                (shape[0], *shape[2:], shape[1]))

    @property
    def _source(self):
        """The generator the draw in progress draws from (see drawn)."""
        return _DRAWING_FROM.get()

    # ----- what subclasses write, on (N, C, H, W) batches -----
    def draw(self, images):
        return None  # (a deterministic layer)

    def transform_masks(self, masks, transformation):
        """(N, C, H, W) masks, floating, under `transformation`: as they are unless the
        layer changes_masks."""
        return masks

    def draws(self, images, draw):
        """draw(source, N) as a Variable (source: the generator of the draw in progress)."""
        return RandomDraws(draw, self._source)(images)

    # ----- inputs -----
    def _batch(self, images):
        """images (Keras' layout, or one image) as an (N, C, H, W) batch, to draw for."""
        images = floating(self._images(images))
        images = expand_dims(images, 0) if images.ndim == 3 else images
        return to_channels_first(images, 2, self._layout)

    def _masks(self, masks):
        """Masks as a Variable, in the images' layout ((N, H, W, C) or one (H, W, C))."""
        masks = as_variable(masks, who=self.who)
        if masks.ndim not in (3, 4):
            layout = "(N, C, H, W)" if self._layout == CHANNELS_FIRST else "(N, H, W, C)"
            raise ValueError(f"{self.who}: segmentation_masks must be in the images' layout "
                             f"{layout} or one mask, got shape {tuple(masks.shape)}")
        return masks

    def _on_dict(self, data):
        """Keras 3's dict: every part through the one transformation (a new dict: the
        caller's is left as it is)."""
        unknown = set(data) - set(_KEYS)
        if "images" not in data or unknown:
            raise ValueError(f"{self.who}: expected images or a dict with 'images' (and "
                             f"'labels', 'segmentation_masks', 'bounding_boxes'), got the keys "
                             f"{sorted(data)}")
        if "bounding_boxes" in data and not self.bounding_box_format:
            raise ValueError(f"{self.who}: a dict with 'bounding_boxes' needs the layer's "
                             "bounding_box_format, e.g. bounding_box_format='xyxy' (Keras "
                             "asks for it too)")
        images = floating(self._images(data["images"]))
        training = self.training
        transformation = self.get_random_transformation(images, training)
        out = dict(data)
        out["images"] = self.transform_images(images, transformation, training)
        if data.get("labels") is not None:
            out["labels"] = self._labels(data["labels"], images, transformation, training)
        if "bounding_boxes" in data:
            out["bounding_boxes"] = self._boxes(data["bounding_boxes"], images, transformation,
                                                training)
        if data.get("segmentation_masks") is not None:
            masks = data["segmentation_masks"]
            if len(_shape(masks)) != images.ndim:
                raise ValueError(f"{self.who}: segmentation_masks must have the images' rank "
                                 f"({images.ndim}), got shape {_shape(masks)}")
            out["segmentation_masks"] = self.transform_segmentation_masks(
                masks, transformation, training)
        return out

    def _labels(self, labels, images, transformation, training):
        """transform_labels on a dict's labels: one row per image (one image's label alone,
        as Keras' transform_single_label)."""
        if images.ndim == 4:
            shape = _shape(labels)
            if len(shape) == 0 or shape[0] != images.shape[0]:
                raise ValueError(f"{self.who}: labels must have one row per image, got shape "
                                 f"{shape} for images of shape {tuple(images.shape)}")
            return self.transform_labels(labels, transformation, training)
        batch = expand_dims(as_variable(labels, who=self.who), 0)
        out = self.transform_labels(batch, transformation, training)
        return labels if out is batch else get_item(out, 0)

    def _boxes(self, bounding_boxes, images, transformation, training):
        """transform_bounding_boxes on a dict's boxes: one image's (N, 4) boxes and (N,)
        labels as a batch of one, as Keras' transform_single_bounding_box."""
        if images.ndim == 4:
            return self.transform_bounding_boxes(bounding_boxes, transformation, training)
        boxes = box_dict(bounding_boxes, self.who)
        batch = {key: value[None] if key in ("boxes", "labels") else value
                 for key, value in boxes.items()}
        out = self.transform_bounding_boxes(batch, transformation, training)
        return {key: to_cpu(value)[0] if key in ("boxes", "labels") else value
                for key, value in out.items()}


def _exactly_floating(masks):
    """Masks as floats that hold each id exactly: float32 (as the images, whose sampling it
    then shares tie for tie), float64 for integer ids beyond float32's 2**24."""
    if masks.dtype.kind in "iu" and masks.size and \
            float(np.abs(to_cpu(masks.data)).max()) >= 2 ** 24:
        return astype(masks, "float64")
    return floating(masks)


def _shape(x):
    """The shape of x (a Variable, an array, a nested list), without converting it."""
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def _bounds(factor, name, who, limit=None):
    """Keras' factor: a number f meaning (-f, f), or (lower, upper)."""
    if isinstance(factor, numbers.Real) and not isinstance(factor, bool):
        bounds = (-abs(float(factor)), abs(float(factor)))
    elif isinstance(factor, (tuple, list)) and len(factor) == 2 and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in factor):
        bounds = (float(factor[0]), float(factor[1]))
    else:
        raise ValueError(f"{who}: {name} must be a number or a (lower, upper) pair, got "
                         f"{factor!r}")
    bounds = tuple(sorted(bounds))  # (Keras takes the pair either way round)
    if limit is not None and not limit[0] <= bounds[0] <= bounds[1] <= limit[1]:
        raise ValueError(f"{who}: {name} {factor!r} must lie within {list(limit)}")
    return bounds


def _value_range(value_range, who):
    """value_range as a pair (low, high) of numbers, or a ValueError naming `who`."""
    pair = tuple(value_range) if isinstance(value_range, (tuple, list)) else ()
    if len(pair) != 2 or not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                                 for v in pair):
        raise ValueError(f"{who}: value_range must be a pair (low, high) of numbers, got "
                         f"{value_range!r}")
    return pair


__all__ = []
