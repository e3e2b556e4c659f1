"""Arithmetic: + - * / ** and negation. Broadcast gradients are reduced by the engine."""
import numpy as np

from ..backend import get_array_module, silently
from ..function import BinaryGrads, Function, crossed_inputs, reads_nothing
from ..spec import Spec
from ..variable import as_variable, promoted, wrap
from .elementwise import log, where


class Add(Function):
    """y = x0 + x1"""

    input_specs = (Spec(), Spec(broadcast=0))
    reference = staticmethod(np.add)

    saved_inputs = saved_outputs = reads_nothing

    def forward(self, x0, x1):
        return x0 + x1

    def backward(self, gy):
        return gy, gy

    backward_data = backward


class Sub(Function):
    """y = x0 - x1"""

    input_specs = (Spec(), Spec(broadcast=0))
    reference = staticmethod(np.subtract)

    saved_inputs = saved_outputs = reads_nothing

    def forward(self, x0, x1):
        return x0 - x1

    def backward(self, gy):
        return gy, -gy if self.needs_input_grad[1] else None

    backward_data = backward


class Mul(BinaryGrads, Function):
    """y = x0 * x1"""

    input_specs = (Spec(), Spec(broadcast=0))
    reference = staticmethod(np.multiply)

    saved_inputs, saved_outputs = crossed_inputs, reads_nothing

    def forward(self, x0, x1):
        return x0 * x1

    def _grads(self, gy, x0, x1):
        """(gx0, gx1) from Variables or arrays alike."""
        need0, need1 = self.needs_input_grad
        return (gy * x1 if need0 else None), (gy * x0 if need1 else None)


class Div(BinaryGrads, Function):
    """y = x0 / x1;  dy/dx0 = 1 / x1,  dy/dx1 = -(x0 / x1) / x1 (in that order: x1^2
    under- or overflows where the gradient does not)"""

    input_specs = (Spec(), Spec(broadcast=0, elements="nonzero"))
    reference = staticmethod(np.divide)

    saved_outputs = reads_nothing

    def saved_inputs(self):
        x0, x1 = self.inputs
        return (x0, x1) if self.needs_input_grad[1] else (x1,)

    def forward(self, x0, x1):
        return x0 / x1

    def _grads(self, gy, x0, x1):
        """(gx0, gx1) from Variables or arrays alike."""
        need0, need1 = self.needs_input_grad
        gx0 = gy / x1 if need0 else None
        gx1 = -gy * (x0 / x1 / x1) if need1 else None
        return gx0, gx1


class Neg(Function):
    """y = -x"""

    input_specs = (Spec(),)
    reference = staticmethod(np.negative)

    saved_inputs = saved_outputs = reads_nothing

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy

    backward_data = backward


class Pow(Function):
    """y = x0 ** x1;  dy/dx0 = x1 x0^(x1-1) (0 where x1 = 0 and x0^-1 is not finite: x0
    zero, subnormal or NaN; and everywhere for a constant x1 = 0),
    dy/dx1 = y log x0 (0 where x0 = 0 and x1 >= 0): PyTorch's values at those points, where
    the plain formulas give 0 * inf = nan"""

    input_specs = (Spec(elements="positive"), Spec(broadcast=0))
    reference = staticmethod(np.power)

    def forward(self, x0, x1):
        return x0 ** x1

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        gx0 = gx1 = None
        if need0 and not x1.requires_grad and not x1.data.any():
            # x0 ** 0, also met as the (n+1)-th derivative of x0 ** n: exactly 0, as PyTorch's
            # (0 x0^-1 is nan where x0^-1 overflows, at tiny x0; 0 x0 at infinite x0), and
            # still a function of x0 whose own derivatives are 0 (the next order asks)
            gx0 = zero_gradient(x0)
        elif need0:
            at = x1.data == 0  # (x1 is usually a scalar: test it before x0)
            if at.any():  # x0^(x1 - 1 + 1) = 1 where x0^-1 is inf or nan, then masked
                at = at & _no_finite_reciprocal(x0.data)
            gx0 = gy * _zero_at(at, gy.dtype, lambda shift: x1 * x0 ** (
                x1 - 1 if shift is None else x1 - 1 + shift))
        if need1:
            at = (x0.data == 0) & (x1.data >= 0)  # log(x0 + 1) = 0 there
            y = self.outputs[0]()
            gx1 = gy * _zero_at(at, gy.dtype, lambda shift: y * log(
                x0 if shift is None else x0 + shift))
        return gx0, gx1


def _no_finite_reciprocal(x):
    """Where 1/x is inf or nan: x = 0, a subnormal x (1/x overflows) or NaN. There x1 x0^-1,
    dy/dx0 at x1 = 0, is 0 * inf = nan, where PyTorch gives 0 (x0 ** 0 = 1 for every x0)."""
    return ~get_array_module(x).isfinite(silently(lambda: 1 / x))


def zero_gradient(x):
    """0 of x's shape, still a function of x (its own derivatives, which a higher order asks
    for, are 0 too): the gradient of x ** 0, also the (n+1)-th derivative of x ** n."""
    everywhere = get_array_module(x.data).ones(x.shape, bool)
    return where(everywhere, 0.0, x)


def _zero_at(at, dtype, formula):
    """formula(shift) with 0 where the boolean array `at` holds. `shift` (1 at those points,
    else 0) moves them off the formula's singularity, so that neither this value nor its own
    derivatives (create_graph) compute 0 * inf = nan. The common case, `at` nowhere, is
    formula(None) after one test."""
    if not at.any():
        return formula(None)
    shift = wrap(at.astype(dtype), False)
    return where(at, 0.0, formula(shift))


def add(x0, x1):
    return Add()(x0, x1)


def sub(x0, x1):
    return Sub()(x0, x1)


def mul(x0, x1):
    return Mul()(x0, x1)


def div(x0, x1, *, rounding_mode=None):
    """x0 / x1; PyTorch's rounding_mode 'floor' or 'trunc' as the method x0.div takes it."""
    if rounding_mode is None:
        return Div()(x0, x1)
    return as_variable(x0, who="div").div(x1, rounding_mode=rounding_mode)


def neg(x):
    return Neg()(x)


def pow(x0, x1):  # noqa: A001  (NumPy's name)
    return Pow()(*promoted(x0, x1))
