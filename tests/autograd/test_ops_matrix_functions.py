"""inv, det, slogdet, logdet and cholesky (autograd/ops/matrix_functions.py) against NumPy,
batched, and their errors (the property tests check every gradient to second order)."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable
from autograd.ops.matrix_functions import Cofactor, Det
from autograd.testing import Example, check_example

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
    (lambda: ag.slogdet(Variable(np.ones((2, 2))))[1].backward(),
     r"slogdet: no gradient at a singular matrix"),
])
def test_what_cannot_be_computed_is_refused_by_name(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_floor_divide_of_an_empty_dividend_by_zero_is_empty_as_numpys():
    assert ag.floor_divide(np.zeros(0, np.int64), 0).shape == (0,)


def _numerical_det_gradient(a, h=1e-6):
    grad = np.zeros_like(a)
    for index in np.ndindex(a.shape):
        step = np.zeros_like(a)
        step[index] = h
        grad[index] = (np.linalg.det(a + step).sum() - np.linalg.det(a - step).sum()) / (2 * h)
    return grad


@pytest.mark.parametrize("a", [
    np.ones((2, 2)), np.arange(9.0).reshape(3, 3), np.zeros((3, 3)), np.zeros((1, 1)),
    np.stack([np.outer([1.0, 2, 3], [4.0, -5, 6]), RNG.normal(size=(3, 3))]),  # rank 1, full
    np.diag([2.0, 3.0, 0.0, 5.0]),
], ids=["ones", "rank-2", "zero", "zero-1x1", "batch-rank-1-and-full", "diagonal-rank-3"])
def test_the_gradient_of_det_at_a_singular_matrix_is_the_cofactor_matrix(a):
    """det is a polynomial: its gradient, the cofactor matrix, exists everywhere (PyTorch's
    too); at a singular matrix it cannot be det A A^-T."""
    x = Variable(a, requires_grad=True)
    ag.det(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, _numerical_det_gradient(a), atol=1e-8)
    if a.shape == (4, 4):  # the only nonzero cofactor of diag(2, 3, 0, 5): 2 * 3 * 5
        np.testing.assert_array_equal(np.abs(x.grad.data) > 1e-12, np.eye(4) * [0, 0, 1, 0])
        assert np.isclose(x.grad.data[2, 2], 30.0)


def _numerical_det_hessian(a, h=1e-4):
    """d^2 det / dA_ij dA_kl by central differences of the cofactor matrix (exact: det is a
    polynomial of degree n, the cofactors of degree n - 1; steps of 1e-4 leave 1e-8)."""
    hessian = np.zeros(a.shape + a.shape)
    for index in np.ndindex(a.shape):
        step = np.zeros_like(a)
        step[index] = h
        hessian[(...,) + index] = (Cofactor()(Variable(a + step)).data
                                   - Cofactor()(Variable(a - step)).data) / (2 * h)
    return hessian


@pytest.mark.parametrize("a", [
    np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([[1.0, 2, 3], [2, 4, 6], [1, 0, 1]]),
    np.zeros((3, 3)), np.outer([1.0, 2, 3], [4.0, -5, 6]), np.diag([2.0, 3.0, 0.0, 5.0]),
    np.diag([1e-9, 1.0, 2.0]), RNG.normal(size=(3, 3)),
], ids=["rank-1-2x2", "rank-2", "zero", "rank-1", "diagonal-rank-3", "nearly-singular",
        "invertible"])
def test_the_second_derivative_of_det_is_exact_at_singular_matrices_too(a):
    """(It was refused there: it was made of A^-1. PyTorch's Hessian at the zero 3x3 is NaN;
    det's is 0.)"""
    x = Variable(a)
    (first,) = ag.grad(ag.det(x), x, create_graph=True)
    hessian = np.stack([ag.grad(first[index], x)[0].data for index in np.ndindex(a.shape)])
    np.testing.assert_allclose(hessian.reshape(a.shape + a.shape),
                               _numerical_det_hessian(a), atol=1e-7)


def test_the_third_derivative_of_det_at_a_singular_matrix_is_refused_by_name():
    x = Variable(np.array([[1.0, 2.0], [2.0, 4.0]]))
    (first,) = ag.grad(ag.det(x), x, create_graph=True)
    (second,) = ag.grad(first.sum(), x, create_graph=True)
    with pytest.raises(NotImplementedError, match=r"det: its third derivative at a \(nearly\) "
                                                  r"singular matrix \(shape \(2, 2\)\)"):
        ag.grad(second.sum(), x)


def test_the_cofactor_matrix_of_an_invertible_one_is_det_times_the_inverse_transposed():
    cofactor = Cofactor()(Variable(SPD)).data
    expected = np.linalg.det(SPD)[:, None, None] * np.linalg.inv(SPD).swapaxes(1, 2)
    np.testing.assert_allclose(cofactor, expected, rtol=1e-10)
    assert Cofactor()(Variable(np.zeros((0, 0)))).shape == (0, 0)
    assert Cofactor()(Variable(SPD.astype(np.float32))).dtype == np.float32


def test_the_cofactor_matrix_does_not_overflow_where_det_does_not():
    """(The running products of the singular values overflowed float32: NaN everywhere.)"""
    x = Variable(np.diag([1e20, 1e20, 1e-20, 1e-20]).astype(np.float32), requires_grad=True)
    ag.det(x).backward()
    np.testing.assert_allclose(np.diag(x.grad.data), [1e-20, 1e-20, 1e20, 1e20], rtol=1e-5)


def test_the_declared_check_of_det_holds_where_a_cofactor_is_small():
    """(det's check took det(10 I + a), about 1e4: the central difference's rounding, over
    1e-5, exceeded gradcheck's atol where a cofactor is small; found by the `dev` profile.)"""
    a = np.zeros((4, 4))
    a[1, 2] = -4.39150654e-06
    check_example(Det, Example(inputs=[a]))
