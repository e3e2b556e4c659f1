"""A sampler's items are single indices (a batch sampler's, single indices per batch): one
that yields several per item is refused by name, not flattened into more samples than
len(loader) counts."""
import numpy as np
import pytest

from nn.data import DataLoader, TensorDataset


def numbered(n):
    return TensorDataset(np.arange(n, dtype=np.float32).reshape(n, 1), np.arange(n))


@pytest.mark.parametrize("items", [np.array([[5, 0], [3, 1]]), [[5, 0], [3, 1]],
                                   [[5, 0], [3]]], ids=["2-d array", "lists", "ragged"])
def test_a_sampler_yielding_several_indices_per_item_is_refused(items):
    loader = DataLoader(numbered(6), batch_size=2, sampler=items)
    assert len(loader) == 1  # (two items: PyTorch's count too)
    with pytest.raises(ValueError, match=r"the sampler's items must be single indices.*"
                                         r"batch_sampler"):
        list(loader)


def test_a_batch_sampler_yielding_nested_indices_is_refused():
    with pytest.raises(ValueError, match="the batch_sampler's items must be single indices"):
        list(DataLoader(numbered(6), batch_sampler=[[[5, 0], [3, 1]]]))


def test_zero_dimensional_indices_and_keys_still_pass():
    data = numbered(6)
    loader = DataLoader(data, batch_size=2, sampler=[np.int64(5), np.array(0), 3])
    assert [b[1].tolist() for b in loader] == [[5, 0], [3]]
    keyed = DataLoader({"a": 1.0, "b": 2.0}, batch_size=2, sampler=["b", "a"])
    assert [b.tolist() for b in keyed] == [[2.0, 1.0]]
