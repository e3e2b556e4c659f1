"""An empty batch is refused by name (PyTorch's default_collate dies on an IndexError):
default_collate of no samples, and a batch_sampler's empty list, whichever way the
dataset is read."""
import numpy as np
import pytest

from nn.data import DataLoader, TensorDataset, default_collate


def test_collating_no_samples_says_so():
    with pytest.raises(ValueError, match="default_collate: there are no samples to collate"):
        default_collate([])


@pytest.mark.parametrize("data", [TensorDataset(np.arange(4.0)), [0.0, 1.0, 2.0, 3.0]],
                         ids=["with get_batch", "sample by sample"])
def test_an_empty_list_from_a_batch_sampler_is_named(data):
    loader = DataLoader(data, batch_sampler=[[0, 1], [], [2]])
    with pytest.raises(ValueError, match="the batch_sampler's batch 1 is empty"):
        list(loader)
