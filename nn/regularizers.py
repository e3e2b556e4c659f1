"""Keras' weight penalties, for Dense's `kernel_regularizer=` and `bias_regularizer=`:
L1, L2 and L1L2 (also `l1`, `l2`, `l1_l2` and the names 'l1', 'l2', 'l1_l2').

A layer's penalties are in `model.losses`; `fit` and `evaluate` add them to the loss they
minimize and report, as Keras does. The same penalty by hand, PyTorch-style, is
`loss + lam * F.l2_penalty(model.parameters())`.
"""
from autograd.capture import python_state_changed
from autograd.ops.validation import real_scalar
from autograd.variable import is_uninitialized

from .functional.penalty import l1_penalty, l2_penalty


class L1L2:
    """penalty(w) = l1 * sum |w| + l2 * sum w^2 (Keras': no 1/2 in the L2 term, so its gradient
    2 l2 w is SGD's weight_decay = 2 l2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = l1, l2

    def __setattr__(self, name, value):
        if name in ("l1", "l2"):  # checked as given to the constructor
            value = _strength(value, name)
            if getattr(self, name, value) != value:
                python_state_changed()  # captured steps record again: they read the factor
        object.__setattr__(self, name, value)

    def __call__(self, weight):
        terms = [s * p([weight]) for s, p in ((self.l1, l1_penalty), (self.l2, l2_penalty)) if s]
        return sum(terms[1:], terms[0]) if terms else 0.0 * l2_penalty([weight])

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}

    def __repr__(self):
        return f"{type(self).__name__}(l1={self.l1}, l2={self.l2})"


class L1(L1L2):
    """penalty(w) = l1 * sum |w|: drives the weights the data does not need to 0 (sparse)."""

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)


class L2(L1L2):
    """penalty(w) = l2 * sum w^2: shrinks every weight in proportion to its size."""

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)


l1, l2 = L1, L2  # Keras' lower-case names: regularizers.l2(0.001)


l1_l2 = L1L2  # Keras 3's: l1_l2(l2=0.1) has no L1 term (tf.keras 2 gave it 0.01)


def _named_l1_l2():
    """The name 'l1_l2': Keras' defaults for it, 0.01 each."""
    return L1L2(l1=0.01, l2=0.01)


_NAMED = {"l1": L1, "l2": L2, "l1_l2": _named_l1_l2, "l1l2": _named_l1_l2}


def refuse_activity_regularizer(value, who):
    """Keras' activity_regularizer= (a penalty on a layer's outputs), which rungrad's layers
    do not take: named in a clear error rather than an unexpected keyword."""
    if value is not None:
        raise NotImplementedError(f"{who}: activity_regularizer is not supported; leave it "
                                  "None (a penalty on the outputs can be added to the loss "
                                  "in a custom train_step)")


class _Use:
    """Whether any layer was given a regularizer: until then fit skips looking for one."""
    any = False


def in_use():
    return _Use.any


def get(identifier, who="Dense"):
    """A penalty callable from None, a regularizer, a name ('l1', 'l2', 'l1_l2', Keras'
    defaults) or a config {'l1': ..., 'l2': ...} (how model.save keeps one)."""
    if identifier is None:
        return None
    _Use.any = True
    if isinstance(identifier, L1L2):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _NAMED:
        return _NAMED[identifier.lower()]()
    if isinstance(identifier, dict) and set(identifier) <= {"l1", "l2"}:
        return L1L2(**identifier)
    raise TypeError(f"{who}: a regularizer is nn.regularizers.L1 / L2 / L1L2 (or l1(0.01), "
                    f"l2(0.01), l1_l2()), or one of the names {sorted(_NAMED)}; got "
                    f"{identifier!r}")


def _strength(value, name):
    value = real_scalar(value, name, "regularizer")
    if not value >= 0:
        raise ValueError(f"regularizer: {name} must be >= 0, got {value}")
    return value


def penalties(pairs):
    """Keras' layer.losses from (regularizer, weight) pairs: each regularizer's penalty of
    its weight, where both are there (a lazily sized weight once built)."""
    return [penalty(weight) for penalty, weight in pairs
            if penalty is not None and weight is not None and not is_uninitialized(weight)]


def configs(**regularizers):
    """{argument: its regularizer as model.save keeps it}: the config, or None for none."""
    return {name: None if r is None else r.get_config() for name, r in regularizers.items()}


__all__ = ["L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get", "penalties", "configs"]
