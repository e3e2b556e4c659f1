"""The variables a user's Keras optimizer makes in its build() (Keras' add_variable and
add_variable_from_reference), kept where rungrad's optimizer state lives, so that
state_dict, load_state_dict and model.save carry them.

A variable made from a reference (a momentum per weight) is the entry of that weight's
state under its name; it shares the entry's array. One made by shape alone has no weight:
state_dict files it under the first weight held as "optimizer_variable/<n>", n its place in
the order made (Keras' save_own_variables numbers them so too). Each is a Parameter that
never trains, so Keras' assign and keras.ops work on it. A state dict loaded before the
variables exist (model.save's file, read before the first update) gives them their values
when build() makes them; one loaded after re-links them to the loaded arrays.
"""
import numpy as np

from autograd import Parameter
from autograd.backend import get_array_module
from nn.initializers import draw
from nn.layers.keras_settings import floatx

from .accumulation import KEY as ACCUMULATOR

PREFIX = "optimizer_variable/"  # (the state entry of a variable made by shape)
RESERVED = frozenset({"average", ACCUMULATOR})  # the entries use_ema and accumulation keep


class OwnVariables:
    """An optimizer's own variables, in the order made."""

    def __init__(self):
        self.made = []  # every variable (Keras' optimizer.variables)
        self.referenced = []  # (weight, state key, variable, initializer)
        self.free = []  # (variable, initializer): those made by shape
        self.pending = {}  # n -> loaded array of the free variable n, not made yet

    def from_reference(self, opt, weight, name, initializer):
        """The variable `name` of `weight` (its shape and dtype), the entry `name` of its
        state: a loaded one if there is one, else a draw of `initializer`."""
        key = name or "var"
        if key in RESERVED or key.startswith(PREFIX):
            raise ValueError(f"{opt.name}: add_variable_from_reference: the name {key!r} is "
                             "the optimizer's own (use_ema, gradient accumulation); choose "
                             "another")
        if any(w is weight and k == key for w, k, _, _ in self.referenced):
            raise ValueError(f"{opt.name}: add_variable_from_reference: the variable "
                             f"{_label(weight)} already has an optimizer variable named "
                             f"{key!r}; give each one its own name")
        state = opt.state[weight]
        array = _adopted(state.get(key), weight.shape, key, opt.name)
        if array is None:
            array = state[key] = _drawn(initializer, weight.shape, weight.dtype, weight.data)
        variable = _variable(array, f"{_label(weight)}_{key}")
        self.referenced.append((weight, key, variable, initializer))
        self.made.append(variable)
        return variable

    def from_shape(self, opt, shape, initializer, dtype, name):
        """A variable of `shape` and `dtype` (default: floatx), loaded or drawn."""
        shape = _shape(shape, opt.name)
        dtype = np.dtype(dtype or floatx())
        index = len(self.free)
        loaded = self.pending.pop(index, None)
        array = _drawn(initializer, shape, dtype) if loaded is None else \
            _loaded_copy(loaded, shape, dtype, f"{PREFIX}{index}", opt.name)
        variable = _variable(array, name or f"variable_{index}")
        self.free.append((variable, initializer))
        self.made.append(variable)
        return variable

    def file(self, saved):
        """Add the free variables to `saved` (a state_dict), under the first weight."""
        if not self.free:
            return saved
        if not any(group["params"] for group in saved["param_groups"]):
            raise ValueError("the optimizer holds no weights to file its variables under")
        first = saved["state"].setdefault(0, {})
        for index, (variable, _) in enumerate(self.free):
            first[f"{PREFIX}{index}"] = variable.data.copy()
        return saved

    def split(self, state_dict):
        """`state_dict` without the free variables' entries, and those entries {n: array}."""
        free, state = {}, {}
        for key, entry in state_dict.get("state", {}).items():
            if isinstance(entry, dict):
                free.update({int(k[len(PREFIX):]): v for k, v in entry.items()
                             if isinstance(k, str) and k.startswith(PREFIX)})
                entry = {k: v for k, v in entry.items()
                         if not (isinstance(k, str) and k.startswith(PREFIX))}
            state[key] = entry
        return dict(state_dict, state=state), free

    def relink(self, opt, free):
        """After a load: each variable takes the loaded value (its weight's state entry, or
        `free`'s), or a fresh draw where the state dict had none; free variables not made
        yet wait in `pending`."""
        for weight, key, variable, initializer in self.referenced:
            state = opt.state[weight]
            array = _adopted(state.get(key), weight.shape, key, opt.name)
            if array is None:
                array = state[key] = _drawn(initializer, weight.shape, weight.dtype,
                                            weight.data)
            variable.data = array
        for index, (variable, initializer) in enumerate(self.free):
            loaded = free.pop(index, None)
            shape, dtype = variable.shape, variable.dtype
            variable.data = _drawn(initializer, shape, dtype) if loaded is None else \
                _loaded_copy(loaded, shape, dtype, f"{PREFIX}{index}", opt.name)
        self.pending = free


def _variable(array, name):
    return Parameter(array, name=name, requires_grad=False)


def _label(weight):
    """How a weight is named in its optimizer variables' names (Keras': its path)."""
    path = getattr(weight, "path", None) or getattr(weight, "name", None)
    return str(path).replace("/", "_").replace(":", "_") if path else "variable"


def _shape(shape, who):
    try:
        shape = tuple(int(n) for n in ((shape,) if np.ndim(shape) == 0 else shape))
    except (TypeError, ValueError):
        shape = None
    if shape is None or any(n < 0 for n in shape):
        raise ValueError(f"{who}: add_variable: shape must be a tuple of sizes >= 0")
    return shape


def _drawn(initializer, shape, dtype, like=None):
    """A draw of `initializer` (Keras' names too: 'zeros'), on the backend of `like`."""
    xp = np if like is None else get_array_module(like)
    return xp.asarray(draw(initializer, tuple(shape), dtype), dtype=dtype)


def _adopted(value, shape, key, who):
    """A loaded state entry `value` as the variable's array (None: there is none)."""
    if value is None:
        return None
    if getattr(value, "shape", None) != tuple(shape):
        raise ValueError(f"{who}: the loaded state's {key!r} is "
                         f"{getattr(value, 'shape', type(value).__name__)}, where the "
                         f"variable has shape {tuple(shape)}")
    return value


def _loaded_copy(value, shape, dtype, key, who):
    array = np.array(value, dtype=dtype)
    return _adopted(array, shape, key, who)


__all__ = ["OwnVariables", "PREFIX"]
