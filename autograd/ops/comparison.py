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


class IsClose(Function):
    """y = |x0 - x1| <= atol + rtol |x1|, elementwise and broadcast; with equal_nan, NaN is
    close to NaN (booleans: no gradient)"""

    input_specs = (Spec(), Spec(broadcast_to=0))
    arg_specs = {"equal_nan": Choice(False, True)}
    apply = staticmethod(lambda x0, x1, equal_nan: IsClose(1e-5, 1e-8, equal_nan)(x0, x1))
    reference = staticmethod(lambda x0, x1, equal_nan: np.isclose(x0, x1, 1e-5, 1e-8,
                                                                  equal_nan))
    gradcheck_order = 0  # (booleans)

    def __init__(self, rtol, atol, equal_nan):
        self.rtol, self.atol, self.equal_nan = rtol, atol, equal_nan

    def forward(self, x0, x1):
        return get_array_module(x0).isclose(x0, x1, self.rtol, self.atol, self.equal_nan)

    def backward(self, gy):
        return None, None


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002 (PyTorch's)
    """torch.isclose: |input - other| <= atol + rtol |other|, elementwise (broadcast): a
    boolean Variable, an op."""
    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if not _is_number(tolerance) or isinstance(tolerance, bool) or not tolerance >= 0:
            raise ValueError(f"isclose: {name} must be a non-negative number, got "
                             f"{tolerance!r}")
    return IsClose(float(rtol), float(atol), bool(equal_nan))(
        *promoted(input, other))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """torch.allclose: whether every element of isclose(input, other, ...) is True (a
    Python bool)."""
    return bool(isclose(input, other, rtol, atol, equal_nan).data.all())


__all__ = list(_COMPARISONS) + ["IsClose", "isclose", "allclose"]
