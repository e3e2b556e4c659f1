"""autograd.backend's scatter_add: rows picked by one integer array take the flat fast path,
with NumPy's add.at's results exactly (repeats accumulate in order, negative indices count
from the end, an index out of range raises), and any other index goes to add.at. And
scalar_broadcast: np.broadcast_to's view of a 0-d array, made directly."""
import numpy as np
import pytest

import autograd as ag
from autograd.backend import scalar_broadcast, scatter_add


@pytest.mark.parametrize("index", [np.array([0, 2, 2, -1, 0]), np.array([[1, 1], [3, -4]]),
                                   np.array([], dtype=np.int64)])
def test_rows_add_as_numpy_s_add_at(index):
    rng = np.random.default_rng(0)
    values = rng.standard_normal(index.shape + (3, 2)).astype(np.float32)
    want = np.zeros((4, 3, 2), np.float32)
    np.add.at(want, index, values)
    got = np.zeros((4, 3, 2), np.float32)
    scatter_add(got, index, values)
    np.testing.assert_array_equal(got, want)


def test_broadcast_values_and_other_indices_too():
    got = np.zeros((3, 2))
    scatter_add(got, np.array([0, 0, 2]), np.ones(2))  # one row for every pick
    np.testing.assert_array_equal(got, [[2, 2], [0, 0], [1, 1]])
    got = np.zeros((3, 2))
    scatter_add(got, (np.array([0, 0]), np.array([1, 1])), np.array([1.0, 2.0]))
    np.testing.assert_array_equal(got, [[0, 3], [0, 0], [0, 0]])
    transposed = np.zeros((2, 3)).T  # not C-ordered: add.at as it is
    scatter_add(transposed, np.array([1, 1]), np.ones(2))
    np.testing.assert_array_equal(transposed, [[0, 0], [2, 2], [0, 0]])


@pytest.mark.parametrize("bad", [4, -5])
def test_an_index_out_of_range_raises(bad):
    with pytest.raises(IndexError):
        scatter_add(np.zeros((4, 2)), np.array([0, bad]), np.ones((2, 2)))


@pytest.mark.parametrize("shape", [(), (1,), (3,), (2, 0, 4), (5, 1, 3)])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int64])
def test_scalar_broadcast_is_numpy_s_read_only_view(shape, dtype):
    base = np.array([7, 2.5, 3], dtype)
    scalar = base[1, ...]  # a 0-d view into a larger array: its own element, not the first
    got, want = scalar_broadcast(scalar, shape), np.broadcast_to(scalar, shape)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    assert not got.flags.writeable and np.shares_memory(got, base) == (got.size > 0)
    base[1] = 4  # a view: it follows its scalar
    assert (got == dtype(4)).all()


def test_a_sum_s_gradient_is_the_leaf_s_own_writable_memory():
    x = ag.Variable(np.ones((3, 4), np.float32))
    for harness, slope in ((lambda y: y.sum(), 1.0), (lambda y: y.sum(axis=(0, 1)), 1.0),
                           (lambda y: y.mean(), 1 / 12)):
        x.grad = None
        harness(x * 2).backward()
        harness(x).backward()  # the second pass adds into the first's gradient
        grad = x.grad.data
        np.testing.assert_allclose(grad, np.full((3, 4), 3 * slope, np.float32))
        assert grad.flags.writeable and grad.flags.owndata
        grad += 1  # the leaf's own memory: the next pass starts from nothing of it
        x.grad = None
        harness(x).backward()
        np.testing.assert_allclose(x.grad.data, np.full((3, 4), slope, np.float32))
