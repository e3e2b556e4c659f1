"""Keras' focal cross-entropies (Lin et al., 2017): the cross-entropy of each entry scaled
by (1 - p_t)^gamma, p_t the probability given to the true label, so that entries already
classified well weigh little. Keras 3's formulas, on rungrad's ops (differentiable)."""
from autograd.ops import astype, clip, log, mean
from autograd.ops import sum as total
from autograd.ops.elementwise import sigmoid
from autograd.variable import as_variable

from ..functional import softmax
from ..layers.keras_settings import epsilon
from .operation_kinds import floats

EPSILON = 1e-7  # (Keras' default backend.epsilon(), for those that keep it fixed)


def clip_range():
    """(eps, 1 - eps), which Keras' losses clip probabilities to: eps is
    keras.config.epsilon(), read at each call as Keras reads it."""
    eps = epsilon()
    return eps, 1.0 - eps


def float_pair(y_true, y_pred):
    """y_pred as floats (float32 for integers, as Keras), y_true in its dtype."""
    y_pred = floats(y_pred)
    return astype(as_variable(y_true), y_pred.dtype), y_pred


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """mean over `axis` of (1 - p_t)^gamma bce, p_t = t p + (1 - t)(1 - p); with
    apply_class_balancing each entry also times alpha (t = 1) or 1 - alpha (t = 0)."""
    y_true, y_pred = float_pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = sigmoid(y_pred)
    p = clip(y_pred, *clip_range())
    bce = -(y_true * log(p) + (1.0 - y_true) * log(1.0 - p))
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)  # (Keras': of the unclipped p)
    focal = (1.0 - p_t) ** gamma * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return mean(focal, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """sum over `axis` of alpha (1 - p)^gamma (-t log p), p the probabilities (renormalised
    to sum to 1, clipped to [eps, 1 - eps])."""
    y_true, y_pred = float_pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[axis]
    if from_logits:
        y_pred = softmax(y_pred, axis=axis)
    p = clip(y_pred / total(y_pred, axis=axis, keepdims=True), *clip_range())
    return total(alpha * (1.0 - p) ** gamma * (-y_true * log(p)), axis=axis)


__all__ = ["binary_focal_crossentropy", "categorical_focal_crossentropy"]
