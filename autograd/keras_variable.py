"""Keras 3's Variable methods on rungrad's Parameter, for code written for Keras' weights
(a custom layer's or training loop's `v.assign(...)`, `v.assign_add(...)`, `v.trainable`,
`v.value`).

Keras' assignments happen outside any gradient tape; so do these: the values are written
into the Parameter's own array (layers, optimizers and views holding it see them), and
graphs recorded with the old values refuse backward afterwards, as after any in-place
change. Keras' shape rule holds: the value has the variable's shape (assign_add and
assign_sub: one that broadcasts to it)."""
from . import variable as _variable
from .backend import get_array_module


class ComputedAssignments:
    """Keras' assignments on a Variable that is not a weight (mixed into Variable): an
    error saying why, where Python would say only that the attribute is missing. (Dense's
    `kernel` is such a Variable: its weight transposed, as an op.)"""

    __slots__ = ()

    @property
    def path(self):
        """Keras' path of the weight this Variable stands for (Dense's kernel, BatchNorm's
        moving statistics: the one its name carries), else None."""
        return getattr(self.name, "path", None)

    def assign(self, value):
        raise _not_a_weight(self, "assign")

    def assign_add(self, value):
        raise _not_a_weight(self, "assign_add")

    def assign_sub(self, value):
        raise _not_a_weight(self, "assign_sub")


def _not_a_weight(var, who):
    made = f"made by {type(var.creator).__name__}" if var.creator is not None else \
        "not a Parameter"
    return TypeError(f"{who}: this Variable (shape {var.shape}) is {made}, not a layer's "
                     "weight, so it has no storage of its own to assign to; assign to the "
                     "Parameter (Dense's kernel is `layer.weight` transposed: "
                     "layer.weight.assign(values.T)), or use layer.set_weights")


class KerasVariableMethods:
    """Mixed into Parameter (autograd/variable.py)."""

    # Keras' names: a Parameter a Keras layer holds is linked to it (its __dict__'s
    # _keras_owner, nn.layers.keras_weight_names), which names it; a name given to the
    # Parameter itself (the one graph pictures and errors show: variable.own_name) wins
    @property
    def name(self):
        """The name given, else Keras' name of the weight ('kernel', 'gamma'), else None."""
        own = _variable.own_name(self)
        if own is None:
            link = self.__dict__.get("_keras_owner")
            if link is not None:
                return link.name_of(self)
        return own

    @name.setter
    def name(self, value):
        _variable.set_own_name(self, value)

    @property
    def path(self):
        """Keras' path of the weight ('sequential/dense/kernel': the layers it was made in,
        then its Keras name), or None where no Keras layer holds it."""
        link = self.__dict__.get("_keras_owner")
        return None if link is None else link.path_of(self)

    def assign(self, value):
        """Keras' v.assign(value): v's values become `value`'s (an array, a Variable, a
        number or nested lists of v's shape), cast to v's dtype; returns v."""
        return self._assign(_values(value, self, "assign"), "assign")

    def assign_add(self, value):
        """Keras' v.assign_add(value): v's values plus `value`; returns v."""
        return self._assign(self.data + _values(value, self, "assign_add"), "assign_add")

    def assign_sub(self, value):
        """Keras' v.assign_sub(value): v's values minus `value`; returns v."""
        return self._assign(self.data - _values(value, self, "assign_sub"), "assign_sub")

    @property
    def value(self):
        """Keras 3's Variable.value (its backend tensor): the Parameter itself, so that
        Keras code written for the PyTorch backend (`v.value.grad`) runs as it is."""
        return self

    @property
    def trainable(self):
        """Keras' v.trainable: whether an optimizer updates it (requires_grad)."""
        return self.requires_grad

    @trainable.setter
    def trainable(self, value):
        self.requires_grad = bool(value)

    def _assign(self, new, who):
        data = self.data
        if new.shape != data.shape:
            raise ValueError(f"{who}: a value of shape {new.shape} for a variable of shape "
                             f"{data.shape} (Keras' rule: the same shape)")
        if not getattr(data.flags, "writeable", True):
            raise ValueError(f"{who}: the variable's array (shape {data.shape}) is read-only")
        data[...] = new
        self.bump_version()
        return self


def _values(value, var, who):
    """`value` as an array on var's backend (a Variable's array, a number, nested lists):
    real numbers only, which the assignment casts to var's dtype as Keras' does."""
    if isinstance(value, _variable.Variable):
        value = value.data
    array = get_array_module(var.data).asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{who}: a value of dtype {array.dtype} for a variable of dtype "
                        f"{var.dtype} (real numbers only)")
    return array


__all__ = ["ComputedAssignments", "KerasVariableMethods"]
