"""PyTorch's integer ops: bitwise_and, bitwise_or, bitwise_xor, bitwise_not,
bitwise_left_shift, bitwise_right_shift, gcd, lcm, and isin (membership, of any dtype).
Their results are integers or booleans, through which no gradient flows; each is an op, so a
captured step computes them again from each call's values."""
import numpy as np

from ..backend import get_array_module
from ..config import no_grad
from ..function import Function
from ..spec import INT, Choice, Spec
from ..variable import as_variable

_BITWISE = ("bitwise_and", "bitwise_or", "bitwise_xor")  # (booleans too)
_SHIFTS = ("bitwise_left_shift", "bitwise_right_shift")
_INTEGERS_ONLY = ("gcd", "lcm", *_SHIFTS)
_NUMPYS = {"bitwise_left_shift": "left_shift", "bitwise_right_shift": "right_shift",
           "bitwise_not": "invert"}  # (NumPy's names, where they differ)


class IntegerMath(Function):
    """y = x0 (op) x1, elementwise and broadcast, or (op) x0 for bitwise_not, of integers
    (booleans for the bitwise ops) (integers or booleans: no gradient)"""

    input_specs = (Spec(INT, elements=(-8, 8)), Spec(INT, broadcast_to=0, elements=(0, 4)))
    arg_specs = {"kind": Choice(*_BITWISE, *_INTEGERS_ONLY)}
    apply = staticmethod(lambda x0, x1, kind: IntegerMath(kind)(x0, x1))
    reference = staticmethod(lambda x0, x1, kind: getattr(np, _NUMPYS.get(kind, kind))(x0, x1))
    gradcheck_order = 0  # (integers)

    def __init__(self, kind):
        self.kind = kind

    @property
    def name(self):  # (errors name the op the user called)
        return self.kind

    def forward(self, *arrays):
        return getattr(get_array_module(arrays[0]), _NUMPYS.get(self.kind, self.kind))(*arrays)

    def backward(self, *gys):
        return (None,) * len(self.inputs)


class IsIn(Function):
    """y = whether each element of x is among the values of `test` (booleans: no gradient)"""

    input_specs = (Spec(INT), Spec(INT))
    arg_specs = {"invert": Choice(False, True)}
    apply = staticmethod(lambda x, test, invert: IsIn(invert)(x, test))
    reference = staticmethod(lambda x, test, invert: np.isin(x, test, invert=invert))
    gradcheck_order = 0  # (booleans)

    def __init__(self, invert=False):
        self.invert = invert

    def forward(self, x, test):
        return get_array_module(x).isin(x, test, invert=self.invert)

    def backward(self, gy):
        return None, None


def named_binary(kind, call, doc):
    """The function op(x0, x1) = call(kind, x0, x1), named `kind`."""
    def op(x0, x1):
        return call(kind, x0, x1)
    op.__name__ = op.__qualname__ = kind
    op.__doc__ = doc
    return op


def _integer_op(kind):
    return named_binary(kind, _integer_call, f"PyTorch's {kind}, elementwise (NumPy's "
                        f"{_NUMPYS.get(kind, kind)}); a Python int beside a tensor takes the "
                        f"tensor's dtype.")


def _integer_call(kind, *values):
    """IntegerMath(kind) of the values (Variables, arrays, Python ints), checked."""
    like = next((v for v in values if hasattr(v, "dtype")), None)
    xs = [as_variable(_weak(v, like), who=kind) for v in values]
    # (shifts, gcd and lcm take a boolean beside an integer, promoted to it, as PyTorch's)
    integers_only = kind in _INTEGERS_ONLY and not any(x.dtype.kind in "iu" for x in xs)
    for x in xs:
        if x.dtype.kind not in ("iu" if integers_only else "iub"):
            what = "integer" if kind in _INTEGERS_ONLY else "integer or boolean"
            raise TypeError(f"{kind}: expected {what} values, got dtype {x.dtype}")
    with no_grad():
        return IntegerMath(kind)(*xs)


def _weak(value, like):
    """A Python int (not a bool) beside an integer tensor as an array of its dtype (PyTorch
    keeps int32 & 2 int32), where it fits; anything else as it is."""
    if like is None or isinstance(value, bool) or not isinstance(value, int):
        return value
    dtype = np.dtype(like.dtype)
    if dtype.kind not in "iu" or not np.iinfo(dtype).min <= value <= np.iinfo(dtype).max:
        return value
    return get_array_module(getattr(like, "data", like)).asarray(value, dtype=dtype)


bitwise_and, bitwise_or, bitwise_xor, bitwise_left_shift, bitwise_right_shift, gcd, lcm = map(
    _integer_op, (*_BITWISE, *_SHIFTS, "gcd", "lcm"))


def bitwise_not(x):
    """PyTorch's bitwise_not: ~x of integers, logical not of booleans."""
    return _integer_call("bitwise_not", x)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """PyTorch's isin: whether each of `elements` is among `test_elements` (booleans of
    elements' shape; `invert`: whether it is not). assume_unique is accepted (the answer is
    the same)."""
    elements = as_variable(elements, who="isin")
    test = as_variable(test_elements, who="isin")
    with no_grad():
        return IsIn(bool(invert))(elements, test)


__all__ = ["IntegerMath", "IsIn", "bitwise_and", "bitwise_left_shift", "bitwise_not",
           "bitwise_or", "bitwise_right_shift", "bitwise_xor", "gcd", "isin", "lcm"]
