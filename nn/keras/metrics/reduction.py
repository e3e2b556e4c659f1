"""Keras' Sum, Mean and MeanMetricWrapper: the running sum or weighted mean of values, the
latter of a function's values for each sample (every mean-valued metric is one)."""
import numpy as np

from ...training.masking import carried_mask
from .metric import Metric, as_array, same_rank, shape_error, weights_fit


def samplewise(values, sample_weight, reduce, dtype):
    """Keras' reduce_to_samplewise_values: (one value per sample weighted, the weights
    reduced to one per sample or None); `reduce` (np.sum or np.mean) folds the axes past
    the weights' and then past the first."""
    values = as_array(values, dtype)
    if sample_weight is not None:
        weights = as_array(sample_weight, dtype)
        values, weights = same_rank(values, weights)
        if values.ndim > weights.ndim:
            values = reduce(values, axis=tuple(range(weights.ndim, values.ndim)))
        weights = np.broadcast_to(weights, values.shape)
        values = values * weights
        if weights.ndim > 1:
            weights = reduce(weights, axis=tuple(range(1, weights.ndim)))
        sample_weight = weights
    if values.ndim > 1:
        values = reduce(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """Keras' Sum: the running (weighted) sum of the values given."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = samplewise(values, sample_weight, np.sum, self.dtype)
        self.total.assign_add(np.sum(values))

    def result(self):
        return self.total.value[()]


class Mean(Metric):
    """Keras' Mean: sum(w v) / sum(w) over every value given so far (w = 1 unweighted)."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = samplewise(values, sample_weight, np.mean, self.dtype)
        self.total.assign_add(np.sum(values))
        if sample_weight is not None:
            self.count.assign_add(np.sum(sample_weight))
        else:
            self.count.assign_add(values.shape[0] if values.ndim else 1)

    def result(self):
        total, count = self.total.value, self.count.value
        return (total / count if count else np.zeros_like(total))[()]  # divide_no_nan


class MeanMetricWrapper(Mean):
    """Keras' MeanMetricWrapper: the weighted mean over samples of `fn(y_true, y_pred,
    **kwargs)` (one value per sample, or per element: averaged within each sample)."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"),
                         dtype=dtype)
        self._fn, self._fn_kwargs = fn, kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        # Keras' rule: the mask y_pred carries (nn.training.masking) weighs its steps, times
        # any sample weights (the real steps count, each with its sample's weight)
        mask = carried_mask(y_pred)
        y_true, y_pred = as_array(y_true), as_array(y_pred)
        if mask is not None:
            mask = as_array(mask).astype(y_pred.dtype if y_pred.dtype.kind == "f" else float)
            sample_weight = mask if sample_weight is None else masked_weights(
                as_array(sample_weight), mask)
        try:
            values = as_array(self._fn(y_true, y_pred, **self._fn_kwargs))
        except ValueError as exc:  # (the function's own words, with the metric and shapes)
            raise shape_error(self, y_true, y_pred, sample_weight, f": {exc}") from None
        if not self._values_fit(values, y_pred, sample_weight):
            one_sample = y_pred.ndim == 1 and values.ndim == 0  # (Keras' rule for 1-D data)
            raise shape_error(self, y_true, y_pred, sample_weight, (
                ": a 1-D pair is one sample of that many values (Keras' rule), so its "
                "sample_weight is one number; give (N, 1) arrays for N samples of one value")
                if one_sample else "")
        super().update_state(values, sample_weight=sample_weight)

    def _values_fit(self, values, y_pred, sample_weight):
        """Whether the function gave one value per sample (and the weights fit them)."""
        return weights_fit(sample_weight, values) and not (
            values.ndim and y_pred.ndim and len(values) != len(y_pred))

    def get_config(self):
        return {**super().get_config(), "fn": self._fn, **self._fn_kwargs}


def masked_weights(weights, mask):
    """weights times the mask, the lower-rank one given trailing axes (Keras'
    squeeze_or_expand_to_same_rank)."""
    while weights.ndim < mask.ndim:
        weights = weights[..., None]
    while mask.ndim < weights.ndim:
        mask = mask[..., None]
    return weights * mask


__all__ = ["Sum", "Mean", "MeanMetricWrapper", "samplewise"]
