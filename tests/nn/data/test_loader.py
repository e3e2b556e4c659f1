"""Dataset, TensorDataset and DataLoader semantics."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from nn.data import DataLoader, Dataset, Subset, TensorDataset, random_split
from nn.distributed import DistributedSampler

from .._helpers import Boxed


def make_xy(n):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    return x, np.arange(n) % 4


class Squares(Dataset):
    """A plain Dataset without get_batch: the loader must stack its samples."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.full(2, float(i)), i * i


def test_tensor_dataset_items():
    x, y = make_xy(5)
    ds = TensorDataset(x, y)
    assert len(ds) == 5
    xi, yi = ds[2]
    np.testing.assert_array_equal(xi, x[2])
    assert yi == y[2]
    np.testing.assert_array_equal(ds[-1][0], x[4])
    with pytest.raises(IndexError):
        ds[5]


def test_tensor_dataset_rejects_unequal_lengths_naming_shapes():
    with pytest.raises(ValueError, match=r"\(5, 3\), \(4,\)"):
        TensorDataset(np.zeros((5, 3)), np.zeros(4))


def test_tensor_dataset_unwraps_variables():
    ds = TensorDataset(Boxed(np.ones((2, 2))))
    assert isinstance(ds.arrays[0], np.ndarray)


def test_base_dataset_is_abstract():
    with pytest.raises(NotImplementedError):
        len(Dataset())
    with pytest.raises(NotImplementedError):
        Dataset()[0]


@given(st.integers(0, 40), st.integers(1, 12), st.booleans(), st.booleans())
def test_batches_cover_every_sample_once(n, batch_size, shuffle, drop_last):
    # (shuffling nothing is refused, as by PyTorch: tests/nn/test_data_fuzz_regressions.py)
    assume(n > 0 or not shuffle)
    x, y = make_xy(n)
    loader = DataLoader(TensorDataset(x, y), batch_size, shuffle=shuffle,
                        drop_last=drop_last, seed=0)
    batches = list(loader)
    expected = (n // batch_size) if drop_last else math.ceil(n / batch_size)
    assert len(loader) == len(batches) == expected
    full = batches if drop_last else batches[:-1]  # only the last may be short
    assert all(len(bx) == batch_size for bx, _ in full)
    seen = np.concatenate([bx[:, 0] for bx, _ in batches]) if batches else np.array([])
    rows = (seen // 3).astype(int)
    assert len(set(rows)) == len(rows)  # no sample twice
    if not drop_last:
        assert sorted(rows) == list(range(n))  # every sample
    for bx, by in batches:  # inputs and targets stay paired
        np.testing.assert_array_equal(by, (bx[:, 0] // 3).astype(int) % 4)


def test_batch_shapes_and_dtypes():
    x, y = make_xy(10)
    bx, by = next(iter(DataLoader(TensorDataset(x, y), batch_size=4)))
    assert bx.shape == (4, 3) and bx.dtype == np.float32
    assert by.shape == (4,) and by.dtype == y.dtype


def test_without_shuffle_order_is_kept():
    x, y = make_xy(7)
    got = np.concatenate([b[1] for b in DataLoader(TensorDataset(x, y), batch_size=3)])
    np.testing.assert_array_equal(got, y)


def epoch_orders(loader, epochs=3):
    return [np.concatenate([bx[:, 0] for bx, _ in loader]) for _ in range(epochs)]


def test_shuffle_is_reproducible_and_changes_every_epoch():
    ds = TensorDataset(*make_xy(50))
    first = epoch_orders(DataLoader(ds, batch_size=8, shuffle=True, seed=42))
    again = epoch_orders(DataLoader(ds, batch_size=8, shuffle=True, seed=42))
    other = epoch_orders(DataLoader(ds, batch_size=8, shuffle=True, seed=43))
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])  # reshuffled each epoch
    assert not np.array_equal(first[0], other[0])


def test_fast_path_does_not_fetch_samples_one_by_one(monkeypatch):
    def refuse(self, index):
        raise AssertionError("TensorDataset batches must be sliced, not stacked")

    monkeypatch.setattr(TensorDataset, "__getitem__", refuse)
    ds = TensorDataset(*make_xy(9))
    assert sum(len(b[0]) for b in DataLoader(ds, batch_size=4, shuffle=True)) == 9


def test_generic_dataset_samples_are_stacked():
    loader = DataLoader(Squares(5), batch_size=2)
    bx, by = list(loader)[-1]
    np.testing.assert_array_equal(bx, [[4.0, 4.0]])
    np.testing.assert_array_equal(by, [16])
    assert len(list(DataLoader(Squares(5), batch_size=2, shuffle=True))) == 3


def test_generic_and_fast_paths_agree():
    x, y = make_xy(11)

    class Rows(Dataset):
        def __len__(self):
            return len(x)

        def __getitem__(self, i):
            return x[i], y[i]

    fast = list(DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, seed=3))
    slow = list(DataLoader(Rows(), batch_size=4, shuffle=True, seed=3))
    for (fx, fy), (sx, sy) in zip(fast, slow):
        np.testing.assert_array_equal(fx, sx)
        np.testing.assert_array_equal(fy, sy)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_batch_size_must_be_positive_integer(bad):
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(Squares(3), batch_size=bad)


@pytest.mark.parametrize("shuffle", [False, True])
def test_a_batch_edited_in_place_leaves_the_dataset_alone(shuffle):
    x = np.arange(6, dtype=np.float32).reshape(6, 1)
    for xb, _ in DataLoader(TensorDataset(x, np.arange(6)), batch_size=3, shuffle=shuffle):
        xb -= 100.0  # an in-place augmentation
    np.testing.assert_array_equal(x.ravel(), np.arange(6))


def test_indices_must_be_integers():
    data = TensorDataset(np.arange(10) * 10)
    for bad in ([0.5, 1.7], np.array([True, False, True])):
        with pytest.raises(TypeError, match="Subset: indices must be integers"):
            Subset(data, bad)
    with pytest.raises(TypeError, match="sampler's: indices must be integers"):
        list(DataLoader(data, batch_size=2, sampler=[0.9, 1.7]))
    assert Subset(data, []).indices == [] and len(Subset(data, [])) == 0


def test_a_sampler_without_len_is_iterated_as_pytorch_iterates_it():
    data = TensorDataset(np.arange(10) * 10)
    batches = [b[0].tolist() for b in DataLoader(data, batch_size=2, sampler=iter([4, 1, 7]))]
    assert batches == [[40, 10], [70]]


def test_seeds_are_checked_when_given_and_negative_ones_work():
    data = TensorDataset(np.arange(8))
    with pytest.raises(ValueError, match="DataLoader: seed must be an integer"):
        DataLoader(data, shuffle=True, seed=1.5)
    first = [b[0].tolist() for b in DataLoader(data, batch_size=4, shuffle=True, seed=-1)]
    again = [b[0].tolist() for b in DataLoader(data, batch_size=4, shuffle=True, seed=-1)]
    assert first == again and sorted(sum(first, [])) == list(range(8))
    sampler = DistributedSampler(list(range(6)), num_replicas=2, rank=0, seed=-1)
    assert len(list(sampler)) == 3
    with pytest.raises(ValueError, match="DistributedSampler: seed must be an integer"):
        DistributedSampler(list(range(6)), num_replicas=2, rank=0, seed="a")


def test_a_tensor_dataset_indexed_by_several_rows_gives_their_batch_as_pytorch():
    x, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    data = TensorDataset(x, y)
    for rows in (np.array([1, 2]), [0, -1], slice(1, 3)):
        batch_x, batch_y = data[rows]
        np.testing.assert_array_equal(batch_x, x[rows])
        np.testing.assert_array_equal(batch_y, y[rows])
    with pytest.raises(IndexError, match="out of range for a dataset of 5 samples"):
        data[np.array([7])]
    with pytest.raises(TypeError, match="indices must be integers"):
        data[np.array([0.5])]


def test_pytorchs_worker_memory_and_generator_arguments_are_taken():
    """A PyTorch script's DataLoader(..., num_workers=2, pin_memory=True, generator=g) runs:
    the same batches, made in this process (said once), the generator drawing the seed."""
    data = TensorDataset(np.arange(10.0)[:, None])

    def batches(**kwargs):
        return [b[0].ravel().tolist() for b in DataLoader(data, 4, shuffle=True, **kwargs)]

    assert batches(generator=np.random.default_rng(0)) == batches(
        generator=np.random.default_rng(0))
    with pytest.warns(UserWarning, match="num_workers=2: batches are loaded in this process"):
        loader = DataLoader(data, 4, num_workers=2, pin_memory=True, persistent_workers=True,
                            worker_init_fn=print, prefetch_factor=2, timeout=0)
    assert [b[0].ravel().tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    with pytest.raises(ValueError, match="give seed or generator, not both"):
        DataLoader(data, 4, seed=1, generator=np.random.default_rng(0))
    with pytest.raises(TypeError, match="generator must be a numpy.random.Generator"):
        DataLoader(data, 4, generator=3)


def test_get_worker_info_is_none_as_in_the_main_process():
    """PyTorch's sharding idiom for an IterableDataset runs as written: every batch is
    made in this process, so the dataset reads its whole stream once."""
    from nn.data import DataLoader, IterableDataset, get_worker_info

    class Stream(IterableDataset):
        def __iter__(self):
            info = get_worker_info()
            return iter(range(10) if info is None else range(info.id, 10, info.num_workers))
    with pytest.warns(UserWarning, match="loaded in this process"):
        loader = DataLoader(Stream(), batch_size=4, num_workers=2)
    assert np.concatenate(list(loader)).tolist() == list(range(10))


def test_subset_indices_are_a_list_joined_as_pytorchs():
    """(They were an array: a.indices + b.indices, PyTorch's way to join two folds, added
    them up and picked other samples.)"""
    data = TensorDataset(np.arange(40))
    folds = random_split(data, [2, 2, 36], seed=7)
    joined = Subset(data, folds[0].indices + folds[1].indices)
    picked = sorted(np.concatenate([b[0] for b in DataLoader(joined, 4)]).tolist())
    assert picked == sorted(folds[0].indices + folds[1].indices) and len(joined) == 4
    assert all(isinstance(i, int) for i in joined.indices)


def test_the_loader_keeps_pytorchs_worker_settings_as_given():
    loader = DataLoader(TensorDataset(np.arange(3)), 2, pin_memory=True, timeout=5)
    assert (loader.num_workers, loader.pin_memory, loader.timeout) == (0, True, 5)
    assert loader.worker_init_fn is None and loader.prefetch_factor is None
    assert loader.persistent_workers is False and loader.generator is None
    with pytest.raises(ValueError, match="target_transform transforms the targets"):
        TensorDataset(np.arange(3), target_transform=lambda b: b * 100)


def test_a_dataset_raising_stop_iteration_is_named():
    """It read 'generator raised StopIteration', naming neither the dataset nor the index."""
    class EndsEarly(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            if i == 2:
                raise StopIteration
            return np.float32(i)
    with pytest.raises(RuntimeError, match=r"EndsEarly\[2\] raised StopIteration"):
        list(DataLoader(EndsEarly(), batch_size=2))
