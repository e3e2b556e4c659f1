"""inv, det, slogdet, logdet and cholesky (autograd/ops/matrix_functions.py) against NumPy,
batched, and their errors (the property tests check every gradient to second order)."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable

RNG = np.random.default_rng(0)
_M = RNG.normal(size=(2, 3, 3))
SPD = _M @ _M.swapaxes(1, 2) + 3 * np.eye(3)


def test_values_are_numpys_for_a_batch():
    a = Variable(SPD)
    np.testing.assert_allclose(ag.inv(a).data, np.linalg.inv(SPD), rtol=1e-12)
    np.testing.assert_allclose(ag.det(a).data, np.linalg.det(SPD), rtol=1e-12)
    sign, log_abs = ag.slogdet(-a)
    np.testing.assert_array_equal(sign.data, np.linalg.slogdet(-SPD)[0])
    np.testing.assert_allclose(log_abs.data, np.linalg.slogdet(-SPD)[1], rtol=1e-12)
    assert np.isnan(ag.logdet(-a[0]).data)  # (det < 0: torch.logdet's NaN)
    np.testing.assert_allclose(ag.cholesky(a).data, np.linalg.cholesky(SPD), rtol=1e-12)
    np.testing.assert_allclose(ag.cholesky(a, upper=True).data,
                               np.linalg.cholesky(SPD).swapaxes(1, 2), rtol=1e-12)
    assert ag.inv(Variable(SPD.astype(np.float32))).dtype == np.float32


def test_the_symmetric_gradient_of_cholesky_is_the_one_of_a_symmetric_input():
    ag.gradcheck(lambda x: ag.cholesky((x + ag.swapaxes(x, -1, -2)) * 0.5), Variable(SPD))


@pytest.mark.parametrize("call, message", [
    (lambda: ag.inv(np.zeros((2, 2))), r"inv: the matrix of shape \(2, 2\) is singular"),
    (lambda: ag.cholesky(-np.ones((2, 2, 2)) - np.eye(2)),
     r"cholesky: a matrix of the batch of shape \(2, 2, 2\) is not positive definite"),
    (lambda: ag.logdet(np.ones((2, 3))), "logdet: expected a square matrix"),
    (lambda: ag.det(np.ones((2, 2), np.int64)), "det: expected floating-point values"),
    (lambda: ag.det(Variable(np.ones((2, 2)), requires_grad=True)).backward(),
     r"det: no gradient at a singular matrix \(shape \(2, 2\)\)"),
])
def test_what_cannot_be_computed_is_refused_by_name(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_floor_divide_of_an_empty_dividend_by_zero_is_empty_as_numpys():
    assert ag.floor_divide(np.zeros(0, np.int64), 0).shape == (0,)
