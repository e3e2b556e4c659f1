"""Keras' reshaping layers, per sample (the batch axis is never touched): Reshape, Permute
(axes numbered from 1, as Keras), ZeroPadding1D/2D/3D, Cropping1D/2D/3D and
UpSampling1D/2D/3D (nearest; UpSampling2D bilinear too), the spatial ones channels-last
(data_format="channels_first" too)."""
import math

import numpy as np

from autograd.arguments import positive_int
from autograd.ops import broadcast_to, get_item, pad, reshape, transpose

from ...layers.config import init_config
from ...module import Module
from ._base import (
    CHANNELS_FIRST,
    KerasLayer,
    Spatial,
    data_format_name,
    floating,
    on_images,
    per_axis,
)
from .resizing import resized


def _ints(value, name, who, minimum):
    """A tuple of ints, each at least `minimum`, from a tuple or list."""
    if not isinstance(value, (tuple, list)) or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= minimum
            for v in value):
        raise TypeError(f"{who}: {name} must be a tuple of ints (each at least {minimum}), "
                        f"got {value!r}")
    return tuple(int(v) for v in value)


class Reshape(Module, KerasLayer):
    """Each sample to `target_shape` (one entry may be -1, inferred): (N, ...) ->
    (N, *target_shape)."""

    def __init__(self, target_shape, *, name=None, input_shape=None):
        super().__init__()
        shape = _ints(target_shape, "target_shape", "Reshape", -1)
        if 0 in shape or shape.count(-1) > 1:
            raise ValueError(f"Reshape: target_shape holds sizes of at least 1 and at most "
                             f"one -1, got {target_shape!r}")
        self.target_shape = shape
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        x = self._input(x, range(1, 33), "(N, ...)")
        size, known = math.prod(x.shape[1:]), math.prod(n for n in self.target_shape if n > 0)
        if (size != known) if -1 not in self.target_shape else (size % known or not size):
            raise ValueError(f"{self.who}: samples of shape {tuple(x.shape[1:])} ({size} "
                             f"values) cannot take the shape {self.target_shape} (input "
                             f"shape {tuple(x.shape)})")
        shape = tuple(size // known if n == -1 else n for n in self.target_shape)
        return reshape(x, (x.shape[0],) + shape)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"target_shape={self.target_shape}"


class Flatten(Module, KerasLayer):
    """Keras' Flatten: each sample to one axis, (N, d1, d2, ...) -> (N, d1 * d2 * ...)
    ((N,) -> (N, 1)); with data_format="channels_first" the channel axis is moved last first,
    so the order of the features is the channels-last one (Keras'). Takes `input_shape=` as
    Keras' layers do (a model's first layer: Flatten(input_shape=(28, 28)))."""

    def __init__(self, data_format=None, *, name=None, input_shape=None):
        super().__init__()
        self.data_format = data_format_name(data_format, "Flatten")
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        x = self._input(x, range(1, 33), "(N, ...)")
        if self.data_format == CHANNELS_FIRST and x.ndim > 2:
            x = transpose(x, (0,) + tuple(range(2, x.ndim)) + (1,))
        return reshape(x, (x.shape[0], math.prod(x.shape[1:])))

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return "" if self.data_format != CHANNELS_FIRST else f"data_format={self.data_format}"


class Permute(Module, KerasLayer):
    """The sample's axes in the order `dims`, numbered from 1 (Keras'): Permute((2, 1)) on
    (N, T, F) gives (N, F, T)."""

    def __init__(self, dims, *, name=None, input_shape=None):
        super().__init__()
        dims = _ints(dims, "dims", "Permute", 1)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(dims)} (the "
                             f"sample's axes, numbered from 1), got {dims!r}")
        self.dims = dims
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        x = self._input(x, (len(self.dims) + 1,),
                        "(N, " + ", ".join(f"d{i}" for i in range(1, len(self.dims) + 1)) + ")")
        return transpose(x, (0,) + self.dims)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"dims={self.dims}"


class _Spatial(Spatial, Module):
    """A layer over the `dims` spatial axes of (N, *spatial, C) (or (N, C, *spatial))."""

    def _spatial(self, x):
        """x checked, and the index of its first spatial axis."""
        return self._spatial_input(x), 2 if self.data_format == CHANNELS_FIRST else 1

    get_config = init_config  # Keras' get_config: the constructor's arguments


def _side_pairs(sides, dims, name, who):
    """Keras' ZeroPadding padding and Cropping cropping: an int (every side), a tuple of
    `dims` ints (both sides of each axis; the 1-D layers': (before, after)) or of `dims`
    entries, each an int (both sides) or a (before, after) pair, as Keras reads each one."""
    if isinstance(sides, (tuple, list)) and any(isinstance(p, (tuple, list)) for p in sides):
        if len(sides) == dims:
            return tuple(per_axis(p, 2, name, who, 0) for p in sides)
        raise TypeError(f"{who}: {name} must be an int, {dims} ints or {dims} entries, each "
                        f"an int or a (before, after) pair, got {sides!r}")
    if dims == 1 and isinstance(sides, (tuple, list)):
        return (per_axis(sides, 2, name, who, 0),)
    return tuple((p, p) for p in per_axis(sides, dims, name, who, 0))


class _Sided(_Spatial):
    """A layer taking (before, after) amounts for each spatial axis, under the argument
    named `sides` (ZeroPadding's padding, Cropping's cropping)."""

    sides = None

    def __init__(self, amounts, data_format, name, input_shape):
        super().__init__()
        who = type(self).__name__
        setattr(self, self.sides, _side_pairs(amounts, self.dims, self.sides, who))
        self.data_format = data_format_name(data_format, who)
        self._keras_arguments(name, input_shape)

    def extra_repr(self):
        return f"{self.sides}={getattr(self, self.sides)}"


class _ZeroPadding(_Sided):
    sides = "padding"

    def forward(self, x):
        x, first = self._spatial(x)
        widths = [(0, 0)] * x.ndim
        widths[first:first + self.dims] = self.padding
        return pad(x, tuple(widths))


class ZeroPadding2D(_ZeroPadding):
    """Zeros around each image: (N, H, W, C) -> (N, top + H + bottom, left + W + right, C);
    padding an int, (rows, columns) on both sides, or ((top, bottom), (left, right))."""

    def __init__(self, padding=(1, 1), data_format=None, *, name=None, input_shape=None):
        super().__init__(padding, data_format, name, input_shape)


class ZeroPadding1D(_ZeroPadding):
    """Zeros before and after each sequence: (N, T, C) -> (N, before + T + after, C);
    padding an int (both sides) or (before, after)."""

    dims = 1

    def __init__(self, padding=1, data_format=None, *, name=None, input_shape=None):
        super().__init__(padding, data_format, name, input_shape)


class ZeroPadding3D(_ZeroPadding):
    """Zeros around each volume: (N, D, H, W, C) -> (N, D', H', W', C), each axis grown by
    its (before, after); padding an int, 3 ints (both sides of each axis) or 3 pairs."""

    dims = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, *, name=None,
                 input_shape=None):
        super().__init__(padding, data_format, name, input_shape)


class _Cropping(_Sided):
    sides = "cropping"

    def forward(self, x):
        x, first = self._spatial(x)
        index = [slice(None)] * x.ndim
        for axis, (before, after) in zip(range(first, first + self.dims), self.cropping):
            if before + after >= x.shape[axis]:
                raise ValueError(f"{self.who}: cropping {(before, after)} leaves nothing of "
                                 f"axis {axis} of the input of shape {tuple(x.shape)}")
            index[axis] = slice(before, x.shape[axis] - after)
        return get_item(x, tuple(index))


class Cropping2D(_Cropping):
    """Rows and columns cut off each image's edges: (N, H, W, C) ->
    (N, H - top - bottom, W - left - right, C); cropping as ZeroPadding2D's padding."""

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, *, name=None,
                 input_shape=None):
        super().__init__(cropping, data_format, name, input_shape)


class Cropping1D(_Cropping):
    """Steps cut off each sequence's ends: (N, T, C) -> (N, T - before - after, C)."""

    dims = 1

    def __init__(self, cropping=(1, 1), *, name=None, input_shape=None):
        super().__init__(cropping, None, name, input_shape)


class Cropping3D(_Cropping):
    """Slices cut off each volume's faces: (N, D, H, W, C) -> (N, D', H', W', C), each axis
    shrunk by its (before, after); cropping as ZeroPadding3D's padding."""

    dims = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, *, name=None,
                 input_shape=None):
        super().__init__(cropping, data_format, name, input_shape)


class _UpSampling(_Spatial):
    interpolations = ("nearest",)

    def __init__(self, size, data_format, interpolation, name, input_shape):
        super().__init__()
        who = type(self).__name__
        self.size = per_axis(size, self.dims, "size", who)
        self.data_format = data_format_name(data_format, who)
        if interpolation not in self.interpolations:
            raise ValueError(f"{who}: interpolation must be one of {self.interpolations}, "
                             f"got {interpolation!r}")
        self.interpolation = interpolation
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        """Each position repeated size times along its axis: a new axis of length 1 after
        each spatial axis, broadcast to the size, merged back (a sum in the gradient).
        Bilinear: see _bilinear."""
        if self.interpolation == "bilinear":
            return self._bilinear(x)
        x, first = self._spatial(x)
        shape, spread, out = list(x.shape[:first]), list(x.shape[:first]), list(x.shape[:first])
        for axis, times in zip(range(first, first + self.dims), self.size):
            shape += [x.shape[axis], 1]
            spread += [x.shape[axis], times]
            out.append(x.shape[axis] * times)
        rest = list(x.shape[first + self.dims:])
        copies = broadcast_to(reshape(x, tuple(shape + rest)), tuple(spread + rest))
        return reshape(copies, tuple(out + rest))

    def extra_repr(self):
        return f"size={self.size}"

    def _bilinear(self, x):
        """Resizing's bilinear (Keras' image resize: half-pixel centres, no antialias) to
        size times each image's height and width."""
        def resize(images):  # (N, C, H, W)
            return resized(images, tuple(n * k for n, k in zip(images.shape[2:], self.size)))

        return on_images(floating(self._spatial(x)[0]), self.data_format, resize)


class UpSampling2D(_UpSampling):
    """Each pixel repeated: (N, H, W, C) -> (N, H * size[0], W * size[1], C) (nearest), or
    interpolation='bilinear' between the pixels' centres."""

    interpolations = ("nearest", "bilinear")

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", *, name=None,
                 input_shape=None):
        super().__init__(size, data_format, interpolation, name, input_shape)


class UpSampling1D(_UpSampling):
    """Each step repeated: (N, T, C) -> (N, T * size, C)."""

    dims = 1

    def __init__(self, size=2, *, name=None, input_shape=None):
        super().__init__(size, None, "nearest", name, input_shape)


class UpSampling3D(_UpSampling):
    """Each voxel repeated: (N, D, H, W, C) -> (N, D * size[0], H * size[1], W * size[2],
    C)."""

    dims = 3

    def __init__(self, size=(2, 2, 2), data_format=None, *, name=None, input_shape=None):
        super().__init__(size, data_format, "nearest", name, input_shape)


class RepeatVector(Module, KerasLayer):
    """(N, F) -> (N, n, F): each sample's vector repeated n times (an encoder's summary fed
    to every step of a decoder)."""

    def __init__(self, n, *, name=None, input_shape=None):
        super().__init__()
        self.n = positive_int(n, "n", "RepeatVector")
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        x = self._input(x, (2,), "(N, features)")
        batch, features = x.shape
        return broadcast_to(reshape(x, (batch, 1, features)), (batch, self.n, features))

    get_config = init_config


__all__ = ["Flatten", "Reshape", "Permute", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
           "Cropping1D", "Cropping2D", "Cropping3D", "UpSampling1D", "UpSampling2D",
           "UpSampling3D", "RepeatVector"]
