"""IterableDataset: a dataset read as a stream of samples, and ChainDataset: streams one after
another."""
import sys

from .dataset import Dataset


class IterableDataset(Dataset):
    """Base class of a dataset that is a stream: subclasses define `__iter__` (yielding
    samples) and may define `__len__`. A DataLoader collates the stream into batches in the
    order it comes (no shuffle, sampler or batch_sampler), as PyTorch's does.
    `a + b` chains two of them (ChainDataset)."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")

    def __len__(self):
        # TypeError, as len() of an object without __len__ (and PyTorch's) raises: callers
        # that ask "is the length known?" catch exactly that
        raise TypeError(f"{type(self).__name__} is an IterableDataset without __len__: a "
                        "stream's length is unknown (define __len__ on it to give one)")

    def __add__(self, other):
        return ChainDataset([self, other])


class ChainDataset(IterableDataset):
    """The samples of each IterableDataset of `datasets` in turn; its len is their sum."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        for k, dataset in enumerate(self.datasets):
            if not isinstance(dataset, IterableDataset):
                raise TypeError(f"ChainDataset only supports IterableDataset, got a "
                                f"{type(dataset).__name__} at position {k} (ConcatDataset "
                                "joins indexable datasets)")

    def __iter__(self):
        for dataset in self.datasets:
            yield from dataset

    def __len__(self):
        return sum(len(dataset) for dataset in self.datasets)


def is_stream(dataset):
    """Whether `dataset` is read as a stream: an IterableDataset, this module's or PyTorch's
    (a script written for PyTorch may hand its own to a DataLoader here)."""
    if isinstance(dataset, IterableDataset):
        return True
    torch_data = sys.modules.get("torch.utils.data")  # (one means torch is imported)
    return torch_data is not None and isinstance(dataset, torch_data.IterableDataset)


__all__ = ["IterableDataset", "ChainDataset"]
