"""Comparisons as ops (torch.eq, torch.ge, ...): boolean Variables, through which no gradient
flows. `x >= 0` on a Variable gives a plain array, which a captured step (autograd.capture)
would keep from the call it recorded (it refuses an op given one); `greater_equal(x, 0)` is an
op, so a replay compares each call's values.
"""
import numpy as np

from ..backend import get_array_module
from ..function import Function
from ..spec import Choice, Spec
from ..variable import promoted

_COMPARISONS = ("equal", "not_equal", "greater", "greater_equal", "less", "less_equal")


class Compare(Function):
    """y = x0 (op) x1, elementwise and broadcast, `op` a NumPy comparison's name (booleans:
    no gradient)"""

    input_specs = (Spec(), Spec(broadcast_to=0))
    arg_specs = {"comparison": Choice(*_COMPARISONS)}
    apply = staticmethod(lambda x0, x1, comparison: Compare(comparison)(x0, x1))
    reference = staticmethod(lambda x0, x1, comparison: getattr(np, comparison)(x0, x1))
    gradcheck_order = 0  # (booleans)

    def __init__(self, comparison):
        self.comparison = comparison

    def forward(self, x0, x1):
        return getattr(get_array_module(x0), self.comparison)(x0, x1)

    def backward(self, gy):
        return None, None


def _comparison(name):
    def compare(x0, x1):
        return Compare(name)(*promoted(x0, x1))
    compare.__name__ = compare.__qualname__ = name
    compare.__doc__ = (f"x0 {name.replace('_', ' ')} x1, elementwise (NumPy's {name}; "
                       f"broadcasts): a boolean Variable, an op.")
    return compare


equal, not_equal, greater, greater_equal, less, less_equal = map(_comparison, _COMPARISONS)

__all__ = list(_COMPARISONS)
