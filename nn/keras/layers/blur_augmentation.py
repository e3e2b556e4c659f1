"""Keras' RandomGaussianBlur, and the Gaussian kernel it blurs with (which
RandomElasticTransform smooths its random displacements with too)."""
import numpy as np

from autograd.ops import broadcast_to, clip, where

from ... import functional as F
from .augmentation import _Augmentation, _value_range
from .augmentation_chance import RandomArrays, chances, unit_bounds


def gaussian_kernel(size, sigma):
    """(size,) weights exp(-x^2 / (2 sigma^2)) at x = -(size - 1) / 2 ... (size - 1) / 2,
    summing to 1 (Keras' kernel of image.gaussian_blur)."""
    x = np.arange(size) - (size - 1) / 2
    kernel = np.exp(-0.5 * (x / sigma) ** 2)
    return kernel / kernel.sum()


def blurred(arrays, rows, cols):
    """arrays (..., H, W) convolved with the separable kernel outer(rows, cols) (odd sizes),
    zeros beyond the edges (Keras' 'same' padding); NumPy, for random fields."""
    for axis, kernel in ((-2, rows), (-1, cols)):
        half = len(kernel) // 2
        widths = [(0, 0)] * arrays.ndim
        widths[axis] = (half, half)
        windows = np.lib.stride_tricks.sliding_window_view(np.pad(arrays, widths), len(kernel),
                                                           axis=axis)
        arrays = windows @ kernel  # (symmetric: correlation is convolution)
    return arrays


class RandomGaussianBlur(_Augmentation):
    """Images blurred by a Gaussian kernel, each with a probability p drawn from factor (a
    number f: p from (0, f), so factor=1.0 blurs about half of them, as Keras 3.15's code
    does), then clipped to value_range (all of them, as Keras). One (sigma_x, sigma_y) per
    batch from sigma (a number s in [0, 1]: (0, s)), plus 1e-6. kernel_size: an odd int,
    or (width, height) as Keras' JAX backend reads a pair (its torch backend handles only
    square kernels); zeros beyond the edges. Transformation: "should_apply_blur" (N,) and the
    (height, width) "kernel"; segmentation masks are left as they are."""

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255),
                 data_format=None, seed=None, *, name=None, input_shape=None,
                 bounding_box_format=None):
        super().__init__(seed, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        self.factor, self.sigma = factor, sigma
        self._chance = unit_bounds(factor, "factor", self.who)
        self._sigma = unit_bounds(sigma, "sigma", self.who)
        self.kernel_size = kernel_size
        self._sizes = _odd_sizes(kernel_size, self.who)
        self.value_range = _value_range(value_range, self.who)

    def draw(self, images):
        applied, kernel = RandomArrays(self._draw, self._source)(images)
        return {"should_apply_blur": applied, "kernel": kernel}

    def transform(self, images, transformation):
        channels = images.shape[1]
        wide, tall = self._sizes
        applied, kernel = transformation["should_apply_blur"], transformation["kernel"]
        weight = broadcast_to(kernel.reshape(1, 1, tall, wide), (channels, 1, tall, wide))
        blurry = F.conv2d(images, weight, padding=(tall // 2, wide // 2), groups=channels)
        return clip(where(applied.reshape(-1, 1, 1, 1) > 0, blurry, images),
                    *self.value_range)

    def _draw(self, source, count):
        applied = chances(source, count, self._chance)
        sigma_x, sigma_y = source.uniform(*self._sigma, 2) + 1e-6
        wide, tall = self._sizes
        return applied, np.outer(gaussian_kernel(tall, sigma_y), gaussian_kernel(wide, sigma_x))


def _odd_sizes(kernel_size, who):
    """kernel_size (an odd int, or a pair of them) as (width, height)."""
    sizes = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * 2
    if len(sizes) != 2 or not all(isinstance(k, (int, np.integer)) and not isinstance(k, bool)
                                  and k > 0 and k % 2 for k in sizes):
        raise ValueError(f"{who}: kernel_size must be an odd positive int or a pair of them, "
                         f"got {kernel_size!r}")
    return tuple(map(int, sizes))


__all__ = ["RandomGaussianBlur"]
