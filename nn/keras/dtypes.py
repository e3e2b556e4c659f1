"""Keras' `keras.utils.standardize_dtype`: a dtype's name as Keras writes it."""
import numpy as np

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


__all__ = ["standardize_dtype"]
