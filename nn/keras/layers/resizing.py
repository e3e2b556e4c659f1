"""Keras' image sizing layers: Resizing (each image interpolated to height x width) and
CenterCrop (the centre height x width window). Both are the same in training and inference,
and differentiable in the images: they are F.interpolate, slicing and padding.

Images are channels-last (N, H, W, C) or one image (H, W, C), as Keras' (data_format=
'channels_first' for (N, C, H, W)), or Keras 3's dict {"images", "labels",
"segmentation_masks"} (the augmentation layers' API: masks sized alike, resized 'nearest';
labels as they are). Keras' torch backend resizes with torch's interpolate:
'bilinear' and 'bicubic' with align_corners=False (antialias only when asked), 'nearest' as
'nearest-exact' (each output pixel the input pixel under its centre); it has no 'area',
'lanczos3' or 'lanczos5' (other backends' interpolations), so neither has this one."""
import numpy as np

from autograd.arguments import positive_int
from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import get_item, pad

from ... import functional as F
from ._base import CHANNELS_LAST
from .augmentation import _Augmentation
from .box_augmentation import (
    clipped,
    converted,
    image_size,
    scaled,
    shifted,
    windowed,
)

_MODES = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic"}


def aspect_window(height, width, size):
    """(top, left, rows, cols): the largest centred window of an image (height, width) with
    the aspect ratio of `size` (rows, cols), in Keras' integer arithmetic (its
    crop_to_aspect_ratio and smart_resize)."""
    rows = max(min(height, int(width * size[0] / size[1])), 1)
    cols = max(min(width, int(height * size[1] / size[0])), 1)
    return (height - rows) // 2, (width - cols) // 2, rows, cols


def window(images, top, left, rows, cols):
    """images (N, C, H, W) at rows top..top+rows, columns left..left+cols."""
    return get_item(images, (slice(None), slice(None), slice(top, top + rows),
                             slice(left, left + cols)))


def resized(images, size, interpolation="bilinear", antialias=False):
    """images (N, C, H, W) interpolated to `size` (rows, cols) as Keras' torch backend does
    (torch's interpolate; Keras' 'nearest' is its 'nearest-exact')."""
    linear = interpolation != "nearest"
    return F.interpolate(images, size=tuple(size), mode=_MODES[interpolation],
                         align_corners=False if linear else None,
                         antialias=antialias and linear)


def fitted(images, size, interpolation="bilinear"):
    """images (N, C, H, W) cropped to the aspect ratio of `size` and resized to it: Keras'
    smart_resize."""
    return resized(window(images, *aspect_window(*images.shape[2:], size)), size,
                   interpolation)


class RoundedTo(Function):
    """y = x rounded to the nearest integer (halves to even, as torch.round) and clipped
    into the integer dtype's range, in that dtype (Keras' saturating cast back to integer
    pixels). No gradient: integers carry none."""

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)

    def forward(self, x):
        xp = get_array_module(x)
        limits = np.iinfo(self.dtype)
        # the limits as x's floats that fit the integers (Keras' _saturate_cast): int32's
        # 2^31 - 1 is 2^31 in float32, which the cast wraps round to -2^31
        low, high = (x.dtype.type(limit) for limit in (limits.min, limits.max))
        if int(high) > limits.max:
            high = np.nextafter(high, x.dtype.type(0))
        if int(low) < limits.min:
            low = np.nextafter(low, x.dtype.type(0))
        return xp.clip(xp.rint(x), low, high).astype(self.dtype)

    def backward(self, gy):
        return None


class _Sizing(_Augmentation):
    """A layer giving every image the size (height, width), in training and inference:
    `transform` on the images as (N, C, H, W), floating-point (integer pixels become
    float32); no random transformation (None)."""

    in_inference = True
    changes_masks = True

    def __init__(self, height, width, data_format, name, input_shape):
        super().__init__(None, data_format, name, input_shape)
        self.height = positive_int(height, "height", self.who)
        self.width = positive_int(width, "width", self.who)

    @property
    def size(self):
        return self.height, self.width

    def transform_masks(self, masks, transformation):
        return self.transform(masks, transformation, "nearest")

    def draw(self, images):
        return {}  # (Keras' transformation: the images' shape alone, "input_shape")

    def _images(self, x):
        """KerasLayer's, refusing images without a pixel (nothing to interpolate from)."""
        x = super()._images(x)
        height_width = x.shape[-3:-1] if self._layout == CHANNELS_LAST else x.shape[-2:]
        if 0 in height_width:
            raise ValueError(f"{self.who}: the images need a height and width of at least 1, "
                             f"got an input of shape {tuple(x.shape)}")
        return x


class Resizing(_Sizing):
    """Each image interpolated to (height, width): 'bilinear', 'nearest' (the input pixel
    under each output pixel's centre) or 'bicubic' (the cubic convolution kernel, A = -0.75;
    values may overshoot), as torch's interpolate with align_corners=False; antialias
    averages every input pixel an output covers when shrinking. crop_to_aspect_ratio first
    crops the largest centred window of the target's aspect ratio; pad_to_aspect_ratio pads
    the short side evenly with fill_value instead. Integer pixels come back integer
    (rounded, clipped into the dtype), as Keras'. Keras 3.15 scales boxes by unrounded
    ratios (a pixel or more off the cropped or padded image); here by the window or padding
    the image gets."""

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, *, name=None, input_shape=None,
                 bounding_box_format=None):
        super().__init__(height, width, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        if interpolation not in _MODES:
            raise ValueError(f"{self.who}: interpolation must be one of {sorted(_MODES)}, got "
                             f"{interpolation!r} (Keras' torch backend has no 'area' or "
                             "'lanczos' resizing either)")
        if fill_mode != "constant":
            raise ValueError(f"{self.who}: fill_mode must be 'constant' (Keras' only one), got "
                             f"{fill_mode!r}")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(f"{self.who}: only one of crop_to_aspect_ratio and "
                             "pad_to_aspect_ratio can be True")
        self.interpolation, self.antialias = interpolation, bool(antialias)
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode, self.fill_value = fill_mode, float(fill_value)

    def draw(self, images):
        return tuple(images.shape[2:])  # (Keras' transformation: the input's (H, W))

    def move_boxes(self, bounding_boxes, transformation):
        """Moved as the pixels: cut to the aspect window or padded (as transform), scaled
        to the new size, clipped; boxes all -1 or all 0 (padding) become all 0."""
        height, width = (int(n) for n in transformation)
        fmt = self.bounding_box_format
        given = bounding_boxes["boxes"]
        blank = np.all(given == -1, -1, keepdims=True) | np.all(given == 0, -1, keepdims=True)
        boxes = converted(bounding_boxes, fmt, "xyxy", height, width)
        top, left, rows, cols = 0, 0, height, width
        if self.crop_to_aspect_ratio:
            top, left, rows, cols = aspect_window(height, width, self.size)
            boxes["boxes"] = windowed(boxes["boxes"], top, left, top + rows, left + cols)
        elif self.pad_to_aspect_ratio:
            top, left = padding(height, width, self.size)
            boxes["boxes"] = shifted(boxes["boxes"], left, top)
            rows, cols = height + 2 * top, width + 2 * left
        boxes["boxes"] = scaled(boxes["boxes"], self.width / cols, self.height / rows)
        boxes = clipped(boxes, *self.size)
        boxes["boxes"] = np.where(blank, np.float32(0), boxes["boxes"])
        return converted(boxes, "xyxy", fmt, *self.size)

    def forward(self, data):
        if isinstance(data, dict):
            return self._on_dict(data)
        x = self._images(data)
        y = self.transform_images(x, None)
        return RoundedTo(x.dtype)(y) if x.dtype.kind in "iu" else y

    def transform(self, images, transformation=None, interpolation=None):
        if self.crop_to_aspect_ratio:
            images = window(images, *aspect_window(*images.shape[2:], self.size))
        elif self.pad_to_aspect_ratio:
            images = self._padded(images)
        return resized(images, self.size, interpolation or self.interpolation,
                       self.antialias)

    def _padded(self, images):
        """images padded with fill_value to the target's aspect ratio: the short side by the
        same amount before and after (Keras' rounding: a pixel may be left over)."""
        rows, cols = padding(*images.shape[2:], self.size)
        if not rows and not cols:
            return images
        return pad(images, ((0, 0), (0, 0), (rows, rows), (cols, cols)),
                   constant_values=self.fill_value)


def padding(height, width, size):
    """(rows, cols) of fill before and after an (height, width) image padded to the aspect
    ratio of `size`, in Keras' integer arithmetic (Resizing's pad_to_aspect_ratio)."""
    rows = (max(height, int(width * size[0] / size[1])) - height) // 2
    cols = (max(width, int(height * size[1] / size[0])) - width) // 2
    return rows, cols


class CenterCrop(_Sizing):
    """The centre (height, width) window of each image (the odd pixel left over goes at the
    bottom and right). An image smaller than it on either side is cropped to its aspect
    ratio and resized to it (bilinear) instead, as Keras' smart_resize."""

    def __init__(self, height, width, data_format=None, *, name=None, input_shape=None,
                 bounding_box_format=None):
        super().__init__(height, width, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format

    def transform(self, images, transformation=None, interpolation="bilinear"):
        height, width = images.shape[2:]
        if height < self.height or width < self.width:
            return fitted(images, self.size, interpolation)
        return window(images, (height - self.height) // 2, (width - self.width) // 2,
                      self.height, self.width)

    def move_boxes(self, bounding_boxes, transformation):
        """Clipped into the window the image is cut to and put in its frame (a smaller
        image's window stretched to the size through rel_xyxy, as Keras), then clipped."""
        height, width = image_size(transformation["input_shape"], self._layout)
        fmt = self.bounding_box_format
        boxes = converted(bounding_boxes, fmt, "xyxy", height, width)
        small = height < self.height or width < self.width
        top, left, rows, cols = (aspect_window(height, width, self.size) if small else (
            (height - self.height) // 2, (width - self.width) // 2, self.height, self.width))
        boxes["boxes"] = windowed(boxes["boxes"], top, left, top + rows, left + cols)
        if small:
            boxes = converted(converted(boxes, "xyxy", "rel_xyxy", rows, cols), "rel_xyxy",
                              "xyxy", *self.size)
        return converted(clipped(boxes, *self.size), "xyxy", fmt, *self.size)


__all__ = ["Resizing", "CenterCrop"]
