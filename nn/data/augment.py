"""Random augmentation transforms: shifts, rotations, flips, Gaussian and salt-and-pepper
noise.

Like the other transforms they take a batch (first axis = samples) and return a new
array (the input is never modified). Each draws from its own NumPy Generator seeded at
construction, so the same seed gives the same sequence of augmented batches; every call
draws afresh, so a transform inside TensorDataset(..., transform=...) shows the model a
different variant of each sample every epoch. Use them on the training data only.
"""

import numbers

import numpy as np

from autograd.arguments import nonnegative_int, seed_or_drawn
from autograd.backend import to_cpu

from .transforms import _float_dtype

_FLIP_AXES = {"horizontal": (-1,), "vertical": (-2,), "horizontal_and_vertical": (-1, -2)}


def _generator(seed, who):
    """np.random.default_rng(seed) (for None, a seed drawn from NumPy's global generator:
    see seed_or_drawn), or a ValueError naming `who` for a seed NumPy refuses."""
    try:
        return np.random.default_rng(seed_or_drawn(None, who) if seed is None else seed)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{who}: seed must be None or an integer >= 0, got {seed!r}") from error


def _fraction(value, name, who):
    """`value` as a float in [0, 1] (a probability or a share of pixels)."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not 0.0 <= float(value) <= 1.0):
        raise ValueError(f"{who}: {name} must be a number in [0, 1], got {value!r}")
    return float(value)


def _fill(value, who):
    """The value uncovered pixels take: a number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{who}: fill must be a number, got {value!r}")
    return value


def _numeric_batch(x, who, min_ndim, layout):
    """x (an array, Variable or list) as a numeric NumPy array with at least `min_ndim`
    axes, else an error naming `who`."""
    x = to_cpu(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{who}: expects numeric arrays, got dtype {x.dtype}")
    if x.ndim < min_ndim:
        raise ValueError(f"{who}: expects a batch of {layout}, got shape {x.shape}")
    return x


_IMAGES = "images (N, H, W) or (N, C, H, W)"


def _check_fill_fits(fill, dtype, who):
    """A ValueError where integer images cannot hold `fill` (0.5 would become 0, -1 in
    uint8 255): those pixels would silently get another value."""
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        if fill != int(fill) or not info.min <= fill <= info.max:
            raise ValueError(f"{who}: the value {fill} cannot be held by {dtype} images; "
                             f"give a whole value in [{info.min}, {info.max}], or float "
                             "images")


class RandomShift:
    """Move each image by a random whole number of pixels, at most `max_shift` in each of
    height and width (drawn independently per image); uncovered pixels become `fill`.

    Input (N, H, W) or (N, C, H, W): the last two axes are height and width.
    """

    def __init__(self, max_shift, fill=0.0, seed=None):
        who = "RandomShift"
        self.max_shift = nonnegative_int(max_shift, "max_shift", who)
        self.fill = _fill(fill, who)
        self.rng = _generator(seed, who)

    def __call__(self, x):
        x = _numeric_batch(x, "RandomShift", 3, _IMAGES)
        _check_fill_fits(self.fill, x.dtype, "RandomShift")
        n, (h, w), s = len(x), x.shape[-2:], self.max_shift
        images = x.reshape(n, -1, h, w)  # one channel axis, however many the input had
        padded = np.pad(images, ((0, 0), (0, 0), (s, s), (s, s)), constant_values=self.fill)
        dy, dx = self.rng.integers(-s, s + 1, size=(2, n))
        # Output pixel (r, c) of image i reads input pixel (r - dy, c - dx): content moves
        # down by dy and right by dx.
        rows = np.arange(h) - dy[:, None] + s
        cols = np.arange(w) - dx[:, None] + s
        out = padded[np.arange(n)[:, None, None, None], np.arange(images.shape[1])[:, None, None],
                     rows[:, None, :, None], cols[:, None, None, :]]
        return out.reshape(x.shape)

    def __repr__(self):
        return f"RandomShift(max_shift={self.max_shift}, fill={self.fill})"


class RandomRotation:
    """Rotate each image about its centre by an angle drawn uniformly from [-degrees,
    degrees] (or from a range (low, high)), counter-clockwise for positive angles as
    torchvision and Keras turn them; values between pixels are interpolated bilinearly,
    pixels brought in from outside the image become `fill`.

    Input (N, H, W) or (N, C, H, W). Float input keeps its dtype; integers become float32.
    """

    def __init__(self, degrees, fill=0.0, seed=None):
        who = "RandomRotation"
        self.degrees = _angle_range(degrees, who)
        self.fill = _fill(fill, who)
        self.rng = _generator(seed, who)

    def __call__(self, x):
        x = _numeric_batch(x, "RandomRotation", 3, _IMAGES)
        n, (h, w) = len(x), x.shape[-2:]
        dtype = _float_dtype(x)
        images = x.reshape(n, -1, h, w).astype(dtype, copy=False)
        angles = np.deg2rad(self.rng.uniform(*self.degrees, size=n))[:, None, None]
        rows, cols = _source_pixels(angles, h, w)
        out = np.zeros((n, images.shape[1], h, w), dtype)
        top, left = np.floor(rows), np.floor(cols)
        for dr, dc in ((0, 0), (0, 1), (1, 0), (1, 1)):  # the four pixels around each source
            r, c = top + dr, left + dc
            weight = (1 - np.abs(rows - r)) * (1 - np.abs(cols - c))
            inside = (r >= 0) & (r < h) & (c >= 0) & (c < w)
            values = images[np.arange(n)[:, None, None], :, np.clip(r, 0, h - 1).astype(int),
                            np.clip(c, 0, w - 1).astype(int)]  # (n, h, w, channels)
            values = np.where(inside[..., None], values, self.fill)
            out += np.moveaxis(values * weight[..., None], -1, 1).astype(dtype, copy=False)
        return out.reshape(x.shape)

    def __repr__(self):
        return f"RandomRotation(degrees={self.degrees}, fill={self.fill})"


def _angle_range(degrees, who):
    """(low, high) in degrees from a number d (-d, d) or a pair."""
    pair = (-degrees, degrees) if isinstance(degrees, numbers.Real) else degrees
    try:
        low, high = (float(v) for v in pair)
    except (TypeError, ValueError):
        raise ValueError(f"{who}: degrees must be a number >= 0 or a pair (low, high), got "
                         f"{degrees!r}") from None
    if isinstance(degrees, bool) or not (np.isfinite([low, high]).all() and low <= high):
        raise ValueError(f"{who}: degrees must be a number >= 0 or a pair (low, high) with "
                         f"low <= high, got {degrees!r}")
    return low, high


def _source_pixels(angles, h, w):
    """For each output pixel of each image, the (row, column) it reads from, rotated by
    -angle about the centre (rows grow downwards, so up is -row)."""
    cy, cx = (h - 1) / 2, (w - 1) / 2
    row, col = np.mgrid[0:h, 0:w]
    right, up = col - cx, cy - row
    cos, sin = np.cos(angles), np.sin(angles)
    return cy - (-sin * right + cos * up), cx + (cos * right + sin * up)


class RandomFlip:
    """Mirror each image with probability `p`: mode "horizontal" (left-right),
    "vertical" (up-down) or "horizontal_and_vertical" (each drawn separately).

    Input (N, H, W) or (N, C, H, W). Mind the data: a flipped 2 is no longer a 2 to
    everyone, while a flipped photo of a cat is still a cat.
    """

    def __init__(self, mode="horizontal", p=0.5, seed=None):
        who = "RandomFlip"
        if mode not in _FLIP_AXES:
            raise ValueError(f"{who}: mode must be one of {sorted(_FLIP_AXES)}, got {mode!r}")
        self.mode = mode
        self.p = _fraction(p, "p", who)
        self.rng = _generator(seed, who)

    def __call__(self, x):
        x = _numeric_batch(x, "RandomFlip", 3, _IMAGES)
        out = x.copy()
        for axis in _FLIP_AXES[self.mode]:
            chosen = self.rng.random(len(x)) < self.p
            out[chosen] = np.flip(out[chosen], axis=axis)
        return out

    def __repr__(self):
        return f"RandomFlip(mode={self.mode!r}, p={self.p})"


class GaussianNoise:
    """x + noise drawn from N(0, std**2), independently for every value (Keras's
    GaussianNoise). Float input keeps its dtype; integer input becomes float32.
    `clip=(low, high)` keeps the result in a valid range, such as pixel values."""

    def __init__(self, std, clip=None, seed=None):
        who = "GaussianNoise"
        if (isinstance(std, bool) or not isinstance(std, numbers.Real)
                or not 0.0 <= float(std) < np.inf):
            raise ValueError(f"{who}: std must be a finite number >= 0, got {std!r}")
        self.std = float(std)
        self.clip = _clip_range(clip, who)
        self.rng = _generator(seed, who)

    def __call__(self, x):
        x = _numeric_batch(x, "GaussianNoise", 1, "samples (N, ...)")
        dtype = _float_dtype(x)
        out = x.astype(dtype) + self.rng.normal(0.0, self.std, size=x.shape).astype(dtype)
        return out if self.clip is None else np.clip(out, *self.clip).astype(dtype)

    def __repr__(self):
        return f"GaussianNoise(std={self.std}, clip={self.clip})"


def _clip_range(clip, who):
    """None, or (low, high) as two floats with low <= high."""
    if clip is None:
        return None
    try:
        low, high = (float(v) for v in clip)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{who}: clip must be None or (low, high), got {clip!r}") from error
    if not low <= high:
        raise ValueError(f"{who}: clip must have low <= high, got {clip!r}")
    return low, high


class SaltAndPepperNoise:
    """Set a share `amount` of the values of each batch to extremes: half of them (on
    average) to `high` (salt), the rest to `low` (pepper). For images scaled to [0, 1]
    the defaults paint white and black dots. The dtype is kept."""

    def __init__(self, amount, low=0.0, high=1.0, seed=None):
        who = "SaltAndPepperNoise"
        self.amount = _fraction(amount, "amount", who)
        self.low, self.high = _clip_range((low, high), who)
        self.rng = _generator(seed, who)

    def __call__(self, x):
        x = _numeric_batch(x, "SaltAndPepperNoise", 1, "samples (N, ...)")
        for value in (self.low, self.high):  # (integer images: 0.5 would become 0)
            _check_fill_fits(value, x.dtype, "SaltAndPepperNoise")
        out = x.copy()
        hit = self.rng.random(x.shape) < self.amount
        salt = self.rng.random(x.shape) < 0.5
        out[hit & salt] = self.high
        out[hit & ~salt] = self.low
        return out

    def __repr__(self):
        return f"SaltAndPepperNoise(amount={self.amount}, low={self.low}, high={self.high})"
