"""The modified Bessel functions i0 and i1 (autograd/ops/special.py, bessel_array.py)
against reference values, and their gradients to second order."""
import math

import numpy as np
import pytest

import autograd as ag
from autograd import Variable


def test_bessel_i0_and_i1_are_exact_and_differentiable_to_second_order():
    """(Against values to 15 digits; I1 by its series, I0 NumPy's.)"""
    x = np.array([0.0, 0.5, -2.0, 7.0, 50.0])
    np.testing.assert_allclose(ag.i0(x).data, np.i0(x), rtol=1e-14)
    expected_i1 = [0.0, 0.2578943053908963, -1.5906368546373291, 156.03909286995534,
                   2.903078590103557e20]
    np.testing.assert_allclose(ag.i1(x).data, expected_i1, rtol=1e-14)
    assert ag.i1(np.array([800.0])).data[0] == np.inf and ag.i1(np.arange(2)).dtype == np.float64
    small = Variable(x[:4].copy())
    for f in (ag.i0, ag.i1):
        ag.gradcheck(f, small)
        ag.gradgradcheck(f, small)


@pytest.mark.parametrize("x", [1.942253959446358e-14, 1e-10, 1e-8, 1e-3, 0.5, 0.999, 1.0,
                               1.001, -0.7])
def test_i1_second_and_third_derivatives_near_zero_are_the_series(x):
    # I0(x) - I1(x)/x cancels two terms of size 1/(2x) when differentiated: the second
    # derivative at 1.9e-14 was 0.0234 (3x/8 = 7.3e-15); below |x| = 1 the series is used
    v = ag.Variable(np.array(x))
    slope, = ag.grad([ag.i1(v)], [v], create_graph=True)
    second, = ag.grad([slope], [v], create_graph=True)
    third, = ag.grad([second], [v])
    series = sum((2 * k + 1) * (2 * k) / ((2 * k + 2) * math.factorial(k) ** 2)
                 * (x / 2) ** (2 * k - 1) / 2 for k in range(1, 12))
    np.testing.assert_allclose(second.data, series, rtol=1e-12, atol=1e-300)
    if abs(x) < 1e-3:  # (the third derivative's limit at 0: 3/8)
        np.testing.assert_allclose(third.data, 0.375, rtol=1e-6)
    assert ag.gradgradcheck(ag.i1, np.array([x]))
