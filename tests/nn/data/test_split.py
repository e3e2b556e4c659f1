"""random_split and Subset."""

import numpy as np
import pytest

import nn
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


# ----- train_test_split: scikit-learn's, for arrays -----

def _labels(rng, n=200, classes=7):
    return rng.choice(classes, size=n, p=np.arange(1, classes + 1) / (classes * (classes + 1) / 2))


@pytest.mark.parametrize("sizes", [{}, {"test_size": 0.33}, {"train_size": 0.5},
                                   {"test_size": 17}, {"test_size": 0.2, "train_size": 0.5}])
def test_train_test_split_counts_as_scikit_learn(sizes):
    sklearn = pytest.importorskip("sklearn.model_selection")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(200, 3)), _labels(rng)
    ours = nn.data.train_test_split(x, y, seed=3, **sizes)
    theirs = sklearn.train_test_split(x, y, random_state=3, **sizes)
    assert [part.shape for part in ours] == [part.shape for part in theirs]
    x_train, x_test, y_train, y_test = ours
    rows = {tuple(row) for row in x}
    assert {tuple(r) for r in x_train} | {tuple(r) for r in x_test} <= rows
    assert not {tuple(r) for r in x_train} & {tuple(r) for r in x_test}  # (no sample twice)
    for part_x, part_y in ((x_train, y_train), (x_test, y_test)):  # (rows stay with labels)
        index = [np.flatnonzero((x == row).all(axis=1))[0] for row in part_x]
        np.testing.assert_array_equal(y[index], part_y)


@pytest.mark.parametrize("seed", range(5))
def test_a_stratified_split_keeps_every_class_share_on_both_sides(seed):
    rng = np.random.default_rng(seed)
    y = _labels(rng)
    x = np.arange(len(y))
    x_train, x_test, y_train, y_test = nn.data.train_test_split(x, list(y), test_size=0.3,
                                                                stratify=y, seed=seed)
    assert isinstance(y_train, list) and len(x_test) == 60  # (ceil(0.3 * 200))
    counts = np.bincount(y, minlength=7)
    for part, size in ((y_test, 60), (y_train, 140)):  # within one sample of the share
        assert np.all(np.abs(np.bincount(part, minlength=7) - counts * size / 200) < 1)
    again = nn.data.train_test_split(x, y, test_size=0.3, stratify=y, seed=seed)
    np.testing.assert_array_equal(again[1], x_test)  # (the same seed, the same split)


def test_train_test_split_refusals_name_the_problem():
    x, y = np.zeros((10, 2)), np.array([0] * 9 + [1])
    with pytest.raises(ValueError, match=r"class 1 has 1 sample; each class needs at least 2"):
        nn.data.train_test_split(x, y, stratify=y, seed=0)
    with pytest.raises(ValueError, match=r"different numbers of samples \[10, 9\]"):
        nn.data.train_test_split(x, y[:9])
    with pytest.raises(ValueError, match=r"test_size=1.5 must be a fraction in \(0, 1\)"):
        nn.data.train_test_split(x, test_size=1.5)
    with pytest.raises(ValueError, match="stratify needs shuffle=True"):
        nn.data.train_test_split(x, y, shuffle=False, stratify=y)
    with pytest.raises(ValueError, match="add up to more than 1"):  # (scikit-learn's)
        nn.data.train_test_split(x, test_size=0.7, train_size=0.33)
    first, last = nn.data.train_test_split(np.arange(10), shuffle=False, test_size=0.2)
    np.testing.assert_array_equal(last, [8, 9])
