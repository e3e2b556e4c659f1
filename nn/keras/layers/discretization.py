"""Keras' Discretization: numbers -> the index of the range they fall in, between boundaries
given or learned by `adapt` as quantiles of the data. Not differentiable (numbers in,
integers or constants out)."""
import itertools
import numbers

import numpy as np

from autograd.arguments import positive_int

from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer
from .category_encoding import ENCODINGS, dtype_argument, encode_categories, output_mode_name
from .host_computed import HostComputed, host_values


class Discretization(HostComputed, Module, KerasLayer):
    """bin = #{boundaries <= x} (np.digitize): boundaries [0, 1, 2] make the bins
    (-inf, 0), [0, 1), [1, 2), [2, inf), and NaN falls in the last. Values and boundaries are
    compared in float32, as Keras casts both.

    Give `bin_boundaries` (non-decreasing), or `num_bins` and call `adapt(data)`, which
    places num_bins - 1 boundaries at the quantiles 1/num_bins, 2/num_bins, ... of every
    value of the data (all features together): the piecewise-linear inverse of the data's
    cumulative fractions k/n, Keras' interpolation (Hyndman-Fan type 4). Keras approximates
    them within `epsilon` of rank past 1/epsilon values; rungrad computes them exactly, so
    they equal Keras' for fewer values and differ by less than `epsilon` in rank otherwise.

    output_mode "int" gives the bins (int32, the inputs' shape, as Keras'); "one_hot",
    "multi_hot", "count" encode them as CategoryEncoding does (in `dtype`, float32 by
    default)."""

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, *, name=None, input_shape=None, dtype=None):
        super().__init__()
        who = "Discretization"
        if (bin_boundaries is None) == (num_bins is None):
            raise ValueError(f"{who}: give either bin_boundaries, or num_bins (and call "
                             f"adapt(data)), not {'both' if num_bins is not None else 'neither'}")
        self.num_bins = None if num_bins is None else positive_int(num_bins, "num_bins", who)
        self.bin_boundaries = None if bin_boundaries is None else \
            _checked_boundaries(bin_boundaries, who)
        if not (isinstance(epsilon, numbers.Real) and 0 < epsilon < 1):
            raise ValueError(f"{who}: epsilon must be a number in (0, 1), got {epsilon!r}")
        self.epsilon = epsilon
        self.output_mode = output_mode_name(output_mode, ("int",) + ENCODINGS, who)
        self.dtype = dtype_argument(dtype, who)
        if sparse:
            raise NotImplementedError(f"{who}: sparse=True (sparse tensors) is not supported")
        self.sparse = False
        self._keras_arguments(name, input_shape)

    @classmethod
    def from_config(cls, config):
        """The layer a config describes; an adapted layer's names both num_bins and the
        boundaries it learned (which the constructor refuses together, as Keras')."""
        config = dict(config)
        learned = config.pop("bin_boundaries") if config.get("num_bins") is not None else None
        layer = cls(**config)
        if learned is not None:
            layer.bin_boundaries = _checked_boundaries(learned, layer.who)
        return layer

    def adapt(self, data, steps=None):
        """Learn the boundaries from `data`: an array (or a number), or a list, tuple or any
        iterable of batches (at most `steps` of them; the x of (x, y) pairs); all of its
        values count alike, whatever their axis."""
        if self.num_bins is None:
            raise ValueError(f"{self.who}: adapt() learns the boundaries, which were given "
                             "(bin_boundaries=); make the layer with num_bins instead")
        values = np.sort(np.concatenate([np.ravel(_as_float32(batch, self.who))
                                         for batch in _batches(data, steps)] or [[]]))
        if not values.size:
            raise ValueError(f"{self.who}.adapt: the data holds no values")
        if np.isnan(values[-1]):  # (the sort puts NaN last)
            raise ValueError(f"{self.who}.adapt: the data holds {int(np.isnan(values).sum())} "
                             "NaN value(s), which have no place among the quantiles")
        self.bin_boundaries = _quantiles(values, self.num_bins)
        return self

    def forward(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"{self.who}: no bin boundaries yet: call adapt(data) first "
                             "(or make the layer with bin_boundaries=)")
        values = _as_float32(inputs, self.who)
        bins = np.searchsorted(np.asarray(self.bin_boundaries, np.float32), values,
                               side="right")
        if self.output_mode == "int":
            return self._placed(bins.astype(np.int32), inputs)
        return self._placed(encode_categories(bins, self.output_mode,
                                              len(self.bin_boundaries) + 1, dtype=self.dtype),
                            inputs)

    def get_config(self):
        """The constructor's arguments, the boundaries being the current ones (learned ones
        too, so that an adapted layer is saved with what it learned)."""
        boundaries = None if self.bin_boundaries is None else list(self.bin_boundaries)
        return init_config(self, bin_boundaries=boundaries)

    def extra_repr(self):
        bins = self.num_bins if self.bin_boundaries is None else len(self.bin_boundaries) + 1
        return f"bins={bins}, output_mode={self.output_mode!r}"


def _quantiles(values, num_bins):
    """The num_bins - 1 inner quantiles of sorted `values` (float32, n of them): where the
    line through (k / n, k-th value) reaches 1 / num_bins, 2 / num_bins, ..., as Python
    floats of float32 values (Keras' bin_boundaries after adapt). The fractions k / n are
    float32 and the levels Keras' own, step + np.arange(0, 1, step), so that the boundaries
    equal Keras' to the last bit where its summary is exact: with its float steps, some
    num_bins (49, 98, ...) get one level more, the largest value a boundary too; and fewer
    values than bins (n / num_bins below 1, in Keras' floats) are their own boundaries,
    all but the last."""
    step = 1.0 / num_bins
    if values.size * step < 1:  # (Keras' compress_summary leaves such a summary as it is)
        return values[:-1].astype(np.float32).tolist()
    fractions = np.arange(1, values.size + 1, dtype=np.float32) / np.float32(values.size)
    levels = step + np.arange(0.0, 1.0, step)
    return np.interp(levels, fractions, values)[:-1].astype(np.float32).tolist()


def _checked_boundaries(boundaries, who):
    """bin_boundaries as a list of floats; a ValueError unless a 1-D non-decreasing run of
    numbers (Keras' digitize gave any bins for unsorted ones)."""
    array = np.asarray(boundaries)
    if array.ndim != 1 or array.dtype.kind not in "iuf":
        raise ValueError(f"{who}: bin_boundaries must be a list of numbers, got "
                         f"{boundaries!r}")
    if np.isnan(array.astype(np.float64)).any() or np.any(np.diff(array) < 0):
        raise ValueError(f"{who}: bin_boundaries must be sorted (non-decreasing) numbers, "
                         f"got {list(boundaries)}")
    return [float(b) for b in array]


def _as_float32(x, who):
    """x's values on the host as float32 (Keras casts a Discretization's inputs so); a
    TypeError naming `who` and the dtype for anything but numbers."""
    values = host_values(x)
    if values.dtype.kind not in "biuf":
        raise TypeError(f"{who}: expected numbers, got dtype {values.dtype}")
    return values.astype(np.float32)


def _batches(data, steps):
    """adapt's data as batches: an array or number is one; a list, tuple or other iterable
    yields them (as Keras iterates a list), at most `steps`."""
    if hasattr(data, "shape") or isinstance(data, numbers.Number):
        return [data]
    return [batch[0] if isinstance(batch, tuple) else batch
            for batch in itertools.islice(data, steps)]


__all__ = ["Discretization"]
