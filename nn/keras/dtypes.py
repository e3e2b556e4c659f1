"""Keras' `keras.utils.standardize_dtype`: a dtype's name as Keras writes it."""
import numpy as np

from autograd import ops
from autograd.variable import as_variable

from ..layers.keras_settings import floatx

# Python types and the name 'int' as Keras' non-TensorFlow backends read them
_PYTHON = {bool: "bool", int: "int32", float: "float32", str: "string", "int": "int32",
           complex: "complex64"}
_ALLOWED = {"float16", "float32", "float64", "uint8", "uint16", "uint32", "uint64", "int8",
            "int16", "int32", "int64", "bfloat16", "bool", "string", "complex64",
            "complex128"}


def standardize_dtype(dtype):
    """The name of `dtype` ('float32'): None is floatx(), Python's int / float / bool / str
    Keras' int32 / float32 / bool / string, a NumPy dtype or type its name; a ValueError
    for anything else ('float', a misspelt name)."""
    if dtype is None:
        return floatx()
    try:
        dtype = _PYTHON.get(dtype, dtype)
    except TypeError:  # (an unhashable value)
        raise ValueError(f"Invalid dtype: {dtype!r}") from None
    name = getattr(dtype, "name", None) or getattr(dtype, "__name__", None) or dtype
    if isinstance(dtype, type) and issubclass(dtype, np.generic):
        name = np.dtype(dtype).name
    if name not in _ALLOWED:
        raise ValueError(f"Invalid dtype: {dtype}")
    return name


# the 64-bit dtype of a kind, where Keras' result_type gives the 32-bit one
_WIDE = {"float32": "float64", "int32": "int64", "uint32": "uint64", "complex64": "complex128"}


def promoted_dtype(*values):
    """The dtype Keras' arithmetic gives `values` (arrays, Variables, Python numbers): Keras'
    promotion lattice (float32 with int32 is float32, int32 with float16 float16, a Python
    float beside booleans float32, where NumPy's gives float64), a 64-bit tensor's width
    kept as Keras' add keeps it (keras.backend.result_type alone gives 32 bits)."""
    from .backend import result_type  # (backend imports this module)
    kinds = [type(v) if type(v) in (bool, int, float) else np.dtype(v.dtype) for v in values]
    common = result_type(*kinds)
    wide = _WIDE.get(common)
    return wide if wide and wide in [getattr(k, "name", "") for k in kinds] else common


def promoted(values):
    """`values` with their tensors cast to promoted_dtype's (a Python number left to take it
    weakly); unchanged where one is neither a tensor nor a number (a list)."""
    numbers = (bool, int, float)
    if not all(type(v) in numbers or hasattr(v, "dtype") for v in values):
        return values
    try:
        dtype = np.dtype(promoted_dtype(*values))
    except (TypeError, ValueError):  # (a dtype outside Keras' lattice: NumPy's rules)
        return values
    return [v if type(v) in numbers or np.dtype(v.dtype) == dtype
            else ops.astype(as_variable(v), dtype) for v in values]


__all__ = ["promoted", "promoted_dtype", "standardize_dtype"]
