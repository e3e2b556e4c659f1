"""Keras' overlap losses for segmentation, 1 minus a soft overlap of y_pred with y_true:
Dice's 2|A B| / (|A| + |B|) and Tversky's generalisation weighing the two kinds of miss.
Keras 3's formulas, on rungrad's ops (differentiable)."""
from autograd.ops import sum as total

from .focal_losses import EPSILON, float_pair


def dice(y_true, y_pred, axis=None):
    """1 - 2 sum(t p) / (sum(t) + sum(p) + eps), the sums over `axis` (None: all)."""
    y_true, y_pred = float_pair(y_true, y_pred)
    overlap = total(y_true * y_pred, axis=axis)
    both = total(y_true, axis=axis) + total(y_pred, axis=axis)
    return 1.0 - 2.0 * overlap / (both + EPSILON)


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """1 - sum(t p) / (sum(t p) + alpha sum(t (1 - p)) + beta sum((1 - t) p) + eps), the sums
    over `axis` (None: all, Keras' flattened form); alpha = beta = 0.5 is Dice's."""
    y_true, y_pred = float_pair(y_true, y_pred)
    overlap = total(y_true * y_pred, axis=axis)
    missed = total(y_true * (1.0 - y_pred), axis=axis)  # (Keras calls it fp)
    extra = total((1.0 - y_true) * y_pred, axis=axis)  # (and this fn)
    return 1.0 - overlap / (overlap + alpha * missed + beta * extra + EPSILON)


__all__ = ["dice", "tversky"]
