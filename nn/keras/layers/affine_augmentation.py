"""Keras' geometric augmentation layers RandomRotation, RandomTranslation and RandomZoom, and
what every geometric layer shares (_Geometric): each output pixel mapped to a point of the
input (the points drawn with the transformation, as F.affine_grid places them) and sampled
there (F.grid_sample: 'bilinear', 'nearest' or 'bicubic' interpolation; segmentation masks
'nearest'), points outside the image filled as Keras' fill_mode says: 'reflect'
(d c b a | a b c d | d c b a), 'nearest' (the edge pixel), 'wrap' (the image repeated) or
'constant' (fill_value)."""
import math

import numpy as np

from autograd.backend import to_cpu
from autograd.ops import astype, pad
from autograd.ops.half_precision import in_float32

from ... import functional as F
from ...functional.affine_grid import _base_grid
from .augmentation import Derived, _Augmentation, _bounds
from .augmentation_chance import RandomArrays
from .box_augmentation import (
    clipped,
    converted,
    image_size,
    per_image,
    rotated,
    shifted,
    windowed,
)

_PADDING = {"reflect": "reflection", "nearest": "border", "wrap": "border",
            "constant": "zeros"}


class _Geometric(_Augmentation):
    """A random map per image: `settings(source, N, H, W)` draws the settings named `keys`
    and gives them with the (N, H, W, 2) points to sample (output to input, in
    F.affine_grid's normalised coordinates); sampled with Keras' fill_mode and
    interpolation."""

    keys = ()
    changes_masks = True

    def __init__(self, fill_mode, interpolation, seed, fill_value, data_format, name,
                 input_shape):
        super().__init__(seed, data_format, name, input_shape)
        if fill_mode not in _PADDING:
            raise ValueError(f"{self.who}: fill_mode must be one of {sorted(_PADDING)}, got "
                             f"{fill_mode!r}")
        if interpolation not in ("bilinear", "nearest", "bicubic"):
            raise ValueError(f"{self.who}: interpolation must be 'bilinear', 'nearest' or "
                             f"'bicubic', got {interpolation!r}")
        self.fill_mode, self.interpolation = fill_mode, interpolation
        self.fill_value = float(fill_value)

    def draw(self, images):
        height, width = images.shape[2:]
        # (float16 images: points in float32, as Keras keeps its coordinates; a float16 grid
        # is off by a twentieth of a pixel across 224 of them)
        like = astype(images, np.float32) if images.dtype == np.float16 else images
        drawn = RandomArrays(lambda source, count: self.settings(source, count, height, width),
                             self._source)(like)
        return dict(zip(self.keys + ("grid",), drawn))

    def transform(self, images, transformation):
        return self.sampled(images, transformation, self.interpolation)

    def transform_masks(self, masks, transformation):
        return self.sampled(masks, transformation, "nearest")

    def sampled(self, images, transformation, interpolation):
        """images (N, C, H, W) sampled at the transformation's points (float16 in float32,
        rounded once)."""
        return in_float32(self._sampled, images, transformation["grid"], interpolation)

    def _sampled(self, images, grid, interpolation):
        height, width = images.shape[2:]
        if grid.dtype != images.dtype:  # (masks, floating, beside float64 images)
            grid = astype(grid, images.dtype)
        # 'wrap': the image's other side around it, as far as the interpolation reads
        # across an edge (bicubic two pixels, bilinear one)
        margin = (2 if interpolation == "bicubic" else 1) if self.fill_mode == "wrap" else 0
        if margin:
            grid = Derived(lambda g: _wrapped(g, height, width, margin))(grid)
            images = pad(images, ((0, 0), (0, 0), (margin, margin), (margin, margin)),
                         mode="wrap")
        shift = self.fill_value if self.fill_mode == "constant" else 0.0
        sampled = F.grid_sample(images - shift if shift else images, grid,
                                mode=interpolation, padding_mode=_PADDING[self.fill_mode],
                                align_corners=False)
        return sampled + shift if shift else sampled


class _Affine(_Geometric):
    """A geometric layer whose map is affine: `thetas(source, N, H, W)` gives the drawn
    settings and the (N, 2, 3) maps (F.affine_grid's theta)."""

    def settings(self, source, count, height, width):
        *drawn, thetas = self.thetas(source, count, height, width)
        return (*drawn, _affine_grid(thetas, height, width))


def _affine_grid(thetas, height, width):
    """F.affine_grid's (N, H, W, 2) points (align_corners=False) of `thetas`."""
    points = _base_grid((height, width), False, np.dtype(np.float64))  # (H W, 3)
    return np.einsum("pk,nik->npi", points, thetas).reshape(len(thetas), height, width, 2)


def _wrapped(grid, height, width, margin):
    """The (N, H, W, 2) points of `grid`, each moved into the image periodically, in the
    coordinates of the image with `margin` pixels of wrap padding around it."""
    size = np.array([width, height])
    pixels = np.mod(((grid + 1) * size - 1) / 2 + 0.5, size) - 0.5 + margin
    return (2 * pixels + 1) / (size + 2 * margin) - 1


def _in_pixels(maps, height, width):
    """(N, 2, 3) thetas from (N, 2, 2) maps of pixel offsets from the centre (x right, y
    down; output to input) to affine_grid's normalised coordinates."""
    scale = np.array([width / 2, height / 2])
    thetas = np.zeros((len(maps), 2, 3))
    thetas[:, :, :2] = maps * scale[None, None, :] / scale[None, :, None]
    return thetas


class RandomRotation(_Affine):
    """Each image rotated about its centre by an angle drawn in factor * 2 pi (a number f:
    from -f to f turns; positive: counter-clockwise). Transformation: "angle" (degrees).
    Keras 3.15 reads boxes as xyxy whatever bounding_box_format and turns them half a pixel
    off the centre; here in that format, about the image's centre."""

    keys = ("angle",)

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, *, name=None, input_shape=None,
                 bounding_box_format=None):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, name,
                         input_shape)
        self.bounding_box_format = bounding_box_format
        self.factor = factor
        self._turns = _bounds(factor, "factor", "RandomRotation")

    def thetas(self, source, count, height, width):
        angles = source.uniform(*self._turns, count) * 2 * math.pi
        cos, sin = np.cos(angles), np.sin(angles)
        # counter-clockwise on the screen (y down): the input point is the output's turned
        # back, [[cos, -sin], [sin, cos]] in these coordinates
        maps = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], 1)
        return np.degrees(angles), _in_pixels(maps, height, width)

    def move_boxes(self, bounding_boxes, transformation):
        """Turned by the angle about the centre (the box around the turned corners), then
        clipped."""
        height, width = image_size(transformation["input_shape"], self._layout)
        fmt = self.bounding_box_format
        boxes = converted(bounding_boxes, fmt, "xyxy", height, width)
        boxes["boxes"] = rotated(boxes["boxes"], transformation["angle"], height, width)
        return converted(clipped(boxes, height, width), "xyxy", fmt, height, width)


class RandomTranslation(_Affine):
    """Each image shifted by a share of its height (positive: down) and of its width
    (positive: right), drawn from height_factor and width_factor (a number f: -f to f).
    Transformation: "translations" (N, 2), (width share, height share) as Keras'."""

    keys = ("translations",)

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None, *,
                 name=None, input_shape=None, bounding_box_format=None):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, name,
                         input_shape)
        self.bounding_box_format = bounding_box_format
        self.height_factor, self.width_factor = height_factor, width_factor
        self._shares = (_bounds(height_factor, "height_factor", "RandomTranslation", (-1, 1)),
                        _bounds(width_factor, "width_factor", "RandomTranslation", (-1, 1)))

    def thetas(self, source, count, height, width):
        down = source.uniform(*self._shares[0], count)
        right = source.uniform(*self._shares[1], count)
        thetas = np.zeros((count, 2, 3))
        thetas[:, 0, 0] = thetas[:, 1, 1] = 1
        thetas[:, 0, 2], thetas[:, 1, 2] = -2 * right, -2 * down  # (the image is 2 wide)
        return np.stack([right, down], -1), thetas

    def move_boxes(self, bounding_boxes, transformation):
        """Shifted by the translation in pixels (float32 share x size), then clipped."""
        height, width = image_size(transformation["input_shape"], self._layout)
        fmt = self.bounding_box_format
        boxes = converted(bounding_boxes, fmt, "xyxy", height, width)
        shares = to_cpu(transformation["translations"])
        right, down = (per_image(shares[:, axis], boxes["boxes"]) * np.float32(size)
                       for axis, size in ((0, width), (1, height)))
        boxes["boxes"] = shifted(boxes["boxes"], right, down)
        return converted(clipped(boxes, height, width), "xyxy", fmt, height, width)


class RandomZoom(_Affine):
    """Each image zoomed about its centre by 1 + z, z drawn from height_factor (a number
    f: -f to f; positive zooms out, negative in) and from width_factor (None: the same z,
    keeping the aspect ratio). Transformation: "height_zoom", "width_zoom" (1 + z)."""

    keys = ("height_zoom", "width_zoom")

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None, *,
                 name=None, input_shape=None, bounding_box_format=None):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, name,
                         input_shape)
        self.bounding_box_format = bounding_box_format
        self.height_factor, self.width_factor = height_factor, width_factor
        self._zooms = (_bounds(height_factor, "height_factor", "RandomZoom", (-1, 1)),
                       None if width_factor is None else
                       _bounds(width_factor, "width_factor", "RandomZoom", (-1, 1)))
        if min(b[0] for b in self._zooms if b is not None) <= -1:
            raise ValueError(f"RandomZoom: a factor of -1 or below zooms by 0 or less, got "
                             f"{height_factor!r}, {width_factor!r}")

    def thetas(self, source, count, height, width):
        tall = 1 + source.uniform(*self._zooms[0], count)
        wide = tall if self._zooms[1] is None else 1 + source.uniform(*self._zooms[1], count)
        thetas = np.zeros((count, 2, 3))
        thetas[:, 0, 0], thetas[:, 1, 1] = wide, tall
        return tall, wide, thetas

    def move_boxes(self, bounding_boxes, transformation):
        """As Keras 3.15: clipped into the window the zoom matrix maps the image to
        ((W - 1) / 2 (1 - zx) .. that + zx W, alike in y), put in its frame, made relative
        to its size, clipped to [0, 1] and read back in the image's size."""
        height, width = image_size(transformation["input_shape"], self._layout)
        fmt = self.bounding_box_format
        boxes = converted(bounding_boxes, fmt, "xyxy", height, width)
        wide = per_image(transformation["width_zoom"], boxes["boxes"])
        tall = per_image(transformation["height_zoom"], boxes["boxes"])
        left = (np.float32(width) - 1) / 2 * (1 - wide)
        top = (np.float32(height) - 1) / 2 * (1 - tall)
        right, bottom = wide * np.float32(width) + left, tall * np.float32(height) + top
        window = windowed(boxes["boxes"], top, left, bottom, right)
        spans = np.stack([right - left, bottom - top] * 2, -1)
        boxes["boxes"] = (window / spans).astype(np.float32)
        return converted(clipped(boxes, None, None, "rel_xyxy"), "rel_xyxy", fmt, height,
                         width)


__all__ = ["RandomRotation", "RandomTranslation", "RandomZoom"]
