"""Keras' FBetaScore and F1Score: (1 + b^2) P R / (b^2 P + R) per class of (samples,
classes) targets and predictions, counted batch by batch; averaged as asked."""
import numpy as np

from .metric import Metric, as_array, check_classes, shape_error, weights_fit
from .thresholds import EPSILON

_AVERAGES = (None, "micro", "macro", "weighted")
_STATE = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")


class FBetaScore(Metric):
    """Keras' FBetaScore. threshold None: each row's largest prediction is its positive
    (ties all, never a 0); else the predictions above it. average: None (one score per
    class), 'micro' (the counts pooled), 'macro' (the classes' mean), 'weighted' (by each
    class's share of the targets). Inputs are 2-D: one-hot or multi-label rows."""

    _direction = "up"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score",
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        who = type(self).__name__
        if average not in _AVERAGES:
            raise ValueError(f"{who}: average must be one of None, 'micro', 'macro', "
                             f"'weighted', got {average!r}")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(f"{who}: beta must be a float > 0, got {beta!r}")
        if threshold is not None and (not isinstance(threshold, float)
                                      or not 0.0 < threshold <= 1.0):
            raise ValueError(f"{who}: threshold must be a float in (0, 1], got {threshold!r}")
        self.average, self.beta, self.threshold = average, beta, threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, classes):
        shape = () if self.average == "micro" else (classes,)
        for name in _STATE:
            setattr(self, name, self.add_variable(shape=shape, initializer="zeros", name=name))
        self._built, self._classes = True, classes

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = as_array(y_true, self.dtype), as_array(y_pred, self.dtype)
        if y_true.ndim != 2 or y_pred.shape != y_true.shape or \
                not weights_fit(sample_weight, y_pred):
            raise shape_error(self, y_true, y_pred, sample_weight, " (both (samples, classes))")
        if not self._built:
            self._build(y_pred.shape[-1])
        check_classes(self, y_pred, self._classes)
        if self.threshold is None:
            top = y_pred.max(axis=-1, keepdims=True)
            predicted = (y_pred >= top) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(self.dtype)
        weights = None if sample_weight is None else as_array(sample_weight, self.dtype)

        def added(values):
            if weights is not None:
                values = values * (weights[:, None] if weights.ndim else weights)
            return np.sum(values, axis=self.axis)

        self.true_positives.assign_add(added(predicted * y_true))
        self.false_positives.assign_add(added(predicted * (1 - y_true)))
        self.false_negatives.assign_add(added((1 - predicted) * y_true))
        self.intermediate_weights.assign_add(added(y_true))

    def result(self):
        if not self._built:
            return np.zeros((), self.dtype)[()]
        tp, fp, fn = (getattr(self, name).value for name in _STATE[:3])
        eps, b2 = np.dtype(self.dtype).type(EPSILON), self.beta ** 2
        precision, recall = tp / (tp + fp + eps), tp / (tp + fn + eps)
        score = (precision * recall / (b2 * precision + recall + eps) * (1 + b2)).astype(
            self.dtype)
        if self.average == "weighted":
            support = self.intermediate_weights.value
            return np.sum(score * (support / (np.sum(support) + eps)))
        return score if self.average is None else np.mean(score, dtype=score.dtype)

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """Keras' F1Score: FBetaScore with beta 1."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name,
                         dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config


__all__ = ["FBetaScore", "F1Score"]
