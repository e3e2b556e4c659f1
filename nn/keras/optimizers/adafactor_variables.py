"""Keras 3's Adafactor variables of one weight w (keras/src/optimizers/adafactor.py): r, the
mean of g^2 + epsilon_1 over w's last axis (shape w.shape[:-1]), and c, over its second last
(w.shape[:-2] + w.shape[-1:]), both named as w; then `<w>_velocity`, the estimate
(r / mean(r)) c. A weight of fewer than two axes gets, as in Keras, int32 zeros at its bare
name for r and c, and the plain average of g^2 + epsilon_1 as its velocity.

rungrad's Adafactor keeps the factors with the reduced axis kept (row_var: w.shape[:-1] +
(1,)) and no velocity for a factored weight; Dense's weight is Keras' kernel transposed,
whose r is then rungrad's col_var and c its row_var."""
import numpy as np

from .live_variable import LiveVariable
from .own_variables import _label
from .state_slot import StateSlot, keras_transposed

ADAFACTOR = ("r", "c", "velocity")  # Keras' kinds, made together weight by weight


def adafactor_variable(opt, scope, p, kind):
    """Keras' variable `kind` ('r', 'c' or 'velocity') of weight p in Adafactor `opt`."""
    if p.ndim < 2:
        if kind == "velocity":
            slot = StateSlot(opt, p, "variance")
            name = f"{_label(p)}_velocity"
            return LiveVariable(slot.read, slot.write, name, f"{scope}/{name}")
        # (Keras' placeholder variables, made outside the optimizer's name scope)
        return LiveVariable(lambda: np.array(0, np.int32), None, p.name, p.name)
    transposed = keras_transposed(p)
    if kind == "velocity":
        r, c = (_factor(opt, p, k, transposed) for k in ("r", "c"))
        name = f"{_label(p)}_velocity"
        return LiveVariable(lambda: _estimate(r.read(), c.read()), None, name,
                            f"{scope}/{name}")
    factor = _factor(opt, p, kind, transposed)
    return LiveVariable(factor.read, factor.write, p.name, f"{scope}/{p.name}")


def _factor(opt, p, kind, transposed):
    """Keras' factor r or c of p as a slot of rungrad's row_var or col_var."""
    shape = p.shape[::-1] if transposed else p.shape  # (Keras' shape of the weight)
    rows = (kind == "r") != transposed  # (rungrad's row_var: the mean over w's last axis)
    key = "row_var" if rows else "col_var"
    keras_shape = shape[:-1] if kind == "r" else shape[:-2] + shape[-1:]
    return _Reshaped(StateSlot(opt, p, key), keras_shape)


class _Reshaped:
    """A state slot read and written in another shape (a factor without its kept axis)."""

    def __init__(self, slot, shape):
        self.slot, self.shape = slot, tuple(shape)
        slot.transposed = False  # (a factor is reshaped, never transposed)

    def read(self):
        return self.slot.read().reshape(self.shape)

    def write(self, value):
        stored = self.slot.stored(make=True)
        stored[...] = value.reshape(stored.shape)


def _estimate(r, c):
    """Keras' velocity (r / mean(r over its last axis)) c, of the weight's shape (zeros while
    r is, before the first update, as Keras' variable starts)."""
    mean = r.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(mean == 0, 0, r / mean)
    return (scaled[..., :, None] * c[..., None, :]).astype(r.dtype)


__all__ = ["ADAFACTOR", "adafactor_variable"]
