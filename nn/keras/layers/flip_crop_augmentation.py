"""Keras' RandomFlip and RandomCrop: augmentations that move whole pixels (a mirror, a
window), so that segmentation masks get the very same pixels moved."""
import numpy as np

from autograd.arguments import positive_int
from autograd.backend import to_cpu
from autograd.function import Function
from autograd.ops import astype, pad, where

from .augmentation import _Augmentation
from .augmentation_chance import RandomArrays
from .box_augmentation import clipped, converted, flipped, image_size, scaled, windowed
from .resizing import aspect_window, resized, window

_FLIPS = {"horizontal": (False, True), "vertical": (True, False),
          "horizontal_and_vertical": (True, True)}


class RandomFlip(_Augmentation):
    """Each image flipped left-right ('horizontal'), upside down ('vertical') or both ways
    at once, turned half round ('horizontal_and_vertical', Keras' default, whose code draws
    once for both), with probability 1/2. Transformation: "flips" (N,), 1 where flipped.
    Keras 3.15 clips relative boxes to [0, width] x [0, height]; here to the image, [0, 1]."""

    changes_masks = True

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, *,
                 name=None, input_shape=None, bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        if mode not in _FLIPS:
            raise ValueError(f"RandomFlip: mode must be one of {sorted(_FLIPS)}, got {mode!r}")
        self.mode = mode

    def draw(self, images):
        return {"flips": self.draws(images, lambda source, n: source.random(n) < 0.5)}

    def transform(self, images, transformation):
        axes = tuple(axis for axis, wanted in zip((2, 3), _FLIPS[self.mode]) if wanted)
        return where(transformation["flips"].reshape(-1, 1, 1, 1), images.flip(axes), images)

    transform_masks = transform  # (the same pixels moved)

    def move_boxes(self, bounding_boxes, transformation):
        """Flipped in rel_xyxy (x -> 1 - x, y -> 1 - y), then clipped to [0, 1]."""
        height, width = image_size(transformation["input_shape"], self._layout)
        fmt = self.bounding_box_format
        boxes = converted(bounding_boxes, fmt, "rel_xyxy", height, width)
        vertical, horizontal = _FLIPS[self.mode]
        boxes["boxes"] = flipped(boxes["boxes"], transformation["flips"], horizontal, vertical)
        return converted(clipped(boxes, None, None, "rel_xyxy"), "rel_xyxy", fmt, height,
                         width)


class RandomCrop(_Augmentation):
    """While training, one random (height, width) window of the batch's images, every
    position equally likely (Keras draws one per batch). An image not larger than it on
    both sides is resized (bilinear; masks 'nearest') instead, from what Keras 3.15 slices:
    (height, width) from the corner of its largest centred window of the target's aspect
    ratio, cut short at the image's edges. Transformation: (h_start, w_start), as Keras'.
    Inference gives the images unchanged, as Keras 3.15's RandomCrop does: the layers after
    it must take both sizes (convolutions and global pooling; not Flatten and Dense).
    Keras 3.15 moves boxes by the swapped offsets in the crop's size, unclipped beyond it;
    here they follow the pixels (clipped to the crop, label -1 where nothing is left)."""

    changes_masks = True

    def __init__(self, height, width, seed=None, data_format=None, *, name=None,
                 input_shape=None, bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        self.height = positive_int(height, "height", self.who)
        self.width = positive_int(width, "width", self.who)

    def draw(self, images):
        height, width = images.shape[2:]
        if not self._fits(height, width):
            # Keras slices the target's size from the corner of the largest centred window
            # of the target's aspect ratio (cut short at the image's edges), and resizes it
            return aspect_window(height, width, (self.height, self.width))[:2]
        rooms = (height - self.height, width - self.width)
        # (float16 images: a corner past 2048 needs float32 to be exact)
        like = astype(images, np.float32) if images.dtype == np.float16 else images
        return RandomArrays(lambda source, n: tuple(
            min(int(source.uniform(0, room + 1)), room) for room in rooms), self._source)(like)

    def transform(self, images, transformation, interpolation="bilinear"):
        top, left = transformation
        if self._fits(*images.shape[2:]):
            return Window(self.height, self.width)(images, top, left)
        return resized(window(images, top, left, self.height, self.width),
                       (self.height, self.width), interpolation)

    def transform_masks(self, masks, transformation):
        return self.transform(masks, transformation, "nearest")

    def move_boxes(self, bounding_boxes, transformation):
        """Cut to the image's window (top, left) and put in its frame; the window's part
        inside a smaller image stretched to (height, width) as its pixels are; clipped."""
        shape = getattr(transformation, "input_shape", None)
        if shape is None:
            raise ValueError(f"{self.who}: transform_bounding_boxes needs the images' size: "
                             "pass the transformation get_random_transformation gave, got "
                             f"{transformation!r}")
        height, width = image_size(shape, self._layout)
        top, left = (int(to_cpu(v)) for v in transformation)
        rows, cols = min(self.height, height - top), min(self.width, width - left)
        fmt = self.bounding_box_format
        boxes = converted(bounding_boxes, fmt, "xyxy", height, width)
        boxes["boxes"] = scaled(windowed(boxes["boxes"], top, left, top + rows, left + cols),
                                self.width / cols, self.height / rows)
        size = (self.height, self.width)
        return converted(clipped(boxes, *size), "xyxy", fmt, *size)

    def _fits(self, height, width):
        """Whether the window fits strictly inside an image (height, width)."""
        return height > self.height and width > self.width


class Window(Function):
    """y = x[:, :, t:t + height, l:l + width] at the drawn corner (t, l) (the gradient: gy
    padded back into place; none to the corner)"""

    def __init__(self, height, width):
        self.height, self.width = height, width

    def forward(self, x, top, left):
        self.corner = int(top), int(left)
        top, left = self.corner
        return x[:, :, top:top + self.height, left:left + self.width].copy()

    def backward(self, gy):
        height, width = self.inputs[0].shape[2:]
        top, left = self.corner
        return pad(gy, ((0, 0), (0, 0), (top, height - top - self.height),
                        (left, width - left - self.width))), None, None


__all__ = ["RandomFlip", "RandomCrop"]
