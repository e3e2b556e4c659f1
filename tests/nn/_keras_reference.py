"""Keras 3's losses of one value per sample written out in plain NumPy from their published
formulas (keras/src/losses/losses.py), independently of nn.functional.keras_losses: each
takes (y_true, y_pred) in Keras' order and returns the per-sample losses, shape [:-1]."""
import numpy as np

EPSILON = 1e-7  # keras.backend.epsilon()


def _hinge_labels(y_true):
    binary = np.all((y_true == 0) | (y_true == 1))
    return 2.0 * y_true - 1.0 if binary else y_true


def _l2_normalize(v):
    square_sum = np.sum(v * v, axis=-1, keepdims=True)
    return v / np.sqrt(np.maximum(square_sum, EPSILON * EPSILON))


KERAS = {
    "msle": lambda t, p: np.mean(
        (np.log(np.maximum(p, EPSILON) + 1.0) - np.log(np.maximum(t, EPSILON) + 1.0)) ** 2,
        axis=-1),
    "mape": lambda t, p: 100.0 * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPSILON)),
                                         axis=-1),
    "hinge": lambda t, p: np.mean(np.maximum(1.0 - _hinge_labels(t) * p, 0.0), axis=-1),
    "squared_hinge": lambda t, p: np.mean(np.maximum(1.0 - _hinge_labels(t) * p, 0.0) ** 2,
                                          axis=-1),
    "categorical_hinge": lambda t, p: np.maximum(
        np.max((1.0 - t) * p, axis=-1) - np.sum(t * p, axis=-1) + 1.0, 0.0),
    "poisson": lambda t, p: np.mean(p - t * np.log(p + EPSILON), axis=-1),
    "kl_divergence": lambda t, p: np.sum(
        np.clip(t, EPSILON, 1) * np.log(np.clip(t, EPSILON, 1) / np.clip(p, EPSILON, 1)),
        axis=-1),
    "log_cosh": lambda t, p: np.mean(np.log(np.cosh(p - t)), axis=-1),
    "cosine_similarity": lambda t, p: -np.sum(_l2_normalize(t) * _l2_normalize(p), axis=-1),
}


def keras_loss(name, y_true, y_pred, sample_weight=None):
    """Keras' reduction "sum_over_batch_size": sum_i w_i l_i / N (w = 1 without weights)."""
    losses = KERAS[name](np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64))
    if sample_weight is not None:
        losses = losses * np.asarray(sample_weight, np.float64)
    return float(np.sum(losses) / losses.size)
