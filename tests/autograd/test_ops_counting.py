"""isnan, isinf, isfinite, all, any, count_nonzero, unique, bincount, searchsorted and
bucketize against PyTorch: values and dtypes, no gradient, bad arguments named."""
import numpy as np
import pytest

import autograd as ag
from autograd import Variable

torch = pytest.importorskip("torch")
nan, inf = np.nan, np.inf
MIXED = np.array([[0.0, 1, nan], [inf, -inf, 0], [2, 0, -3]])


def _same(ours, theirs):
    """Each output of ours (a Variable, or a tuple of them) as PyTorch's: values, dtype,
    shape, and no gradient."""
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    assert len(ours) == len(theirs)
    for y, t in zip(ours, theirs):
        assert isinstance(y, Variable) and not y.requires_grad
        expected = t.numpy()
        assert y.dtype == expected.dtype and y.shape == expected.shape, (y, expected)
        np.testing.assert_array_equal(y.data, expected)


@pytest.mark.parametrize("name", ["isnan", "isinf", "isfinite"])
@pytest.mark.parametrize("x", [MIXED, MIXED.astype(np.float32), np.array([1, 2]),
                               np.array(nan), np.zeros((0, 2))])
def test_elementwise_tests(name, x):
    _same(getattr(Variable(x), name)(), getattr(torch, name)(torch.tensor(x)))
    _same(getattr(ag, name)(x), getattr(torch, name)(torch.tensor(x)))


@pytest.mark.parametrize("name", ["all", "any"])
@pytest.mark.parametrize("dim", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_all_and_any(name, dim, keepdim):
    for x in (MIXED, np.array([[1, 2], [0, 3]]), np.array([[True, False], [True, True]])):
        theirs = getattr(torch.tensor(x), name)
        expected = theirs(dim=dim, keepdim=keepdim)  # (dim None, keepdim: every axis kept)
        ours = Variable(x) if x.dtype != bool else x
        _same(getattr(ag, name)(ours, dim, keepdim), expected)


@pytest.mark.parametrize("x", [np.zeros((0,)), np.array(0.0), np.array(nan)])
def test_all_and_any_of_nothing_and_of_one(x):
    for name in ("all", "any"):
        _same(getattr(ag, name)(x), getattr(torch.tensor(x), name)())


@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1), -2])
def test_count_nonzero(dim):
    _same(Variable(MIXED).count_nonzero(dim), torch.count_nonzero(torch.tensor(MIXED), dim))


@pytest.mark.parametrize("inverse", [False, True])
@pytest.mark.parametrize("counts", [False, True])
@pytest.mark.parametrize("x", [np.array([3.0, 1, nan, 1, nan]), np.array([[4, 1], [1, 4]]),
                               np.array(5.0), np.zeros((0,), np.int64)])
def test_unique(x, inverse, counts):
    _same(Variable(x).unique(return_inverse=inverse, return_counts=counts),
          torch.unique(torch.tensor(x), return_inverse=inverse, return_counts=counts))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_unique_slices(dim):
    x = np.array([[1, 2, 1], [1, 2, 1], [0, 5, 0]])
    _same(ag.unique(x, return_inverse=True, return_counts=True, dim=dim),
          torch.unique(torch.tensor(x), return_inverse=True, return_counts=True, dim=dim))


@pytest.mark.parametrize("x, weights, minlength", [
    ([0, 3, 3, 1], None, 0), ([0, 3, 3], None, 6), ([], None, 2), ([], None, 0),
    ([2, 0, 2], np.array([0.5, 1.0, 2.0]), 0),
    ([2, 0, 2], np.array([0.5, 1.0, 2.0], np.float32), 4)])
def test_bincount(x, weights, minlength):
    x = np.array(x, np.int64)
    ours = ag.bincount(x, None if weights is None else Variable(weights), minlength)
    _same(ours, torch.bincount(torch.tensor(x), None if weights is None else
                               torch.tensor(weights), minlength))


SEQUENCES = [np.array([1.0, 2, 2, 4]),  # (PyTorch documents no NaN in the sequence)
             np.array([[1, 3, 5], [2, 4, 6]])]


@pytest.mark.parametrize("right", [False, True])
@pytest.mark.parametrize("case", [
    (SEQUENCES[0], np.array([2.0, nan, 0, 9, 4])), (SEQUENCES[0], np.array([[2.0], [3.0]])),
    (SEQUENCES[1], np.array([[3, 0], [4, 7]])), (np.array([1, 3]), np.array(2))])
def test_searchsorted(case, right):
    sequence, values = case
    side = "right" if right else "left"
    expected = torch.searchsorted(torch.tensor(sequence), torch.tensor(values), right=right)
    _same(ag.searchsorted(sequence, values, right=right), expected)
    _same(ag.searchsorted(sequence, values, side=side), expected)


@pytest.mark.parametrize("right", [False, True])
@pytest.mark.parametrize("x", [np.array([[1, 5], [3, 9]]), np.array(3), np.array([0.5, 5.0])])
def test_bucketize(x, right):
    boundaries = np.array([1, 3, 5])
    _same(ag.bucketize(x, boundaries, right=right),
          torch.bucketize(torch.tensor(x), torch.tensor(boundaries), right=right))


def test_no_gradient_flows_and_the_graph_is_not_cut():
    x = Variable(MIXED)
    y = (x * 2).isnan()
    assert not y.requires_grad and y.dtype == bool
    total = ag.where(ag.isfinite(x), x, 0.0).sum()  # (a Counted condition in a graph)
    total.backward()
    assert total.data == 0.0
    np.testing.assert_array_equal(x.grad.data, np.isfinite(MIXED))


ERRORS = [
    (lambda: ag.all(MIXED, 2), IndexError, "all: axis 2"),
    (lambda: ag.any(MIXED, (0, 0)), ValueError, "any: repeated axis"),
    (lambda: ag.count_nonzero(MIXED, 3), IndexError, "count_nonzero: axis 3"),
    (lambda: ag.unique(MIXED, dim=2), IndexError, "unique: axis 2"),
    (lambda: ag.bincount(np.array([-1, 2])), ValueError, "bincount: the input must be 1-D"),
    (lambda: ag.bincount(np.array([1.0])), ValueError, "bincount: the input must be 1-D"),
    (lambda: ag.bincount(np.array([[1]])), ValueError, "bincount: the input must be 1-D"),
    (lambda: ag.bincount(np.array([1]), np.ones(2)), ValueError, "bincount: weights of shape"),
    (lambda: ag.bincount(np.array([1]), minlength=-1), ValueError, "bincount: minlength"),
    (lambda: ag.searchsorted(np.array([1, 2]), 1, right=True, side="left"), ValueError,
     "searchsorted: side='left' and right=True"),
    (lambda: ag.searchsorted(np.array([1, 2]), 1, side="middle"), ValueError,
     "searchsorted: side must be"),
    (lambda: ag.searchsorted(np.ones((2, 3)), np.ones((3, 1))), ValueError,
     r"searchsorted: sorted_sequence \(shape \(2, 3\)\)"),
    (lambda: ag.bucketize(np.array([1]), np.ones((2, 2))), ValueError,
     "bucketize: boundaries must be 1-D"),
]


@pytest.mark.parametrize("call, error, message", ERRORS)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("x", [np.array([[0.0, 1.0, 0.0], [2.0, 0.0, nan]]), np.array([0, 3, 0]),
                               np.array(5.0), np.array(0.0), np.zeros((2, 0)),
                               np.array([[True, False], [True, True]])])
def test_nonzero_and_argwhere_are_pytorch_s(x):
    theirs = torch.tensor(x)
    _same(ag.nonzero(x), theirs.nonzero())
    _same(Variable(x).argwhere(), torch.argwhere(theirs))
    for ours, expected in zip(Variable(x).nonzero(as_tuple=True), theirs.nonzero(as_tuple=True),
                              strict=True):
        _same(ours, expected)


def test_shifts_of_integer_variables_are_the_operators():
    i = Variable(np.array([1, 2, 3]))
    _same(i << 2, torch.tensor([1, 2, 3]) << 2)
    _same(1 << i, 1 << torch.tensor([1, 2, 3]))
    _same(np.array([8]) >> i, torch.tensor([8]) >> torch.tensor([1, 2, 3]))
