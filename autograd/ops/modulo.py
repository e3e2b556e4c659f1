"""Remainders of division (torch.fmod: C's, with the dividend's sign; torch.remainder:
Python's, with the divisor's sign), dy/dx0 = 1 and dy/dx1 = -q with q the truncated or
floored quotient, PyTorch's; and that floored quotient itself (floor_divide, Python's //).
An integer division by zero raises ZeroDivisionError, as PyTorch's (floating gives NaN)."""
import numpy as np

from ..backend import get_array_module
from ..function import Function
from ..spec import Spec
from ..variable import wrap
from .elementwise import linked, zero_grad
from .math_base import operands

# x0 at odd and x1 at even multiples of 0.05: x0 / x1 is never a whole number, so no jump
# of the remainder lies within a numerical step
_SPECS = (Spec(grid=(0.1, 0.05)), Spec(broadcast=0, grid=(0.1, 0.0), elements=(0.3, 2.5)))


class _Modulo(Function):
    """A remainder of division: NumPy's function of the class's name, its gradient to the
    divisor minus the quotient rounded by `rounded`."""

    function_name = rounded = None  # (the subclasses')

    def forward(self, x0, x1):
        _refuse_integer_zero(x0, x1, self.function_name)
        return getattr(get_array_module(x0), self.function_name)(x0, x1)

    def backward(self, gy):
        return _grads(self, gy, self.rounded)


class Fmod(_Modulo):
    """y = x0 - trunc(x0 / x1) x1 (C's fmod);  dy/dx0 = 1, dy/dx1 = -trunc(x0 / x1)"""

    input_specs = _SPECS
    reference = staticmethod(np.fmod)
    function_name = "fmod"
    rounded = staticmethod(lambda a, b: get_array_module(a).trunc(a / b))


class Remainder(_Modulo):
    """y = x0 - floor(x0 / x1) x1 (Python's %);  dy/dx0 = 1, dy/dx1 = -floor(x0 / x1)"""

    input_specs = _SPECS
    reference = staticmethod(np.remainder)
    function_name = "remainder"
    rounded = staticmethod(lambda a, b: get_array_module(a).floor_divide(a, b))


class FloorDivide(Function):
    """y = floor(x0 / x1) as Python's // computes it (exact for integers, x0 - x0 % x1
    divided for floats: 1 // 0.1 is 9);  dy/dx0 = dy/dx1 = 0"""

    input_specs = _SPECS
    reference = staticmethod(np.floor_divide)

    def forward(self, x0, x1):
        _refuse_integer_zero(x0, x1, "floor_divide")
        return get_array_module(x0).floor_divide(x0, x1)

    def backward(self, gy):
        return tuple(zero_grad(x) for x in self.inputs)


def _grads(function, gy, quotient):
    """(gy, -gy q) with q = quotient(x0, x1) on arrays: piecewise constant, so both are
    linked to the inputs (second derivatives 0)."""
    x0, x1 = function.inputs
    need0, need1 = function.needs_input_grad
    gx0 = linked(gy, x0, x1) if need0 else None
    gx1 = None
    if need1:
        with np.errstate(divide="ignore", invalid="ignore"):  # x1 = 0: nan, as PyTorch's
            q = quotient(x0.data, x1.data)
        gx1 = linked(gy * wrap(-q.astype(gy.dtype, copy=False)), x0, x1)
    return gx0, gx1


def _refuse_integer_zero(x0, x1, who):
    # (an empty dividend divides nothing: NumPy's empty result; a float dividend makes the
    # division a float one, where 0 gives inf or NaN, as PyTorch's)
    if x1.dtype.kind in "biu" and x0.dtype.kind in "biu" and x0.size and not x1.all():
        raise ZeroDivisionError(f"{who}: integer division by zero (a divisor of dtype "
                                f"{x1.dtype} holds 0)")


def fmod(input, other):  # noqa: A002 (PyTorch's names)
    return Fmod()(*operands(input, other, "fmod"))


def remainder(input, other):  # noqa: A002 (PyTorch's names)
    return Remainder()(*operands(input, other, "remainder"))


def floor_divide(input, other):  # noqa: A002 (PyTorch's names)
    """input // other, NumPy's (and torch.div(rounding_mode='floor')'s): integers stay
    integers; no gradient (a step function)."""
    return FloorDivide()(*operands(input, other, "floor_divide"))
