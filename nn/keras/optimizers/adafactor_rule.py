"""Keras 3's Adafactor update on arrays. It keeps optim.Adafactor's state (row and column
factors, or the variance of a weight of fewer than 2 axes) and differs from PyTorch's
rule where Keras' does: epsilon_1 is added to the squared gradient (PyTorch floors the
estimate instead), the row factor is divided by its plain mean (PyTorch floors that by
eps1 too), and the relative step min(lr, 1/sqrt(t)) reads the weights after Keras' weight
decay."""
import math

from optim.adafactor import _lerp, _rms


def keras_adafactor_update(xp, w, g, state, h, t):
    """Keras' Adafactor step t (from 1) on w, in place; h: the group's settings (lr,
    beta2_decay, eps = (epsilon_1, epsilon_2), d = clip_threshold)."""
    epsilon_1, epsilon_2 = h.eps
    fraction = float(t) ** h.beta2_decay  # 1 - beta_2_t: the new squares' weight
    alpha = max(epsilon_2, _rms(xp, w)) * min(h.lr, 1.0 / math.sqrt(t))
    squared = g * g
    squared += epsilon_1
    if state.get("row_var") is not None:
        update = _factored(xp, squared, state["row_var"], state["col_var"], fraction)
    else:
        _lerp(xp, state["variance"], squared, fraction)
        update = state["variance"].copy()
    xp.sqrt(update, out=update)
    xp.divide(g, update, out=update)
    update *= alpha / max(1.0, _rms(xp, update) / h.d)
    w -= update


def _factored(xp, squared, row, col, fraction):
    """The factors updated from the squared gradient (modified: it is scratch here), and
    the estimate (row / mean(row)) col they make (a new array)."""
    row_mean = squared.mean(axis=-1, keepdims=True)
    col_mean = squared.mean(axis=-2, keepdims=True)
    _lerp(xp, row, row_mean, fraction)
    _lerp(xp, col, col_mean, fraction)
    return (row / row.mean(axis=-2, keepdims=True)) * col
