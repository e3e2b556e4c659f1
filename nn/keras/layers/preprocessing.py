"""Keras' preprocessing layers: Rescaling (`Rescaling(1 / 255)` on pixel values) and
Normalization (each feature to mean 0 and variance 1, the statistics learned by `adapt`), in
the model, so that what is saved with the model is what it was trained on."""
import numpy as np

from autograd.backend import host_array

from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer


class Rescaling(Module, KerasLayer):
    """x * scale + offset (floats; integer pixels become float32)."""

    def __init__(self, scale, offset=0.0, *, name=None, input_shape=None):
        super().__init__()
        self.scale, self.offset = scale, offset
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        x = self._input(x, range(0, 33), "(...)")
        if x.dtype.kind != "f":
            x = x.astype("float32")
        return x * self.scale + self.offset

    get_config = init_config  # Keras' get_config: the constructor's arguments


class Normalization(Module, KerasLayer):
    """(x - mean) / max(sqrt(variance), 1e-7) per position of `axis` (the features: the
    last axis by default; None for one mean and variance over everything); with invert=True
    the reverse. mean and variance are given, or learned from data by `adapt(data)` (an
    array of samples, or an iterable of batches), as Keras' Normalization."""

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, *, name=None,
                 input_shape=None):
        super().__init__()
        if (mean is None) != (variance is None):
            raise ValueError("Normalization: give both mean and variance, or neither (and "
                             "call adapt(data))")
        self.axis = (axis,) if isinstance(axis, int) else (() if axis is None else tuple(axis))
        self.invert = invert
        self.mean = None if mean is None else np.asarray(mean, np.float32)
        self.variance = None if variance is None else np.asarray(variance, np.float32)
        self._keras_arguments(name, input_shape)

    def adapt(self, data):
        """Learn the mean and variance of `data` over every axis but `axis` (float64 sums,
        batch by batch when data is an iterable of batches)."""
        batches = [data] if hasattr(data, "shape") or isinstance(data, list) else data
        count, total, squares = 0, 0.0, 0.0
        for batch in batches:
            batch = np.asarray(host_array(batch[0] if isinstance(batch, tuple) else batch),
                               np.float64)
            over = self._reduced_axes(batch.ndim)
            count += int(np.prod([batch.shape[a] for a in over]))
            total = total + batch.sum(axis=over)
            squares = squares + (batch * batch).sum(axis=over)
        if not count:
            raise ValueError("Normalization.adapt: the data holds no samples")
        mean = total / count
        self.mean = mean.astype(np.float32)
        self.variance = np.maximum(squares / count - mean * mean, 0.0).astype(np.float32)
        return self

    def forward(self, x):
        if self.mean is None:
            raise ValueError(f"{self.who}: no mean and variance yet; call adapt(data) before "
                             "using the layer, or give mean= and variance=")
        x = self._input(x, range(1, 33), "(N, ...)")
        if x.dtype.kind != "f":
            x = x.astype("float32")
        shape = [1] * x.ndim
        for a in self._kept(x.ndim):
            shape[a] = x.shape[a]
        mean = self.mean.reshape(shape) if self.mean.size > 1 else self.mean
        scale = np.maximum(np.sqrt(self.variance), 1e-7)
        scale = scale.reshape(shape) if scale.size > 1 else scale
        return x * scale + mean if self.invert else (x - mean) / scale

    def _kept(self, ndim):
        return tuple(a % ndim for a in self.axis)

    def _reduced_axes(self, ndim):
        return tuple(a for a in range(ndim) if a not in self._kept(ndim))

    get_config = init_config  # axis, mean, variance (adapted ones too), invert


__all__ = ["Rescaling", "Normalization"]
