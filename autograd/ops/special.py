"""Special functions (torch.erf, erfc, erfinv, lgamma, digamma, polygamma) on the NumPy
implementations of erf_array.py and gamma_array.py (SciPy is not needed). Integer input
computes in float64. Backward formulas are PyTorch's: erfinv's gradient is inf at +-1."""
import math

from ..function import Function
from ..spec import Choice, Spec
from . import erf_array, gamma_array
from .elementwise import exp
from .erf_array import TWO_OVER_ROOT_PI
from .validation import integer


class Erf(Function):
    """y = erf x;  dy/dx = 2/sqrt(pi) e^(-x^2)"""

    input_specs = (Spec(),)
    reference = "autograd.testing.references:erf"

    def forward(self, x):
        return erf_array.erf(x)

    def backward(self, gy):
        x = self.inputs[0]
        return gy * (exp(-(x * x)) * TWO_OVER_ROOT_PI)


class Erfc(Function):
    """y = erfc x = 1 - erf x (to full precision where it is tiny);
    dy/dx = -2/sqrt(pi) e^(-x^2)"""

    input_specs = (Spec(),)
    reference = "autograd.testing.references:erfc"

    def forward(self, x):
        return erf_array.erfc(x)

    def backward(self, gy):
        x = self.inputs[0]
        return gy * (exp(-(x * x)) * -TWO_OVER_ROOT_PI)


class Erfinv(Function):
    """y = erf^-1 x (|x| <= 1);  dy/dx = sqrt(pi)/2 e^(y^2)"""

    input_specs = (Spec(elements=(-0.9, 0.9)),)
    reference = "autograd.testing.references:erfinv"

    def forward(self, x):
        return erf_array.erfinv(x)

    def backward(self, gy):
        y = self.outputs[0]()
        return gy * (exp(y * y) * (math.sqrt(math.pi) / 2))


class Lgamma(Function):
    """y = log |Gamma(x)|;  dy/dx = digamma(x)"""

    input_specs = (Spec(elements="positive"),)
    reference = "autograd.testing.references:lgamma"

    def forward(self, x):
        return gamma_array.lgamma(x)

    def backward(self, gy):
        return gy * digamma(self.inputs[0])


class Polygamma(Function):
    """y = psi^(n)(x), the n-th derivative of digamma (n = 0: digamma, d/dx log Gamma);
    dy/dx = psi^(n+1)(x)"""

    input_specs = (Spec(elements="positive"),)
    arg_specs = {"n": Choice(0, 1, 2)}
    apply = staticmethod(lambda x, n: Polygamma(n)(x))
    reference = "autograd.testing.references:polygamma"

    def __init__(self, n):
        self.n = n

    @property
    def name(self):
        return "digamma" if self.n == 0 else "polygamma"

    def forward(self, x):
        return gamma_array.polygamma(self.n, x)

    def backward(self, gy):
        return gy * Polygamma(self.n + 1)(self.inputs[0])


def erf(x):
    return Erf()(x)


def erfc(x):
    return Erfc()(x)


def erfinv(x):
    """erf^-1 x: +-inf at +-1, NaN outside [-1, 1]."""
    return Erfinv()(x)


def lgamma(x):
    """log |Gamma(x)|: inf at 0 and the negative integers."""
    return Lgamma()(x)


def digamma(x):
    """d/dx log Gamma(x) (PyTorch's at the poles: -inf at 0, inf at -0, NaN at the
    negative integers)."""
    return Polygamma(0)(x)


def polygamma(n, input):  # noqa: A002 (PyTorch's names)
    """The n-th derivative of digamma (torch.polygamma(n, input)), n >= 0."""
    n = integer(n, "n", "polygamma")
    if n < 0:
        raise ValueError(f"polygamma: n must be a non-negative integer, got {n}")
    return Polygamma(n)(input)
