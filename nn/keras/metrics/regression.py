"""Keras' regression scores that are not a mean of per-sample errors: R2Score (the
coefficient of determination from running sums, per output column) and the correlation
coefficients of each sample's values (PearsonCorrelation, ConcordanceCorrelation, with their
functions pearson_correlation and concordance_correlation).

R2Score keeps sums (of the targets, their squares, the squared residuals and the weights),
so the epoch's score is that of all its samples and ranks add their states; the
correlations are means of per-sample values (Keras' MeanMetricWrapper), summed the same way.
"""

import numpy as np

from autograd.user_warnings import user_warning

from .mean_of import MeanOf
from .metric import Metric, as_array, same_rank, shape_error
from .thresholds import EPSILON

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")
# R2Score's per-column sums: (attribute, Keras' variable name)
_R2_SUMS = (("squared_sum", "squared_sum"), ("sum", "sum"), ("total_mse", "residual"),
            ("count", "count"))


class R2Score(Metric):
    """Keras' R2Score: 1 - sum((y - p)^2) / sum((y - mean y)^2) per output column of
    (samples, outputs) inputs, weighted by sample_weight; class_aggregation None (one score
    per column), 'uniform_average' or 'variance_weighted_average' (by each column's total
    sum of squares); num_regressors p > 0: the adjusted score 1 - (1 - R2)(n - 1)/(n - p - 1),
    n the number of values seen (Keras falls back to R2, with a warning, where n <= p + 1)."""

    _direction = "up"

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(f"R2Score: class_aggregation must be one of {_AGGREGATIONS}, got "
                             f"{class_aggregation!r}")
        if num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be >= 0, got {num_regressors!r}")
        super().__init__(name=name, dtype=dtype)
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self._built = False

    def _build(self, outputs):
        """The per-column sums, once the first batch says how many columns there are."""
        for attribute, name in _R2_SUMS:
            setattr(self, attribute, self.add_variable(shape=(outputs,), initializer="zeros",
                                                       name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = as_array(y_true, self.dtype), as_array(y_pred, self.dtype)
        t, p = same_rank(y_true, y_pred)  # ((N,) against (N, 1) is one column, as Keras)
        if t.ndim != 2 or t.shape != p.shape or (
                self._built and p.shape[1] != self.sum.shape[0]):
            expected = self.sum.shape[0] if self._built else "outputs"
            raise shape_error(self, y_true, y_pred, sample_weight,
                              f" (both (samples, {expected}))")
        weights = self._weights(sample_weight, y_true, y_pred, t.shape)
        if not self._built:
            self._build(p.shape[1])
        weighted = t * weights
        self.sum.assign_add(np.sum(weighted, axis=0))
        self.squared_sum.assign_add(np.sum(t * weighted, axis=0))
        self.total_mse.assign_add(np.sum(np.square(t - p) * weights, axis=0))
        self.count.assign_add(np.sum(weights, axis=0))
        self.num_samples.assign_add(t.size)

    def _weights(self, sample_weight, y_true, y_pred, shape):
        """The weights broadcast to the (samples, outputs) values: one number, one per
        sample, or one per value."""
        weights = np.ones((), self.dtype) if sample_weight is None else \
            as_array(sample_weight, self.dtype)
        if weights.ndim == 1:
            weights = weights[:, None]  # one per sample: the same for every column
        try:
            return np.broadcast_to(weights, shape)
        except ValueError:
            raise shape_error(self, y_true, y_pred, sample_weight) from None

    def result(self):
        if not self._built:  # (no batch yet: Keras has no sums to read; 0/0 as after a reset)
            return np.full((), np.nan, self.dtype)[()]
        total_mse, total_sum, squared_sum, count = (
            getattr(self, a).value for a in ("total_mse", "sum", "squared_sum", "count"))
        with np.errstate(divide="ignore", invalid="ignore"):
            total = squared_sum - total_sum * (total_sum / count)  # sum of squares about mean
            scores = 1 - total_mse / total
            scores = np.where(np.isinf(scores), 0, scores).astype(self.dtype)  # (Keras': a
            # column of one value, total 0 with residuals, scores 0 and not -inf)
            if self.class_aggregation == "uniform_average":
                scores = np.mean(scores, dtype=scores.dtype)
            elif self.class_aggregation == "variance_weighted_average":
                scores = np.sum(total * scores) / np.sum(total)
        return self._adjusted(scores)

    def _adjusted(self, score):
        """Keras' adjusted R2 for num_regressors > 0 (n counted in float32, as Keras)."""
        p = self.num_regressors
        n = np.float32(self.num_samples.value)
        if p == 0:
            return score
        if p >= n - 1:
            user_warning("R2Score: " + ("more independent predictors than data points" if
                                         p > n - 1 else "division by zero") +
                         " in the adjusted R2 score; falling back to the standard R2 score")
            return score
        return (1 - (1 - score) * (n - 1) / (n - np.float32(p) - 1)).astype(score.dtype)

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


def _pair(y_true, y_pred):
    """Targets and predictions as arrays of the predictions' dtype, Keras' rank rule applied."""
    y_pred = as_array(y_pred)
    y_pred = y_pred if y_pred.dtype.kind == "f" else y_pred.astype(np.float32)
    return same_rank(as_array(y_true, y_pred.dtype), y_pred)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Keras' metric function pearson_correlation: the Pearson correlation of targets and
    predictions along `axis` (each sample's values by default); nan where either is
    constant, as Keras."""
    y_true, y_pred = _pair(y_true, y_pred)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = y_true - np.mean(y_true, axis=axis, keepdims=True)
        p = y_pred - np.mean(y_pred, axis=axis, keepdims=True)
        t = t / np.std(t, axis=axis, keepdims=True)
        p = p / np.std(p, axis=axis, keepdims=True)
        return np.mean(t * p, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Keras' metric function concordance_correlation: Lin's concordance 2 cov(t, p) /
    (var t + var p + (mean t - mean p)^2 + epsilon) along `axis`."""
    y_true, y_pred = _pair(y_true, y_pred)
    t_mean = np.mean(y_true, axis=axis, keepdims=True)
    p_mean = np.mean(y_pred, axis=axis, keepdims=True)
    t_var = np.var(y_true - t_mean, axis=axis, keepdims=True)
    p_var = np.var(y_pred - p_mean, axis=axis, keepdims=True)
    # Keras centres the targets on the predictions' mean here; the mean of the product is
    # still the covariance (the centred predictions average to 0), and computing it the same
    # way keeps the float32 rounding Keras has
    products = (y_true - p_mean) * (y_pred - p_mean)
    norm = t_var + p_var + np.square(t_mean - p_mean)
    return np.mean(2 * products / (norm + y_pred.dtype.type(EPSILON)), axis=axis)


class _Correlation(MeanOf):
    """The mean over samples of a correlation along `axis`. With an axis that leaves no
    sample axis (axis=0 of (samples, outputs)), Keras averages whatever values the function
    gives (one per output): allowed unweighted, as there are no per-sample values to weight."""

    _direction = "up"

    def _values_fit(self, values, y_pred, sample_weight):
        return sample_weight is None or super()._values_fit(values, y_pred, sample_weight)


class PearsonCorrelation(_Correlation):
    """Keras' PearsonCorrelation: the mean of pearson_correlation over the samples."""

    function = staticmethod(pearson_correlation)

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        self._start(name, dtype, axis=axis)


class ConcordanceCorrelation(_Correlation):
    """Keras' ConcordanceCorrelation: the mean of concordance_correlation over the samples."""

    function = staticmethod(concordance_correlation)

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        self._start(name, dtype, axis=axis)


__all__ = ["R2Score", "PearsonCorrelation", "ConcordanceCorrelation", "pearson_correlation",
           "concordance_correlation"]
