"""Keras' generalized cross-entropy (Zhang and Sabuncu, 2018), a loss robust to noisy
labels: (1 - p^q) / q of the probability p given to the true class, between the
cross-entropy (q -> 0) and the mean absolute error (q = 1). On rungrad's ops (differentiable)."""
import numbers

import numpy as np

from autograd.ops import astype, expand_dims, reshape
from autograd.variable import as_variable

from ..training.losses import CheckedLabels
from .operation_kinds import floats

_WHO = "categorical_generalized_cross_entropy"


class _CheckedClasses(CheckedLabels):
    name = _WHO  # (its errors read as this loss's)


def noise_parameter(q, who=_WHO, upper=None):
    """q as a float, refused unless a real number in (0, upper) ((0, inf) for None)."""
    if isinstance(q, bool) or not isinstance(q, numbers.Real) or not (
            0 < q and (upper is None or q < upper)):
        bound = "inf" if upper is None else upper
        raise ValueError(f"{who}: q must be a number in the interval (0, {bound}), got {q!r}")
    return float(q)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Each sample's (1 - p^q) / q: y_true integer class labels (N,) or (N, 1), y_pred the
    probabilities (N, classes), p = y_pred[label]."""
    q = noise_parameter(q)
    y_pred = floats(y_pred)
    if y_pred.ndim < 1:
        raise ValueError(f"{_WHO}: y_pred must be probabilities (batch_size, num_classes), got "
                         "a scalar")
    classes = y_pred.shape[-1]
    labels = _CheckedClasses(classes)(_label_shaped(as_variable(y_true), y_pred))
    one_hot = expand_dims(astype(labels, np.int64), -1) == np.arange(classes)
    p = (y_pred * astype(one_hot, y_pred.dtype)).sum(axis=-1)
    return (1.0 - p ** q) / q


def _label_shaped(labels, y_pred):
    """The labels as y_pred's rows, (N,): Keras' docs take (N, 1) too (where Keras itself
    would broadcast them against every row)."""
    rows = tuple(y_pred.shape[:-1])
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = reshape(labels, labels.shape[:-1])
    if tuple(labels.shape) != rows:
        raise ValueError(f"{_WHO}: y_true must be integer class labels of shape {rows} (one per "
                         f"row of y_pred, of shape {tuple(y_pred.shape)}), got shape "
                         f"{tuple(labels.shape)}")
    return labels


__all__ = ["categorical_generalized_cross_entropy"]
