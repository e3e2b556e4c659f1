"""Keras' pooling layers, channels-last (data_format="channels_first" too): MaxPooling2D,
AveragePooling2D on (N, H, W, C), MaxPooling1D, AveragePooling1D on (N, T, C),
MaxPooling3D, AveragePooling3D on (N, D, H, W, C), and the global poolings, built on
nn.functional's max_pool2d and avg_pool2d (max_pool3d and avg_pool3d for 3-D).

Keras' meanings: strides default to pool_size; padding 'valid' drops a last partial window,
'same' keeps ceil(size / stride) windows with Keras' padding (the odd row or column at the
bottom, on the right), which a maximum never picks and an average leaves out of its count.
"""
import numpy as np

from autograd import ops
from autograd.backend import get_array_module
from autograd.ops import astype
from autograd.variable import as_variable

from ...functional.pooling import avg_pool2d, max_pool2d
from ...functional.pooling3d import avg_pool3d, max_pool3d
from ...layers.config import init_config
from ...module import Module
from ._base import (
    CHANNELS_FIRST,
    Spatial,
    data_format_name,
    floating,
    functional_for,
    padding_name,
    per_axis,
)

MAX_PAD, AVERAGE_PAD = -np.inf, 0.0  # (what the padding holds: never a window's maximum)


class _Pooling(Spatial, Module):
    """A window of `pool_size` sliding by `strides` over `dims` spatial axes."""

    def __init__(self, pool_size, strides, padding, data_format, name, input_shape):
        super().__init__()
        who, dims = type(self).__name__, self.dims
        self.pool_size = per_axis(pool_size, dims, "pool_size", who)
        self.strides = self.pool_size if strides is None else per_axis(strides, dims,
                                                                       "strides", who)
        self.padding = padding_name(padding, who)
        self.data_format = data_format_name(data_format, who)
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        x = floating(self._spatial_input(x))
        return self._slide(x, self.pool_size, self.strides, (1,) * self.dims, self.pad_value,
                           self._pool)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"pool_size={self.pool_size}, strides={self.strides}, padding={self.padding!r}"


class _MaxPooling(_Pooling):
    pad_value = MAX_PAD

    @property
    def _pool(self):
        return max_pooling(self.dims)


class _AveragePooling(_Pooling):
    pad_value = AVERAGE_PAD

    @property
    def _pool(self):
        return average_pooling(self.dims, self.pool_size, self.strides)


def max_pooling(dims):
    """The maximum of each window, an op of slide() (nn/keras/layers/_base.py)."""
    def pool(images, kernel, strides, _, padding, __):
        return functional_for(dims, max_pool2d, max_pool3d)(images, kernel, strides, padding)
    return pool


def average_pooling(dims, pool_size, strides):
    """The mean of each window's pixels inside the input (Keras' 'same' padding left out of
    the count), an op of slide()."""
    def pool(images, kernel, lifted_strides, _, padding, geometry):
        average = functional_for(dims, avg_pool2d, avg_pool3d)
        y = average(images, kernel, lifted_strides, padding, count_include_pad=True)
        counts = _window_counts(*geometry, y.shape[2:][-dims:], pool_size, strides)
        if counts is None:
            return y
        xp = get_array_module(y.data)
        return y * xp.asarray(np.prod(pool_size) / counts, dtype=y.dtype)
    return pool


def _window_counts(sizes, pairs, out, pool_size, strides):
    """How many input positions each window covers, an array of the output's spatial shape
    `out`, or None when every window covers pool_size in full."""
    if not any(before or after for before, after in pairs):
        return None
    per_axis_counts = []
    for size, (before, _), o, k, s in zip(sizes, pairs, out, pool_size, strides):
        start = np.arange(o) * s - before
        per_axis_counts.append(np.minimum(start + k, size) - np.maximum(start, 0))
    counts = per_axis_counts[0]
    for more in per_axis_counts[1:]:
        counts = np.multiply.outer(counts, more)
    return counts


class MaxPooling2D(_MaxPooling):
    """The maximum of each pool_size window: (N, H, W, C) -> (N, OH, OW, C)."""

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, *,
                 name=None, input_shape=None):
        super().__init__(pool_size, strides, padding, data_format, name, input_shape)


class AveragePooling2D(_AveragePooling):
    """The mean of each pool_size window: (N, H, W, C) -> (N, OH, OW, C); with padding
    'same', of the pixels inside the image only (Keras')."""

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, *,
                 name=None, input_shape=None):
        super().__init__(pool_size, strides, padding, data_format, name, input_shape)


class MaxPooling1D(_MaxPooling):
    """The maximum of each pool_size window: (N, T, C) -> (N, OT, C)."""

    dims = 1

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, *,
                 name=None, input_shape=None):
        super().__init__(pool_size, strides, padding, data_format, name, input_shape)


class AveragePooling1D(_AveragePooling):
    """The mean of each pool_size window: (N, T, C) -> (N, OT, C) (padding 'same': of the
    steps inside the sequence only)."""

    dims = 1

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, *,
                 name=None, input_shape=None):
        super().__init__(pool_size, strides, padding, data_format, name, input_shape)


class MaxPooling3D(_MaxPooling):
    """The maximum of each pool_size window: (N, D, H, W, C) -> (N, OD, OH, OW, C)."""

    dims = 3

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 *, name=None, input_shape=None):
        super().__init__(pool_size, strides, padding, data_format, name, input_shape)


class AveragePooling3D(_AveragePooling):
    """The mean of each pool_size window: (N, D, H, W, C) -> (N, OD, OH, OW, C) (padding
    'same': of the voxels inside the volume only)."""

    dims = 3

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 *, name=None, input_shape=None):
        super().__init__(pool_size, strides, padding, data_format, name, input_shape)


class _GlobalPooling(Spatial, Module):
    """The mean or maximum over all the spatial axes: (N, *spatial, C) -> (N, C), or with
    keepdims (N, 1, ..., 1, C)."""

    dims = 2
    reduce = staticmethod(ops.mean)

    def __init__(self, data_format=None, keepdims=False, *, name=None, input_shape=None):
        super().__init__()
        self.data_format = data_format_name(data_format, type(self).__name__)
        self.keepdims = bool(keepdims)
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        x = floating(self._spatial_input(x))
        first = 2 if self.data_format == CHANNELS_FIRST else 1
        return self.reduce(x, axis=tuple(range(first, first + self.dims)),
                           keepdims=self.keepdims)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"keepdims={self.keepdims}"


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean over H and W: (N, H, W, C) -> (N, C)."""


class GlobalMaxPooling2D(_GlobalPooling):
    """The maximum over H and W: (N, H, W, C) -> (N, C)."""

    reduce = staticmethod(ops.max)


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over the steps: (N, T, C) -> (N, C); given Keras' mask (N, T)
    (nn.training.masking), over the real steps only (a sequence of padding only gives nan, as
    in Keras)."""

    dims = 1

    def forward(self, x, mask=None):
        if mask is None:
            return super().forward(x)
        x = floating(self._spatial_input(x))
        steps = 2 if self.data_format == CHANNELS_FIRST else 1
        weights = astype(as_variable(mask), x.dtype)
        if tuple(weights.shape) != (x.shape[0], x.shape[steps]):
            raise ValueError(f"{self.who}: the mask has shape {tuple(weights.shape)}, expected "
                             f"(batch, steps) = {(x.shape[0], x.shape[steps])}")
        weights = weights.reshape(weights.shape + (1,)) if steps == 1 else \
            weights.reshape((weights.shape[0], 1, weights.shape[1]))
        total = ops.sum(x * weights, axis=steps, keepdims=self.keepdims)
        return total / ops.sum(weights, axis=steps, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None  # (the steps are gone)


class GlobalMaxPooling1D(_GlobalPooling):
    """The maximum over the steps: (N, T, C) -> (N, C)."""

    dims = 1
    reduce = staticmethod(ops.max)


class GlobalAveragePooling3D(_GlobalPooling):
    """The mean over D, H and W: (N, D, H, W, C) -> (N, C)."""

    dims = 3


class GlobalMaxPooling3D(_GlobalPooling):
    """The maximum over D, H and W: (N, D, H, W, C) -> (N, C)."""

    dims = 3
    reduce = staticmethod(ops.max)


__all__ = ["MaxPooling2D", "AveragePooling2D", "MaxPooling1D", "AveragePooling1D",
           "MaxPooling3D", "AveragePooling3D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
           "GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling3D",
           "GlobalMaxPooling3D"]
