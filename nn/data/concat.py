"""ConcatDataset: indexable datasets one after another, as one."""
import bisect
import itertools
import operator

from .dataset import Dataset
from .iterable import is_stream


class ConcatDataset(Dataset):
    """Sample i of the concatenation of `datasets` (a non-empty iterable of indexable,
    sized datasets). `cumulative_sizes[k]` is the length of datasets[0..k] together."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        for k, dataset in enumerate(self.datasets):
            if is_stream(dataset):
                raise TypeError(f"ConcatDataset does not support IterableDataset (a "
                                f"{type(dataset).__name__} at position {k}; ChainDataset "
                                "chains streams)")
        self.cumulative_sizes = self.cumsum(self.datasets)

    @staticmethod
    def cumsum(sequence):
        """The running totals of the lengths of `sequence`'s items."""
        return list(itertools.accumulate(len(item) for item in sequence))

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        try:
            i = operator.index(idx)
        except TypeError:
            raise TypeError(f"ConcatDataset: index must be an integer, got "
                            f"{type(idx).__name__}") from None
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"ConcatDataset: index {idx} is out of range for a dataset of "
                             f"{n} samples")
        i %= n
        part = bisect.bisect_right(self.cumulative_sizes, i)
        start = self.cumulative_sizes[part - 1] if part else 0
        return self.datasets[part][i - start]


__all__ = ["ConcatDataset"]
