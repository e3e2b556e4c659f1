"""Hyperbolic and inverse trigonometric functions (torch.sinh ... torch.atan2, torch.hypot).
Each backward is PyTorch's formula, so the boundaries give PyTorch's values: acos at +-1
has gradient -inf, acosh at 1 inf, atan2 at (0, 0) 0 and hypot there NaN."""
import numpy as np

from ..backend import float64_if_integer, get_array_module
from ..function import Function
from ..spec import Spec
from .arithmetic import _zero_at
from .elementwise import cos, sqrt, where
from .math_base import UnaryMath, operands


class Sinh(UnaryMath):
    """y = sinh x;  dy/dx = cosh x"""

    function, reference = "sinh", staticmethod(np.sinh)

    def backward(self, gy):
        return gy * cosh(self.inputs[0])


class Cosh(UnaryMath):
    """y = cosh x;  dy/dx = sinh x"""

    function, reference = "cosh", staticmethod(np.cosh)

    def backward(self, gy):
        return gy * sinh(self.inputs[0])


class Asinh(UnaryMath):
    """y = asinh x;  dy/dx = 1 / sqrt(x^2 + 1)"""

    function, reference = "arcsinh", staticmethod(np.arcsinh)

    def backward(self, gy):
        x = self.inputs[0]
        return gy * _rsqrt(x * x + 1)


class Acosh(UnaryMath):
    """y = acosh x (x >= 1);  dy/dx = 1 / sqrt(x^2 - 1)"""

    function, reference = "arccosh", staticmethod(np.arccosh)
    input_specs = (Spec(elements=(1.2, 3.0)),)

    def backward(self, gy):
        x = self.inputs[0]
        return gy * _rsqrt(x * x - 1)


class Atanh(UnaryMath):
    """y = atanh x (|x| < 1);  dy/dx = 1 / (1 - x^2)"""

    function, reference = "arctanh", staticmethod(np.arctanh)
    input_specs = (Spec(elements=(-0.8, 0.8)),)

    def backward(self, gy):
        x = self.inputs[0]
        return gy / (1 - x * x)


class Asin(UnaryMath):
    """y = asin x (|x| <= 1);  dy/dx = 1 / sqrt(1 - x^2)"""

    function, reference = "arcsin", staticmethod(np.arcsin)
    input_specs = (Spec(elements=(-0.8, 0.8)),)

    def backward(self, gy):
        x = self.inputs[0]
        return gy * _rsqrt(1 - x * x)


class Acos(UnaryMath):
    """y = acos x (|x| <= 1);  dy/dx = -1 / sqrt(1 - x^2)"""

    function, reference = "arccos", staticmethod(np.arccos)
    input_specs = (Spec(elements=(-0.8, 0.8)),)

    def backward(self, gy):
        x = self.inputs[0]
        return gy * -_rsqrt(1 - x * x)


class Atan(UnaryMath):
    """y = atan x;  dy/dx = 1 / (1 + x^2)"""

    function, reference = "arctan", staticmethod(np.arctan)

    def backward(self, gy):
        x = self.inputs[0]
        return gy / (x * x + 1)


class Atan2(Function):
    """y = atan2(x0, x1), the angle of the point (x1, x0);  dy/dx0 = x1 / r^2,
    dy/dx1 = -x0 / r^2 with r^2 = x0^2 + x1^2, both 0 where r^2 is 0 (PyTorch's)"""

    input_specs = (Spec(elements="away_from_zero"), Spec(broadcast=0, elements="away_from_zero"))
    reference = staticmethod(np.arctan2)

    def forward(self, x0, x1):
        return get_array_module(x0).arctan2(float64_if_integer(x0), float64_if_integer(x1))

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        r2 = x0 * x0 + x1 * x1
        # 0 where r^2 is 0 (at the origin, or underflowed), as PyTorch's: not 0 * inf = nan
        scale = _zero_at(r2.data == 0, gy.dtype, lambda shift: gy / (
            r2 if shift is None else r2 + shift))
        return (scale * x1 if need0 else None), (scale * -x0 if need1 else None)


class Hypot(Function):
    """y = sqrt(x0^2 + x1^2) without overflow;  dy/dx0 = x0 / y, dy/dx1 = x1 / y (each in
    [-1, 1], formed first: gy / y, then times x0, overflowed in the second derivative at
    tiny inputs)"""

    input_specs = (Spec(elements="away_from_zero"), Spec(broadcast=0, elements="away_from_zero"))
    reference = staticmethod(np.hypot)

    def forward(self, x0, x1):
        return get_array_module(x0).hypot(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        y = self.outputs[0]()
        return (gy * (x0 / y) if need0 else None), (gy * (x1 / y) if need1 else None)


class Sinc(UnaryMath):
    """y = sin(pi x) / (pi x), 1 at 0;  dy/dx = (cos(pi x) - y) / x, by its series
    -(pi^2 x / 3)(1 - (pi x)^2 / 10 + (pi x)^4 / 280) near 0, where the formula cancels
    (and the series' own derivative is the second derivative's limit there)"""

    function, reference = "sinc", staticmethod(np.sinc)

    def backward(self, gy):
        x = self.inputs[0]
        near = get_array_module(x.data).abs(x.data) < (1e-3 if x.dtype == np.float64 else 0.1)
        apart = where(near, 1.0, x)  # (the formula's denominator, never 0: masked there)
        formula = (cos(np.pi * apart) - self.outputs[0]()) / apart
        t = (np.pi * x) ** 2
        series = x * (-np.pi ** 2 / 3) * (1 - t / 10 + t * t / 280)
        return gy * where(near, series, formula)


def _rsqrt(v):
    """1 / sqrt(v), inf at 0 (PyTorch's rsqrt, which its backward formulas use)."""
    return 1 / sqrt(v)


def sinh(x):
    return Sinh()(x)


def cosh(x):
    return Cosh()(x)


def asinh(x):
    return Asinh()(x)


def acosh(x):
    return Acosh()(x)


def atanh(x):
    return Atanh()(x)


def asin(x):
    return Asin()(x)


def acos(x):
    return Acos()(x)


def atan(x):
    return Atan()(x)


def atan2(input, other):  # noqa: A002 (PyTorch's names)
    """PyTorch's atan2(input, other): the angle of (other, input); integers give float64."""
    return Atan2()(*operands(input, other, "atan2"))


def sinc(input):  # noqa: A002 (PyTorch's names)
    """sin(pi x) / (pi x), 1 at 0 (torch.sinc, NumPy's); integers give float64."""
    return Sinc()(input)


def hypot(input, other):  # noqa: A002 (PyTorch's names)
    """sqrt(input^2 + other^2); floating input only, as PyTorch's."""
    return Hypot()(*operands(input, other, "hypot", floating=True))
