"""PyTorch data scripts that ran unchanged elsewhere must run here: DataLoader's
multiprocessing_context / pin_memory_device / in_order, random_split's positional
generator, TensorDataset.tensors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn.data import DataLoader, TensorDataset, random_split

torch = pytest.importorskip("torch")


def test_the_loader_takes_pytorchs_remaining_keyword_arguments():
    """torch.utils.data.DataLoader(..., pin_memory_device="", in_order=True,
    multiprocessing_context="spawn") are kept as given and change no batch."""
    data = TensorDataset(np.arange(5.0))
    loader = DataLoader(data, batch_size=2, pin_memory_device="", in_order=False)
    assert [b[0].tolist() for b in loader] == [[0.0, 1.0], [2.0, 3.0], [4.0]]
    assert (loader.pin_memory_device, loader.in_order) == ("", False)
    with pytest.warns(UserWarning, match="loaded in this process"):
        loader = DataLoader(data, batch_size=2, num_workers=2, multiprocessing_context="spawn")
    assert loader.multiprocessing_context == "spawn" and len(list(loader)) == 3


def test_a_multiprocessing_context_is_refused_where_pytorch_refuses_it():
    data = TensorDataset(np.arange(5.0))
    with pytest.raises(ValueError, match=r"multiprocessing_context can only be used with "
                                         r"multi-process loading \(num_workers > 0\)"):
        DataLoader(data, multiprocessing_context="spawn")
    with pytest.raises(ValueError, match="should specify a valid start method"):
        DataLoader(data, num_workers=1, multiprocessing_context="thread")
    with pytest.raises(ValueError, match=r"should specify a valid start method"):
        torch.utils.data.DataLoader(range(3), num_workers=1, multiprocessing_context="thread")


@given(st.integers(2, 40), st.integers(0, 2**31))
def test_random_split_takes_pytorchs_generator_as_its_third_argument(n, seed):
    """random_split(dataset, lengths, torch.Generator().manual_seed(s)), PyTorch's
    positional form, splits as generator=... does."""
    lengths = [n // 3, n - n // 3]
    positional = random_split(range(n), lengths, torch.Generator().manual_seed(seed))
    keyword = random_split(range(n), lengths, generator=torch.Generator().manual_seed(seed))
    assert [s.indices for s in positional] == [s.indices for s in keyword]
    numpy_given = random_split(range(n), lengths, np.random.default_rng(seed))
    assert [s.indices for s in numpy_given] == [s.indices for s in random_split(
        range(n), lengths, generator=np.random.default_rng(seed))]
    assert sorted(sum((s.indices for s in positional), [])) == list(range(n))


def test_tensor_dataset_has_pytorchs_tensors_attribute():
    """ds.tensors[k], PyTorch's spelling, is the k-th array (the same object as arrays)."""
    x, y = np.arange(6.0).reshape(3, 2), np.arange(3)
    data = TensorDataset(x, y)
    assert len(data.tensors) == 2 and data.tensors is data.arrays
    np.testing.assert_array_equal(data.tensors[0], x)
    np.testing.assert_array_equal(data.tensors[1], y)


def test_a_generator_given_twice_to_random_split_is_refused():
    with pytest.raises(ValueError, match="give seed or generator, not both"):
        random_split(range(4), [2, 2], torch.Generator(), generator=torch.Generator())

