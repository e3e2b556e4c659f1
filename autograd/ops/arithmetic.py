"""Arithmetic: + - * / ** and negation. Broadcast gradients are reduced by the engine."""
from ..function import Function
from .elementwise import log


class Add(Function):
    """y = x0 + x1"""

    def forward(self, x0, x1):
        return x0 + x1

    def backward(self, gy):
        return gy, gy


class Sub(Function):
    """y = x0 - x1"""

    def forward(self, x0, x1):
        return x0 - x1

    def backward(self, gy):
        return gy, -gy if self.needs_input_grad[1] else None


class Mul(Function):
    """y = x0 * x1"""

    def forward(self, x0, x1):
        return x0 * x1

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        return (gy * x1 if need0 else None), (gy * x0 if need1 else None)


class Div(Function):
    """y = x0 / x1"""

    def forward(self, x0, x1):
        return x0 / x1

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        gx0 = gy / x1 if need0 else None
        gx1 = -gy * x0 / (x1 * x1) if need1 else None
        return gx0, gx1


class Neg(Function):
    """y = -x"""

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


class Pow(Function):
    """y = x0 ** x1;  dy/dx0 = x1 x0^(x1-1),  dy/dx1 = y log x0"""

    def forward(self, x0, x1):
        return x0 ** x1

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        gx0 = gy * x1 * x0 ** (x1 - 1) if need0 else None
        gx1 = gy * self.outputs[0]() * log(x0) if need1 else None
        return gx0, gx1


def add(x0, x1):
    return Add()(x0, x1)


def sub(x0, x1):
    return Sub()(x0, x1)


def mul(x0, x1):
    return Mul()(x0, x1)


def div(x0, x1):
    return Div()(x0, x1)


def neg(x):
    return Neg()(x)


def pow(x0, x1):  # noqa: A001  (NumPy's name)
    return Pow()(x0, x1)
