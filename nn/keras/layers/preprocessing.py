"""Keras' preprocessing layers: Rescaling (`Rescaling(1 / 255)` on pixel values) and
Normalization (each feature to mean 0 and variance 1, the statistics learned by `adapt`), in
the model, so that what is saved with the model is what it was trained on."""
import numbers

import numpy as np

from autograd.backend import as_array, host_array
from autograd.ops import broadcast_to, maximum, reshape, sqrt
from autograd.variable import as_variable

from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer, floating


class Rescaling(Module, KerasLayer):
    """x * scale + offset (floats; integer pixels become float32). scale and offset may be
    numbers or arrays (per channel: [1 / 255, 1 / 127, 1 / 63]), taken in x's dtype, as
    Keras casts them to its compute dtype."""

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def __init__(self, scale, offset=0.0, *, name=None, input_shape=None):
        super().__init__()
        self.scale, self.offset = scale, offset
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        x = floating(self._input(x, range(0, 33), "(...)"))
        return x * _in_dtype(self.scale, x) + _in_dtype(self.offset, x)

    get_config = init_config  # Keras' get_config: the constructor's arguments


def _in_dtype(value, x):
    """A constant of x's dtype and backend: a list or array of float64 would promote a
    float32 x (a Python number never does)."""
    if isinstance(value, numbers.Number):
        return value
    return as_array(np.asarray(value, x.dtype), like=x.data)


def _batches(data):
    """adapt's batches: an array is one; a list or other iterable yields them (Keras'), but
    a list of numbers or of lists, which is one array written out."""
    if hasattr(data, "shape"):
        return [data]
    if isinstance(data, list) and not any(hasattr(item, "shape") or isinstance(item, tuple)
                                          for item in data):  # ((x, y) pairs: batches)
        return [np.asarray(data)]
    return data


def _check_given(mean, variance):
    """A given mean and variance: one shape (how they fit an input is checked at a call)."""
    if mean.shape != variance.shape:
        raise ValueError(f"Normalization: mean and variance must have the same shape, got "
                         f"{mean.shape} and {variance.shape}")


def _check_aligned(shape, kept, axes, input_shape, who):
    """A ValueError naming the layer where given statistics of `shape` do not broadcast to
    the kept axes' sizes `kept` (aligned from the right, as Keras)."""
    if len(shape) > len(kept) or any(n not in (1, k) for n, k in zip(shape[::-1], kept[::-1])):
        raise ValueError(f"{who}: the given mean and variance of shape {shape} do not fit the "
                         f"kept axes {axes} of the input of shape {tuple(input_shape)} (their "
                         f"sizes {kept}; the statistics are aligned with them from the right)")


class Normalization(Module, KerasLayer):
    """(x - mean) / max(sqrt(variance), 1e-7) per position of `axis` (the features: the
    last axis by default; None for one mean and variance over everything); with invert=True
    the reverse. mean and variance are given, or learned from data by `adapt(data)` (an
    array of samples, or an iterable of batches), as Keras' Normalization.

    Learned ones are Keras' non-trainable weights mean, variance and count (buffers, in
    get_weights, state_dict and saved files): made at the first forward or adapt, at mean 0
    and variance 1 until adapted, as Keras builds them. Given ones are constants of the
    layer's config, as in Keras."""

    _keras_integer_weights = ("count",)  # (Keras' count is an int weight: get_weights has it)
    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, *, name=None,
                 input_shape=None):
        super().__init__()
        if (mean is None) != (variance is None):
            raise ValueError("Normalization: give both mean and variance, or neither (and "
                             "call adapt(data))")
        self.axis = (axis,) if isinstance(axis, int) else (() if axis is None else tuple(axis))
        self.invert = invert
        self.given = None if mean is None else (np.asarray(mean, self._statistics_dtype),
                                                np.asarray(variance, self._statistics_dtype))
        if self.given is None:
            for statistic in ("mean", "variance", "count"):  # (None until built or loaded)
                self.register_buffer(statistic, None)
        else:
            _check_given(*self.given)
            self.mean, self.variance = self.given
        self._keras_arguments(name, input_shape)

    @property
    def built(self):
        return self.mean is not None

    @property
    def _statistics_dtype(self):
        """The layer's dtype (dtype=), float32 for an integer one."""
        return self.dtype if self.dtype.kind == "f" else np.dtype(np.float32)

    def build(self, shape):
        """The statistics of the kept axes' sizes `shape`: mean 0, variance 1, count 0."""
        for name, array in self.buffers_for(shape).items():
            self.register_buffer(name, array)

    def buffers_for(self, shape):
        shape = tuple(shape) if np.ndim(shape) else ()
        dtype = self._statistics_dtype
        return {"mean": np.zeros(shape, dtype), "variance": np.ones(shape, dtype),
                "count": np.zeros((), np.int32)}  # (Keras 3 keeps it 0, for old files)

    def size_from_state(self, shapes):
        """The kept axes' sizes that loading arrays of `shapes` implies (mean's, variance's)."""
        found = {tuple(shapes[n]) for n in ("mean", "variance") if n in shapes}
        if len(found) != 1:
            raise ValueError(f"{self.who}: mean and variance of shapes {shapes} do not fit "
                             "(expected one shape, the kept axes' sizes)")
        return found.pop()

    def adapt(self, data):
        """Learn the mean and variance of `data` over every axis but `axis` (float64 sums,
        batch by batch when data is an iterable of batches)."""
        if self.given is not None:
            raise ValueError(f"{self.who}: adapt() learns the mean and variance, which were "
                             "given to the constructor; make the layer without them")
        count, mean, squares = 0, 0.0, 0.0  # squares: of the deviations from the mean
        for batch in _batches(data):
            batch = np.asarray(host_array(batch[0] if isinstance(batch, tuple) else batch),
                               np.float64)
            over = self._reduced_axes(batch.ndim)
            n = int(np.prod([batch.shape[a] for a in over]))
            if not n:
                continue
            # each batch's own mean and squared deviations, pooled with the others' (Chan's
            # rule): sums of x^2 less (sum x)^2 / n lose every digit of a small spread
            # around a large mean (timestamps: 1.7e9 +- 10)
            batch_mean = batch.mean(axis=over)
            if count and batch_mean.shape != np.shape(mean):
                raise ValueError(f"{self.who}: adapt's batches differ on the kept axes: "
                                 f"{np.shape(mean)}, then {batch_mean.shape} (batch of "
                                 f"shape {batch.shape})")
            batch_squares = ((batch - batch_mean.reshape(self._kept_shape(batch))) ** 2
                             ).sum(axis=over)
            delta, count = batch_mean - mean, count + n
            mean = mean + delta * (n / count)
            squares = squares + batch_squares + delta * delta * (n * (count - n) / count)
        if not count:
            raise ValueError("Normalization.adapt: the data holds no samples")
        self._fit_statistics(np.shape(mean))
        self.mean[...] = mean
        self.variance[...] = squares / count
        return self

    def _kept_shape(self, x):
        """x's shape with the reduced axes of size 1: statistics broadcast against it."""
        axes = self._kept(x.ndim)
        return tuple(x.shape[a] if a in axes else 1 for a in range(x.ndim))

    def _fit_statistics(self, shape):
        """Statistics of `shape`: made if none yet, else checked to be that shape."""
        if not self.built:
            self.build(shape)
        elif self.mean.shape != tuple(shape):
            raise ValueError(f"{self.who}: statistics of shape {tuple(shape)} do not fit the "
                             f"layer's, {self.mean.shape} (the kept axes' sizes)")

    def forward(self, x):
        x = self._input(x, range(1, 33), "(N, ...)")
        x = floating(x)
        axes = self._kept(x.ndim)
        kept = tuple(x.shape[a] for a in axes)
        if not self.built:  # (Keras' build: mean 0 and variance 1 until adapt)
            self._fit_statistics(kept)
        # by ops on the statistics: a captured step reads them afresh (adapt, load_state_dict)
        mean, variance = as_variable(self.mean), as_variable(self.variance)
        if self.mean.size > 1:
            shape = self._kept_shape(x)
            if self.given is not None:  # (Keras': aligned with the kept axes from the right)
                _check_aligned(self.mean.shape, kept, axes, x.shape, self.who)
                mean, variance = (broadcast_to(v, kept) for v in (mean, variance))
            elif self.mean.shape != kept:
                raise ValueError(f"{self.who}: input of shape {tuple(x.shape)} has "
                                 f"{kept} on the kept axes {axes}, but the "
                                 f"statistics were learned for {self.mean.shape}")
            mean, variance = reshape(mean, shape), reshape(variance, shape)
        scale = maximum(sqrt(variance), 1e-7)
        return x * scale + mean if self.invert else (x - mean) / scale

    def _kept(self, ndim):
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"{self.who}: axis {self.axis} is outside the {ndim} axes of "
                             f"its input (each must be in [-{ndim}, {ndim}))")
        return tuple(sorted(a % ndim for a in self.axis))  # (Keras' order: statistics of
        # axis=(-1, -2) are (rows, columns), as adapt learns them)

    def _reduced_axes(self, ndim):
        return tuple(a for a in range(ndim) if a not in self._kept(ndim))

    def get_config(self):
        """Keras' config: the mean and variance only where they were given (learned ones are
        weights, saved with them)."""
        mean, variance = (None, None) if self.given is None else self.given
        axis = self.axis[0] if len(self.axis) == 1 else (None if not self.axis else self.axis)
        return init_config(self, axis=axis, mean=mean, variance=variance)


__all__ = ["Rescaling", "Normalization"]
