"""Products and distances (outer, kron, cross, tensordot, cdist) against PyTorch, float64:
values, gradients and second derivatives (cdist's gradient at a zero distance and its
p = inf ties as PyTorch's); float32 kept; bad arguments named."""
import math

import numpy as np
import pytest

import autograd as ag

from .._helpers import assert_float32_kept
from ._torch_parity import assert_matches_torch

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape)


@pytest.mark.parametrize("n, m", [(3, 2), (1, 4), (0, 3)])
def test_outer(n, m):
    assert_matches_torch(lambda a, b: a.outer(b), lambda a, b: a.outer(b), _x(n), _x(m))


@pytest.mark.parametrize("a, b", [((2, 3), (4,)), ((2,), (3, 1, 2)), ((), ()), ((2, 2), (2, 2)),
                                  ((0, 2), (3,)), ((1, 2, 3), (2, 1, 1))])
def test_kron(a, b):
    assert_matches_torch(lambda x, y: x.kron(y), lambda x, y: x.kron(y), _x(*a), _x(*b))


@pytest.mark.parametrize("a, b, dim", [((3,), (3,), -1), ((4, 3), (4, 3), -1),
                                       ((4, 3), (1, 3), 1), ((3, 2, 5), (3, 1, 5), 0),
                                       ((2, 3, 3), (2, 3, 3), 1)])
def test_cross(a, b, dim):
    assert_matches_torch(lambda x, y: x.cross(y, dim=dim),
                         lambda x, y: torch.linalg.cross(x, y, dim=dim), _x(*a), _x(*b))


def test_cross_with_dim_none_takes_the_first_axis_of_length_3_as_torch_cross():
    a, b = _x(3, 3), _x(3, 3)
    with pytest.warns(UserWarning):  # (PyTorch deprecates its dim=None)
        expected = torch.cross(torch.tensor(a), torch.tensor(b))
    np.testing.assert_allclose(ag.cross(a, b, dim=None).data, expected.numpy())


def test_cross_broadcasts_a_missing_batch_axis():
    a, b = _x(4, 3), _x(3)
    expected = torch.linalg.cross(torch.tensor(a), torch.tensor(b).expand(4, 3))
    np.testing.assert_allclose(ag.cross(a, b).data, expected.numpy())


@pytest.mark.parametrize("a, b, dims", [
    ((2, 3, 4), (3, 4, 5), 2), ((2, 3), (3, 4), 1), ((2, 3), (4,), 0), ((3, 4), (3, 4), 2),
    ((2, 3, 4), (4, 3, 5), ([1, 2], [1, 0])), ((2, 3, 4), (4, 2), ([-1, 0], [0, 1])),
    ((2, 0), (0, 3), 1)])
def test_tensordot(a, b, dims):
    assert_matches_torch(lambda x, y: ag.tensordot(x, y, dims),
                         lambda x, y: torch.tensordot(x, y, dims), _x(*a), _x(*b))


P_VALUES = [2.0, 1.0, 0.0, math.inf, 0.5, 1.5, 3.0]


CDIST_SHAPES = [((4, 3), (5, 3)), ((2, 4, 3), (5, 3)), ((2, 1, 3, 2), (4, 2, 2)),
                ((3, 0), (2, 0))]


@pytest.mark.parametrize("p", P_VALUES)
@pytest.mark.parametrize("a, b", CDIST_SHAPES)
def test_cdist(p, a, b):
    assert_matches_torch(lambda x, y: ag.cdist(x, y, p), lambda x, y: torch.cdist(x, y, p),
                         _x(*a), _x(*b), order=1)


@pytest.mark.parametrize("p", [2.0, 1.5, 3.0])
@pytest.mark.parametrize("a, b", CDIST_SHAPES)
def test_cdist_second_derivatives(p, a, b):
    """PyTorch's cdist has none (its backward is not differentiable): against the vector
    norm of the differences, which cdist is."""
    def theirs(x, y):
        return torch.linalg.vector_norm(x[..., :, None, :] - y[..., None, :, :], p, -1)
    assert_matches_torch(lambda x, y: ag.cdist(x, y, p), theirs, _x(*a), _x(*b))


@pytest.mark.parametrize("p", P_VALUES)
def test_cdist_at_zero_distances_and_ties_as_pytorch(p):
    """Rows shared by both sets (distance 0: gradient 0, PyTorch's) and, for p = inf,
    coordinates tied for the largest difference (each gets the gradient in full, as
    PyTorch's cdist, where max shares it out)."""
    x1 = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, -1.0]])
    x2 = np.array([[1.0, 1.0], [1.0, 2.0], [0.0, 0.0]])
    assert_matches_torch(lambda x, y: ag.cdist(x, y, p), lambda x, y: torch.cdist(x, y, p),
                         x1, x2, order=1)


@pytest.mark.parametrize("call", [
    lambda a, b: a[0].outer(b[0]), lambda a, b: a.kron(b), lambda a, b: a.cross(b),
    lambda a, b: ag.tensordot(a, b), lambda a, b: ag.cdist(a, b),
    lambda a, b: ag.cdist(a, b, math.inf), lambda a, b: ag.cdist(a, b, 1.0)])
def test_float32_stays_float32(call):
    assert_float32_kept(call, _x(3, 3), _x(3, 3))


@pytest.mark.parametrize("call, error, words", [
    (lambda: ag.outer(_x(2, 2), _x(2)), ValueError, "outer: .*\\(2, 2\\)"),
    (lambda: ag.cross(_x(4), _x(4)), ValueError, "cross: dim -1 must have length 3"),
    (lambda: ag.cross(_x(2, 3), _x(4, 3)), ValueError, "cross: shapes .* do not broadcast"),
    (lambda: ag.cross(_x(2, 2), _x(2, 2), dim=None), ValueError, "cross: no dimension"),
    (lambda: ag.cross(_x(3), _x(3), dim=1), ValueError, "cross: axis 1"),
    (lambda: ag.tensordot(_x(2, 3), _x(4, 3), 1), ValueError, "tensordot: dim 1 of a"),
    (lambda: ag.tensordot(_x(2, 3), _x(3), 2), ValueError, "tensordot: dims=2"),
    (lambda: ag.tensordot(_x(2, 3), _x(3), ([0, 1], [0])), ValueError, "tensordot: dims names"),
    (lambda: ag.tensordot(_x(2, 3), _x(3), (1, 0, 1)), ValueError, "tensordot: dims must be"),
    (lambda: ag.cdist(_x(2, 3), _x(2, 4)), ValueError, "cdist: .*same M"),
    (lambda: ag.cdist(_x(3), _x(2, 3)), ValueError, "cdist: .*\\(3,\\)"),
    (lambda: ag.cdist(_x(2, 3), _x(2, 3), -1.0), ValueError, "cdist: p must"),
    (lambda: ag.cdist(np.ones((2, 3), int), _x(2, 3)), TypeError, "cdist: .*int"),
    (lambda: ag.cdist(_x(2, 2, 3), _x(3, 2, 3)), ValueError, "cdist: the batch axes"),
])
def test_bad_arguments_are_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


@pytest.mark.parametrize("ours, theirs", [
    (ag.outer, torch.outer), (ag.kron, torch.kron), (ag.cross, torch.linalg.cross),
    (ag.tensordot, torch.tensordot)])
def test_integers_keep_their_dtype_as_pytorch(ours, theirs):
    a, b = np.arange(9).reshape(3, 3) - 4, np.arange(9).reshape(3, 3) % 4
    if ours is ag.outer:
        a, b = a[1], b[0]
    y, t = ours(a, b), theirs(torch.tensor(a), torch.tensor(b))
    assert y.dtype == t.numpy().dtype == np.int64
    np.testing.assert_array_equal(y.data, t.numpy())
