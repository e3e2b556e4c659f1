"""solve (torch.linalg.solve): values and gradients against torch for batches, broadcast
batch axes, a vector right-hand side and both float dtypes; numerical second order; the
normal equations of a least-squares fit; the errors."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable
from autograd.testing import assert_gradients_match

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("a_shape, b_shape", [((4, 4), (4, 3)), ((2, 3, 3), (2, 3, 2)),
                                              ((2, 3, 3), (3, 1)), ((5, 5), (5,)),
                                              ((1, 1), (1, 4))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_torch(a_shape, b_shape, dtype):
    rng = np.random.default_rng(0)
    a = (rng.standard_normal(a_shape) + 3 * np.eye(a_shape[-1])).astype(dtype)
    b = rng.standard_normal(b_shape).astype(dtype)
    av, bv = Variable(a), Variable(b)
    at, bt = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    x, xt = ag.solve(av, bv), torch.linalg.solve(at, bt)
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(x.data, xt.detach().numpy(), rtol=tol, atol=tol)
    assert x.dtype == dtype
    g = rng.standard_normal(x.shape).astype(dtype)
    (x * g).sum().backward()
    (xt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(av.grad.data, at.grad.numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(bv.grad.data, bt.grad.numpy(), rtol=tol, atol=tol)


def test_second_order_matches_numerical():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    assert_gradients_match(ag.solve, Variable(a), Variable(rng.standard_normal((3, 2))),
                           order=2)
    assert_gradients_match(ag.solve, Variable(a[0]), Variable(rng.standard_normal(3)), order=2)


def test_the_normal_equations_fit_least_squares():
    """w = (X^T X)^-1 X^T y, the linear regression of the study notes in closed form, equals
    NumPy's least squares; its gradient w.r.t. y (a linear map) equals X (X^T X)^-1 g."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((50, 3))
    y = Variable(x @ np.array([1.5, -2.0, 0.5]) + 0.1 * rng.standard_normal(50))
    w = ag.solve(x.T @ x, ag.matmul(x.T, y))
    np.testing.assert_allclose(w.data, np.linalg.lstsq(x, y.data, rcond=None)[0], rtol=1e-10)
    g = np.array([1.0, 0.0, -1.0])
    (w * g).sum().backward()
    np.testing.assert_allclose(y.grad.data, x @ np.linalg.solve(x.T @ x, g), rtol=1e-10)


@pytest.mark.parametrize("a, b, message", [
    (np.zeros((2, 3)), np.zeros(2), r"solve: A must be a square matrix .* got shape \(2, 3\)"),
    (np.eye(3), np.zeros((2, 1)), r"solve: B of shape \(2, 1\) does not match A of shape "
                                  r"\(3, 3\)"),
    (np.zeros((3, 3)), np.ones(3), r"solve: the matrix A of shape \(3, 3\) is singular"),
])
def test_errors_name_what_is_wrong(a, b, message):
    with pytest.raises(ValueError, match=message):
        ag.solve(a, b)
