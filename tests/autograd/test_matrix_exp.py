"""matrix_exp (torch.linalg.matrix_exp) and clone: values and gradients against torch for
batches, both float dtypes and norms that need squarings; numerical second order; exp of a
skew-symmetric matrix is a rotation; non-finite input; the errors."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable
from autograd.testing import assert_gradients_match

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (2, 4, 4), (2, 1, 5, 5)])
@pytest.mark.parametrize("scale", [0.1, 1.0, 6.0])  # 6: several squarings
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_torch(shape, scale, dtype):
    rng = np.random.default_rng(0)
    a = (rng.standard_normal(shape) * scale / np.sqrt(shape[-1])).astype(dtype)
    av, at = Variable(a), torch.tensor(a, requires_grad=True)
    y, yt = ag.matrix_exp(av), torch.linalg.matrix_exp(at)
    want = yt.detach().numpy()
    tol = (2e-5 if dtype == np.float32 else 1e-12) * max(1.0, np.abs(want).max())
    np.testing.assert_allclose(y.data, want, rtol=0, atol=tol)
    assert y.dtype == dtype
    g = rng.standard_normal(shape).astype(dtype)
    (y * g).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    want = at.grad.numpy()
    np.testing.assert_allclose(av.grad.data, want, rtol=0,
                               atol=tol * max(1.0, np.abs(want).max()))


def test_second_order_matches_numerical():
    rng = np.random.default_rng(1)
    assert_gradients_match(ag.matrix_exp, Variable(rng.standard_normal((2, 3, 3))), order=2)
    assert_gradients_match(ag.matrix_exp, Variable(3 * rng.standard_normal((3, 3))), order=2)


def test_a_skew_symmetric_matrix_gives_a_rotation():
    theta = 0.7
    y = ag.matrix_exp(np.array([[0.0, -theta], [theta, 0.0]]))
    np.testing.assert_allclose(y.data, [[np.cos(theta), -np.sin(theta)],
                                        [np.sin(theta), np.cos(theta)]], atol=1e-15)


def test_each_matrix_of_a_batch_is_its_own():
    """A non-finite matrix gives NaN, its neighbours their values; a large one's squarings
    cost a small one no precision (each is scaled by its own power of two)."""
    batch = np.stack([np.eye(2), [[np.nan, 0.0], [0.0, 1.0]]])
    y = ag.matrix_exp(batch).data
    np.testing.assert_allclose(y[0], np.e * np.eye(2), rtol=1e-15)
    assert np.isnan(y[1]).all()
    rng = np.random.default_rng(3)
    small, large = 1e-3 * rng.standard_normal((3, 3)), 15 * rng.standard_normal((3, 3))
    batch = np.stack([small, large]).astype(np.float32)
    alone = ag.matrix_exp(batch[:1]).data[0]
    np.testing.assert_array_equal(ag.matrix_exp(batch).data[0], alone)
    g = np.ones((2, 2, 2))
    g[1, 0, 0] = np.nan  # the gradient of one matrix only
    x = Variable(rng.standard_normal((2, 2, 2)))
    (ag.matrix_exp(x) * g).sum().backward()
    assert np.isfinite(x.grad.data[0]).all() and np.isnan(x.grad.data[1]).all()


def test_huge_entries_are_scaled_exactly_not_flushed_to_the_identity():
    y = ag.matrix_exp(np.array([[-1e38, 0.0], [0.0, 0.0]], np.float32))
    np.testing.assert_array_equal(y.data, [[0.0, 0.0], [0.0, 1.0]])


@pytest.mark.parametrize("scale", [1e3, 1e6, 1e9])
def test_a_large_upstream_gradient_keeps_its_precision(scale):
    """The derivative is linear in the upstream gradient: it is scaled to A's size first."""
    rng = np.random.default_rng(4)
    a = (0.5 * rng.standard_normal((3, 3))).astype(np.float32)
    g = (scale * rng.standard_normal((3, 3))).astype(np.float32)
    x = Variable(a)
    (ag.matrix_exp(x) * g).sum().backward()
    at = torch.tensor(a.astype(np.float64), requires_grad=True)
    (torch.linalg.matrix_exp(at) * torch.tensor(g.astype(np.float64))).sum().backward()
    want = at.grad.numpy()
    np.testing.assert_allclose(x.grad.data, want, rtol=0, atol=1e-5 * np.abs(want).max())


def test_non_finite_input_gives_nan_as_torch():
    a = np.array([[np.inf, 0.0], [0.0, 1.0]])
    assert np.isnan(ag.matrix_exp(a).data).all()
    assert np.isnan(torch.linalg.matrix_exp(torch.from_numpy(a)).numpy()).any()


@pytest.mark.parametrize("a, error, message", [
    (np.zeros((2, 3)), ValueError, r"matrix_exp: expected a square matrix .* got shape "
                                   r"\(2, 3\)"),
    (np.zeros(3), ValueError, r"matrix_exp: expected a square matrix .* got shape \(3,\)"),
    (np.eye(2, dtype=np.int64), TypeError, r"matrix_exp: expected floating-point values, got "
                                           r"dtype int64"),
])
def test_errors(a, error, message):
    with pytest.raises(error, match=message):
        ag.matrix_exp(a)


def test_clone_copies_and_passes_the_gradient():
    x = Variable(np.arange(3.0))
    y = x.clone()
    assert y.data is not x.data and not np.shares_memory(y.data, x.data)
    x.data[0] = 5.0  # the clone keeps what it copied
    assert y.data[0] == 0.0
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 2.0, 4.0])
    assert ag.clone(np.ones(2)).requires_grad is False
    assert_gradients_match(ag.clone, Variable(np.array([1.0, -2.0])), order=2)


def test_float16_is_within_one_ulp_of_the_exact_exponential():
    """Computed in float16 (sixteen Taylor terms and the squarings each rounded) it drifted
    up to 17 ulps off; in float32 and rounded once it is within one."""
    a = (np.random.default_rng(0).standard_normal((40, 40)) * 0.3).astype(np.float16)
    exact = ag.matrix_exp(a.astype(np.float64)).data
    got = ag.matrix_exp(a).data
    assert got.dtype == np.float16
    assert (np.abs(got - exact) <= np.spacing(exact.astype(np.float16))).all()
