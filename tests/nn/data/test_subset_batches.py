"""A Subset read a batch at a time (a DataLoader's sampler over it) names the subset and
the index that is out of its range, as a single index does, not NumPy's axis."""
import numpy as np
import pytest

from nn.data import DataLoader, Subset, TensorDataset


def test_a_samplers_index_outside_a_subset_names_the_subset():
    subset = Subset(TensorDataset(np.zeros((10, 1)), np.arange(10)), [3, 1])
    with pytest.raises(IndexError, match="Subset: sample index 5 is out of range for 2"):
        list(DataLoader(subset, 2, sampler=[0, 5]))
    with pytest.raises(IndexError, match="Subset: sample index -3 is out of range for 2"):
        list(DataLoader(subset, 2, sampler=[-3]))
    assert [b[1].tolist() for b in DataLoader(subset, 2, sampler=[-1, 0])] == [[1, 3]]
