"""Keras' dtype policies: the `dtype=` every Keras layer takes (a dtype, its name, a policy
name such as "mixed_float16", a DTypePolicy or its saved dict). The layer's weights are
made in the policy's variable dtype; its floating inputs are cast to the compute dtype as it
is called (Keras' autocast; integer, boolean and text inputs pass as they are), and its
floating outputs come out in the compute dtype, as Keras' layers compute in it (float32
weights under "mixed_float16", or float32 statistics, would otherwise promote them). A
layer given no dtype= casts nothing: rungrad keeps the dtype of the data it gets.
"""
import numpy as np

from autograd.arguments import numpy_dtype
from autograd.ops import astype
from autograd.variable import is_uninitialized

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
        name = "float32" if name is None else name  # (Keras' default; rungrad has no global one)
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


__all__ = ["DTypePolicy", "dtype_policy", "apply_policy"]
