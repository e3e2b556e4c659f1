"""random_split and Subset."""

import numpy as np
import pytest

from nn.data import DataLoader, Subset, TensorDataset, random_split


def dataset(n):
    return TensorDataset(np.arange(n) * 10, np.arange(n))


def test_integer_lengths_partition_the_dataset():
    parts = random_split(dataset(10), [6, 3, 1], seed=0)
    assert [len(p) for p in parts] == [6, 3, 1]
    indices = np.concatenate([p.indices for p in parts])
    assert sorted(indices) == list(range(10))


def test_fractions_follow_pytorch_rounding():
    # floor(10 * .33) = 3 each, the one left over goes to the first split
    assert [len(p) for p in random_split(dataset(10), [0.33, 0.33, 0.34])] == [4, 3, 3]
    assert [len(p) for p in random_split(dataset(10), [0.8, 0.2])] == [8, 2]


def test_seed_fixes_the_split():
    a = random_split(dataset(20), [0.5, 0.5], seed=7)
    b = random_split(dataset(20), [0.5, 0.5], seed=7)
    c = random_split(dataset(20), [0.5, 0.5], seed=8)
    np.testing.assert_array_equal(a[0].indices, b[0].indices)
    assert not np.array_equal(a[0].indices, c[0].indices)


def test_bad_lengths_are_rejected():
    with pytest.raises(ValueError, match="sum to 9"):
        random_split(dataset(10), [5, 4])
    with pytest.raises(ValueError, match="integers or fractions"):
        random_split(dataset(10), [2.5, 7.5])


def test_subset_items_and_batches_come_from_the_parent():
    train, _ = random_split(dataset(10), [7, 3], seed=1)
    x0, y0 = train[0]
    assert x0 == 10 * y0 == 10 * train.indices[0]
    xs, ys = next(iter(DataLoader(train, batch_size=7)))
    np.testing.assert_array_equal(ys, train.indices)
    np.testing.assert_array_equal(xs, 10 * ys)


def test_a_subset_indexed_by_several_rows_gives_their_batch_as_pytorch():
    subset = Subset(dataset(10), [3, 4, 5])
    for rows, expected in ((slice(1, None), [4, 5]), ([2, 0], [5, 3]), (np.array([-1]), [5])):
        xs, ys = subset[rows]
        np.testing.assert_array_equal(ys, expected)
        np.testing.assert_array_equal(xs, 10 * ys)
    with pytest.raises(IndexError, match="out of range for a dataset of 3 samples"):
        subset[[3]]
    with pytest.raises(TypeError, match="Subset: indices must be integers"):
        subset[[0.5]]


def test_a_nan_length_is_refused_by_name():
    with pytest.raises(ValueError, match="random_split: lengths must be finite"):
        random_split(list(range(10)), [float("nan"), 1])


def test_indices_out_of_range_name_the_dataset_not_numpy():
    data = TensorDataset(np.zeros((10, 1)), np.arange(10))
    with pytest.raises(IndexError, match="TensorDataset: sample index 10 is out of range for 10"):
        list(DataLoader(data, 3, sampler=[10, 0]))
    subset = Subset(data, [3, 1])
    with pytest.raises(IndexError, match="Subset: index 2 is out of range for a subset of 2"):
        subset[2]
    assert subset[-1][1] == 1  # (negative indices count from the end, as a list's)


def test_unseeded_shuffles_splits_and_noise_follow_numpys_global_seed():
    """np.random.seed (keras' set_random_seed) repeats them, as torch.manual_seed does:
    an evaluation script gets the same test split, and every rank of a distributed run."""
    from nn.data import GaussianNoise

    def draw():
        train, test = random_split(TensorDataset(np.arange(20.0)[:, None]), [0.8, 0.2])
        batch = next(iter(DataLoader(train, 4, shuffle=True)))[0]
        return sorted(test.indices), batch.ravel().tolist(), GaussianNoise(0.1)(np.zeros(3))

    np.random.seed(3)
    first = draw()
    np.random.seed(3)
    again = draw()
    assert first[:2] == again[:2] and np.array_equal(first[2], again[2])
    np.random.seed(4)
    assert draw()[:2] != first[:2]


def test_pytorchs_generator_argument_draws_the_split():
    data = TensorDataset(np.arange(20.0)[:, None])
    first, _ = random_split(data, [0.7, 0.3], generator=np.random.default_rng(5))
    again, _ = random_split(data, [0.7, 0.3], generator=np.random.default_rng(5))
    assert list(first.indices) == list(again.indices)
    with pytest.raises(ValueError, match="give seed or generator, not both"):
        random_split(data, [0.5, 0.5], seed=1, generator=np.random.default_rng(5))
