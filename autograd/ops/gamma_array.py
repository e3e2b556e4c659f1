"""log|Gamma|, digamma and the polygamma functions on arrays with NumPy alone (SciPy is not
needed; CuPy arrays work too), to about 1e-15 absolute / relative away from their zeros.

x >= 0:  the recurrences Gamma(z + 1) = z Gamma(z) and psi^(n)(z + 1) = psi^(n)(z) +
         (-1)^n n! / z^(n+1) move z up to `_start(n)` (12 + n), where the Stirling series
         (Bernoulli numbers B2 .. B16) is below 1e-16 relative.
x < 0:   the reflections Gamma(x) Gamma(1 - x) = pi / sin(pi x) and psi^(n)(x) =
         (-1)^n psi^(n)(1 - x) - pi d^n/dx^n cot(pi x), the derivatives of the cotangent as
         polynomials in it (d/dx P(cot) = -pi (1 + cot^2) P'(cot)), the angle reduced exactly.
Poles as PyTorch's: lgamma is inf at 0 and the negative integers; digamma -inf at 0, +inf at
-0 and NaN at the negative integers; psi^(n) (n >= 1) the limit from the right there.
Work runs in float64; results come back in the input's float dtype (integers: float64).
"""
import functools
import math

import numpy as np

from ..backend import get_array_module

_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def lgamma(x):
    """log |Gamma(x)|, elementwise."""
    xp, x, dtype = _float64(x)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        reflect = x < 0
        z = xp.where(reflect, 1 - x, x)
        z, product = _shifted(z, 12, lambda p, z: p * z, xp.ones_like(z))
        # Stirling: (z - 1/2) log z - z + log(2 pi)/2 + sum B2k / (2k (2k - 1) z^(2k - 1))
        inverse = 1 / z
        series = _series(inverse * inverse, [b / (2 * k * (2 * k - 1)) for k, b in
                                             enumerate(_BERNOULLI, 1)]) * inverse
        value = (z - 0.5) * xp.log(z) - z + _HALF_LOG_2PI + series - xp.log(product)
        reflected = math.log(math.pi) - xp.log(xp.abs(_sin_pi(x))) - value
        y = xp.where(reflect, reflected, value)
        # exactly 0 at its zeros, where the last subtraction leaves some 1e-15: a log or a
        # division after it would turn that into -33 or 1e14, where -inf and inf are right
        y = xp.where((x == 1) | (x == 2), 0.0, y)
    return xp.where(xp.isinf(x), np.inf, y).astype(dtype, copy=False)


def polygamma(n, x):
    """The n-th derivative of digamma (n = 0: digamma itself), elementwise."""
    xp, x, dtype = _float64(x)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        reflect = x < 0
        z = xp.where(reflect, 1 - x, x)
        z, total = _shifted(z, _start(n), lambda s, z: s + z ** -(n + 1), xp.zeros_like(z))
        value = _asymptotic(n, z, xp) - (-1) ** n * math.factorial(n) * total
        cot = 1 / xp.tan(math.pi * _reduced(x))
        cot_derivative = _series(cot, _cot_derivative_coefficients(n)) * math.pi ** n
        reflected = (-1) ** n * value - math.pi * cot_derivative
        y = xp.where(reflect, reflected, value)
        pole = reflect & (x == xp.floor(x)) & xp.isfinite(x)
        y = xp.where(pole, np.nan if n == 0 else (-1) ** (n + 1) * np.inf, y)
    return y.astype(dtype, copy=False)


def digamma(x):
    """d/dx log Gamma(x), elementwise."""
    return polygamma(0, x)


def _float64(x):
    """(array module, x in float64, the dtype to return)."""
    xp = get_array_module(x)
    x = xp.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    return xp, x.astype(np.float64), dtype


def _shifted(z, start, accumulate, total):
    """(z moved up by whole steps to at least `start`, the accumulated terms of each z
    passed): total = accumulate(total, z) at every step, for z >= 0 (NaN stays)."""
    xp = get_array_module(z)
    for _ in range(start):
        low = z < start
        total = xp.where(low, accumulate(total, z), total)
        z = xp.where(low, z + 1, z)
    return z, total


def _start(n):
    """Where the asymptotic series of psi^(n) is accurate: its error grows with n."""
    return 12 + n


def _asymptotic(n, z, xp):
    """psi^(n)(z) for large z: log z - 1/(2z) - sum B2k / (2k z^2k) for n = 0, else
    (-1)^(n+1) [(n-1)!/z^n + n!/(2 z^(n+1)) + sum B2k (2k+n-1)! / ((2k)! z^(2k+n))]."""
    inverse = 1 / z
    square = inverse * inverse
    if n == 0:
        series = _series(square, [b / (2 * k) for k, b in enumerate(_BERNOULLI, 1)]) * square
        return xp.log(z) - 0.5 * inverse - series
    terms = [b * math.factorial(2 * k + n - 1) / math.factorial(2 * k)
             for k, b in enumerate(_BERNOULLI, 1)]
    series = _series(square, terms) * square
    head = math.factorial(n - 1) + 0.5 * math.factorial(n) * inverse
    return (-1) ** (n + 1) * (head + series) * inverse ** n


def _series(t, coefficients):
    """sum_k c_k t^k for k = 0 .. (coefficients c_0 first), by Horner's rule."""
    total = 0.0
    for c in reversed(coefficients):
        total = total * t + c
    return total


@functools.cache
def _cot_derivative_coefficients(n):
    """P_n with d^n/du^n cot(u) = P_n(cot u), lowest power first: P_0(c) = c,
    P_(k+1)(c) = -(1 + c^2) P_k'(c)."""
    p = np.polynomial.Polynomial([0.0, 1.0])
    for _ in range(n):
        p = -np.polynomial.Polynomial([1.0, 0.0, 1.0]) * p.deriv()
    return tuple(p.coef.tolist())


def _reduced(x):
    """x minus its nearest integer (exact): sin(pi x) and cot(pi x) from it keep their
    digits where pi x would have lost them."""
    return x - get_array_module(x).round(x)


def _sin_pi(x):
    return get_array_module(x).sin(math.pi * _reduced(x))


__all__ = ["lgamma", "digamma", "polygamma"]
