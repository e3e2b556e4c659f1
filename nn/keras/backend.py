"""Keras' `keras.backend`: the settings and helpers Keras 3 still exports there (floatx,
epsilon, image_data_format, clear_session, standardize_dtype, ...; the same objects as
keras.config's and keras.utils'), get_uid, and Keras' dtype predicates and promotion rules
(result_type)."""
import functools

from ..layers.keras_settings import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from .dtypes import standardize_dtype
from .keras_tensors import is_keras_tensor
from .session import clear_session
from .single_backend import backend
from .thread_settings import get_uid

# Keras' promotion lattice (JAX's): each dtype and the dtypes just above it. "int" and
# "float" are the weak types of Python scalars, which defer to an array's dtype.
_ABOVE = {
    "bool": ("int",),
    "int": ("uint8", "int8", "complex64"),
    "uint8": ("int16", "uint16"), "uint16": ("int32", "uint32"),
    "uint32": ("int64", "uint64"), "uint64": ("float",),
    "int8": ("int16",), "int16": ("int32",), "int32": ("int64",), "int64": ("float",),
    "float": ("bfloat16", "float16"), "bfloat16": ("float32",), "float16": ("float32",),
    "float32": ("float64", "complex64"), "float64": ("complex128",),
    "complex64": ("complex128",), "complex128": (),
}
# Keras' non-TensorFlow backends (rungrad's kin) compute in 32 bits by default, as JAX does
_TO_32_BITS = {"int64": "int32", "uint64": "uint32", "float64": "float32",
               "complex128": "complex64"}


def is_float_dtype(dtype):
    """Whether `dtype` (anything standardize_dtype reads; None is floatx) is a float."""
    return standardize_dtype(dtype).startswith(("float", "bfloat"))


def is_int_dtype(dtype):
    """Whether `dtype` is a signed or unsigned integer (bool is not)."""
    return standardize_dtype(dtype).startswith(("int", "uint"))


def result_type(*dtypes):
    """The dtype Keras' promotion rules give `dtypes` (names, NumPy dtypes, Python's bool /
    int / float, None for floatx): the least dtype above them all on JAX's lattice, where
    Python's int and float defer to the other dtypes (int8 with int is int8) and 64-bit
    results come down to 32 bits (int64 is int32, float64 float32), as in Keras' JAX,
    PyTorch and NumPy backends. No dtypes: floatx()."""
    if not dtypes:
        return floatx()
    names = [standardize_dtype(d) for d in dtypes]  # (None: floatx)
    weak = [d is int or d is float for d in dtypes]
    if len(set(names)) == 1 and not all(weak):
        out, out_weak = names[0], False  # (any dtype, string included, is its own result)
    elif all(weak):
        out, out_weak = _least_upper_bound(frozenset(names)), True
    else:
        nodes = {_weak_node(name) if w else name for name, w in zip(names, weak)}
        out = _least_upper_bound(frozenset(nodes))
        out_weak = out in ("int", "float")
    if out_weak and out != "bool":
        out = _at_floatx_precision(out)
    return _TO_32_BITS.get(out, out)


def _weak_node(name):
    return "float" if name.startswith(("float", "bfloat")) else "int"


def _at_floatx_precision(name):
    """A weakly typed result at floatx's width (int with floatx float16 is int16)."""
    bits = floatx()[-2:]
    kind = "float" if name in ("float", "bfloat16") else name.rstrip("0123456789")
    return f"{kind}{bits}"


@functools.cache
def _upper_bounds(node):
    """`node` and every dtype above it on the lattice."""
    return frozenset({node}).union(*(_upper_bounds(up) for up in _ABOVE[node]))


@functools.cache
def _least_upper_bound(nodes):
    unknown = sorted(n for n in nodes if n not in _ABOVE)
    if unknown:
        raise ValueError(f"result_type: dtype={unknown[0]!r} is not a valid dtype for "
                         f"Keras type promotion")
    common = frozenset.intersection(*(_upper_bounds(n) for n in nodes))
    least = [c for c in common if common <= _upper_bounds(c)]
    if not least:  # (the lattice is connected through complex128: cannot happen)
        raise ValueError(f"result_type: no implicit promotion between {sorted(nodes)}")
    return least[0]


__all__ = ["backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format",
           "is_float_dtype", "is_int_dtype", "is_keras_tensor", "result_type",
           "set_epsilon", "set_floatx", "set_image_data_format", "standardize_dtype"]
