"""autograd.backend's scatter_add: rows picked by one integer array take the flat fast path,
with NumPy's add.at's results exactly (repeats accumulate in order, negative indices count
from the end, an index out of range raises), and any other index goes to add.at."""
import numpy as np
import pytest

from autograd.backend import scatter_add


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
