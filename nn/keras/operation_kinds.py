"""The shapes of Keras' operations that nn.keras.operations' tables are made of: a rungrad op
of one or two tensors, a reduction over Keras' `axis` (an int, a list or None), Keras'
truth of any dtype, a result cast to an optional `dtype`."""
import numpy as np

from autograd import ops
from autograd.backend import array_of, as_array, get_array_module
from autograd.variable import Variable, as_variable, gpu_array_among

from .dtypes import promoted


def truth(x):
    """x != 0 as booleans (Keras' logical ops take any dtype)."""
    return ops.not_equal(x, 0)


def axes(axis):
    """Keras' axis argument as rungrad's ops take it (a list is a tuple of axes)."""
    return tuple(axis) if isinstance(axis, list) else axis


def reduction(reduce):
    """Keras' reduction of x over `axis` (all for None), keeping its axes for keepdims."""
    def reduced(x, axis=None, keepdims=False):
        return reduce(x, axis=axes(axis), keepdims=keepdims)
    return reduced


def unary(op):
    """op(x), with no other argument (a config naming one is refused by its signature)."""
    def one(x):
        return op(x)
    return one


def binary(op):
    def two(x1, x2):
        return op(*promoted((x1, x2)))
    return two


def floats(x):
    """x as a Variable of floats: float32 for integers and booleans (Keras' rule for the
    operations that compute in floats)."""
    x = as_variable(x)
    return x if x.dtype.kind == "f" else ops.astype(x, np.float32)


def copied(x):
    """A copy of x (Keras' Copy; Conjugate and Real of rungrad's real numbers)."""
    return ops.clone(as_variable(x))


def full_like(x, value, dtype=None):
    """A constant of x's shape filled with `value` (in x's dtype by default), on x's array
    module: Keras' FullLike, ZerosLike and OnesLike, and the constants of the ops."""
    x = as_variable(x)
    return Variable(get_array_module(x.data).full(x.shape, value, dtype=dtype or x.dtype),
                    requires_grad=False)


def as_tensors(*values):
    """values as Variables, a Python number taking the dtype of the first tensor among them
    (Keras' weak typing: outer(x32, 2.0) stays float32; as_variable alone would give the
    number float64); the tensors in Keras' promoted dtype (nn.keras.dtypes.promoted)."""
    values = promoted(values)
    like = next((v for v in values if hasattr(v, "dtype")), None)
    dtype = None if like is None else np.dtype(like.dtype)
    tensors = []
    for value in values:
        weak = isinstance(value, (int, float)) and not isinstance(value, bool)
        if weak and dtype is not None and (dtype.kind in "fb" or isinstance(value, int)):
            # (beside booleans a number keeps its kind, in Keras' default width: 3 stays
            # 3, an int32, where casting it to bool made it True)
            kind = dtype if dtype.kind != "b" else np.dtype(
                np.int32 if isinstance(value, int) else np.float32)
            value = get_array_module(array_of(like)).asarray(value, kind)
        tensors.append(as_variable(value))
    return tensors


def keras_tensor(x, dtype=None):
    """x as a Variable, in `dtype` where given; Python's numbers (nested lists of them too)
    become float32 and int32 by default, as Keras' (an array keeps its dtype)."""
    if not isinstance(x, Variable):
        values = x if hasattr(x, "shape") else np.asarray(x)  # (converted once)
        if dtype is None and _python_numbers(x):
            dtype = _keras_default_dtype(values)
        x = as_variable(values)
    return x if dtype is None else ops.astype(x, dtype)


def _python_numbers(x):
    """Whether x is a Python number, or nested lists and tuples of them only."""
    if isinstance(x, (list, tuple)):
        return all(_python_numbers(item) for item in x)
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _keras_default_dtype(values):
    """Keras' dtype for Python's numbers: float32 for floats, int32 for ints that fit it
    (int64 for larger ones, never a silent wrap-around)."""
    if values.dtype.kind == "f":
        return "float32"
    if values.dtype.kind == "i":
        fits = values.size == 0 or (values.min() >= -2 ** 31 and values.max() < 2 ** 31)
        return "int32" if fits else "int64"
    return None


def gpu_array_in(args):
    """The first GPU array among the arguments (in lists too), else None."""
    for arg in args:
        found = gpu_array_in(arg) if isinstance(arg, (list, tuple)) else gpu_array_among(
            (arg,))
        if found is not None:
            return found
    return None


def moved_to(value, home):
    """A NumPy array (in lists too; a constant Variable of one) as an array on `home`'s GPU
    (Keras' device for an op's constants); anything else as it is."""
    if isinstance(value, (list, tuple)):
        return type(value)(moved_to(item, home) for item in value)
    if isinstance(value, Variable) and value.creator is None and not value.requires_grad \
            and value.data.__class__ is np.ndarray:
        return Variable(as_array(value.data, like=home), requires_grad=False)
    return as_array(value, like=home) if value.__class__ is np.ndarray else value


__all__ = ["as_tensors", "axes", "binary", "copied", "floats", "full_like", "gpu_array_in",
           "moved_to", "reduction", "truth", "unary"]
