"""Keras' weight penalties, for Dense's `kernel_regularizer=` and `bias_regularizer=`:
L1, L2, L1L2 and OrthogonalRegularizer (also `l1`, `l2`, `l1_l2`, `orthogonal_regularizer`
and those names as strings), a Regularizer subclass of one's own, or a plain function
(weight -> scalar penalty). A regularizer is called with the weight in Keras' layout (a
Dense kernel (in, out)).

A layer's penalties are in `model.losses`; `fit` and `evaluate` add them to the loss they
minimize and report, as Keras does. The same penalty by hand, PyTorch-style, is
`loss + lam * F.l2_penalty(model.parameters())`.
"""
import math

from autograd import ops
from autograd.backend import get_array_module
from autograd.capture import python_state_changed
from autograd.ops.validation import real_scalar
from autograd.variable import as_variable, is_uninitialized

from .functional.penalty import l1_penalty, l2_penalty

EPSILON = 1e-7  # Keras' backend.epsilon(), below which a row's norm is not divided by


class Regularizer:
    """Keras' base: a subclass writes `__call__(w)` (the weight, a Variable, in Keras'
    layout -> a scalar penalty Variable) and, to be saved, `get_config()`."""

    def __call__(self, x):
        return 0.0

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """penalty(w) = l1 * sum |w| + l2 * sum w^2 (Keras': no 1/2 in the L2 term, so its gradient
    2 l2 w is SGD's weight_decay = 2 l2)."""

    def __init__(self, l1=0.0, l2=0.0):
        # (None: 0, Keras')
        self.l1, self.l2 = (0.0 if v is None else v for v in (l1, l2))

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
        super().__init__(l1=0.01 if l1 is None else l1)  # (None: the default, Keras')

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """penalty(w) = l2 * sum w^2: shrinks every weight in proportion to its size."""

    def __init__(self, l2=0.01):
        super().__init__(l2=0.01 if l2 is None else l2)

    def get_config(self):
        return {"l2": self.l2}


l1, l2 = L1, L2  # Keras' lower-case names: regularizers.l2(0.001)


l1_l2 = L1L2  # Keras 3's: l1_l2(l2=0.1) has no L1 term (tf.keras 2 gave it 0.01)


class OrthogonalRegularizer(Regularizer):
    """Keras': factor * mean |cos| over the pairs of a 2-D weight's rows (mode='rows') or
    columns ('columns'), pushing them towards orthogonality."""

    def __init__(self, factor=0.01, mode="rows"):
        if mode not in ("rows", "columns"):
            raise ValueError("OrthogonalRegularizer: Invalid value for argument `mode`. "
                             f"Expected one of ('rows', 'columns'). Received: mode={mode!r}")
        self.factor, self.mode = _strength(factor, "factor"), mode

    def __call__(self, weight):
        weight = as_variable(weight)  # (an array too, as Keras takes one)
        if len(weight.shape) != 2:
            raise ValueError("Inputs to OrthogonalRegularizer must have rank 2. Received: "
                             f"inputs.shape={tuple(weight.shape)}")
        vectors = weight if self.mode == "rows" else weight.T
        size = vectors.shape[0]
        if size < 2:
            return 0.0 * ops.sum(vectors)  # (no pairs)
        norms = ops.sqrt(ops.sum(vectors * vectors, axis=1, keepdims=True))
        unit = vectors / ops.maximum(norms, EPSILON)
        cosines = ops.matmul(unit, unit.T) * (1.0 - _eye(size, weight))
        return self.factor * 0.5 * ops.sum(ops.abs(cosines)) / (size * (size - 1.0) / 2.0)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


orthogonal_regularizer = OrthogonalRegularizer


def _eye(size, like):
    xp = get_array_module(like.data)
    return xp.eye(size, dtype=like.data.dtype)


def _named_l1_l2():
    """The name 'l1_l2': Keras' defaults for it, 0.01 each."""
    return L1L2(l1=0.01, l2=0.01)


_NAMED = {"l1": L1, "l2": L2, "l1_l2": _named_l1_l2, "l1l2": L1L2,
          "orthogonal_regularizer": OrthogonalRegularizer,
          "orthogonalregularizer": OrthogonalRegularizer}
_CLASSES = {cls.__name__: cls for cls in (L1, L2, L1L2, OrthogonalRegularizer)}


class _Use:
    """Whether any layer was given a regularizer: until then fit skips looking for one."""
    any = False


def in_use():
    return _Use.any


def get(identifier, who="Dense"):
    """A penalty callable from None, a Regularizer, a Regularizer class (made with its
    defaults, as Keras' get does), a function (weight -> scalar), a name ('l1', 'l2',
    'l1_l2', 'orthogonal_regularizer', the class names; Keras' defaults), the
    {'class_name', 'config'} dict `serialize` gives or an L1L2 config {'l1', 'l2'} (how
    model.save keeps one)."""
    if identifier is None:
        return None
    found = _found(identifier)
    if found is None:
        raise TypeError(f"{who}: a regularizer is nn.regularizers.L1 / L2 / L1L2 / "
                        f"OrthogonalRegularizer (or l1(0.01), l2(0.01), l1_l2()), a "
                        f"Regularizer subclass, a function (weight -> penalty), or one of "
                        f"the names {sorted(_NAMED)}; got {identifier!r}")
    _Use.any = True
    return found


def _found(identifier):
    if isinstance(identifier, type):
        return identifier() if issubclass(identifier, Regularizer) else None
    if isinstance(identifier, Regularizer) or callable(identifier):
        return identifier
    if isinstance(identifier, str):  # (a class name as Keras': 'L1L2' is L1L2(), no penalty)
        made = _CLASSES.get(identifier) or _NAMED.get(identifier.lower())
        return None if made is None else made()
    if isinstance(identifier, dict) and identifier and set(identifier) <= {"l1", "l2"}:
        # (a config: L1's and L2's name one factor, L1L2's both)
        kind = {frozenset({"l1"}): L1, frozenset({"l2"}): L2}.get(frozenset(identifier), L1L2)
        return kind(**identifier)
    from .layers.config import from_saved  # (nn.layers imports this module)
    return from_saved(identifier, _CLASSES, Regularizer)


def serialize(regularizer, who="model.save"):
    """How model.save keeps a regularizer: L1L2's config, {'class_name', 'config'} for
    another Regularizer, None for None; a plain function cannot be saved (TypeError)."""
    if isinstance(regularizer, L1L2):
        return regularizer.get_config()
    from .layers.config import to_saved  # (nn.layers imports this module)
    return to_saved(regularizer, Regularizer, "regularizer", who)


def _strength(value, name):
    value = real_scalar(value, name, "regularizer")
    if not 0 <= value < math.inf:  # (Keras' validate_float_arg refuses inf and NaN too)
        raise ValueError(f"regularizer: {name} must be a finite number >= 0, got {value}")
    return value


def penalties(pairs):
    """Keras' layer.losses from (regularizer, weight) pairs, or (regularizer, weight,
    transposed) for a weight Keras keeps transposed (handed over in Keras' layout): each
    regularizer's penalty of its weight, where both are there (a lazily sized weight once
    built)."""
    return [_summed(penalty(_keras_layout(penalty, weight, *transposed)))
            for penalty, weight, *transposed in pairs
            if penalty is not None and weight is not None and not is_uninitialized(weight)
            and weight.requires_grad]  # (a frozen weight's: none, as Keras' trainable only)


def _summed(penalty):
    """A penalty as the number it adds to the loss: summed where a regularizer of one's own
    gives an array (Keras sums every added loss)."""
    return penalty.sum() if getattr(penalty, "ndim", 0) else penalty


def _keras_layout(penalty, weight, transposed=False):
    # (L1L2's sums read any layout: no transpose in its graph)
    return weight.T if transposed and not isinstance(penalty, L1L2) else weight


def activity_penalty(regularizer, output):
    """Keras' penalty of a layer's output (its activity_regularizer): the regularizer's
    value of the output, per sample (divided by the batch size; a 0-d output's as it is),
    so that its strength does not change with the batch size."""
    penalty = regularizer(output)
    return penalty / output.shape[0] if output.ndim > 0 and output.shape[0] else penalty


def configs(**regularizers):
    """{argument: its regularizer as model.save keeps it (see serialize)}."""
    return {name: serialize(r, name) for name, r in regularizers.items()}


__all__ = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2", "l1_l2",
           "orthogonal_regularizer", "get", "serialize", "penalties", "activity_penalty",
           "configs"]
