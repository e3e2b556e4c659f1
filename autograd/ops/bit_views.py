"""Ops that read a number's bits: nextafter (the neighbouring float, one ulp away) and
bitcast (the same bytes read as another dtype, PyTorch's x.view(dtype)). Their results are
steps or reinterpretations through which no gradient flows (as PyTorch's and JAX's); each is
an op, so a captured step computes them again from each call's values."""
import numpy as np

from ..arguments import real_dtype
from ..backend import get_array_module
from ..config import no_grad
from ..function import PY_SCALARS, Function
from ..spec import Choice, Spec
from ..variable import as_variable
from .elementwise import astype


class NextAfter(Function):
    """y = the float next to x0 in the direction of x1, elementwise and broadcast (a step of
    one ulp: no gradient)"""

    input_specs = (Spec(), Spec(broadcast_to=0))
    reference = staticmethod(np.nextafter)
    gradcheck_order = 0  # (piecewise constant in x1, x0 plus a step in x0)

    def forward(self, x0, x1):
        return get_array_module(x0).nextafter(x0, x1)

    def backward(self, gy):
        return None, None


class BitCast(Function):
    """y = x's bytes read as `dtype` (its own copy); a new item size scales the last axis by
    the ratio of the sizes (no gradient)"""

    input_specs = (Spec(shape=("N", 4)),)
    arg_specs = {"dtype": Choice("int64", "float32", "uint8")}
    apply = staticmethod(lambda x, dtype: BitCast(dtype)(x))
    reference = staticmethod(lambda x, dtype: np.array(x, order="C").view(dtype))
    gradcheck_order = 0  # (bits)

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)

    def forward(self, x):
        # (a copy of our own, contiguous: ascontiguousarray would make a 0-d array 1-d)
        return get_array_module(x).array(x, order="C").view(self.dtype)

    def backward(self, gy):
        return None


def nextafter(x1, x2):
    """NumPy's and PyTorch's nextafter: the float next to x1 toward x2, elementwise (x1 where
    they are equal), in the floating dtype of both (integers as float32); no gradient."""
    # (a number, Python's or NumPy's, takes the other's dtype)
    typed = [x for x in (x1, x2) if hasattr(x, "dtype") and x.__class__ not in PY_SCALARS]
    x1, x2 = as_variable(x1, who="nextafter"), as_variable(x2, who="nextafter")
    dtype = np.result_type(*(np.dtype(x.dtype) if np.dtype(x.dtype).kind == "f" else np.float32
                             for x in typed or (x1, x2)))
    with no_grad():
        return NextAfter()(astype(x1, dtype), astype(x2, dtype))


def bitcast(x, dtype):
    """x's bytes read as `dtype` (PyTorch's x.view(dtype), NumPy's x.view(dtype)), as a copy:
    with a new item size the last axis grows or shrinks by the ratio of the sizes, and must
    hold a whole number of the new items. The same dtype gives x itself (its gradient flows,
    as astype's); another, bits with no gradient."""
    x = as_variable(x, who="bitcast")
    dtype = real_dtype(dtype, "bitcast")
    if dtype == x.dtype:
        return x
    old, new = x.dtype.itemsize, dtype.itemsize
    if old != new and x.ndim == 0:
        raise ValueError(f"bitcast: a 0-d input keeps its item size: {x.dtype} ({old} bytes) "
                         f"cannot be read as {dtype} ({new} bytes)")
    if (x.shape[-1] * old) % new if old != new else False:
        raise ValueError(f"bitcast: the last axis of an input of shape {tuple(x.shape)} and "
                         f"dtype {x.dtype} holds {x.shape[-1] * old} bytes, not a whole "
                         f"number of {dtype} items ({new} bytes each)")
    with no_grad():
        return BitCast(dtype)(x)


__all__ = ["BitCast", "NextAfter", "bitcast", "nextafter"]
