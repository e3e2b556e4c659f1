"""Keras' weight constraints, for `kernel_constraint=` / `bias_constraint=` (Dense, Conv1D,
Conv2D), `recurrent_constraint=` (SimpleRNN, LSTM, GRU) and `embeddings_constraint=`
(Embedding): MaxNorm, NonNeg, UnitNorm and MinMaxNorm (also `max_norm`, `non_neg`,
`unit_norm`, `min_max_norm` and those names as strings).

A constraint projects a weight back into its allowed set after each update, as Keras'
optimizers do: `fit` and `train_on_batch` apply the layers' constraints right after the
optimizer's step (a jit_compile step and every rank of a distributed fit too), and so does
an optimizer's Keras `apply` / `apply_gradients` in a train_step of one's own: each parameter
carries its layer's constraint (`param.constraint`, as a Keras Variable does). A
PyTorch-style loop applies them itself: `opt.step(); model.apply_constraints()`.

A constraint is called with the weight's array in Keras' layout (a Dense kernel (in, out),
a Conv2D kernel (KH, KW, in, out)), so `axis` means what it means in Keras, and returns the
projected array of the same shape. A Constraint subclass of one's own writes `__call__(w)`
with NumPy (CuPy on the GPU: `autograd.backend.get_array_module(w)`).
"""
import numbers

from autograd.backend import get_array_module
from autograd.ops.validation import real_scalar

EPSILON = 1e-7  # Keras' backend.epsilon(): keeps a zero column's scale finite


class Constraint:
    """The identity: a subclass overrides `__call__(w)` (an array in Keras' layout -> the
    projected array) and, when it takes arguments, `get_config()`."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


class _Norms(Constraint):
    """A constraint rescaling each slice of the weight along `axis` by its L2 norm."""

    def __init__(self, axis):
        self.axis = _axis(axis, type(self).__name__)

    def _norms(self, w):
        xp = get_array_module(w)
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        for a in axis if isinstance(axis, tuple) else (axis,):
            if not -w.ndim <= a < w.ndim:
                raise ValueError(f"{type(self).__name__}: axis={self.axis!r} is out of range "
                                 f"for a weight of shape {tuple(w.shape)} (Keras' layout)")
        return xp.sqrt(xp.sum(xp.square(w), axis=axis, keepdims=True))

    def _rescaled(self, w, norms, desired):
        return w * (desired / (EPSILON + norms))


class MaxNorm(_Norms):
    """Each slice along `axis` (a Dense kernel's column: one unit's incoming weights) scaled
    down to norm `max_value` when it is longer (Srivastava et al.'s max-norm, for dropout)."""

    def __init__(self, max_value=2, axis=0):
        super().__init__(axis)
        self.max_value = _bound(max_value, "max_value", "MaxNorm")

    def __call__(self, w):
        xp = get_array_module(w)
        norms = self._norms(w)
        return self._rescaled(w, norms, xp.clip(norms, 0, self.max_value))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Negative weights set to 0."""

    def __call__(self, w):
        return get_array_module(w).maximum(w, 0)


class UnitNorm(_Norms):
    """Each slice along `axis` scaled to norm 1."""

    def __init__(self, axis=0):
        super().__init__(axis)

    def __call__(self, w):
        return w / (EPSILON + self._norms(w))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(_Norms):
    """Each slice's norm moved into [min_value, max_value]: to
    `rate * clip(norm, min_value, max_value) + (1 - rate) * norm` (rate 1: at once)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        super().__init__(axis)
        self.min_value = _bound(min_value, "min_value", "MinMaxNorm")
        self.max_value = _bound(max_value, "max_value", "MinMaxNorm")
        if self.min_value > self.max_value:
            raise ValueError(f"MinMaxNorm: min_value={min_value} is above "
                             f"max_value={max_value}")
        self.rate = _bound(rate, "rate", "MinMaxNorm")

    def __call__(self, w):
        xp = get_array_module(w)
        norms = self._norms(w)
        desired = self.rate * xp.clip(norms, self.min_value, self.max_value) + \
            (1 - self.rate) * norms
        return self._rescaled(w, norms, desired)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm  # Keras'

_NAMED = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
          "min_max_norm": MinMaxNorm}
_CLASSES = {cls.__name__: cls for cls in _NAMED.values()}


class _Use:
    """Whether any layer was given a constraint: until then fit skips looking for one."""
    any = False


def in_use():
    return _Use.any


def get(identifier, who="Dense"):
    """A constraint from None, a Constraint, a function (array -> array), a name ('max_norm',
    'MaxNorm', ..., Keras' defaults) or the {'class_name', 'config'} dict `serialize` gives
    (how model.save keeps one)."""
    if identifier is None:
        return None
    found = _found(identifier)
    if found is None:
        raise ValueError(f"{who}: unknown constraint {identifier!r}: expected one of "
                         f"nn.keras.constraints' MaxNorm / NonNeg / UnitNorm / MinMaxNorm, a "
                         f"Constraint of one's own, or one of the names "
                         f"{sorted(_NAMED) + sorted(_CLASSES)}")
    _Use.any = True
    return found


def _found(identifier):
    if isinstance(identifier, Constraint) or (callable(identifier) and
                                              not isinstance(identifier, type)):
        return identifier
    if isinstance(identifier, str):
        cls = _NAMED.get(identifier) or _CLASSES.get(identifier)
        return None if cls is None else cls()
    from .layers.config import from_saved  # (nn.layers imports this module)
    return from_saved(identifier, _CLASSES, Constraint)


def serialize(constraint, who="model.save"):
    """{'class_name', 'config'} of a Constraint (Keras' form), None for None; a plain
    function cannot be saved (TypeError naming it)."""
    from .layers.config import to_saved  # (nn.layers imports this module)
    return to_saved(constraint, Constraint, "constraint", who)


def _axis(axis, who):
    if isinstance(axis, (list, tuple)) and axis and all(_is_int(a) for a in axis):
        return [int(a) for a in axis]
    if _is_int(axis):
        return int(axis)
    raise TypeError(f"{who}: axis must be an int or a list of ints, got {axis!r}")


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _bound(value, name, who):
    value = real_scalar(value, name, who)
    if not value >= 0:
        raise ValueError(f"{who}: {name} must be >= 0, got {value}")
    return value


__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "max_norm", "non_neg",
           "unit_norm", "min_max_norm", "get", "serialize"]
