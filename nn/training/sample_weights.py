"""Per-sample weights for Model.fit and evaluate: Keras' `sample_weight` and `class_weight`.

A weighted batch's loss is Keras' sum_i w_i l_i / N: each sample's loss l_i (the mean over
its elements) times its weight, divided by the batch size, not by the weights' sum (a loss
module with reduction='sum': sum_i w_i l_i). A weight of 2 counts a sample twice, 0 leaves
it out; weights of 1 give the unweighted loss of every loss that averages over samples. A
PyTorch loss module whose mean is not over samples (CrossEntropyLoss with class weight=,
which divides by their sum, or with ignored labels) is averaged over the batch size here,
as Keras averages: its class weights still apply inside l_i.

`class_weight` {class index: weight} gives each training sample the weight of its class (1
for a class it does not name), read from integer labels, an (N, 1) column of them, or one-hot
rows; soft targets (label smoothing) count for their nearest class, 0/1 probabilities rounded
and rows by their largest entry, as Keras reads them. With `sample_weight` too, the two
multiply (Keras 3 refuses the pair). Metrics are not weighted (Keras' `metrics=`
are not either).
"""
import numbers

import numpy as np

from autograd.backend import array_of, to_cpu


def sample_weights(y, sample_weight, class_weight, samples, who):
    """The (N,) float64 weights of fit's or evaluate's arguments, or None without any; for
    a model of several outputs (y a tuple), see outputs_weights."""
    if isinstance(y, tuple):
        return outputs_weights(len(y), sample_weight, class_weight, samples, who)
    weights = None if sample_weight is None else checked_sample_weight(
        sample_weight, samples, who)
    if class_weight is not None:
        by_class = class_weights_of(y, checked_class_weight(class_weight, who), who)
        if weights is not None and weights.ndim > 1:
            raise ValueError(f"{who}: class_weight weighs samples, and sample_weight of shape "
                             f"{weights.shape} weighs steps: give the steps' weights alone")
        weights = by_class if weights is None else weights * by_class
    return weights


def outputs_weights(outputs, sample_weight, class_weight, samples, who):
    """The weights of a model of several outputs, as Keras takes them: one (N,) array for
    every output's loss, or a list of one per output (a tuple of them here; None for none;
    a dict keyed by the outputs' names comes here as such a list, see batches).
    class_weight, which reads one output's classes, is refused, as in Keras."""
    if class_weight is not None:
        raise ValueError(f"{who}: class_weight is only supported for models with a single "
                         f"output (Keras' rule), and this one has {outputs}; give each "
                         "output's weights as sample_weight=[w_1, ..., w_n] instead")
    if sample_weight is None:
        return None
    if isinstance(sample_weight, dict):  # (one a loader's batch holds: not named here)
        raise TypeError(f"{who}: sample_weight as a dict is not supported here; give one "
                        f"(N,) array for every output, or a list of {outputs}, one per "
                        "output")
    if isinstance(sample_weight, (list, tuple)) and any(
            np.ndim(array_of(w)) > 0 for w in sample_weight):
        if len(sample_weight) != outputs:
            raise ValueError(f"{who}: sample_weight is a list of {len(sample_weight)} arrays, "
                             f"and the model has {outputs} outputs: give one per output (or "
                             "one array for all)")
        return tuple(None if w is None else checked_sample_weight(w, samples, who)
                     for w in sample_weight)
    return checked_sample_weight(sample_weight, samples, who)


def checked_sample_weight(sample_weight, samples, who):
    """sample_weight as float64: finite numbers, one per sample, (N,) ((N, 1) is
    flattened), or Keras 3's one per step of a sequence output, (N, T) (its losses' shape)."""
    try:
        weights = np.asarray(to_cpu(array_of(sample_weight)))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{who}: sample_weight must be an array of numbers, one per sample "
                         f"({exc})") from None
    if weights.dtype.kind not in "biuf":
        raise TypeError(f"{who}: sample_weight must hold numbers, got dtype {weights.dtype}")
    if weights.ndim == 2 and weights.shape[1] == 1:
        weights = weights[:, 0]
    if weights.ndim == 0 or weights.shape[0] != samples:
        raise ValueError(f"{who}: sample_weight must have shape ({samples},), one weight per "
                         f"sample (or ({samples}, T), one per step of a sequence output), "
                         f"got {weights.shape}")
    weights = weights.astype(np.float64)
    if not np.isfinite(weights).all():
        raise ValueError(f"{who}: sample_weight holds NaN or infinite values (first at index "
                         f"{int(np.flatnonzero(~np.isfinite(weights))[0])})")
    return weights


def checked_class_weight(class_weight, who):
    """class_weight as {int: float}: integer class indices to finite numbers (a string of
    digits, "0", as a JSON file gives it, taken as its index, as Keras 3 does)."""
    if not isinstance(class_weight, dict):
        raise TypeError(f"{who}: class_weight must be a dict {{class index: weight}}, got "
                        f"{type(class_weight).__name__}")
    checked = {}
    for label, weight in class_weight.items():
        if isinstance(label, str) and label.isdigit():
            label = int(label)
        if isinstance(label, bool) or not isinstance(label, numbers.Integral) or label < 0:
            raise ValueError(f"{who}: class_weight keys must be class indices (integers >= "
                             f"0), got {label!r}")
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real) \
                or not np.isfinite(weight):
            raise ValueError(f"{who}: class_weight[{label}] must be a finite number, got "
                             f"{weight!r}")
        checked[int(label)] = float(weight)
    return checked


def class_weights_of(y, class_weight, who):
    """Each sample's weight from its class label in y: (N,) labels, an (N, 1) column, or
    (N, C) one-hot rows; classes class_weight does not name weigh 1."""
    labels = class_labels(y, who)
    weights = np.ones(len(labels))
    for label, weight in class_weight.items():
        weights[labels == label] = weight
    return weights


def class_labels(y, who):
    """The integer class of each sample of y, for class_weight."""
    y = to_cpu(array_of(y))
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim == 2:
        if y.dtype.kind in "iu" and not np.isin(y, (0, 1)).all():
            raise ValueError(f"{who}: class_weight needs one class per sample, got integer "
                             f"targets of shape {y.shape} (a label per element: weigh the "
                             "elements with sample_weight of that shape instead)")
        one_hot = np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all()
        smoothed = y.dtype.kind == "f" and (y >= 0).all() and np.allclose(y.sum(axis=1), 1)
        if not (one_hot or smoothed):
            raise ValueError(f"{who}: class_weight needs one class per sample: integer labels, "
                             f"one-hot (or label-smoothed) rows, got (N, {y.shape[1]}) targets "
                             "that are neither (multi-label targets take sample_weight)")
        return y.argmax(axis=1)  # (a smoothed row's class: its largest entry, as Keras)
    if y.ndim != 1:
        raise ValueError(f"{who}: class_weight needs one class per sample, got targets of "
                         f"shape {y.shape} (per-element weights are not supported)")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError(f"{who}: class_weight needs class labels, got NaN or infinite targets")
    if y.dtype.kind == "f" and (y != np.round(y)).any():
        if not ((y >= 0) & (y <= 1)).all():
            raise ValueError(f"{who}: class_weight needs class labels, got non-integer "
                             "targets outside [0, 1]")
        y = np.round(y)  # soft binary targets (label smoothing): the nearer class, as Keras
    return y.astype(np.int64)


__all__ = ["sample_weights", "outputs_weights", "checked_sample_weight", "checked_class_weight",
           "class_weights_of", "class_labels"]
