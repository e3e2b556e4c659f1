"""Logarithms and exponentials to other bases, x log y, the logit and log-sums of two
(torch.log2, log10, exp2, xlogy, logit, logaddexp, logaddexp2). Backward formulas are
PyTorch's, so edge points give its values."""
import math

import numpy as np

from ..backend import float64_if_integer, get_array_module
from ..function import Function
from ..spec import Choice, Spec
from .elementwise import sigmoid, where
from .math_base import UnaryMath, operands
from .validation import real_scalar

_LN2, _LN10 = math.log(2), math.log(10)


class Log2(UnaryMath):
    """y = log2 x;  dy/dx = 1 / (x ln 2)"""

    function, reference = "log2", staticmethod(np.log2)
    input_specs = (Spec(elements="positive"),)

    def backward(self, gy):
        return gy / (self.inputs[0] * _LN2)


class Log10(UnaryMath):
    """y = log10 x;  dy/dx = 1 / (x ln 10)"""

    function, reference = "log10", staticmethod(np.log10)
    input_specs = (Spec(elements="positive"),)

    def backward(self, gy):
        return gy / (self.inputs[0] * _LN10)


class Exp2(UnaryMath):
    """y = 2^x;  dy/dx = y ln 2"""

    function, reference = "exp2", staticmethod(np.exp2)

    def backward(self, gy):
        return gy * self.outputs[0]() * _LN2


class Xlogy(Function):
    """y = x0 log x1, 0 where x0 = 0 (unless x1 is NaN);  dy/dx0 = log x1, 0 where x0 = 0
    and x1 <= 0; dy/dx1 = x0 / x1 (PyTorch's)"""

    input_specs = (Spec(), Spec(broadcast=0, elements="positive"))
    reference = staticmethod(lambda x0, x1: x0 * np.log(x1))

    def forward(self, x0, x1):
        x0, x1 = float64_if_integer(x0), float64_if_integer(x1)
        xp = get_array_module(x0)
        with np.errstate(divide="ignore", invalid="ignore"):  # log 0, 0 * inf: masked
            y = x0 * xp.log(x1)
        return xp.where((x0 == 0) & ~xp.isnan(x1), xp.zeros((), y.dtype), y)

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        gx0 = None
        if need0:  # xlogy(gy, x1): 0 where gy is, even at x1 = 0 (log 0 = -inf)
            gx0 = where((x0.data == 0) & (x1.data <= 0), 0.0, xlogy(gy, x1))
        gx1 = gy * x0 / x1 if need1 else None
        return gx0, gx1


class Logit(Function):
    """y = log(z / (1 - z)), z = x clamped to [eps, 1 - eps] when eps is given;
    dy/dx = 1 / (x (1 - x)), 0 outside [eps, 1 - eps], NaN outside [0, 1] without eps
    (PyTorch's)"""

    input_specs = (Spec(elements="unit"),)
    arg_specs = {"eps": Choice(None, 0.1)}
    reference = staticmethod(lambda x, eps: _logit_array(x, eps))

    def __init__(self, eps=None):
        self.eps = eps

    def forward(self, x):
        return _logit_array(float64_if_integer(x), self.eps)

    def backward(self, gy):
        x = self.inputs[0]
        if self.eps is None:  # NaN outside [0, 1], as PyTorch's (the formula is finite)
            outside = (x.data < 0) | (x.data > 1)
            return where(outside, np.nan, gy / (x * (1 - x)))
        outside = (x.data < self.eps) | (x.data > 1 - self.eps)
        # 1/2 in place of the clamped points: their masked branch then has finite
        # derivatives (at x = 0 or 1 its own would be inf * 0 = nan in a second order)
        z = where(outside, 0.5, x)
        return where(outside, 0.0, gy / (z * (1 - z)))


class LogAddExp(Function):
    """y = log_b(b^x0 + b^x1) without overflow (base e, or 2);  dy/dx0 = sigmoid((x0 - x1) ln b),
    dy/dx1 = sigmoid((x1 - x0) ln b)"""

    input_specs = (Spec(), Spec(broadcast=0))
    arg_specs = {"base2": Choice(False, True)}
    reference = staticmethod(lambda x0, x1, base2: (np.logaddexp2 if base2 else np.logaddexp)(
        x0, x1))

    def __init__(self, base2=False):
        self.base2 = base2

    def forward(self, x0, x1):
        xp = get_array_module(x0)
        combine = xp.logaddexp2 if self.base2 else xp.logaddexp
        return combine(float64_if_integer(x0), float64_if_integer(x1))

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        scale = _LN2 if self.base2 else 1.0
        return (gy * sigmoid((x0 - x1) * scale) if need0 else None,
                gy * sigmoid((x1 - x0) * scale) if need1 else None)


def _logit_array(x, eps):
    xp = get_array_module(x)
    if eps is not None:  # (PyTorch's order: below eps is eps, then above 1 - eps is 1 - eps,
        # which differ from clip's where eps > 0.5)
        x = xp.where(x < eps, eps, xp.where(x > 1 - eps, 1 - eps, x)).astype(x.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):  # -inf at 0, inf at 1, nan outside
        return xp.log(x / (1 - x))


def log2(x):
    return Log2()(x)


def log10(x):
    return Log10()(x)


def exp2(x):
    return Exp2()(x)


def xlogy(input, other):  # noqa: A002 (PyTorch's names)
    """input * log(other), 0 where input is 0 (torch.xlogy); integers give float64."""
    return Xlogy()(*operands(input, other, "xlogy"))


def logaddexp(input, other):  # noqa: A002 (PyTorch's names)
    """log(e^input + e^other), without overflow (torch.logaddexp, NumPy's)."""
    return LogAddExp()(*operands(input, other, "logaddexp"))


def logaddexp2(input, other):  # noqa: A002 (PyTorch's names)
    """log2(2^input + 2^other), without overflow (torch.logaddexp2, NumPy's)."""
    return LogAddExp(base2=True)(*operands(input, other, "logaddexp2"))


def logit(input, eps=None):  # noqa: A002 (PyTorch's names)
    """log(p / (1 - p)), p clamped to [eps, 1 - eps] when eps is given (torch.logit)."""
    return Logit(None if eps is None else real_scalar(eps, "eps", "logit"))(input)
