"""Found by fuzzing nn.data against torch.utils.data (PyTorch 2.13): arguments PyTorch
refuses, when the loader is made or when its workers start, refused here by name."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn.data import DataLoader, TensorDataset

# PyTorch: -1 -> ValueError at construction; 0 -> AssertionError and 1.5, 2.0 -> TypeError
# when the workers' iterator starts.
_BAD_PREFETCH = [-1, 0, 1.5, 2.0, True]


@pytest.mark.parametrize("prefetch_factor", _BAD_PREFETCH)
def test_a_prefetch_factor_workers_cannot_use_is_refused(prefetch_factor):
    with pytest.raises(ValueError, match="prefetch_factor must be a positive integer"):
        DataLoader(list(range(5)), num_workers=2, prefetch_factor=prefetch_factor)


@given(st.integers(1, 8), st.integers(1, 4))
def test_a_positive_prefetch_factor_passes_and_changes_no_batch(prefetch_factor, workers):
    with pytest.warns(UserWarning, match="num_workers"):
        loader = DataLoader(list(range(5)), batch_size=2, num_workers=workers,
                            prefetch_factor=np.int64(prefetch_factor))
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3], [4]]  # (PyTorch's batches)


def test_a_worker_init_fn_that_cannot_be_called_is_refused_with_workers():
    # PyTorch's workers die on TypeError: 'int' object is not callable
    with pytest.raises(TypeError, match="worker_init_fn must be callable"):
        DataLoader(list(range(5)), num_workers=2, worker_init_fn=3)


def test_a_worker_init_fn_is_unused_without_workers():
    # PyTorch calls it in worker processes only: with num_workers=0 it is never looked at
    assert len(DataLoader(list(range(5)), worker_init_fn=3)) == 5


@pytest.mark.parametrize("data", [[], TensorDataset(np.zeros((0, 3)))], ids=["list", "arrays"])
def test_shuffling_an_empty_dataset_is_refused(data):
    # PyTorch: ValueError: num_samples should be a positive integer value, but got
    # num_samples=0 (from the RandomSampler that shuffle=True makes)
    with pytest.raises(ValueError, match="shuffle=True needs a non-empty dataset"):
        DataLoader(data, batch_size=2, shuffle=True, seed=0)


@pytest.mark.parametrize("drop_last", [False, True])
def test_an_empty_dataset_in_order_gives_no_batches(drop_last):
    loader = DataLoader(TensorDataset(np.zeros((0, 3))), batch_size=2, drop_last=drop_last)
    assert len(loader) == 0 and list(loader) == []  # (PyTorch's: len 0, no batch)
