"""Comparisons as ops (torch.eq, torch.ge, ...; the operators `x >= 0`): boolean Variables,
through which no gradient flows. Being ops, a captured step (autograd.capture) compares each
call's values.
"""
import numbers

import numpy as np

from ..backend import get_array_module
from ..function import Function
from ..spec import Choice, Spec
from ..variable import as_variable, promoted

_COMPARISONS = ("equal", "not_equal", "greater", "greater_equal", "less", "less_equal")
# a number on the left is the same comparison, mirrored, with the number on the right
_MIRRORED = {"equal": "equal", "not_equal": "not_equal", "greater": "less",
             "greater_equal": "less_equal", "less": "greater", "less_equal": "greater_equal"}


class Compare(Function):
    """y = x0 (comparison) x1, elementwise and broadcast, or x0 (comparison) `number` (a
    Python number, kept as it is: NumPy compares 255 with a uint8 array exactly, where a
    cast would wrap) (booleans: no gradient)"""

    input_specs = (Spec(), Spec(broadcast_to=0))
    arg_specs = {"comparison": Choice(*_COMPARISONS)}
    apply = staticmethod(lambda x0, x1, comparison: Compare(comparison)(x0, x1))
    reference = staticmethod(lambda x0, x1, comparison: getattr(np, comparison)(x0, x1))
    gradcheck_order = 0  # (booleans)

    def __init__(self, comparison, number=None):
        self.comparison, self.number = comparison, number

    @property
    def name(self):  # (errors name the comparison the user called)
        return self.comparison

    def forward(self, x0, x1=None):
        compare = getattr(get_array_module(x0), self.comparison)
        return compare(x0, self.number if x1 is None else x1)

    def backward(self, gy):
        return (None,) * len(self.inputs)


def _is_number(x):
    return isinstance(x, numbers.Number) and not isinstance(x, np.generic)


def _comparison(name):
    def compare(x0, x1):
        if _is_number(x1) and not _is_number(x0):
            return Compare(name, x1)(as_variable(x0, who=name))
        if _is_number(x0) and not _is_number(x1):
            return Compare(_MIRRORED[name], x0)(as_variable(x1, who=name))
        return Compare(name)(*promoted(x0, x1))
    compare.__name__ = compare.__qualname__ = name
    compare.__doc__ = (f"x0 {name.replace('_', ' ')} x1, elementwise (NumPy's {name}; "
                       f"broadcasts; a number is compared as it is): a boolean Variable, "
                       f"an op.")
    return compare


equal, not_equal, greater, greater_equal, less, less_equal = map(_comparison, _COMPARISONS)

__all__ = list(_COMPARISONS)
