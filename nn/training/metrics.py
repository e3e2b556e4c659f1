"""What `Model.compile(metrics=[...])` becomes: metrics over a whole epoch or data set.

Every metric sees all the epoch's outputs at once (never an average of per-batch
values, which would be wrong for precision, recall, F1 and AUC). The metrics that decide
a class (CLASSIFYING: the accuracies, 'precision', 'recall', 'auc', 'f1_score', 'f1',
'macro_precision', 'macro_recall', 'exact_auc') read
probabilities where the model ends in logits (see `CompiledLoss.scores`: a logit above 0
is class 1, where Keras thresholds the raw logit at 0.5); every other metric reads the
model's outputs as they are, as Keras gives them.

Keras' names 'precision', 'recall', 'auc', 'f1_score' (and its class names 'Precision',
'Recall', 'AUC', 'F1Score') are Keras' objects with Keras' defaults, as Keras' compile makes
them, streamed (NamedClassifier): Precision and Recall pool every output as its own yes/no
at 0.5 (micro), AUC has 200 thresholds (all outputs pooled), F1Score gives one score per
class (the argmax's; an array in the logs). Fed the scores, class labels of a multi-class
output as one-hot rows (Keras refuses labels there), and NaN for NaN outputs.

rungrad's own names, which Keras lacks, score the whole epoch at once as follows:
'macro_precision', 'macro_recall', 'f1' and 'exact_auc' ('roc_auc'), the classes on
the last axis:

* outputs (..., C) with C > 1: the predicted class is the argmax; targets may be labels
  or one-hot rows; precision, recall and F1 are macro-averaged over all C classes (Keras'
  F1Score: a class absent from both targets and predictions scores 0, so the value does
  not depend on which classes a validation split happens to hold), AUC is one-vs-rest
  (averaged over the classes the targets hold: an absent class has no AUC);
* outputs (N,) or (N, 1): binary, class 1 where the probability is > 0.5 (Keras' rule);
  'accuracy' compares the targets as given with that class, as Keras' binary_accuracy
  (a target 0.9, -1 or 1.5 is never right);
* with a loss whose outputs are independent sigmoids (binary_crossentropy: multi-label
  targets, several classes on at once), every output is its own binary prediction:
  precision, recall, F1 and AUC count over all outputs as one binary problem (Keras'
  Precision, Recall and AUC, micro-averaged). 'accuracy' goes by the outputs' shape alone,
  as Keras 3 resolves it (tf.keras 2 chose binary_accuracy from the loss): (..., C) with
  C > 1 is the argmax's (CategoricalAccuracy, even for multi-label targets; ask for
  'binary_accuracy' to score each output), (..., 1) binary.

Names (Keras'): 'accuracy' ('acc'), 'categorical_accuracy' ('sparse_categorical_accuracy':
the argmax against the class, whatever the loss), 'binary_accuracy' (every output its own
yes/no), 'mse' ('mean_squared_error'), 'mae'
('mean_absolute_error'), 'precision', 'recall', 'auc', 'f1_score' (Keras' objects, above),
'macro_precision', 'macro_recall', 'f1', 'exact_auc' ('roc_auc'), and Keras' losses
of one value per sample, averaged: 'mape', 'msle' (and their long names), 'hinge',
'squared_hinge', 'categorical_hinge', 'poisson', 'kl_divergence' ('kld'), 'log_cosh_error'
('log_cosh'), 'cosine_similarity' (the similarity itself, Keras' metric), and 'r2_score',
'pearson_correlation', 'concordance_correlation', 'top_k_categorical_accuracy',
'sparse_top_k_categorical_accuracy' (k=5), the cross-entropies 'binary_crossentropy',
'categorical_crossentropy', 'sparse_categorical_crossentropy' (of the outputs as the model
returns them, as Keras' metric functions), 'root_mean_squared_error' (Keras' metric
objects of those names, streamed as the objects below are). A callable
`metric(y_true, y_pred)` gets the targets and the model's outputs (logits where the model
returns logits, as in Keras) of the whole epoch and returns one number, or one value per
sample (their mean is logged, as Keras averages a metric function's values); its
`__name__` names it in the logs. Logs use the
name as given, as Keras 3's: 'AUC' or 'BinaryAccuracy' (Keras' class names, also taken)
log as 'AUC' and 'val_AUC', 'acc' as 'acc'.

A metric object of Keras' (anything with update_state, result and reset_state:
nn.keras.metrics' Precision, AUC, a Metric subclass) streams instead, as in Keras: reset at
the start of each epoch or evaluation, updated with each batch's targets and the model's
own outputs (probabilities where the model ends with a sigmoid or softmax, logits where it
returns logits: the object's from_logits or threshold says how to read them), its result()
logged under its `name`. Compile's metrics are unweighted, as Keras'; its weighted_metrics
are weighted (nn.training.weighted_metrics).
"""

import functools

import numpy as np

from autograd.backend import array_of, to_cpu
from autograd.config import no_grad

from .. import functional
from .. import metrics as nn_metrics

# Re-exported: the training stack turns outputs into probabilities with nn.functional's own.
from ..functional.activation import sigmoid_array, softmax_array
from ..layers.keras_name import snake_case

_ALIASES = {"acc": "accuracy", "mean_squared_error": "mse", "mean_absolute_error": "mae",
            "roc_auc": "exact_auc",
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
# loss (one-hot targets with a binary cross-entropy included; 'accuracy' by the outputs'
# shape alone, as Keras 3), and the losses over rows
_ARGMAX = ("accuracy", "categorical_accuracy")
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


def _not_finite(scores):
    return ~np.isfinite(scores)


def _nan_for_nan_outputs(metric, unreadable=np.isnan):
    """`metric`, NaN where some output is `unreadable` (NaN): a diverged model's argmax or
    threshold would give a plausible score (NaN read as class 0), and AUC or a regression
    metric (which refuse NaN) would stop fit before a callback such as TerminateOnNaN could
    act."""
    def guarded(y_true, scores):
        if scores.dtype.kind == "f" and unreadable(scores).any():
            return float("nan")
        return metric(y_true, scores)
    # named as the metric, but no __wrapped__: model.save takes that for a named one inside
    guarded.__name__, guarded.__qualname__ = metric.__name__, metric.__qualname__
    guarded.__doc__ = metric.__doc__
    return guarded


@_nan_for_nan_outputs
def accuracy(y_true, scores):
    if not _is_multiclass(scores):
        # Keras' binary_accuracy: y_true == (y_pred > 0.5), the targets as given, so that a
        # target 0.9, -1 or a regression's 1.5 matches no prediction (as in Keras)
        if y_true.size != scores.size:
            raise ValueError(f"accuracy: targets of shape {y_true.shape} do not match "
                             f"outputs of shape {scores.shape}")
        right = y_true.reshape(-1) == (scores.reshape(-1) > 0.5)
        return float(right.mean()) if right.size else float("nan")
    return nn_metrics.accuracy(*_labels(y_true, scores))


@_nan_for_nan_outputs
def precision(y_true, scores):
    return nn_metrics.precision(*_labels(y_true, scores), **_averaging(scores))


@_nan_for_nan_outputs
def recall(y_true, scores):
    return nn_metrics.recall(*_labels(y_true, scores), **_averaging(scores))


@_nan_for_nan_outputs
def f1(y_true, scores):
    return nn_metrics.f1_score(*_labels(y_true, scores), **_averaging(scores))


@functools.partial(_nan_for_nan_outputs, unreadable=_not_finite)  # (inf: no ranking)
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


@functools.partial(_nan_for_nan_outputs, unreadable=_not_finite)
def mse(y_true, scores):
    return nn_metrics.mean_squared_error(*_dense_pair(y_true, scores))


@functools.partial(_nan_for_nan_outputs, unreadable=_not_finite)
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


# (rungrad's own names, none of them Keras': Keras' 'precision', 'recall', 'auc' and
# 'f1_score' are its objects, _KERAS_CLASSIFIERS)
_BY_NAME = {"accuracy": accuracy, "mse": mse, "mae": mae, "macro_precision": precision,
            "macro_recall": recall, "f1": f1, "exact_auc": auc,
            "binary_accuracy": binary_accuracy, "categorical_accuracy": accuracy,
            **{name: _keras_loss_metric(name, -1.0 if name == "cosine_similarity" else 1.0)
               for name in _KERAS_LOSSES}}
# Keras' metric classes that compile also takes by name (Keras: metrics.get's snake-case
# names): made as the nn.keras.metrics object, named as given, and streamed as objects are
_KERAS_OBJECTS = {"r2_score": "R2Score", "pearson_correlation": "PearsonCorrelation",
                  "concordance_correlation": "ConcordanceCorrelation",
                  "top_k_categorical_accuracy": "TopKCategoricalAccuracy",
                  "sparse_top_k_categorical_accuracy": "SparseTopKCategoricalAccuracy",
                  "binary_crossentropy": "BinaryCrossentropy",
                  "categorical_crossentropy": "CategoricalCrossentropy",
                  "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
                  "root_mean_squared_error": "RootMeanSquaredError"}
# Keras' metric classes that decide a class, taken by name as Keras' compile takes them (its
# defaults: Precision and Recall pool every output as its own yes/no at 0.5, AUC has 200
# thresholds, F1Score one score per class), but reading the scores (see CLASSIFYING)
_KERAS_CLASSIFIERS = {"precision": "Precision", "recall": "Recall", "auc": "AUC",
                      "f1_score": "F1Score"}
METRIC_NAMES = (tuple(_BY_NAME) + tuple(_ALIASES) + tuple(_KERAS_OBJECTS)
                + tuple(_KERAS_CLASSIFIERS))
# the named metrics that decide a class: they read probabilities where the model ends in
# logits (a logit above 0 is class 1), where Keras thresholds the raw logit at 0.5; all
# other metrics read the model's outputs as they are, as Keras'
CLASSIFYING = ("accuracy", "binary_accuracy", "categorical_accuracy", "macro_precision",
               "macro_recall", "f1", "exact_auc", *_KERAS_CLASSIFIERS)


class CompiledMetric:
    """A metric with the name it has in the logs: `metric(y_true, scores) -> float`;
    `aligns`: targets reshaped to the outputs' shape where they hold as many values (a
    user's function, which would broadcast (N,) against (N, 1) to (N, N)). `reads`: what
    it scores, 'scores' (probabilities where the model ends in logits: the classification
    names, see CLASSIFYING) or 'outputs' (the model's outputs as they are, as Keras gives
    every metric)."""

    streams = False  # (StreamingMetric's are updated batch by batch)
    weighted = False  # (only weighted_metrics' see the sample weights: StreamingMetrics)

    def __init__(self, name, fn, aligns=False, reads="outputs"):
        self.name, self.fn, self.aligns, self.reads = name, fn, aligns, reads

    def __call__(self, y_true, scores):
        if self.aligns and y_true.shape != scores.shape and y_true.size == scores.size:
            y_true = y_true.reshape(scores.shape)  # (N,) against (N, 1), as Keras aligns them
        value = self.fn(y_true, scores)
        value = array_of(value)  # a Variable
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


class StreamingMetric:
    """A Keras metric object in compile (see the module doc): `reset()`, `update(y_true,
    outputs, weights)` batch by batch, `result()` the object's; `keras_object` is the
    object. `weighted`: one of compile's weighted_metrics, updated with the sample weights
    (see nn.training.weighted_metrics); `given`: the name it was given as, if any."""

    streams = True
    reads = "outputs"  # (the model's outputs, as Keras gives them; see NamedClassifier)

    def __init__(self, metric, weighted=False):
        self.keras_object, self.name, self.weighted = metric, metric.name, weighted
        self.given = None

    def reset(self):
        self.keras_object.reset_state()

    def update(self, y_true, outputs, weights=None):
        if self.weighted and weights is not None:
            self.keras_object.update_state(y_true, outputs, sample_weight=weights)
        else:
            self.keras_object.update_state(y_true, outputs)

    def result(self):
        """The result as a float, an array of floats (one per threshold or class, as Keras
        logs it), or a dict of them (each its own log entry, Keras')."""
        value = self.keras_object.result()
        if isinstance(value, dict):
            return {key: _logged(v) for key, v in value.items()}
        return _logged(value)

    def __repr__(self):
        return f"StreamingMetric({self.name!r})"


class NamedClassifier(StreamingMetric):
    """Keras' metric object for a name of compile's ('precision', 'AUC', 'f1_score'; see
    _KERAS_CLASSIFIERS), fed as the named metrics are: the scores (probabilities where the
    model ends in logits, CLASSIFYING), class labels of a multi-class output as one-hot rows
    and targets (N,) of outputs (N, 1) as a column (Keras' objects refuse both), and NaN once
    some output is `unreadable` (as _nan_for_nan_outputs: a diverged model's NaN would read
    as class 0 and give a plausible number)."""

    reads = "scores"

    def __init__(self, metric, given, unreadable=np.isnan):
        super().__init__(metric)
        self.given, self.unreadable, self.unread = given, unreadable, False

    def reset(self):
        super().reset()
        self.unread = False

    def update(self, y_true, scores, weights=None):
        if scores.dtype.kind == "f":
            unreadable = self.unreadable(scores)
            if unreadable.any():  # (updated all the same: the result keeps its shape)
                self.unread, scores = True, np.where(unreadable, 0, scores)
        super().update(_rows_like(y_true, scores), scores, weights)

    def result(self):
        value = super().result()
        if not self.unread:
            return value
        return np.full_like(value, np.nan) if np.ndim(value) else float("nan")


def _rows_like(y_true, scores):
    """Targets of the outputs' shape: as they are where they hold as many values, else
    class labels made one-hot rows (checked against the outputs' classes)."""
    if y_true.shape == scores.shape:
        return y_true
    if y_true.size == scores.size:
        return y_true.reshape(scores.shape)
    if not _is_multiclass(scores) or y_true.size * scores.shape[-1] != scores.size:
        raise ValueError(f"metrics: targets of shape {y_true.shape} fit neither the outputs' "
                         f"shape {scores.shape} nor one class label per row of them")
    labels = y_true.reshape(scores.shape[:-1]).astype(np.int64)
    check_labels(labels, scores.shape[-1], "metrics")
    return np.eye(scores.shape[-1], dtype=scores.dtype)[labels]


def _logged(value):
    # a copy: a result() that returns its state's own array (a float64 MetricVariable's
    # `value`) would otherwise make every epoch's History entry that one array, changing
    # with each update and reset
    value = np.array(to_cpu(value), dtype=np.float64)
    return float(value) if value.ndim == 0 else value


def _is_metric_object(metric):
    return all(callable(getattr(metric, name, None))
               for name in ("update_state", "result", "reset_state"))


def metric_list(metrics):
    """compile's metrics (or weighted_metrics) as a list: None, one metric, or a list."""
    if metrics is None:
        return []
    if isinstance(metrics, str) or callable(metrics) or _is_metric_object(metrics):
        return [metrics]
    return list(metrics)


def resolve_metrics(metrics, independent_outputs=False):
    """A list of CompiledMetric from None, one metric, or a list of names and callables.
    independent_outputs: the loss scores every output as its own sigmoid (see the module
    doc); the named metrics then see every output as one binary prediction."""
    compiled = numbered([_resolve_one(m, independent_outputs) for m in metric_list(metrics)])
    names = [m.name for m in compiled]
    for name in names:
        if name == "loss" or names.count(name) > 1:
            raise ValueError(f"compile: metric name {name!r} is used twice (the loss is "
                             "'loss'); give the metric function another __name__, or the "
                             "metric object another name=")
    return compiled


def numbered(compiled, taken=()):
    """`compiled` with Keras' numbering of metric objects named after their class: where
    such a name is already used (AUC() and AUC(curve="PR")), the object takes the next free
    number ('auc', 'auc_1'), as Keras names them (Keras counts across the session, this
    within one compile: a second model's AUC() logs 'auc')."""
    used = set(taken) | {"loss"} | {metric.name for metric in compiled if not _auto_named(metric)}
    for metric in compiled:
        if _auto_named(metric):  # (the names given are kept: a number goes to the others)
            number_if_taken(metric, used)
            used.add(metric.name)
    return compiled


def _auto_named(metric):
    return bool(getattr(metric.keras_object if metric.streams else None, "_auto_named", False))


def number_if_taken(metric, used):
    """Give a compiled metric object named after its class the next free number when its
    name is in `used` (see numbered)."""
    if metric.name in used and _auto_named(metric):
        number = 1
        while f"{metric.name}_{number}" in used:
            number += 1
        metric.name = f"{metric.name}_{number}"
        metric.keras_object.name = f"{metric.keras_object.name}_{number}"


def _resolve_one(metric, independent_outputs=False):
    if isinstance(metric, str):
        # Keras 3 logs a metric under the string as given ('AUC', 'val_AUC'), which
        # callbacks written for it monitor; its class names are looked up snake-cased.
        key = snake_case(metric).lower()
        key = _ALIASES.get(key, key)
        if key in _KERAS_OBJECTS:
            from ..keras import metrics as keras_metrics  # (lazily: nn.keras imports nn.training)
            # (in float64, as the other named metrics: R2Score's float32 sums of squares
            # lose the variance of targets far from 0)
            made = getattr(keras_metrics, _KERAS_OBJECTS[key])(name=metric, dtype="float64")
            return StreamingMetric(made)
        if key in _KERAS_CLASSIFIERS:
            from ..keras import metrics as keras_metrics
            made = getattr(keras_metrics, _KERAS_CLASSIFIERS[key])(name=metric)
            return NamedClassifier(made, metric, _not_finite if key == "auc" else np.isnan)
        if key not in _BY_NAME:
            raise ValueError(f"compile: unknown metric {metric!r}; use a callable "
                             f"metric(y_true, y_pred) or one of {', '.join(METRIC_NAMES)}")
        fn = _BY_NAME[key]
        each = independent_outputs and key not in _WHOLE_ROWS
        return CompiledMetric(metric, _over_every_output(fn) if each else fn,
                              reads="scores" if key in CLASSIFYING else "outputs")
    if _is_metric_object(metric):  # (before callables: a Keras metric object is one too)
        return StreamingMetric(metric)
    if callable(metric):
        return CompiledMetric(getattr(metric, "__name__", type(metric).__name__), metric,
                              aligns=True)
    raise TypeError(f"compile: a metric must be a name, a callable or a metric object "
                    f"(update_state, result, reset_state), got "
                    f"{type(metric).__name__}")


def _real_steps(targets, inputs, weights, mask):
    """The entries of the steps the mask keeps, as rows: targets, inputs (N, T, ...) ->
    (K, ...), the samples' weights repeated for their steps."""
    if inputs.shape[:mask.ndim] != mask.shape or targets.shape[:mask.ndim] != mask.shape:
        raise ValueError(f"metrics: the outputs' mask has shape {mask.shape}, the outputs "
                         f"{inputs.shape} and the targets {targets.shape}: expected both to "
                         "start with it")
    if weights is not None:  # (a sample's weight for each of its steps, or the steps' own)
        weights = np.broadcast_to(weights if weights.ndim == mask.ndim else weights.reshape(
            (-1,) + (1,) * (mask.ndim - 1)), mask.shape)[mask]
    return targets[mask], inputs[mask], weights


def _counted(targets, inputs, mask, loss):
    """The outputs' mask, less the entries whose label is the loss's ignore_class (PyTorch's
    CrossEntropyLoss(ignore_index=), Keras' SparseCategoricalCrossentropy(ignore_class=)):
    the metrics skip what the loss skips, but for a Keras ignore_class that is a class,
    which Keras 3's metrics count as any other label."""
    ignore_class = loss.ignore_class
    if ignore_class is None or targets.dtype.kind not in "iu":  # (labels only: not one-hot)
        return mask
    if loss.metrics_count_ignored_classes and 0 <= ignore_class < max(inputs.shape[-1], 2):
        return mask
    counted = targets != ignore_class
    if counted.ndim == inputs.ndim:  # (N, 1) labels of (N, C) outputs
        counted = counted.reshape(counted.shape[:-1])
    return counted if mask is None else np.asarray(to_cpu(mask), bool) & counted


class MetricAccumulator:
    """The metrics of one epoch or evaluation: `add(targets, inputs, weights)` gives it each
    batch's targets, the array the loss took (`CompiledLoss.inputs`) and its sample weights
    (None without; the weighted metrics' only), `results()` the metrics so far. The named
    metrics and functions score everything added at once (kept until then, as the loss's
    `scores` or `outputs` of the inputs, whichever they read); the metric objects are reset
    now and updated batch by batch with the outputs."""

    def __init__(self, metrics, loss):
        self.metrics, self.loss = metrics, loss
        self.streaming = [m for m in metrics if m.streams]
        self.whole = [m for m in metrics if not m.streams]
        self._targets = []
        self._kept = {m.reads: [] for m in self.whole}  # 'scores' / 'outputs' -> arrays
        self.samples = 0
        for metric in self.streaming:
            metric.reset()

    def add(self, targets, inputs, weights=None, mask=None):
        """`mask`: Keras' mask of the outputs (N, T) (nn.training.masking): the metrics
        score the real steps only, each with its sample's weight (Keras')."""
        if not self.metrics:
            return
        targets, inputs = np.asarray(targets), np.asarray(inputs)
        weights = None if weights is None else np.asarray(to_cpu(weights))
        mask = _counted(targets, inputs, mask, self.loss)
        if mask is not None:
            targets, inputs, weights = _real_steps(targets, inputs, weights,
                                                   np.asarray(to_cpu(mask), bool))
        self.samples += len(targets)
        if self.whole:
            self._targets.append(targets)
            for reads, arrays in self._kept.items():
                arrays.append(getattr(self.loss, reads)(inputs))  # loss.scores / .outputs
        if self.streaming:  # (the loss's outputs, or scores for the NamedClassifiers)
            given = {reads: getattr(self.loss, reads)(inputs)
                     for reads in {metric.reads for metric in self.streaming}}
            for metric in self.streaming:
                metric.update(targets, given[metric.reads], weights)

    def join(self, gather_rows, reduce):
        """Several ranks' metrics as one (collective: every rank calls it, in the same
        order): the kept arrays joined through `gather_rows`, each metric object's state
        variables combined through `reduce(array, op)` as their aggregation says ('sum',
        'mean'; 'none' and 'only_first_replica' are left as they are)."""
        refuse_unsummable(self.streaming, updated=bool(self.samples))
        if self.whole:
            for arrays in [self._targets, *self._kept.values()]:
                arrays[:] = [gather_rows(_joined(arrays))]
        for metric in self.streaming:
            for variable in metric.keras_object.variables:
                op = {"sum": "sum", "mean": "avg"}.get(getattr(variable, "aggregation", "sum"))
                if op is not None:
                    variable.assign(reduce(np.array(variable.value, np.float64), op))

    def results(self):
        """{name: value} over all batches added (empty when nothing was added)."""
        if not self.metrics or not self.samples:
            return {}
        if self.whole:
            for arrays in [self._targets, *self._kept.values()]:
                arrays[:] = [_joined(arrays)]  # concatenate once, not at each call
        logs = {}
        for metric in self.metrics:
            if metric.streams:
                value = metric.result()
                logs.update(value if isinstance(value, dict) else {metric.name: value})
            else:
                logs[metric.name] = metric(self._targets[0], self._kept[metric.reads][0])
        return logs


def refuse_unsummable(metrics, updated=False):
    """A ValueError for a metric object whose state fit on several ranks cannot sum, so that
    each rank would log its own share of the data: one without `variables` (told before
    training) or, once `updated`, one that still has none (its state is elsewhere; a lazily
    built metric such as F1Score has made its variables by then)."""
    for metric in metrics:
        if metric.streams and not _summable(metric.keras_object, updated):
            raise ValueError(
                f"fit on several ranks: metric {metric.name!r} "
                f"({type(metric.keras_object).__name__}) keeps its state outside "
                "`variables`, so the ranks' states cannot be combined and each rank would "
                "log its own share of the data; give it state variables with assign() and "
                "value (an nn.keras.metrics.Metric subclass making them with add_variable), "
                "or pass a function metric(y_true, y_pred), which fit scores on every "
                "rank's outputs joined")


def _summable(metric, updated):
    variables = getattr(metric, "variables", None)
    if variables is None or (updated and not list(variables)):
        return False
    return all(hasattr(v, "assign") and hasattr(v, "value") for v in variables)


def _joined(arrays):
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


__all__ = ["CompiledMetric", "StreamingMetric", "MetricAccumulator", "refuse_unsummable",
           "resolve_metrics", "numbered", "number_if_taken", "check_labels", "sigmoid_array",
           "softmax_array", "METRIC_NAMES"]
