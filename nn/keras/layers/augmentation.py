"""Keras' image augmentation layers: RandomFlip, RandomRotation, RandomTranslation,
RandomZoom and RandomContrast. Inside the model (`keras.Sequential([RandomFlip(),
RandomRotation(0.1), ...])`), each training batch gets new random variants of its images
(the study notes' augmentation), while evaluate and predict see the images as they are.

Images are channels-last (N, H, W, C) or one image (H, W, C), as Keras' (data_format=
'channels_first' for (N, C, H, W)); integer pixels become float32. The geometric layers map
every output pixel to a point of the input by an affine transform (the points as
F.affine_grid places them) and sample it there (F.grid_sample: 'bilinear', 'nearest' or
'bicubic' interpolation), points outside the image filled as Keras' fill_mode says:
'reflect' (d c b a | a b c d | d c b a), 'nearest' (the edge pixel), 'wrap' (the image
repeated) or 'constant' (fill_value). The random settings and the points they give are
drawn inside an op, so that a captured training step draws new ones at every replay;
`seed` gives the layer a generator of its own."""
import math
import numbers

import numpy as np

from autograd.arguments import positive_int
from autograd.backend import as_array
from autograd.function import Function
from autograd.ops import clip, mean, pad, where

from ... import functional as F
from ...functional.affine_grid import _base_grid
from ...functional.half_precision import in_float32
from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer, data_format_name, floating, on_images
from .resizing import aspect_window, resized, window

_PADDING = {"reflect": "reflection", "nearest": "border", "wrap": "border",
            "constant": "zeros"}
_FLIPS = {"horizontal": (False, True), "vertical": (True, False),
          "horizontal_and_vertical": (True, True)}


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


class _Augmentation(Module, KerasLayer):
    """An augmentation layer: identity in inference; while training, `augment` on the
    images as (N, C, H, W)."""

    supports_masking = False

    def __init__(self, seed, data_format, name, input_shape):
        super().__init__()
        self._keras_arguments(name, input_shape)
        self.seed, self.data_format = seed, data_format
        self._layout = data_format_name(data_format, self.who)
        self.generator = None if seed is None else np.random.default_rng(seed)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def forward(self, x):
        x = floating(self._images(x))
        if not self.training:
            return x
        return on_images(x, self._layout, self.augment)

    def draws(self, images, draw):
        """draw(source, N) (source: the layer's generator or NumPy's) as a Variable."""
        return RandomDraws(draw, self.generator)(images)


class RandomFlip(_Augmentation):
    """Each image flipped left-right ('horizontal'), upside down ('vertical') or both ways
    at once, turned half round ('horizontal_and_vertical', Keras' default, whose code draws
    once for both), with probability 1/2."""

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, *,
                 name=None, input_shape=None):
        super().__init__(seed, data_format, name, input_shape)
        if mode not in _FLIPS:
            raise ValueError(f"RandomFlip: mode must be one of {sorted(_FLIPS)}, got {mode!r}")
        self.mode = mode

    def augment(self, images):
        flips = self.draws(images, lambda source, n: source.random(n) < 0.5)
        axes = tuple(axis for axis, wanted in zip((2, 3), _FLIPS[self.mode]) if wanted)
        return where(flips.reshape(-1, 1, 1, 1), images.flip(axes), images)


class _Geometric(_Augmentation):
    """A random affine map per image (theta: output to input, in F.affine_grid's
    normalised coordinates), sampled with Keras' fill_mode and interpolation."""

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

    def augment(self, images):
        # float16 in float32, rounded once (as Keras keeps its coordinates in float32): a
        # float16 grid is off by a twentieth of a pixel across 224 of them
        return in_float32(self._sampled, images)

    def _sampled(self, images):
        height, width = images.shape[2:]
        # 'wrap': the image's other side around it, as far as the interpolation reads
        # across an edge (bicubic two pixels, bilinear one)
        margin = (2 if self.interpolation == "bicubic" else 1) if self.fill_mode == "wrap" \
            else 0
        grid = self.draws(images, lambda source, count: _wrapped(
            self.grid(source, count, height, width), height, width, margin))
        if margin:
            images = pad(images, ((0, 0), (0, 0), (margin, margin), (margin, margin)),
                         mode="wrap")
        shift = self.fill_value if self.fill_mode == "constant" else 0.0
        sampled = F.grid_sample(images - shift if shift else images, grid,
                                mode=self.interpolation, padding_mode=_PADDING[self.fill_mode],
                                align_corners=False)
        return sampled + shift if shift else sampled

    def grid(self, source, count, height, width):
        """(N, H, W, 2) points to sample, F.affine_grid's of the drawn thetas (a layer whose
        map is not affine draws its points here instead)."""
        return _affine_grid(self.thetas(source, count, height, width), height, width)


def _affine_grid(thetas, height, width):
    """F.affine_grid's (N, H, W, 2) points (align_corners=False) of `thetas`."""
    points = _base_grid((height, width), False, np.dtype(np.float64))  # (H W, 3)
    return np.einsum("pk,nik->npi", points, thetas).reshape(len(thetas), height, width, 2)


def _wrapped(grid, height, width, margin):
    """The (N, H, W, 2) points of `grid`; with a `margin` (wrap): each moved into the image
    periodically, in the coordinates of the image with `margin` pixels of wrap padding
    around it."""
    if not margin:
        return grid
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


class RandomRotation(_Geometric):
    """Each image rotated about its centre by an angle drawn in factor * 2 pi (a number f:
    from -f to f turns; positive: counter-clockwise)."""

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, *, name=None, input_shape=None):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, name,
                         input_shape)
        self.factor = factor
        self._turns = _bounds(factor, "factor", "RandomRotation")

    def thetas(self, source, count, height, width):
        angles = source.uniform(*self._turns, count) * 2 * math.pi
        cos, sin = np.cos(angles), np.sin(angles)
        # counter-clockwise on the screen (y down): the input point is the output's turned
        # back, [[cos, -sin], [sin, cos]] in these coordinates
        maps = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], 1)
        return _in_pixels(maps, height, width)


class RandomTranslation(_Geometric):
    """Each image shifted by a share of its height (positive: down) and of its width
    (positive: right), drawn from height_factor and width_factor (a number f: -f to f)."""

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None, *,
                 name=None, input_shape=None):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, name,
                         input_shape)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._shares = (_bounds(height_factor, "height_factor", "RandomTranslation", (-1, 1)),
                        _bounds(width_factor, "width_factor", "RandomTranslation", (-1, 1)))

    def thetas(self, source, count, height, width):
        down = source.uniform(*self._shares[0], count)
        right = source.uniform(*self._shares[1], count)
        thetas = np.zeros((count, 2, 3))
        thetas[:, 0, 0] = thetas[:, 1, 1] = 1
        thetas[:, 0, 2], thetas[:, 1, 2] = -2 * right, -2 * down  # (the image is 2 wide)
        return thetas


class RandomZoom(_Geometric):
    """Each image zoomed about its centre by 1 + z, z drawn from height_factor (a number
    f: -f to f; positive zooms out, negative in) and from width_factor (None: the same z,
    keeping the aspect ratio)."""

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None, *,
                 name=None, input_shape=None):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, name,
                         input_shape)
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
        return thetas


class RandomContrast(_Augmentation):
    """Each image's contrast scaled by c drawn from [1 - lower, 1 + upper]: (x - m) c + m
    per channel, m the channel's mean, clipped to value_range as Keras'. factor is
    (lower, upper), either way round, or a number f, which Keras 3.15 reads as (0, f): c
    from [1, 1 + f], never lowering the contrast (its docstring says [1 - f, 1 + f]; its
    code, followed here, does not)."""

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, *,
                 name=None, input_shape=None):
        super().__init__(seed, data_format, name, input_shape)
        self.factor, self.value_range = factor, _value_range(value_range, "RandomContrast")
        pair = (0.0, factor) if isinstance(factor, numbers.Real) else factor  # (Keras')
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) and 0 <= v <= 1
                for v in pair)):
            raise ValueError(f"RandomContrast: factor must be a number in [0, 1] or a pair "
                             f"(lower, upper) of them, got {factor!r}")
        lower, upper = sorted(map(float, pair))
        self._range = (1 - lower, 1 + upper)
        if not self.value_range[0] < self.value_range[1]:
            raise ValueError(f"RandomContrast: value_range must be (low, high) with low < "
                             f"high, got {value_range!r}")

    def augment(self, images):
        scales = self.draws(images, lambda source, n: source.uniform(*self._range, n))
        means = mean(images, axis=(2, 3), keepdims=True)
        scaled = (images - means) * scales.reshape(-1, 1, 1, 1) + means
        return clip(scaled, *self.value_range)


def _value_range(value_range, who):
    """value_range as a pair (low, high) of numbers, or a ValueError naming `who`."""
    pair = tuple(value_range) if isinstance(value_range, (tuple, list)) else ()
    if len(pair) != 2 or not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                                 for v in pair):
        raise ValueError(f"{who}: value_range must be a pair (low, high) of numbers, got "
                         f"{value_range!r}")
    return pair


class RandomBrightness(_Augmentation):
    """Each image brightened by d drawn from factor * (high - low) (a number f: -f to f; f
    in [-1, 1]), the same d for all its pixels and channels: x + d clipped to value_range =
    (low, high), as Keras'."""

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, *,
                 name=None, input_shape=None):
        super().__init__(seed, data_format, name, input_shape)
        self.factor = factor
        self.value_range = _value_range(value_range, "RandomBrightness")
        self._shares = _bounds(factor, "factor", "RandomBrightness", (-1, 1))
        self._range = tuple(sorted(map(float, self.value_range)))  # (Keras sorts it too)

    def augment(self, images):
        span = self._range[1] - self._range[0]
        deltas = self.draws(images, lambda source, n: source.uniform(*self._shares, n) * span)
        return clip(images + deltas.reshape(-1, 1, 1, 1), *self._range)


class RandomCrop(_Augmentation):
    """While training, one random (height, width) window of the batch's images, every
    position equally likely (Keras draws one per batch). An image not larger than it on
    both sides is resized (bilinear) instead, from what Keras 3.15 slices: (height, width)
    from the corner of its largest centred window of the target's aspect ratio, cut short
    at the image's edges.
    Inference gives the images unchanged, as Keras 3.15's RandomCrop does: the layers after
    it must take both sizes (convolutions and global pooling; not Flatten and Dense)."""

    def __init__(self, height, width, seed=None, data_format=None, *, name=None,
                 input_shape=None):
        super().__init__(seed, data_format, name, input_shape)
        self.height = positive_int(height, "height", self.who)
        self.width = positive_int(width, "width", self.who)

    def augment(self, images):
        height, width = images.shape[2:]
        if height > self.height and width > self.width:
            return RandomWindow(self.height, self.width, self.generator)(images)
        # Keras slices the target's size from the corner of the largest centred window of
        # the target's aspect ratio (cut short at the image's edges), and resizes that
        top, left, _, _ = aspect_window(height, width, (self.height, self.width))
        return resized(window(images, top, left, self.height, self.width),
                       (self.height, self.width))


class RandomWindow(Function):
    """y = x[:, :, t:t + height, l:l + width], (t, l) drawn at each call, each uniform over
    the positions where the window fits (the gradient: gy padded back into place)"""

    def __init__(self, height, width, generator):
        self.height, self.width, self.generator = height, width, generator
        self.draws_random = generator is None  # (a captured step accounts for NumPy's)

    def forward(self, x):
        source = np.random if self.generator is None else self.generator
        self.corner = tuple(min(int(source.uniform(0, room + 1)), room)
                            for room in (x.shape[2] - self.height, x.shape[3] - self.width))
        top, left = self.corner
        return x[:, :, top:top + self.height, left:left + self.width].copy()

    def backward(self, gy):
        height, width = self.inputs[0].shape[2:]
        top, left = self.corner
        return pad(gy, ((0, 0), (0, 0), (top, height - top - self.height),
                        (left, width - left - self.width)))


__all__ = ["RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom",
           "RandomContrast", "RandomBrightness", "RandomCrop"]
