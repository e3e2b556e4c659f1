"""Keras' metrics read from thresholded confusion counts (see .thresholds): the counts
themselves, Precision and Recall (thresholds, top_k, class_id), and the best precision,
recall, sensitivity or specificity at a given value of another."""
import numpy as np

from .metric import Metric, as_array, check_pair
from .thresholds import (
    NEG_INF,
    add_counts,
    count_values,
    counts_of,
    divide_no_nan,
    evenly_spaced,
    evenly_spaced_inner,
    parse_thresholds,
    update_confusion,
)


class ConfusionMetric(Metric):
    """A metric holding the confusion counts `counts` ('tp', 'fp', 'tn', 'fn') at each of
    `self.thresholds`, as the attributes Keras names them (true_positives, ...)."""

    counts = ()
    top_k = class_id = None

    def _make_counts(self, thresholds, evenly=None):
        """`evenly`: whether they are bucketed as evenly spaced (default: Keras' test)."""
        self.thresholds = thresholds
        self._evenly = evenly_spaced(thresholds) if evenly is None else evenly
        add_counts(self, self.counts, (len(thresholds),))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = as_array(y_true), as_array(y_pred)
        check_pair(self, y_true, y_pred, sample_weight)
        if self.class_id is not None and y_pred.ndim < 2:
            raise ValueError(f"{type(self).__name__} ({self.name!r}): class_id needs y_pred of "
                             f"shape (samples, classes), got {y_pred.shape}")
        update_confusion(counts_of(self, self.counts), y_true, y_pred, self.thresholds,
                         self._evenly, self.top_k, self.class_id, sample_weight)

    def _per_threshold(self, values):
        """One value per threshold, or the only one's."""
        return values[0] if len(self.thresholds) == 1 else values


class _Count(ConfusionMetric):
    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self._make_counts(parse_thresholds(thresholds, 0.5, type(self).__name__))
        self.accumulator, = counts_of(self, self.counts).values()

    def result(self):
        return self._per_threshold(self.accumulator.value.copy())

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_Count):
    """Keras' TruePositives: the (weighted) count of positives predicted above threshold."""
    counts = ("tp",)


class FalsePositives(_Count):
    """Keras' FalsePositives."""
    counts = ("fp",)


class TrueNegatives(_Count):
    """Keras' TrueNegatives."""
    counts = ("tn",)


class FalseNegatives(_Count):
    """Keras' FalseNegatives."""
    counts = ("fn",)


class _PrecisionOrRecall(ConfusionMetric):
    _direction = "up"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        default = 0.5 if top_k is None else NEG_INF  # (top_k: the k kept are the positives)
        self._make_counts(parse_thresholds(thresholds, default, type(self).__name__))

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionOrRecall):
    """Keras' Precision: tp / (tp + fp) at each threshold (0.5 by default); top_k: the k
    largest predictions of each row are the positives; class_id: that class alone."""

    counts = ("tp", "fp")

    def result(self):
        tp = self.true_positives.value
        return self._per_threshold(divide_no_nan(tp, tp + self.false_positives.value))


class Recall(_PrecisionOrRecall):
    """Keras' Recall: tp / (tp + fn), with Precision's options."""

    counts = ("tp", "fn")

    def result(self):
        tp = self.true_positives.value
        return self._per_threshold(divide_no_nan(tp, tp + self.false_negatives.value))


class _AtValue(ConfusionMetric):
    """Keras' SensitivitySpecificityBase: the largest `dependent` rate over the thresholds
    where the `constrained` rate reaches `value` (0 where none does)."""

    _direction = "up"

    counts = ("tp", "fp", "tn", "fn")
    argument = constrained = dependent = None  # names: of the value, of the rates (_rates)

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        who = type(self).__name__
        if not 0 <= value <= 1:
            raise ValueError(f"{who}: {self.argument} must be in [0, 1], got {value!r}")
        if num_thresholds <= 0:
            raise ValueError(f"{who}: num_thresholds must be an integer > 0, got "
                             f"{num_thresholds!r}")
        super().__init__(name=name, dtype=dtype)
        self.value, self.num_thresholds, self.class_id = value, num_thresholds, class_id
        setattr(self, self.argument, value)
        # bucketed whatever their number, as Keras (its evenly-spaced test wants 3: [0, 1]
        # compared would count a prediction above 1 as above the threshold 1)
        self._make_counts([0.5] if num_thresholds == 1 else
                          [0.0] + evenly_spaced_inner(num_thresholds) + [1.0],
                          evenly=num_thresholds > 1)

    def _rates(self):
        tp, fp, tn, fn = count_values(self, self.counts)
        return {"recall": divide_no_nan(tp, tp + fn), "precision": divide_no_nan(tp, tp + fp),
                "specificity": divide_no_nan(tn, tn + fp)}

    def result(self):
        rates = self._rates()
        feasible = rates[self.constrained] >= self.value
        return np.max(np.where(feasible, rates[self.dependent], 0), initial=0)

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self.argument: self.value}


class PrecisionAtRecall(_AtValue):
    """Keras' PrecisionAtRecall: the best precision where the recall is >= `recall`."""

    argument, constrained, dependent = "recall", "recall", "precision"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_AtValue):
    """Keras' RecallAtPrecision: the best recall where the precision is >= `precision`."""

    argument, constrained, dependent = "precision", "precision", "recall"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)


class SensitivityAtSpecificity(_AtValue):
    """Keras' SensitivityAtSpecificity: the best recall where the specificity is >=
    `specificity`."""

    argument, constrained, dependent = "specificity", "specificity", "recall"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None,
                 dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_AtValue):
    """Keras' SpecificityAtSensitivity: the best specificity where the recall is >=
    `sensitivity`."""

    argument, constrained, dependent = "sensitivity", "recall", "specificity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None,
                 dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


__all__ = ["ConfusionMetric", "TruePositives", "FalsePositives", "TrueNegatives",
           "FalseNegatives", "Precision", "Recall", "PrecisionAtRecall", "RecallAtPrecision",
           "SensitivityAtSpecificity", "SpecificityAtSensitivity"]
