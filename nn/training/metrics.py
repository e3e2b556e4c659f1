"""What `Model.compile(metrics=[...])` becomes: metrics over a whole epoch or data set.

Every metric sees all the epoch's outputs at once (never an average of per-batch
values, which would be wrong for precision, recall, F1 and AUC). Classifier outputs
arrive as probabilities (see `CompiledLoss.scores`); the classes are on the last axis:

* outputs (..., C) with C > 1: the predicted class is the argmax; targets may be labels
  or one-hot rows; precision, recall and F1 are macro-averaged over all C classes (Keras'
  F1Score: a class absent from both targets and predictions scores 0, so the value does
  not depend on which classes a validation split happens to hold), AUC is one-vs-rest
  (averaged over the classes the targets hold: an absent class has no AUC);
* outputs (N,) or (N, 1): binary, class 1 where the probability is > 0.5 (Keras' rule);
* with a loss whose outputs are independent sigmoids (binary_crossentropy: multi-label
  targets, several classes on at once), every output is its own binary prediction: the
  named metrics score all of them as one binary problem, as Keras resolves 'accuracy'
  to binary_accuracy there (precision, recall, F1 and AUC count over all outputs: Keras'
  Precision, Recall and AUC, micro-averaged).

Names (Keras'): 'accuracy' ('acc'), 'categorical_accuracy' ('sparse_categorical_accuracy':
the argmax against the class, whatever the loss), 'binary_accuracy' (every output its own
yes/no), 'mse' ('mean_squared_error'), 'mae'
('mean_absolute_error'), 'precision', 'recall', 'f1' ('f1_score'), 'auc', and Keras' losses
of one value per sample, averaged: 'mape', 'msle' (and their long names), 'hinge',
'squared_hinge', 'categorical_hinge', 'poisson', 'kl_divergence' ('kld'), 'log_cosh_error'
('log_cosh'), 'cosine_similarity' (the similarity itself, Keras' metric). A callable
`metric(y_true, y_pred)` gets the targets and the probabilities (or outputs) of the whole
epoch and returns one number, or one value per sample (their mean is logged, as Keras
averages a metric function's values); its `__name__` names it in the logs. Logs use the
name as given.
"""

import numpy as np

from autograd.config import no_grad

from .. import functional
from .. import metrics as nn_metrics

# Re-exported: the training stack turns outputs into probabilities with nn.functional's own.
from ..functional.activation import sigmoid_array, softmax_array
from ..layers.keras_name import snake_case

_ALIASES = {"acc": "accuracy", "mean_squared_error": "mse", "mean_absolute_error": "mae",
            "f1_score": "f1", "roc_auc": "auc",
            "sparse_categorical_accuracy": "categorical_accuracy",
            "mean_absolute_percentage_error": "mape", "mean_squared_logarithmic_error": "msle",
            "kld": "kl_divergence", "log_cosh": "log_cosh_error", "logcosh": "log_cosh_error"}
# Keras' metrics that are its losses of one value per sample (nn.functional.keras_losses),
# averaged over the samples; cosine_similarity is the similarity, the loss negated
_KERAS_LOSSES = {"mape": "mape_loss", "msle": "msle_loss", "hinge": "hinge_loss",
                 "squared_hinge": "squared_hinge_loss",
                 "categorical_hinge": "categorical_hinge_loss", "poisson": "poisson_loss",
                 "kl_divergence": "kl_divergence_loss", "log_cosh_error": "log_cosh_loss",
                 "cosine_similarity": "cosine_similarity_loss"}
# never scored output by output: the argmax of the outputs against the class, whatever the
# loss (one-hot targets with a binary cross-entropy included), and the losses over rows
_ARGMAX = ("categorical_accuracy",)
_WHOLE_ROWS = _ARGMAX + tuple(_KERAS_LOSSES)


# ----- the metrics -----
def _is_multiclass(scores):
    return scores.ndim >= 2 and scores.shape[-1] > 1


def check_labels(labels, classes, who):
    """Raise a ValueError naming the labels outside [0, classes), as Keras does.

    A label such as PyTorch's ignore_index (-100) is no class: a loss that skipped it
    while the metrics counted it would disagree silently. Works on NumPy and CuPy.
    """
    if labels.size == 0 or (int(labels.min()) >= 0 and int(labels.max()) < classes):
        return
    bad = labels[(labels < 0) | (labels >= classes)]
    values = np.unique(np.asarray(bad.get() if hasattr(bad, "get") else bad))
    shown = ", ".join(str(v) for v in values[:10]) + (", ..." if len(values) > 10 else "")
    raise ValueError(f"{who}: labels must be class indices in [0, {classes}) for a model "
                     f"with {classes} outputs; got {len(bad)} label(s) outside: {shown} "
                     "(labels to ignore, such as PyTorch's -100, must be dropped from the "
                     "data)")


def _labels(y_true, scores):
    """(true labels, predicted labels), both 1-D."""
    if _is_multiclass(scores):
        classes = scores.shape[-1]
        predicted = scores.reshape(-1, classes).argmax(axis=1)
        if y_true.shape == scores.shape:  # one-hot or probability rows
            return y_true.reshape(-1, classes).argmax(axis=1), predicted
        labels = y_true.reshape(-1).astype(np.int64, copy=False)
        check_labels(labels, classes, "metrics")
        return labels, predicted
    predicted = (scores.reshape(-1) > 0.5).astype(np.int64)
    return (y_true.reshape(-1) > 0.5).astype(np.int64), predicted


def _averaging(scores):
    """Macro over every class of a multi-class output, else binary."""
    if _is_multiclass(scores):
        return {"average": "macro", "labels": np.arange(scores.shape[-1])}
    return {"average": "binary"}


def accuracy(y_true, scores):
    return nn_metrics.accuracy(*_labels(y_true, scores))


def precision(y_true, scores):
    return nn_metrics.precision(*_labels(y_true, scores), **_averaging(scores))


def recall(y_true, scores):
    return nn_metrics.recall(*_labels(y_true, scores), **_averaging(scores))


def f1(y_true, scores):
    return nn_metrics.f1_score(*_labels(y_true, scores), **_averaging(scores))


def auc(y_true, scores):
    true, _ = _labels(y_true, scores)
    if _is_multiclass(scores):
        classes = scores.shape[-1]
        # one column per class, ranked as given (probabilities, or a custom loss's outputs)
        per_class = nn_metrics.roc_auc_score(true[:, None] == np.arange(classes)[None, :],
                                             scores.reshape(-1, classes), average=None)
        # A class absent from these targets (a small validation split) has no AUC: the mean
        # is over the classes that have one, so that a monitor still sees a number.
        scored = per_class[~np.isnan(per_class)]
        return float(scored.mean()) if scored.size else float("nan")
    return nn_metrics.roc_auc_score(true, scores.reshape(-1))


def _dense_pair(y_true, scores):
    """Targets and outputs as (N, k) float arrays of one shape, for the regression metrics."""
    n = len(scores)
    if y_true.shape != scores.shape and y_true.size != scores.size:
        whole = y_true.dtype.kind in "iu" or (
            y_true.dtype.kind == "f" and np.all(y_true == np.round(y_true)))
        if not _is_multiclass(scores) or not whole:
            raise ValueError(f"metric: targets of shape {y_true.shape} do not match outputs "
                             f"of shape {scores.shape}")
        labels = y_true.reshape(scores.shape[:-1]).astype(np.int64)
        check_labels(labels, scores.shape[-1], "metric")
        y_true = np.eye(scores.shape[-1], dtype=scores.dtype)[labels]
    return y_true.reshape(n, -1), scores.reshape(n, -1)


def mse(y_true, scores):
    return nn_metrics.mean_squared_error(*_dense_pair(y_true, scores))


def mae(y_true, scores):
    return nn_metrics.mean_absolute_error(*_dense_pair(y_true, scores))


def _keras_loss_metric(name, sign=1.0):
    """Keras' metric `name`: its loss of one value per sample, averaged, in float64 (an
    output of one value per sample, (N,), is the column (N, 1), as the loss takes it)."""
    def metric(y_true, scores):
        scores = np.asarray(scores, dtype=np.float64)
        y_true = np.asarray(y_true)
        if y_true.shape != scores.shape and y_true.size == scores.size:
            y_true = y_true.reshape(scores.shape)  # (N,) against (N, 1), as Keras aligns them
        if scores.ndim == 1:
            scores, y_true = scores[:, None], y_true[:, None]
        loss = getattr(functional, _KERAS_LOSSES[name])
        with no_grad():
            return sign * float(loss(scores, y_true).data)
    metric.__name__ = name
    return metric


def _over_every_output(metric):
    """`metric` with every output an independent binary prediction: targets and outputs
    flattened, element for element."""
    def scored(y_true, scores):
        if y_true.size != scores.size:
            raise ValueError(f"metric: targets of shape {y_true.shape} do not match outputs of "
                             f"shape {scores.shape} (each output needs its own 0/1 target)")
        return metric(y_true.reshape(-1), scores.reshape(-1))
    scored.__wrapped__ = metric  # the named metric inside (model.save writes its name)
    return scored


def binary_accuracy(y_true, scores):
    """Keras' binary_accuracy: every output its own yes/no at 0.5, whatever the loss."""
    return _over_every_output(accuracy)(y_true, scores)


_BY_NAME = {"accuracy": accuracy, "mse": mse, "mae": mae, "precision": precision,
            "recall": recall, "f1": f1, "auc": auc, "binary_accuracy": binary_accuracy,
            "categorical_accuracy": accuracy,
            **{name: _keras_loss_metric(name, -1.0 if name == "cosine_similarity" else 1.0)
               for name in _KERAS_LOSSES}}
METRIC_NAMES = tuple(_BY_NAME) + tuple(_ALIASES)


class CompiledMetric:
    """A metric with the name it has in the logs: `metric(y_true, scores) -> float`;
    `aligns`: targets reshaped to the outputs' shape where they hold as many values (a
    user's function, which would broadcast (N,) against (N, 1) to (N, N))."""

    def __init__(self, name, fn, aligns=False):
        self.name, self.fn, self.aligns = name, fn, aligns

    def __call__(self, y_true, scores):
        if self.aligns and y_true.shape != scores.shape and y_true.size == scores.size:
            y_true = y_true.reshape(scores.shape)  # (N,) against (N, 1), as Keras aligns them
        value = self.fn(y_true, scores)
        value = getattr(value, "data", value)  # a Variable
        if np.ndim(value) != 0 and np.size(value) != 1:
            if np.shape(value)[:1] != (len(scores),):
                raise ValueError(f"metric {self.name!r} returned an array of shape "
                                 f"{np.shape(value)}; a metric returns one number for the "
                                 f"data, or one value per sample ({len(scores)}, ...)")
            value = np.mean(value)  # one per sample: their mean, as Keras' metric functions
        try:
            return float(np.asarray(value).item())
        except (TypeError, ValueError):
            raise TypeError(f"metric {self.name!r} returned {value!r}; a metric returns one "
                            "number") from None

    def __repr__(self):
        return f"CompiledMetric({self.name!r})"


def resolve_metrics(metrics, independent_outputs=False):
    """A list of CompiledMetric from None, one metric, or a list of names and callables.
    independent_outputs: the loss scores every output as its own sigmoid (see the module
    doc); the named metrics then see every output as one binary prediction."""
    if metrics is None:
        return []
    if isinstance(metrics, str) or callable(metrics):
        metrics = [metrics]
    compiled = [_resolve_one(m, independent_outputs) for m in metrics]
    names = [m.name for m in compiled]
    for name in names:
        if name == "loss" or names.count(name) > 1:
            raise ValueError(f"compile: metric name {name!r} is used twice (the loss is "
                             "'loss'); give the metric function another __name__")
    return compiled


def _resolve_one(metric, independent_outputs=False):
    if isinstance(metric, str):
        metric = snake_case(metric)
        key = _ALIASES.get(metric.lower(), metric.lower())
        if key not in _BY_NAME:
            raise ValueError(f"compile: unknown metric {metric!r}; use a callable "
                             f"metric(y_true, y_pred) or one of {', '.join(METRIC_NAMES)}")
        fn = _BY_NAME[key]
        each = independent_outputs and key not in _WHOLE_ROWS
        return CompiledMetric(metric, _over_every_output(fn) if each else fn)
    if callable(metric):
        return CompiledMetric(getattr(metric, "__name__", type(metric).__name__), metric,
                              aligns=True)
    raise TypeError(f"compile: a metric must be a name or a callable, got "
                    f"{type(metric).__name__}")


class MetricAccumulator:
    """Collects (targets, scores) batch by batch; `results()` scores everything so far."""

    def __init__(self, metrics):
        self.metrics = metrics
        self._targets, self._scores = [], []

    def add(self, targets, scores):
        if self.metrics:
            self._targets.append(np.asarray(targets))
            self._scores.append(np.asarray(scores))

    def results(self):
        """{name: value} over all batches added (empty when there are no metrics)."""
        if not self.metrics or not self._scores:
            return {}
        targets, scores = np.concatenate(self._targets), np.concatenate(self._scores)
        self._targets, self._scores = [targets], [scores]  # concatenate once, not every call
        return {m.name: m(targets, scores) for m in self.metrics}


__all__ = ["CompiledMetric", "MetricAccumulator", "resolve_metrics", "check_labels",
           "sigmoid_array", "softmax_array", "METRIC_NAMES"]
