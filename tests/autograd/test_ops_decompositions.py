"""eigh, svd, svdvals, qr, pinv, lstsq and matrix_rank (autograd/ops/decompositions.py)
against NumPy, batched, their gradients where they are defined, and what is refused (the
property tests check the decompositions' gradients to second order)."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable
from autograd.testing import assert_gradients_match

RNG = np.random.default_rng(0)
TALL = RNG.normal(size=(2, 5, 3))
WIDE = RNG.normal(size=(2, 3, 5))
_HALF = RNG.normal(size=(2, 4, 4))
SYMMETRIC = _HALF + _HALF.swapaxes(1, 2)


def _values(factors):
    return [f.data for f in factors]


@pytest.mark.parametrize("a", [TALL, WIDE, SYMMETRIC], ids=["tall", "wide", "square"])
def test_svd_rebuilds_the_matrix_and_gives_numpys_singular_values(a):
    u, s, vh = _values(ag.svd(a, full_matrices=False))
    np.testing.assert_allclose(u @ (s[..., None] * vh), a, atol=1e-12)
    np.testing.assert_allclose(s, np.linalg.svd(a, compute_uv=False), rtol=1e-12)
    np.testing.assert_allclose(ag.svdvals(a).data, s)
    u, s, vh = _values(ag.svd(a))  # (full matrices: square U and Vh)
    assert u.shape[-1] == a.shape[-2] and vh.shape[-2] == a.shape[-1]


def test_eigh_and_qr_rebuild_the_matrix():
    w, v = _values(ag.eigh(SYMMETRIC))
    np.testing.assert_allclose(w, np.linalg.eigvalsh(SYMMETRIC), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(v @ (w[..., None] * v.swapaxes(1, 2)), SYMMETRIC, atol=1e-12)
    upper = np.triu(SYMMETRIC) + np.triu(SYMMETRIC, 1).swapaxes(1, 2)
    np.testing.assert_allclose(ag.eigh(upper, UPLO="U")[0].data, w, atol=1e-12)
    for mode in ("reduced", "complete"):
        q, r = _values(ag.qr(TALL, mode=mode))
        np.testing.assert_allclose(q @ r, TALL, atol=1e-12)
        np.testing.assert_allclose(np.triu(r), r)


def test_pinv_lstsq_and_rank_are_numpys_for_a_rank_deficient_matrix():
    deficient = np.outer([1.0, 2.0, 3.0, 4.0], [1.0, -1.0, 0.5]) + np.outer(
        [0.0, 1.0, 0.0, 1.0], [2.0, 0.0, 1.0])  # (rank 2 of 3)
    np.testing.assert_allclose(ag.pinv(deficient).data, np.linalg.pinv(deficient), atol=1e-12)
    b = np.array([1.0, 2.0, 0.0, -1.0])
    np.testing.assert_allclose(ag.lstsq(deficient, b)[0].data,
                               np.linalg.lstsq(deficient, b, rcond=None)[0], atol=1e-12)
    assert int(ag.matrix_rank(deficient).data) == 2 == np.linalg.matrix_rank(deficient)
    assert int(ag.matrix_rank(deficient, tol=100.0).data) == 0
    np.testing.assert_array_equal(ag.matrix_rank(TALL).data, [3, 3])


@pytest.mark.parametrize("f", [
    lambda a: ag.pinv(a),
    lambda a: ag.lstsq(a, np.arange(5.0))[0],
    lambda a: ag.svdvals(a),
    lambda a: ag.svd(a)[1],  # (full matrices: the singular values' gradient as reduced's)
], ids=["pinv", "lstsq", "svdvals", "svd_full_values"])
def test_what_is_built_on_svd_has_the_numerical_gradient(f):
    ag.gradcheck(f, Variable(TALL[0].copy()))
    ag.gradgradcheck(f, Variable(TALL[0].copy()))


def test_the_gradient_of_the_sum_of_singular_values_is_u_v_transposed():
    x = Variable(TALL[0].copy(), requires_grad=True)
    ag.svdvals(x).sum().backward()
    u, _, vh = np.linalg.svd(TALL[0], full_matrices=False)
    np.testing.assert_allclose(x.grad.data, u @ vh, atol=1e-12)


def test_a_loss_of_the_eigenvalues_alone_has_their_gradient():
    """(The eigenvectors, dropped by the caller, are computed again for the backward.)"""
    x = Variable(SYMMETRIC[0].copy(), requires_grad=True)
    w, _ = ag.eigh(x)
    w[-1].backward()  # (the largest eigenvalue: its gradient is v v^T)
    v = np.linalg.eigh(SYMMETRIC[0])[1][:, -1]
    np.testing.assert_allclose(x.grad.data, np.outer(v, v), atol=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: ag.qr(Variable(np.ones((2, 3)), requires_grad=True))[1].sum().backward(),
     r"qr: no gradient at a rank-deficient matrix \(shape \(2, 3\)"),
    (lambda: ag.qr(Variable(TALL[0], requires_grad=True), mode="complete")[0].sum().backward(),
     "qr: no gradient flows through the columns of Q beyond"),
    (lambda: ag.qr(TALL, mode="r"), "qr: mode must be 'reduced' or 'complete', got 'r'"),
    (lambda: ag.eigh(TALL), r"eigh: expected square matrices, got shape \(2, 5, 3\)"),
    (lambda: ag.svd(np.ones(3)), r"svd: expected a matrix or a batch of them"),
    (lambda: ag.pinv(np.ones((2, 2), np.int64)), "pinv: expected floating-point values"),
    (lambda: ag.lstsq(TALL[0], np.ones(4))[0], r"lstsq: b of shape \(4,\) does not match A"),
])
def test_what_cannot_be_computed_is_refused_by_name(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


@pytest.mark.parametrize("loss, expected", [
    (lambda x: ag.svdvals(x).sum(), np.eye(3)),
    (lambda x: ag.eigh(x)[0].sum(), np.eye(3)),
    (lambda x: ag.lstsq(x, np.ones(3))[0].sum(), -np.ones((3, 3))),
    (lambda x: (ag.pinv(x) ** 2).sum(), -2 * np.eye(3)),
], ids=["svdvals", "eigenvalues", "lstsq", "pinv"])
def test_gradients_exist_at_repeated_values_where_the_vectors_are_not_used(loss, expected):
    """(At the identity, whose values repeat, the vectors' 1 / gap terms were multiplied by
    their zero gradients: every entry came out NaN. PyTorch gives these.)"""
    x = Variable(np.eye(3), requires_grad=True)
    loss(x).backward()
    np.testing.assert_allclose(x.grad.data, expected, atol=1e-12)


def test_pinv_has_the_derivative_along_a_path_that_keeps_the_rank():
    """At a rank-deficient matrix pinv is continuous only where the rank stays: along the
    rank-1 path A(t) = (p + t q)(r + t w)^T, d/dt <G, pinv A(t)> = <dA, A'(0)>."""
    p, q = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.5, -1.0, 0.0, 2.0])
    r, w = np.array([1.0, -1.0, 0.5]), np.array([0.0, 2.0, 1.0])
    g = RNG.normal(size=(3, 4))
    x = Variable(np.outer(p, r), requires_grad=True)
    (ag.pinv(x) * g).sum().backward()
    h = 1e-6
    along = [(np.linalg.pinv(np.outer(p + t * q, r + t * w)) * g).sum() for t in (h, -h)]
    numeric = (along[0] - along[1]) / (2 * h)
    analytic = (x.grad.data * (np.outer(q, r) + np.outer(p, w))).sum()
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6)


def test_tolerances_may_be_given_per_matrix_and_errors_name_the_op():
    batch = np.stack([np.eye(2), np.diag([1.0, 1e-3])])
    np.testing.assert_array_equal(ag.matrix_rank(batch, tol=np.array([0.5, 1e-2])).data,
                                  [2, 1])
    with pytest.raises(ValueError, match="pinv: the matrix of shape .* holds NaN"):
        ag.pinv(np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match="matrix_rank: the matrix of shape .* holds NaN"):
        ag.matrix_rank(np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match="lstsq: b must be a vector or matrices"):
        ag.lstsq(np.eye(2), 1.0)


def test_pinv_lstsq_and_matrix_rank_replay_in_a_captured_step():
    """(pinv's cutoff was compared by ops inside its forward: a captured step refused it.)"""
    step = ag.capture(lambda a: (ag.pinv(a), ag.matrix_rank(a), *ag.lstsq(a, np.ones(5))[:2]))
    for k in range(4):
        a = TALL[0] * (1 + 0.1 * k)
        pinv, rank, solution, residuals = step(a)
        np.testing.assert_allclose(residuals.data,
                                   np.linalg.lstsq(a, np.ones(5), rcond=None)[1][0], atol=1e-12)
        np.testing.assert_allclose(pinv.data, np.linalg.pinv(a), atol=1e-12)
        assert int(rank.data) == 3
        np.testing.assert_allclose(solution.data, np.linalg.lstsq(a, np.ones(5), rcond=None)[0],
                                   atol=1e-12)
    assert step.replays == 2


@pytest.mark.parametrize("order", ["nuc", 2, -2])
@pytest.mark.parametrize("axis", [(1, 2), (2, 0)])
def test_norms_of_singular_values_are_numpys_and_differentiable(order, axis):
    """(norm refused 'nuc', 2 and -2 over two axes before svd existed.)"""
    np.testing.assert_allclose(ag.norm(WIDE, ord=order, axis=axis, keepdims=True).data,
                               np.linalg.norm(WIDE, ord=order, axis=axis, keepdims=True))
    ag.gradcheck(lambda v: ag.norm(v, ord=order, axis=axis), Variable(WIDE.copy()))


def test_lu_factor_is_partial_pivoting_and_its_gradient_refuses_a_singular_matrix():
    lu, pivots = ag.lu_factor(SYMMETRIC)
    lower = np.tril(lu.data, -1) + np.eye(4)
    upper = np.triu(lu.data)
    for k in range(2):  # (P A = L U: the swaps applied to A in order)
        permuted = SYMMETRIC[k].copy()
        for step, pivot in enumerate(pivots.data[k] - 1):
            permuted[[step, pivot]] = permuted[[pivot, step]]
        np.testing.assert_allclose(lower[k] @ upper[k], permuted, atol=1e-12)
    assert pivots.dtype == np.int32 and np.all(np.abs(np.tril(lu.data, -1)) <= 1 + 1e-12)
    with pytest.raises(ValueError, match="lu_factor: expected square matrices"):
        ag.lu_factor(TALL)
    singular = Variable(np.ones((2, 2)), requires_grad=True)
    with pytest.raises(ValueError, match="lu_factor: no gradient at a singular matrix"):
        ag.lu_factor(singular)[0].sum().backward()


def test_the_qr_of_a_wide_matrix_has_pytorchs_gradient():
    """A = [X | Y], R = [U | V]: Q depends on X alone, V = Q^T Y (torch.linalg.qr's values,
    mode 'reduced', which for m < n is 'complete' too)."""
    a = np.array([[2.0, -1.0, 0.5, 1.0], [0.5, 3.0, -2.0, 0.0], [1.0, 0.0, 1.5, -1.0]])
    weight_q = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0], [0.0, -1.0, 1.0]])
    weight_r = np.arange(12.0).reshape(3, 4) / 10
    for mode in ("reduced", "complete"):
        x = Variable(a.copy(), requires_grad=True)
        q, r = ag.qr(x, mode=mode)
        ((q * weight_q).sum() + (r * weight_r).sum()).backward()
        np.testing.assert_allclose(x.grad.data, [
            [-0.08254153147148241, -0.3916594230403332, -0.4356396301388519,
             -0.5387690940036155],
            [0.2186459618877596, -0.6490691184834155, -0.7616132392706227,
             -0.8938737789799118],
            [0.055760081999085, 0.8787246205745822, 0.7938283104174311, 0.8370887232538109]],
            rtol=1e-12, atol=1e-14)
    x = Variable(a.copy(), requires_grad=True)
    ag.qr(x)[0].sum().backward()  # (Q alone: Y's columns get nothing)
    np.testing.assert_array_equal(x.grad.data[:, 3:], 0.0)


def test_third_review_fixes():
    """Refusals at matrices singular to float's resolution, not only exactly; empty
    matrices' 2-norm and LU as NumPy's and PyTorch's."""
    with pytest.raises(ValueError, match="qr: no gradient at a rank-deficient matrix"):
        q, r = ag.qr(Variable(np.array([[1.0, 2.0], [2.0, 4.0]]), requires_grad=True))
        (q.sum() + r.sum()).backward()
    with pytest.raises(ValueError, match="lu_factor: no gradient at a singular matrix"):
        ag.lu_factor(Variable(np.arange(1.0, 10.0).reshape(3, 3), requires_grad=True))[
            0].sum().backward()
    assert float(ag.norm(np.zeros((0, 3)), 2).data) == 0.0
    lu, pivots = ag.lu_factor(np.zeros((2, 0, 0)))
    assert lu.shape == (2, 0, 0) and pivots.shape == (2, 0)


@pytest.mark.parametrize("m, n, vector", [(5, 3, False), (5, 3, True), (3, 5, False),
                                          (4, 4, True)])
def test_lstsq_returns_numpys_and_torchs_four_results(m, n, vector):
    """It returned X alone, so ported code's lstsq(A, b)[0] silently gave X's first row."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((m, n)), rng.standard_normal((m,) if vector else (m, 2))
    found = ag.lstsq(a, b)
    x, residuals, rank, singular = np.linalg.lstsq(a, b, rcond=None)
    np.testing.assert_allclose(found[0].data, x, atol=1e-12)
    assert found.solution is found[0] and int(found.rank.data) == rank
    np.testing.assert_allclose(found.singular_values.data, singular, atol=1e-12)
    np.testing.assert_allclose(found.residuals.data.reshape(-1), residuals, atol=1e-12)
    theirs = torch.linalg.lstsq(torch.from_numpy(a), torch.from_numpy(b if not vector else
                                                                        b[:, None]),
                                driver="gelsd")
    assert found.residuals.shape[-1:] == (0,) or found.residuals.size == theirs.residuals.numel()
    np.testing.assert_allclose(found.residuals.data.reshape(-1),
                               theirs.residuals.numpy().reshape(-1), atol=1e-10)


def test_lstsq_residuals_are_differentiable():
    rng = np.random.default_rng(1)
    a = ag.Variable(rng.standard_normal((6, 3)))
    b = ag.Variable(rng.standard_normal((6, 2)))
    assert_gradients_match(lambda a, b: ag.lstsq(a, b).residuals, a, b)


def test_pinv_hermitian_reads_the_lower_triangle_as_pytorchs():
    """(hermitian was accepted and ignored: pinv of [[2, 1], [0, 3]] itself, where PyTorch's
    is the pseudo-inverse of the symmetric [[2, 0], [0, 3]].) On a symmetric matrix the
    gradient is plain pinv's, as PyTorch gives it."""
    a = np.array([[2.0, 1.0], [0.0, 3.0]])
    np.testing.assert_allclose(ag.pinv(a, hermitian=True).data, [[0.5, 0], [0, 1 / 3]])
    rng = np.random.default_rng(0)
    m = rng.normal(size=(2, 4, 4))
    m = m + m.swapaxes(-1, -2)
    m[0] = m[0] @ np.diag([1.0, 1.0, 1.0, 0.0]) @ m[0]  # rank 3, symmetric
    g = rng.normal(size=m.shape)
    grads = []
    for hermitian in (True, False):
        x = Variable(m)
        p = ag.pinv(x, hermitian=hermitian)
        np.testing.assert_allclose(p.data, np.linalg.pinv(m, hermitian=True), atol=1e-10)
        (p * g).sum().backward()
        grads.append(x.grad.data)
    np.testing.assert_allclose(*grads, atol=1e-9)
    with pytest.raises(ValueError, match=r"pinv: hermitian=True needs square matrices, got "
                                         r"shape \(2, 3\)"):
        ag.pinv(np.ones((2, 3)), hermitian=True)


def test_logdet_of_a_negative_determinant_is_nan_with_no_gradient_as_pytorchs():
    x = Variable(np.stack([np.array([[1.0, 2.0], [3.0, 4.0]]), 2 * np.eye(2)]))
    y = ag.logdet(x)
    assert np.isnan(y.data[0]) and np.isclose(y.data[1], np.log(4.0))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data[0], np.zeros((2, 2)))
    np.testing.assert_allclose(x.grad.data[1], 0.5 * np.eye(2))


def test_no_dims_is_every_dim_and_nuc_is_the_nuclear_norm_as_pytorchs():
    a = np.arange(24.0).reshape(2, 3, 4) - 10
    x = Variable(a)
    every = np.sqrt((a ** 2).sum())
    for norm in (ag.vector_norm(x, dim=()), ag.vector_norm(x, dim=[]), x.norm(dim=())):
        assert norm.shape == () and np.isclose(norm.data, every)
    assert np.isclose(ag.vector_norm(x, 1, dim=()).data, np.abs(a).sum())
    nuclear = np.linalg.norm(a, "nuc", axis=(1, 2))
    np.testing.assert_allclose(x.norm("nuc", dim=(1, 2)).data, nuclear)
    np.testing.assert_allclose(ag.matrix_norm(x, "nuc").data, nuclear)
    np.testing.assert_allclose(ag.matrix_norm(x).data, np.linalg.norm(a, axis=(1, 2)))
    np.testing.assert_allclose(ag.matrix_norm(x, 2, dim=(0, 2), keepdim=True).data,
                               np.linalg.norm(a, 2, axis=(0, 2), keepdims=True))
    np.testing.assert_allclose(x[0].norm("nuc").data, nuclear[0])
    with pytest.raises(ValueError, match=r"matrix_norm: dim must name 2 axes, got \(0, 1, 2\)"):
        x.norm("nuc")
    with pytest.raises(ValueError, match="matrix_norm: ord must be 'fro', 'nuc', 2"):
        ag.matrix_norm(x, 3)
