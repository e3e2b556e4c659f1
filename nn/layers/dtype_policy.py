"""Keras' dtype policies: the `dtype=` every Keras layer takes (a dtype, its name, a policy
name such as "mixed_float16", a DTypePolicy or its saved dict). The layer's weights are
made in the policy's variable dtype; its floating inputs are cast to the compute dtype as it
is called (Keras' autocast; integer, boolean and text inputs pass as they are), and its
floating outputs come out in the compute dtype, as Keras' layers compute in it. Under a
mixed policy ("mixed_float16") the layer's own floating weights are read in the compute
dtype for the call (Keras' autocast variables): the computation runs in float16 and the
gradients reach the float32 weights in float32. A layer whose class sets `autocast =
False` (Keras': LayerNormalization, GroupNormalization, Embedding) casts neither its inputs
nor its weights, and one with `autocast_weights = False` (BatchNormalization, whose weights
Keras makes with autocast=False) its weights only: the normalizations compute in float32.
A layer given no dtype= takes the global policy (Keras' `set_dtype_policy`, per thread as
Keras' global state), and none while that is Keras' default "float32": such a layer casts
nothing, and rungrad keeps the dtype of the data it gets.
"""
import contextlib
from contextvars import ContextVar

import numpy as np

from autograd.arguments import numpy_dtype
from autograd.ops import astype
from autograd.variable import is_uninitialized

from .keras_settings import floatx

# Keras' mixed policies: (compute dtype, variable dtype)
_MIXED = {"mixed_float16": ("float16", "float32")}  # (and mixed_bfloat16: NumPy has no bfloat16)
# names Keras reads as quantized policies ("int8", "float8_e4m3fn", ...), not as dtypes
_QUANTIZED = ("int8", "float8", "int4", "gptq", "awq")
_KINDS = "fiub"  # floating, integer, unsigned, bool: the dtypes a layer's arrays can hold


class DTypePolicy:
    """A layer's dtypes, Keras' `keras.DTypePolicy(name)`: "float64" computes and keeps
    weights in float64; "mixed_float16" computes in float16 with float32 weights. Its
    `compute_dtype` and `variable_dtype` are NumPy dtypes (equal to Keras' names)."""

    def __init__(self, name=None, who="DTypePolicy"):
        name = global_policy().name if name is None else name  # (Keras')
        self._name = name
        self._compute, self._variable = _parse(name, who)

    name = property(lambda self: self._name)
    compute_dtype = property(lambda self: self._compute)
    variable_dtype = property(lambda self: self._variable)
    quantization_mode = None  # (Keras': the mode of a quantized policy, which none is here)

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'

    def __eq__(self, other):
        return type(other) is type(self) and other.name == self.name

    def __hash__(self):
        return hash(self._name)

    def cast_inputs(self, args, kwargs):
        """(args, kwargs) with every floating array and Variable among them (in lists,
        tuples and dicts too) in the compute dtype."""
        return _cast(args, self._compute), _cast(kwargs, self._compute)

    def cast_outputs(self, outputs):
        """The floating outputs in the compute dtype, when that is a floating one."""
        return _cast(outputs, self._compute) if self._compute.kind == "f" else outputs

    def call(self, layer, call, args, kwargs):
        """call(layer, args, kwargs) under the policy: the inputs cast (as the layer's
        `autocast` says), its weights read in the compute dtype when they are kept in
        another (a mixed policy), the outputs in the compute dtype."""
        if not layer.autocast:
            return self.cast_outputs(call(layer, args, kwargs))
        args, kwargs = self.cast_inputs(args, kwargs)
        if self._compute == self._variable or not layer.autocast_weights:
            return self.cast_outputs(call(layer, args, kwargs))
        with _weights_in(layer, self._compute):
            return self.cast_outputs(call(layer, args, kwargs))


def dtype_policy(value, who):
    """A layer's `dtype=` argument as a DTypePolicy: a policy, its name (a dtype name or
    "mixed_float16"), a NumPy or PyTorch dtype, or Keras' saved form of a policy
    ({"class_name": "DTypePolicy", "config": {"name": ...}}). A ValueError naming `who`
    otherwise, with Keras' wording."""
    if isinstance(value, DTypePolicy):
        return value
    if isinstance(value, dict):
        return _from_saved(value, who)
    if isinstance(value, str):
        return DTypePolicy(value, who)
    try:
        dtype = numpy_dtype(value)
    except TypeError:
        raise ValueError(f"{who}: cannot interpret the dtype argument: expected a string or "
                         f"a DTypePolicy, got dtype={value!r}") from None
    return DTypePolicy(dtype.name, who)


# The global policy, per thread (and asyncio task) as Keras' (its global state is a
# threading.local) and as the modes of autograd.config: a thread setting mixed_float16 for
# the model it builds does not change the layers another thread makes. None: the default.
_global = ContextVar("dtype_policy", default=None)


def set_global_policy(policy):
    """Keras' `keras.config.set_dtype_policy` (`keras.mixed_precision.set_global_policy`):
    the policy of the Keras layers made from now on, in this thread, without dtype=; a
    policy or its name ("float32", Keras' default, takes rungrad's back: none)."""
    if isinstance(policy, str):
        policy = DTypePolicy(policy, "set_dtype_policy")
    elif not isinstance(policy, DTypePolicy):
        raise ValueError("set_dtype_policy: invalid `policy` argument: expected the string name "
                         "of a policy (such as 'mixed_float16') or a DTypePolicy instance; "
                         f"received policy={policy!r} (of type {type(policy).__name__})")
    _global.set(policy)


def clear_global_policy():
    """Back to no global policy in this thread (Keras' clear_session): layers made without
    dtype= take floatx's again."""
    _global.set(None)


def global_policy():
    """The global policy (Keras' `keras.config.dtype_policy()`): the one set last in this
    thread, else DTypePolicy("float32")."""
    policy = _global.get()
    return DTypePolicy(floatx()) if policy is None else policy  # (Keras' default: floatx's)


def layer_policy(dtype, who):
    """The policy of a layer given `dtype=` (None: not given): the given one, else the
    global one; None where neither is set but the default, float32 (the layer casts
    nothing, as before policies)."""
    if dtype is not None:
        return dtype_policy(dtype, who)
    policy = _global.get()
    if policy is None and floatx() != "float32":  # (keras.config.set_floatx's)
        return DTypePolicy(floatx())
    return None if policy is None or policy.name == "float32" else policy


def apply_policy(layer, policy):
    """Give `layer` its policy: its `dtype` the variable dtype, which the weights it makes
    from then on follow, and its own floating weights and buffers made so far (lazy ones'
    placeholders too) in it. Called before its constructor runs (the weights made there
    follow it) and again after (those made in float32 regardless)."""
    object.__setattr__(layer, "_dtype_policy", policy)
    variable = policy.variable_dtype
    object.__setattr__(layer, "dtype", variable)  # (before Module.__init__ too)
    if variable.kind != "f" or "_parameters" not in vars(layer):
        return
    for param in layer._parameters.values():
        if param is not None and param.data.dtype.kind == "f" and param.dtype != variable:
            param.data = param.data.astype(variable)
    for name, buf in list(layer._buffers.items()):
        if buf is not None and not is_uninitialized(buf) and buf.dtype.kind == "f":
            setattr(layer, name, buf.astype(variable))


@contextlib.contextmanager
def _weights_in(layer, dtype):
    """The layer's own floating parameters read as `dtype` (a cast op of each: the gradient
    goes back to the parameter in its dtype) inside the block. The attributes are swapped
    for the call, so a layer under a mixed policy is not to be called from two threads at
    once. Parameters still unmade (a lazy layer's first call) are read as they are made."""
    own = vars(layer)
    kept = {name: param for name, param in layer._parameters.items()
            if param is not None and not is_uninitialized(param) and own.get(name) is param
            and param.dtype.kind == "f" and param.dtype != dtype}
    for name, param in kept.items():
        own[name] = astype(param, dtype)
    try:
        yield
    finally:
        own.update(kept)


def _parse(name, who):
    """(compute dtype, variable dtype) of a policy's name."""
    if not isinstance(name, str):
        raise TypeError(f"{who}: a policy's name must be a string such as 'mixed_float16', "
                        f"got {name!r} ({type(name).__name__})")
    if "bfloat16" in name:
        raise ValueError(f"{who}: dtype {name!r}: NumPy has no bfloat16, so rungrad cannot "
                         "compute in it; use 'mixed_float16' or 'float16'")
    if name in _MIXED:
        return tuple(np.dtype(dtype) for dtype in _MIXED[name])
    if name.startswith(_QUANTIZED):
        raise ValueError(f"{who}: dtype {name!r} names one of Keras' quantized policies "
                         f"({', '.join(_QUANTIZED)}), which rungrad does not have")
    try:
        dtype = np.dtype(name)
    except TypeError:
        dtype = None
    if dtype is None or dtype.name != name or dtype.kind not in _KINDS:  # ('double': no)
        raise ValueError(f"{who}: cannot convert {name!r} to a dtype policy: valid policies "
                         "are 'mixed_float16' and the name of a NumPy float, integer or bool "
                         "dtype, such as 'float32'")
    return dtype, dtype


def _from_saved(config, who):
    if config.get("class_name") not in ("DTypePolicy", "FloatDTypePolicy") or not isinstance(
            config.get("config"), dict) or "name" not in config["config"]:
        raise ValueError(f"{who}: dtype as a dict is a saved DTypePolicy, {{'class_name': "
                         f"'DTypePolicy', 'config': {{'name': ...}}}}; got {config!r}")
    return DTypePolicy(config["config"]["name"], who)


def _cast(value, dtype):
    if type(value) in (list, tuple):
        return type(value)(_cast(item, dtype) for item in value)
    if type(value) is dict:
        return {key: _cast(item, dtype) for key, item in value.items()}
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if kind == "f" and value.dtype != dtype and hasattr(value, "shape"):  # (an array)
        return astype(value, dtype)
    return value


__all__ = ["DTypePolicy", "dtype_policy", "apply_policy", "layer_policy", "set_global_policy",
           "global_policy"]
