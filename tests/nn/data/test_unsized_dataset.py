"""len() of a Dataset without __len__ fails as len() of PyTorch's does."""

import pytest

from nn.data import DataLoader

torch = pytest.importorskip("torch")


def test_a_dataset_without_len_raises_the_type_error_pytorchs_raises():
    """len() of a Dataset subclass that defines no __len__ is a TypeError, as for PyTorch's
    Dataset (which has no __len__): `except TypeError` tells an unsized dataset."""
    from nn.data import Dataset

    class Unsized(Dataset):
        def __getitem__(self, index):
            return index

    class TorchUnsized(torch.utils.data.Dataset):
        def __getitem__(self, index):
            return index

    for data in (Unsized(), TorchUnsized()):
        with pytest.raises(TypeError):
            len(data)
    with pytest.raises(TypeError, match="Unsized must implement __len__"):
        list(DataLoader(Unsized(), batch_size=2))
