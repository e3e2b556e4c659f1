"""Keras' metrics that are the running mean of a loss's per-sample values (regression
errors, cross-entropies, hinges, ...), and those loss functions as Keras' metric functions.

Each function takes Keras' (y_true, y_pred) brought to the same rank as Keras does ((N,)
against (N, 1)) and gives each sample's loss, reduced over the last axis, computed by
nn.keras.losses (checked against Keras there). As in Keras, 1-D targets and predictions are
one sample of N values: their mean counts once.
"""
import numpy as np

from autograd.config import no_grad

from .. import losses
from .mean_of import MeanOf
from .metric import as_array, check_pair, same_rank
from .reduction import Mean, masked_weights


def _metric_function(name, loss, sign=1.0):
    def metric(y_true, y_pred, **options):
        y_true, y_pred = same_rank(as_array(y_true), as_array(y_pred))
        one_sample = y_pred.ndim == 1 and y_true.ndim == 1
        if one_sample:
            y_true, y_pred = y_true[None], y_pred[None]
        with no_grad():
            values = sign * as_array(loss(y_true, y_pred, **options))
        return values[0] if one_sample else values
    metric.__name__ = metric.__qualname__ = name
    metric.__doc__ = f"Keras' metric function {name}: each sample's value."
    return metric


mean_squared_error = _metric_function("mean_squared_error", losses.mean_squared_error)
mean_absolute_error = _metric_function("mean_absolute_error", losses.mean_absolute_error)
mean_absolute_percentage_error = _metric_function("mean_absolute_percentage_error",
                                                  losses.mean_absolute_percentage_error)
mean_squared_logarithmic_error = _metric_function("mean_squared_logarithmic_error",
                                                  losses.mean_squared_logarithmic_error)
log_cosh = _metric_function("log_cosh", losses.log_cosh)
cosine_similarity = _metric_function("cosine_similarity", losses.cosine_similarity, -1.0)
kl_divergence = _metric_function("kl_divergence", losses.kl_divergence)
poisson = _metric_function("poisson", losses.poisson)
hinge = _metric_function("hinge", losses.hinge)
squared_hinge = _metric_function("squared_hinge", losses.squared_hinge)
categorical_hinge = _metric_function("categorical_hinge", losses.categorical_hinge)
binary_crossentropy = _metric_function("binary_crossentropy", losses.binary_crossentropy)
categorical_crossentropy = _metric_function("categorical_crossentropy",
                                            losses.categorical_crossentropy)
sparse_categorical_crossentropy = _metric_function("sparse_categorical_crossentropy",
                                                   losses.sparse_categorical_crossentropy)


def _plain_class(class_name, function, default_name):
    """A Keras metric class without options: the mean of `function`."""
    def __init__(self, name=default_name, dtype=None):
        self._start(name, dtype)
    return type(class_name, (MeanOf,), {
        "function": staticmethod(function), "__init__": __init__, "__module__": __name__,
        "_direction": "down",  # (an error or a loss)
        "__doc__": f"Keras' {class_name}: the mean of {function.__name__} over the samples."})


MeanSquaredError = _plain_class("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _plain_class("MeanAbsoluteError", mean_absolute_error,
                                 "mean_absolute_error")
MeanAbsolutePercentageError = _plain_class("MeanAbsolutePercentageError",
                                           mean_absolute_percentage_error,
                                           "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _plain_class("MeanSquaredLogarithmicError",
                                           mean_squared_logarithmic_error,
                                           "mean_squared_logarithmic_error")
LogCoshError = _plain_class("LogCoshError", log_cosh, "logcosh")
KLDivergence = _plain_class("KLDivergence", kl_divergence, "kl_divergence")
Poisson = _plain_class("Poisson", poisson, "poisson")
Hinge = _plain_class("Hinge", hinge, "hinge")
SquaredHinge = _plain_class("SquaredHinge", squared_hinge, "squared_hinge")
CategoricalHinge = _plain_class("CategoricalHinge", categorical_hinge, "categorical_hinge")


class CosineSimilarity(MeanOf):
    """Keras' CosineSimilarity: the mean cosine of the angle between targets and
    predictions (the similarity itself, not the loss)."""

    _direction = "up"

    function = staticmethod(cosine_similarity)

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        losses._last_axis_only(axis, "CosineSimilarity")
        self._start(name, dtype, axis=axis)
        self._options = ()  # (Keras' config of this metric leaves its axis out)


class BinaryCrossentropy(MeanOf):
    """Keras' BinaryCrossentropy metric: the mean binary cross-entropy."""

    _direction = "down"

    function = staticmethod(binary_crossentropy)

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        self._start(name, dtype, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanOf):
    """Keras' CategoricalCrossentropy metric (one-hot targets)."""

    _direction = "down"

    function = staticmethod(categorical_crossentropy)

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        self._start(name, dtype, from_logits=from_logits, label_smoothing=label_smoothing,
                    axis=axis)


class SparseCategoricalCrossentropy(MeanOf):
    """Keras' SparseCategoricalCrossentropy metric (integer targets)."""

    _direction = "down"

    function = staticmethod(sparse_categorical_crossentropy)

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 axis=-1, *, ignore_class=None):
        self._start(name, dtype, from_logits=from_logits, ignore_class=ignore_class,
                    axis=axis)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """ignore_class (rungrad's, as the loss's): the entries of that label take no part
        in the mean, as the loss leaves them out."""
        if self.ignore_class is not None:
            labels = as_array(y_true)
            kept = (labels != self.ignore_class).astype(np.float64)
            if kept.ndim == as_array(y_pred).ndim:  # ((N, 1) labels of (N, C) scores)
                kept = kept[..., 0]
            sample_weight = kept if sample_weight is None else masked_weights(
                as_array(sample_weight), kept)
        super().update_state(y_true, y_pred, sample_weight)


class RootMeanSquaredError(Mean):
    """Keras' RootMeanSquaredError: the square root of the running mean squared error."""

    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = as_array(y_true, self.dtype), as_array(y_pred, self.dtype)
        check_pair(self, y_true, y_pred, sample_weight)
        y_true, y_pred = same_rank(y_true, y_pred)
        super().update_state(np.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return np.sqrt(super().result())


__all__ = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "log_cosh", "cosine_similarity", "kl_divergence",
           "poisson", "hinge", "squared_hinge", "categorical_hinge", "binary_crossentropy",
           "categorical_crossentropy", "sparse_categorical_crossentropy", "MeanSquaredError",
           "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
           "LogCoshError", "KLDivergence", "Poisson", "Hinge", "SquaredHinge",
           "CategoricalHinge", "CosineSimilarity", "BinaryCrossentropy",
           "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "RootMeanSquaredError"]
