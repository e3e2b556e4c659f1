"""DataLoader's sampler= and batch_sampler=: PyTorch's rules, and its samplers' batches."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from nn.data import (
    BatchSampler,
    DataLoader,
    RandomSampler,
    SequentialSampler,
    TensorDataset,
    WeightedRandomSampler,
)

torch = pytest.importorskip("torch")
tdata = torch.utils.data


def numbered(n):
    """A dataset whose sample i is (row [i, i], i)."""
    return TensorDataset(np.repeat(np.arange(n, dtype=np.float32)[:, None], 2, axis=1),
                         np.arange(n))


def torch_numbered(n):
    return tdata.TensorDataset(*(torch.from_numpy(a) for a in numbered(n).arrays))


def targets(loader):
    return [b[1].tolist() for b in loader]


@given(st.integers(1, 30), st.integers(1, 8), st.integers(0, 1000))
def test_shuffle_is_randomsamplers_draw(n, batch_size, seed):
    """Epoch k of shuffle=True is RandomSampler's pass with the generator of (k, seed)."""
    loader = DataLoader(numbered(n), batch_size, shuffle=True, seed=seed)
    for epoch in range(2):
        sampler = RandomSampler(range(n), generator=np.random.default_rng([epoch, seed]))
        assert sum(targets(loader), []) == list(sampler)


@given(st.integers(1, 30), st.integers(1, 8), st.booleans(), st.integers(0, 1000))
def test_torchs_samplers_give_torchs_batches(n, batch_size, drop_last, seed):
    def torch_sampler():
        return tdata.RandomSampler(range(n), generator=torch.Generator().manual_seed(seed))

    theirs = [b[1].tolist() for b in tdata.DataLoader(
        torch_numbered(n), batch_size, sampler=torch_sampler(), drop_last=drop_last)]
    ours = DataLoader(numbered(n), batch_size, sampler=torch_sampler(), drop_last=drop_last)
    assert targets(ours) == theirs and len(ours) == len(theirs)
    batch_sampler = tdata.BatchSampler(torch_sampler(), batch_size, drop_last)
    assert targets(DataLoader(numbered(n), batch_sampler=batch_sampler)) == theirs


@given(st.integers(1, 30), st.integers(1, 8), st.booleans(), st.integers(0, 1000))
def test_a_batch_sampler_makes_the_batches(n, batch_size, drop_last, seed):
    sampler = RandomSampler(range(n), generator=np.random.default_rng(seed))
    again = RandomSampler(range(n), generator=np.random.default_rng(seed))
    loader = DataLoader(numbered(n), batch_sampler=BatchSampler(sampler, batch_size, drop_last))
    expected = list(BatchSampler(again, batch_size, drop_last))
    assert targets(loader) == expected
    assert len(loader) == len(expected) and loader.batch_size is None
    for x, y in loader:  # rows stay with their targets
        np.testing.assert_array_equal(x[:, 0], y)


def test_a_batch_sampler_works_for_a_dataset_without_get_batch():
    class Rows:
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.float32(i), i * 10

    loader = DataLoader(Rows(), batch_sampler=[[4, 0], [2]])
    assert [b[1].tolist() for b in loader] == [[40, 0], [20]]


def test_a_weighted_sampler_in_a_loader():
    loader = DataLoader(numbered(4), 5, sampler=WeightedRandomSampler([0, 1, 0, 1], 20))
    drawn = sum(targets(loader), [])
    assert len(drawn) == 20 and set(drawn) <= {1, 3} and len(loader) == 4


def test_sequential_sampler_is_the_order_without_shuffle():
    data = numbered(7)
    assert targets(DataLoader(data, 3, sampler=SequentialSampler(data))) == \
        targets(DataLoader(data, 3))


@pytest.mark.parametrize("kwargs, named", [
    ({"batch_size": 4}, "batch_size was"),
    ({"shuffle": True}, "shuffle was"),
    ({"sampler": [0, 1]}, "sampler was"),
    ({"drop_last": True}, "drop_last was"),
    ({"batch_size": 2, "drop_last": True}, "batch_size and drop_last were"),
])
def test_batch_sampler_excludes_the_other_batching_arguments(kwargs, named):
    with pytest.raises(ValueError, match=f"batch_sampler option is mutually exclusive with "
                                         f"batch_size, shuffle, sampler, and drop_last, but "
                                         f"{named} given too"):
        DataLoader(numbered(4), batch_sampler=[[0, 1]], **kwargs)


def test_sampler_excludes_shuffle():
    with pytest.raises(ValueError, match="DataLoader: sampler and shuffle=True cannot be "
                                         "combined"):
        DataLoader(numbered(4), sampler=RandomSampler(range(4)), shuffle=True)


def test_a_batch_samplers_indices_are_checked():
    with pytest.raises(TypeError, match="batch_sampler's: indices must be integers"):
        list(DataLoader(numbered(4), batch_sampler=[[0.5, 1.0]]))
    with pytest.raises(IndexError, match="sample index 9 is out of range for 4 samples"):
        list(DataLoader(numbered(4), batch_sampler=[[0, 9]]))


@pytest.mark.parametrize("make_loader", [
    lambda data: DataLoader(data, batch_sampler=BatchSampler(RandomSampler(data), 4, False)),
    lambda data: DataLoader(data + data, batch_size=4, sampler=RandomSampler(data + data)),
], ids=["batch_sampler", "sampler over a ConcatDataset"])
def test_fit_takes_a_loader_with_a_sampler(make_loader):
    x = np.random.default_rng(0).normal(size=(10, 3)).astype(np.float32)
    model = nn.Sequential(nn.Linear(3, 2))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    seen = []
    batches = nn.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(1))
    history = model.fit(make_loader(TensorDataset(x, np.arange(10) % 2)), epochs=2,
                        verbose=0, callbacks=[batches])
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
    assert len(seen) == 2 * len(make_loader(TensorDataset(x, np.arange(10) % 2)))


def test_a_torch_generator_used_twice_gives_two_draws_and_a_seed_repeats_them():
    """random_split, then a shuffled DataLoader, from one torch.Generator: two different
    orders (each draws from it, as in PyTorch), the same pair again from the same seed."""
    from nn.data import random_split

    def draws(seed):
        generator = torch.Generator().manual_seed(seed)
        first, second = (random_split(numbered(10), [5, 5], generator=generator)[0].indices
                         for _ in range(2))
        loader = DataLoader(numbered(10), 10, shuffle=True, generator=generator)
        return list(first), list(second), targets(loader)
    once = draws(0)
    assert once[0] != once[1]
    assert draws(0) == once


@pytest.mark.parametrize("shuffle", [False, True])
def test_default_sampler_and_batch_sampler_are_torchs_and_give_the_next_pass(shuffle):
    data = TensorDataset(np.arange(10.0).reshape(10, 1), np.arange(10))
    loader = DataLoader(data, batch_size=3, shuffle=shuffle, seed=1)
    theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.arange(10.0)),
                                         batch_size=3, shuffle=shuffle)
    assert len(loader.sampler) == len(theirs.sampler) == 10
    assert len(loader.batch_sampler) == len(theirs.batch_sampler) == len(loader) == 4
    assert isinstance(loader.batch_sampler, BatchSampler)
    if not shuffle:
        assert isinstance(loader.sampler, SequentialSampler)
    for _ in range(2):  # (each pass draws another order; the sampler shows the next one)
        batches = [list(b) for b in loader.batch_sampler]
        assert [b[1].tolist() for b in loader] == batches
        assert sorted(sum(batches, [])) == list(range(10))


class _Words(nn.data.Dataset):
    """A map-style dataset keyed by strings."""

    values = {"a": np.array([1.0]), "b": np.array([2.0]), "c": np.array([3.0])}

    def __len__(self):
        return len(self.values)

    def __getitem__(self, key):
        return self.values[key]


def test_a_sampler_of_keys_fetches_them_as_torchs():
    sampler = ["c", "a", "b"]
    ours = [b.tolist() for b in DataLoader(_Words(), batch_size=2, sampler=sampler)]
    theirs = [b.tolist() for b in tdata.DataLoader(_Words(), batch_size=2, sampler=sampler)]
    assert ours == theirs == [[[3.0], [1.0]], [[2.0]]]
    batches = [["b", "c"], ["a"]]
    assert [b.tolist() for b in DataLoader(_Words(), batch_sampler=batches)] == [
        b.tolist() for b in tdata.DataLoader(_Words(), batch_sampler=batches)]
    with pytest.raises(TypeError, match="indices must be integers, got float64"):
        list(DataLoader(_Words(), batch_size=2, sampler=[0.5, 1.0]))


def test_default_sampler_is_one_object_and_cannot_be_set():
    loader = DataLoader(TensorDataset(np.arange(4.0)), batch_size=2, shuffle=True, seed=0)
    assert loader.sampler is loader.sampler
    with pytest.raises(ValueError, match="should not be set after"):
        loader.sampler = SequentialSampler(range(4))
    with pytest.raises(ValueError, match="should not be set after"):
        loader.batch_sampler = None


def test_an_iterable_datasets_sampler_and_batch_sampler_are_torchs():
    class Stream(nn.data.IterableDataset):
        def __iter__(self):
            return iter(range(5))

    class TorchStream(tdata.IterableDataset):
        def __iter__(self):
            return iter(range(5))

    loader = DataLoader(Stream(), batch_size=2, drop_last=True)
    theirs = tdata.DataLoader(TorchStream(), batch_size=2, drop_last=True)
    assert loader.sampler is loader.sampler
    first = [next(iter(s)) for s in (loader.sampler, theirs.sampler)]
    assert first == [None, None]  # the stream, not an index, decides each sample
    for batch_sampler in (loader.batch_sampler, theirs.batch_sampler):
        assert (batch_sampler.batch_size, batch_sampler.drop_last) == (2, True)
        assert next(iter(batch_sampler)) == [None, None]
        with pytest.raises(TypeError):
            len(batch_sampler)  # an endless sampler has no len, in PyTorch too
    assert [b.tolist() for b in loader] == [b.tolist() for b in theirs] == [[0, 1], [2, 3]]
