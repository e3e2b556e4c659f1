"""The modified Bessel functions of the first kind I0 and I1 on arrays, to float64 precision
with NumPy alone (SciPy is not needed): the autograd ops' (autograd.ops.special).

I0 is NumPy's own (Cephes' Chebyshev expansions). I1(x) = sum_k (x/2)^(2k+1) / (k! (k+1)!),
summed until the terms (all of one sign: no cancellation) fall below float64's resolution of
the sum: about |x| + 40 terms, each relatively exact, so the sum is too. It overflows to
inf past |x| = 713.98, as I0 does. Results come back in the input's float dtype (integers
compute in float64).
"""
import numpy as np

from ..backend import float64_if_integer, get_array_module


def i0(x):
    x = float64_if_integer(x)
    return get_array_module(x).i0(x).astype(x.dtype, copy=False)


def i1(x):
    x = float64_if_integer(x)
    xp = get_array_module(x)
    wide = x.astype(np.float64)
    half = xp.abs(wide) * 0.5
    quarter_square = half * half
    term, total = half.copy(), half.copy()
    with np.errstate(over="ignore", invalid="ignore"):  # (past 713.98: inf, as I0)
        for k in range(_terms(half, xp)):
            term *= quarter_square / ((k + 1) * (k + 2))
            total += term
    return (xp.sign(wide) * total).astype(x.dtype, copy=False)


def _terms(half, xp):
    """Enough terms of the series for the largest |x| / 2 given (none for empty input)."""
    largest = float(xp.max(half)) if half.size else 0.0
    return int(2 * min(largest, 400.0) + 40) if np.isfinite(largest) else 840


__all__ = ["i0", "i1"]
