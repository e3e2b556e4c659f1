"""A Variable and a number: `x + 1`, `2 * x`, `1 - x`, `x / n`, `1 / x`, `x ** 2`.

The operators send a Python (or NumPy) number here rather than to the two-input ops, as
PyTorch's `mul.Scalar` overloads do: the number is a setting of the op, not an input, so
forward records one input and backward routes one gradient (no constant to flag as not
wanting one, and no None to skip), which is a third of the engine's work on a chain of
scalar steps. `c` is the 0-d array of x's dtype that autograd.function.scalar_constant
caches (NumPy 2's rule for a Python number beside an array), or a plain number.
"""
from ..backend import get_array_module
from ..function import Function
from ..spec import Choice, Spec
from .arithmetic import zero_gradient


class _WithNumber(Function):
    """An op of one Variable and the number `c` it holds."""

    input_specs = (Spec(),)
    arg_specs = {"c": Choice(2.0, -0.5, 3)}

    def __init__(self, c):
        self.c = c

    @property
    def label(self):
        """What a graph's box reads: the op and its number (DeZero drew the number as a
        constant input)."""
        return f"{type(self).__name__}({float(self.c):g})"


class AddScalar(_WithNumber):
    """y = x + c"""

    reference = staticmethod(lambda x, c: x + c)
    backward_reads_forward = backward_reads_inputs = False

    def forward(self, x):
        return x + self.c

    def backward(self, gy):
        return gy

    backward_data = backward


class SubScalar(AddScalar):
    """y = x - c"""

    reference = staticmethod(lambda x, c: x - c)
    backward_reads_forward = backward_reads_inputs = False  # (its own forward: said again)

    def forward(self, x):
        return x - self.c


class RSubScalar(_WithNumber):
    """y = c - x"""

    reference = staticmethod(lambda x, c: c - x)
    backward_reads_forward = backward_reads_inputs = False

    def forward(self, x):
        return self.c - x

    def backward(self, gy):
        return -gy

    backward_data = backward


class MulScalar(_WithNumber):
    """y = c x"""

    reference = staticmethod(lambda x, c: x * c)
    backward_reads_forward = backward_reads_inputs = False

    def forward(self, x):
        return x * self.c

    def backward(self, gy):
        return MulScalar(self.c)(gy)

    def backward_data(self, gy):
        return gy * self.c


class DivScalar(_WithNumber):
    """y = x / c"""

    reference = staticmethod(lambda x, c: x / c)
    backward_reads_forward = backward_reads_inputs = False

    def forward(self, x):
        return x / self.c

    def backward(self, gy):
        return DivScalar(self.c)(gy)

    def backward_data(self, gy):
        return gy / self.c


class RDivScalar(_WithNumber):
    """y = c / x;  dy/dx = -(c / x) / x (as Div's, in that order)"""

    input_specs = (Spec(elements="nonzero"),)
    reference = staticmethod(lambda x, c: c / x)
    backward_reads_forward = False

    def forward(self, x):
        return self.c / x

    def backward(self, gy):
        x = self.inputs[0]
        return -gy * (RDivScalar(self.c)(x) / x)

    def backward_data(self, gy):
        x = self.inputs[0].data
        return -gy * (self.c / x / x)


class PowScalar(_WithNumber):
    """y = x ** c;  dy/dx = c x^(c-1), and exactly 0 for c = 0 (PyTorch's; the formula gives
    0 * inf = nan at x = 0)"""

    input_specs = (Spec(elements="positive"),)
    arg_specs = {"c": Choice(2.0, 3, 0.5, -1.5, 0.0)}
    reference = staticmethod(lambda x, c: x ** c)
    backward_reads_forward = False

    def forward(self, x):
        return x ** self.c

    def backward(self, gy):
        x = self.inputs[0]
        if not self.c:
            return zero_gradient(x)
        return gy * MulScalar(self.c)(PowScalar(self.c - 1)(x))

    def backward_data(self, gy):
        x = self.inputs[0].data
        if not self.c:
            return get_array_module(gy).zeros_like(gy)
        return gy * (self.c * x ** (self.c - 1))


__all__ = ["AddScalar", "SubScalar", "RSubScalar", "MulScalar", "DivScalar", "RDivScalar",
           "PowScalar"]
