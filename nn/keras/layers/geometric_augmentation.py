"""Keras' RandomShear, RandomPerspective and RandomElasticTransform: like RandomRotation,
each output pixel is sampled at a drawn point of the input (affine_augmentation's
_Geometric: fill modes, interpolation, segmentation masks sampled 'nearest', gradients to
the images), here points that Keras' backend computes in pixel indices (x right, y down,
(0, 0) the top-left pixel's centre)."""
import numpy as np

from autograd.backend import to_cpu
from autograd.ops import clip, where

from .affine_augmentation import _Geometric
from .augmentation import _bounds, _value_range
from .augmentation_chance import chances, check_interpolation, unit_bounds
from .blur_augmentation import blurred, gaussian_kernel
from .box_augmentation import clipped, converted, image_size, projected, shear_maps


def _pixels(height, width):
    """(H, W, 2) pixel indices (x, y) of every pixel."""
    y, x = np.mgrid[:height, :width].astype(np.float64)
    return np.stack([x, y], -1)


def _normalised(points, height, width):
    """(..., 2) points in pixel indices in F.affine_grid's coordinates (align_corners=False:
    -1 and 1 the image's outer edges)."""
    return (2 * points + 1) / np.array([width, height]) - 1


class _Chancy(_Geometric):
    """A geometric layer that Keras applies to each image with a probability drawn from
    factor (the rest left as they are): transformation `applied` (Keras' name) (N,), 1
    where applied."""

    applied = "apply_transform"

    def draw(self, images):
        applied = self.draws(images, lambda source, n: chances(source, n, self._chance))
        return {self.applied: applied, **super().draw(images)}

    def sampled(self, images, transformation, interpolation):
        applied = transformation[self.applied].reshape(-1, 1, 1, 1) > 0
        return where(applied, super().sampled(images, transformation, interpolation), images)


class RandomShear(_Geometric):
    """Each image sheared about its top-left pixel, as Keras' affine transform: the output
    pixel (x, y) shows the input's (x + s_x y, s_y x + y), s_x from x_factor and s_y from
    y_factor (a number f in [0, 1]: -f to f; a pair within [0, 1]: that range), both
    negated for half of the images (Keras' one random sign per image). Transformation:
    "shear_factor" (N, 2), (s_x, s_y). Keras 3.15 shears boxes in relative units, x then y
    in turn (off for non-square images and both shears); here by the pixels' inverse map."""

    keys = ("shear_factor",)

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear",
                 fill_mode="reflect", fill_value=0.0, data_format=None, seed=None, *,
                 name=None, input_shape=None, bounding_box_format=None):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, name,
                         input_shape)
        self.bounding_box_format = bounding_box_format
        check_interpolation(interpolation, self.who)
        self.x_factor, self.y_factor = x_factor, y_factor
        self._shears = tuple(_shear_bounds(f, n, self.who)
                             for f, n in ((x_factor, "x_factor"), (y_factor, "y_factor")))

    def settings(self, source, count, height, width):
        sign = np.where(source.uniform(0, 1, count) > 0.5, -1.0, 1.0)  # (Keras' order)
        shear_y = source.uniform(*self._shears[1], count) * sign
        shear_x = source.uniform(*self._shears[0], count) * sign
        x, y = np.moveaxis(_pixels(height, width), -1, 0)
        points = np.stack([x + shear_x[:, None, None] * y, shear_y[:, None, None] * x + y], -1)
        return np.stack([shear_x, shear_y], -1), _normalised(points, height, width)

    def move_boxes(self, bounding_boxes, transformation):
        """The box around each box's corners moved as the pixels (the shear's inverse, in
        pixels), then clipped."""
        height, width = image_size(transformation["input_shape"], self._layout)
        fmt = self.bounding_box_format
        boxes = converted(bounding_boxes, fmt, "xyxy", height, width)
        boxes["boxes"] = projected(boxes["boxes"], shear_maps(transformation["shear_factor"]),
                                   None)
        return converted(clipped(boxes, height, width), "xyxy", fmt, height, width)


def _shear_bounds(factor, name, who):
    """Keras' shear factor: each number in [0, 1]; a number f means (-f, f)."""
    numbers = factor if isinstance(factor, (tuple, list)) else (factor,)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1
               for v in numbers):
        raise ValueError(f"{who}: {name} must be a number in [0, 1] or a pair of them, got "
                         f"{factor!r}")
    return _bounds(factor, name, who)


class RandomPerspective(_Chancy):
    """Each image, with a probability drawn from factor (a number f: (0, f)), warped by the
    homography that takes its corners c to c + c * u, u drawn per corner and axis from
    (-scale / 2, scale / 2) (corners in pixel indices, so the top-left one stays): the
    output pixel at a moved corner shows the input's corner. Outside: fill_value.
    Transformation: "apply_perspective", "shifts" (N, 4, 2) (the u's). Keras 3.15 gives
    the boxes back in xyxy whatever bounding_box_format; here in that format."""

    keys, applied = ("shifts",), "apply_perspective"

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0,
                 seed=None, data_format=None, *, name=None, input_shape=None,
                 bounding_box_format=None):
        super().__init__("constant", interpolation, seed, fill_value, data_format, name,
                         input_shape)
        self.bounding_box_format = bounding_box_format
        check_interpolation(interpolation, self.who)
        self.factor, self.scale = factor, scale
        self._chance = unit_bounds(factor, "factor", self.who)
        if not (isinstance(scale, (int, float)) and not isinstance(scale, bool)
                and 0 <= scale <= 1):
            raise ValueError(f"{self.who}: scale must be a number in [0, 1], got {scale!r}")

    def settings(self, source, count, height, width):
        shifts = source.uniform(-0.5 * self.scale, 0.5 * self.scale, (count, 4, 2))
        start = np.array([[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1],
                          [width - 1, height - 1]])
        maps = _homographies(start + start * shifts, np.broadcast_to(start, shifts.shape))
        points = np.einsum("hwk,nik->nhwi", np.concatenate(
            [_pixels(height, width), np.ones((height, width, 1))], -1), maps)
        return shifts, _normalised(points[..., :2] / points[..., 2:], height, width)

    def move_boxes(self, bounding_boxes, transformation):
        """The box around each box's corners moved as the image (where applied), clipped."""
        height, width = image_size(transformation["input_shape"], self._layout)
        boxes = converted(bounding_boxes, self.bounding_box_format, "xyxy", height, width)
        start = np.array([[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1],
                          [width - 1, height - 1]], np.float32)
        shifts = to_cpu(transformation["shifts"]).astype(np.float32)
        # the image samples the map from the moved corners back to the corners; the boxes
        # go the other way (projected inverts it)
        maps = _homographies(start + start * shifts, np.broadcast_to(start, shifts.shape))
        boxes["boxes"] = projected(boxes["boxes"], maps, transformation[self.applied])
        return converted(clipped(boxes, height, width), "xyxy", self.bounding_box_format,
                         height, width)


def _homographies(sources, targets):
    """(N, 3, 3) projective maps taking each image's 4 `sources` points (N, 4, 2) to its
    `targets` (Keras' compute_homography_matrix, the last entry fixed at 1)."""
    x, y = np.moveaxis(sources, -1, 0)  # (N, 4) each
    u, v = np.moveaxis(targets, -1, 0)
    ones, zeros = np.ones_like(x), np.zeros_like(x)
    rows_u = np.stack([x, y, ones, zeros, zeros, zeros, -u * x, -u * y], -1)
    rows_v = np.stack([zeros, zeros, zeros, x, y, ones, -v * x, -v * y], -1)
    system = np.stack([rows_u, rows_v], 2).reshape(len(x), 8, 8)  # (u1, v1, u2, v2, ...)
    solution = np.linalg.solve(system, np.stack([u, v], 2).reshape(len(x), 8, 1))[..., 0]
    return np.concatenate([solution, np.ones((len(x), 1))], -1).reshape(-1, 3, 3)


class RandomElasticTransform(_Chancy):
    """Each image, with a probability drawn from factor (a number f: (0, f)), moved by a
    smooth random field: per pixel, alpha times normal noise of deviation sigma blurred by a
    Gaussian of sigma (kernel int(6 sigma) | 1, zeros beyond the edges), alpha = 0.1 d
    max(H, W) and sigma = 0.05 d min(H, W), d drawn once per batch from scale (a number s:
    (0, s)); then clipped to value_range, as Keras. fill_mode: 'reflect', 'nearest',
    'wrap' or 'constant' (Keras' 'mirror' is not offered). Segmentation masks are moved
    alike, not clipped. Transformation: "apply_transform" and the points, "grid"."""

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, value_range=(0, 255), seed=None, data_format=None, *,
                 name=None, input_shape=None, bounding_box_format=None):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, name,
                         input_shape)
        self.bounding_box_format = bounding_box_format
        check_interpolation(interpolation, self.who)
        self.factor, self.scale = factor, scale
        self._chance = unit_bounds(factor, "factor", self.who)
        self._scale = unit_bounds(scale, "scale", self.who)
        self.value_range = _value_range(value_range, self.who)

    def draw(self, images):
        if self._scale[1] == 0 or self._chance[1] == 0:  # (Keras leaves them, unclipped)
            return None
        return super().draw(images)

    def transform(self, images, transformation):
        if transformation is None:
            return images
        return clip(super().transform(images, transformation), *self.value_range)

    def transform_masks(self, masks, transformation):
        if transformation is None:
            return masks
        return super().transform_masks(masks, transformation)

    def settings(self, source, count, height, width):
        distortion = source.uniform(*self._scale)
        alpha = max(height, width) * 0.1 * distortion
        sigma = min(height, width) * 0.05 * distortion
        noise = source.standard_normal((2, count, height, width)) * sigma  # (x's, then y's)
        kernel = gaussian_kernel(int(6 * sigma) | 1, sigma)
        moves = np.moveaxis(blurred(noise, kernel, kernel), 0, -1)  # (N, H, W, 2)
        return (_normalised(_pixels(height, width) + alpha * moves, height, width),)


__all__ = ["RandomShear", "RandomPerspective", "RandomElasticTransform"]
