"""Keras' AUC: the area under the ROC or precision-recall curve, from confusion counts at
`num_thresholds` thresholds accumulated batch by batch (a Riemann sum; the exact area from
the ranks, nn.metrics.roc_auc_score, differs from it slightly, as Keras' does)."""
import numpy as np

from ...functional.activation import sigmoid_array
from .metric import Metric, as_array, check_classes, check_pair
from .thresholds import (
    COUNTS,
    EPSILON,
    add_counts,
    count_values,
    counts_of,
    divide_no_nan,
    evenly_spaced,
    evenly_spaced_inner,
    update_confusion,
)

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Keras' AUC (curve 'ROC', 'PR' or 'PRGAIN'; summation 'interpolation' (for PR, Davis
    and Goadrich's interpolation, as Keras), 'majoring' or 'minoring'); multi_label: one
    area per output column, then their mean (weighted by label_weights); from_logits: a
    sigmoid is applied to y_pred first."""

    _direction = "up"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        self.curve = _choice(curve, _CURVES, "curve")
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(f"AUC: summation_method must be one of {', '.join(_SUMMATIONS)}, "
                             f"got {summation_method!r}")
        self.summation_method = str(summation_method).lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            thresholds = sorted(thresholds)
            self.num_thresholds = len(thresholds) + 2
            self._evenly = evenly_spaced([0.0] + thresholds + [1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be an integer > 1, got "
                                 f"{num_thresholds!r}")
            self.num_thresholds = num_thresholds
            thresholds = evenly_spaced_inner(num_thresholds)
            self._evenly = True
        # the outer thresholds just outside [0, 1]: every prediction is above the first
        self.thresholds = [0.0 - EPSILON] + list(thresholds) + [1.0 + EPSILON]
        super().__init__(name=name, dtype=dtype)
        self.multi_label, self.num_labels = multi_label, num_labels
        self.label_weights = None if label_weights is None else \
            np.asarray(label_weights, self.dtype)
        self.from_logits = from_logits
        self._built = False
        if num_labels and not multi_label:
            raise ValueError("AUC: num_labels is needed only when multi_label is True")
        if not multi_label or num_labels:
            self._build(num_labels)

    def _build(self, labels):
        if self.multi_label and self.label_weights is not None and \
                self.label_weights.shape != (labels,):
            raise ValueError(f"AUC ({self.name!r}): label_weights holds "
                             f"{self.label_weights.size} weights for {labels} labels")
        shape = (self.num_thresholds, labels) if self.multi_label else (self.num_thresholds,)
        add_counts(self, COUNTS, shape)
        self._built, self._labels = True, labels

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = as_array(y_true), as_array(y_pred)
        check_pair(self, y_true, y_pred, sample_weight)
        if self.multi_label and y_pred.ndim != 2:
            raise ValueError(f"AUC ({self.name!r}): multi_label needs y_pred of rank 2 "
                             f"(samples, labels), got shape {y_pred.shape}")
        if not self._built:
            self._build(y_pred.shape[1])
        if self.multi_label:
            check_classes(self, y_pred, self._labels, "labels")
        if self.from_logits:
            y_pred = sigmoid_array(y_pred.astype(self.dtype))
        update_confusion(counts_of(self, COUNTS), y_true, y_pred,
                         self.thresholds, self._evenly, sample_weight=sample_weight,
                         multi_label=self.multi_label,
                         label_weights=None if self.multi_label else self.label_weights)

    def result(self):
        if not self._built:
            return np.zeros((), self.dtype)[()]
        tp, fp, tn, fn = count_values(self, COUNTS)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._mean_over_labels(_interpolated_pr_areas(tp, fp, fn))
        x, y = _curve(self.curve, tp, fp, tn, fn)
        heights = {"interpolation": (y[:-1] + y[1:]) / 2, "minoring": np.minimum(y[:-1], y[1:]),
                   "majoring": np.maximum(y[:-1], y[1:])}[self.summation_method]
        return self._mean_over_labels((x[:-1] - x[1:]) * heights)

    def _mean_over_labels(self, terms):
        """The sum of the area's terms; with multi_label, the (weighted) mean of the labels'."""
        if not self.multi_label:
            return np.sum(terms, dtype=terms.dtype)
        by_label = terms.sum(axis=0)
        if self.label_weights is None:
            return np.mean(by_label, dtype=by_label.dtype)
        return divide_no_nan(np.sum(by_label * self.label_weights),
                             np.sum(self.label_weights))[()]

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "num_labels": self.num_labels,
                  "label_weights": None if self.label_weights is None else
                  self.label_weights.tolist(), "from_logits": self.from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config


def _choice(value, choices, argument):
    key = str(value).lower()
    if key not in choices:
        raise ValueError(f"AUC: {argument} must be one of {', '.join(choices.values())}, got "
                         f"{value!r}")
    return choices[key]


def _curve(curve, tp, fp, tn, fn):
    """(x, y) of the curve at each threshold, as Keras' AUC.result."""
    recall = divide_no_nan(tp, tp + fn)
    if curve == "ROC":
        return divide_no_nan(fp, fp + tn), recall
    if curve == "PR":
        return recall, divide_no_nan(tp, tp + fp)
    scale = divide_no_nan(tp + fn, tn + fp)  # PRGAIN
    recall_gain = np.where(tp == 0, 0.0, 1.0 - scale * divide_no_nan(fn, tp))
    precision_gain = np.where(tp == 0, 1.0, 1.0 - scale * divide_no_nan(fp, tp))
    return np.maximum(recall_gain, 0.0).astype(tp.dtype), precision_gain.astype(tp.dtype)


def _interpolated_pr_areas(tp, fp, fn):
    """The terms of the PR area with precision interpolated between thresholds (Davis and
    Goadrich 2006), Keras' interpolate_pr_auc."""
    dtp = tp[:-1] - tp[1:]
    p = tp + fp
    dp = p[:-1] - p[1:]
    slope = divide_no_nan(dtp, np.maximum(dp, 0))
    intercept = tp[1:] - slope * p[1:]
    ratio = np.where((p[:-1] > 0) & (p[1:] > 0), divide_no_nan(p[:-1], np.maximum(p[1:], 0)),
                     np.ones_like(p[1:]))
    return divide_no_nan(slope * (dtp + intercept * np.log(ratio)),
                         np.maximum(tp[1:] + fn[1:], 0))


__all__ = ["AUC"]
