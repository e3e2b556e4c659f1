"""Special functions (torch.erf, erfc, erfinv, lgamma, digamma, polygamma, and
torch.special's i0 and i1) on the NumPy implementations of erf_array.py, gamma_array.py and
bessel_array.py (SciPy is not needed). Integer input
computes in float64. Backward formulas are PyTorch's: erfinv's gradient is inf at +-1."""
import math

from ..function import Function
from ..spec import Choice, Spec
from . import bessel_array, erf_array, gamma_array
from .comparison import less
from .elementwise import abs, exp, where  # noqa: A004 (the op)
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


class I0(Function):
    """y = I0(x), the modified Bessel function of the first kind of order 0; dy/dx = I1(x)"""

    input_specs = (Spec(),)

    def forward(self, x):
        return bessel_array.i0(x)

    def backward(self, gy):
        return gy * I1()(self.inputs[0])


class I1(Function):
    """y = I1(x), of order 1; dy/dx = I0(x) - I1(x) / x, its series for |x| < 1 (1/2 at 0)"""

    input_specs = (Spec(),)

    def forward(self, x):
        return bessel_array.i1(x)

    def backward(self, gy):
        x, y = self.inputs[0], self.outputs[0]()
        y = I1()(x) if y is None else y  # (the caller dropped it)
        # Near 0, I0(x) - y / x cancels: its value holds, but its own derivative subtracts
        # two terms of size 1 / (2x) (0.02 at x = 1e-14, for 3x / 8), and higher orders
        # worse. There the series, a polynomial, differentiates exactly.
        near = less(abs(x), 1.0)
        inside, outside = where(near, x, 0.0), where(near, 1.0, x)
        return gy * where(near, _i1_slope_series(inside), I0()(x) - y / outside)


# I0(x) - I1(x) / x = sum_k (2k + 1) / ((2k + 2) k!^2) (x / 2)^(2k): 11 terms reach float64's
# resolution for |x| < 1 (the next one is below 1e-21)
_I1_SLOPE_COEFFICIENTS = tuple((2 * k + 1) / ((2 * k + 2) * math.factorial(k) ** 2)
                               for k in range(11))


def _i1_slope_series(x):
    """I1's derivative by its series (Horner's rule in t = x^2 / 4), a Variable of x."""
    t = x * x * 0.25
    total = _I1_SLOPE_COEFFICIENTS[-1] + t * 0.0
    for coefficient in reversed(_I1_SLOPE_COEFFICIENTS[:-1]):
        total = total * t + coefficient
    return total


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


def i0(input):  # noqa: A002 (PyTorch's name)
    """torch.special.i0: the modified Bessel function of the first kind of order 0."""
    return I0()(input)


def i1(input):  # noqa: A002 (PyTorch's name)
    """torch.special.i1: the modified Bessel function of the first kind of order 1."""
    return I1()(input)


def polygamma(n, input):  # noqa: A002 (PyTorch's names)
    """The n-th derivative of digamma (torch.polygamma(n, input)), n >= 0."""
    n = integer(n, "n", "polygamma")
    if n < 0:
        raise ValueError(f"polygamma: n must be a non-negative integer, got {n}")
    return Polygamma(n)(input)
