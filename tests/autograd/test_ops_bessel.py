"""The modified Bessel functions i0 and i1 (autograd/ops/special.py, bessel_array.py)
against reference values, and their gradients to second order."""
import numpy as np

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
