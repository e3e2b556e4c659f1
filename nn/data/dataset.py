"""Datasets: the indexable collections a DataLoader draws samples from."""

import operator

import numpy as np

from autograd.arguments import integer_indices
from autograd.backend import to_cpu

from .collate import default_collate


class UnknownLength(NotImplementedError, TypeError):
    """len() of a Dataset that defines no __len__: a TypeError too, as len() of PyTorch's
    Dataset (which has none) raises, so `except TypeError` tells an unsized dataset."""


class Dataset:
    """Base class: a sized collection of samples, `dataset[i]` -> one sample.

    Subclasses may also define `get_batch(index)` (index: int array or slice) that
    returns a whole batch at once; DataLoader then uses it instead of stacking samples.
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __len__(self):
        raise UnknownLength(f"{type(self).__name__} must implement __len__ (a Dataset's "
                            "length is its number of samples)")

    def __add__(self, other):
        """`self` then `other`, as one ConcatDataset (PyTorch's `+`)."""
        from .concat import ConcatDataset  # (concat.py builds on this module)
        return ConcatDataset([self, other])


def batch_getter(dataset):
    """`dataset.get_batch` where it gives what stacking `dataset[i]` would: the most derived
    class that defines either defines get_batch (a subclass overriding __getitem__ alone,
    for a per-sample augmentation, is read sample by sample, as PyTorch reads it); else
    None."""
    for cls in type(dataset).__mro__:
        if "get_batch" in vars(cls):
            return dataset.get_batch
        if "__getitem__" in vars(cls):
            return None
    return None


def _is_batch_index(index):
    """Whether `index` asks for several rows (a slice, list or array), not one sample."""
    return isinstance(index, (slice, list)) or bool(getattr(index, "ndim", 0))


def _batch_index(index, n, who="TensorDataset"):
    """A slice, or integer indices (a list or array) checked against n samples."""
    if isinstance(index, slice):
        return index
    rows = integer_indices(to_cpu(index), who)
    if rows.size and not (-n <= rows.min() and rows.max() < n):
        raise IndexError(f"indices from {rows.min()} to {rows.max()} are out of range for a "
                         f"dataset of {n} samples")
    return rows % n if rows.size else rows


class TensorDataset(Dataset):
    """Samples are rows of equally long arrays: `ds[i] == (a[i], b[i], ...)`.

    `transform` is applied to the first array (inputs) and `target_transform` to the
    second (targets). Both receive a *batch* (first axis = samples), also when one
    sample is fetched, so a transform such as Flatten means the same thing either way;
    one that loses the batch axis (DeZero's per-sample `x.flatten()`; write
    `x.reshape(len(x), -1)`) is refused by name.
    """

    def __init__(self, *arrays, transform=None, target_transform=None):
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        arrays = tuple(to_cpu(a) for a in arrays)
        if any(a.ndim == 0 for a in arrays) or len({len(a) for a in arrays}) > 1:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ValueError(f"TensorDataset: arrays must have the same first dimension "
                             f"(number of samples), got shapes {shapes}")
        if target_transform is not None and len(arrays) < 2:  # (it would never run)
            raise ValueError("TensorDataset: target_transform transforms the targets, the "
                             "second array; this dataset holds one array")
        self.arrays = arrays
        self.transform = transform
        self.target_transform = target_transform

    @property
    def tensors(self):
        """The arrays, by PyTorch's name for them."""
        return self.arrays

    def __len__(self):
        return len(self.arrays[0])

    def __getitem__(self, index):
        if _is_batch_index(index):
            return self.get_batch(_batch_index(index, len(self)))  # PyTorch's: rows at once
        i = operator.index(index)
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"index {index} is out of range for a dataset of {n} samples")
        i %= n
        # A one-row slice keeps the batch axis the transforms expect.
        return tuple(part[0] for part in self.get_batch(slice(i, i + 1)))

    def get_batch(self, index):
        """Rows `index` (int array or slice) of every array, transforms applied; memory of
        the batch's own (a slice is copied: editing a batch in place, as an augmentation
        may, must not change the dataset; PyTorch's batches are copies too)."""
        if not isinstance(index, slice):
            _check_rows(index, len(self), "TensorDataset")
        batch = [a[index].copy() if isinstance(index, slice) else a[index] for a in self.arrays]
        for k, fn in enumerate((self.transform, self.target_transform)):
            if fn is not None and k < len(batch):
                batch[k] = _kept_rows(fn(batch[k]), len(batch[k]), fn)
        return tuple(batch)


def _check_rows(index, n, who):
    """An IndexError naming `who` for row indices outside a dataset of n samples (a
    sampler's or a batch's: NumPy's own message names neither)."""
    kind = getattr(getattr(index, "dtype", None), "kind", None)
    if kind in ("i", "u") and index.size and (int(index.max()) >= n or int(index.min()) < -n):
        bad = next(i for i in to_cpu(index).ravel().tolist() if i >= n or i < -n)
        raise IndexError(f"{who}: sample index {bad} is out of range for {n} samples "
                         "(from the indices, sampler or batch given)")


def _kept_rows(result, rows, fn):
    """A transform's result, once it still has one row per sample of the batch it got."""
    shape = getattr(result, "shape", None)
    if shape is not None and (len(shape) == 0 or shape[0] != rows):
        name = getattr(fn, "__name__", type(fn).__name__)
        raise ValueError(f"TensorDataset: transform {name} returned shape {tuple(shape)} for "
                         f"a batch of {rows} sample(s): transforms receive the whole batch "
                         "(N, ...) and must keep its first axis (DeZero's per-sample "
                         "x.flatten() is x.reshape(len(x), -1) here, or nn.data.Flatten())")
    return result


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order. `indices` reads back as a list
    of ints, as PyTorch's random_split makes them (`a.indices + b.indices` joins two folds;
    an array would add them up)."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    @property
    def indices(self):
        return self._rows.tolist()

    @indices.setter
    def indices(self, indices):
        if np.ndim(to_cpu(indices)) > 1:  # (flattened, they would be other samples)
            raise ValueError(f"Subset: indices must be one-dimensional, got shape "
                             f"{np.shape(to_cpu(indices))}")
        self._rows = integer_indices(to_cpu(indices), "Subset")

    def __len__(self):
        return len(self._rows)

    def __getitem__(self, index):
        if _is_batch_index(index):  # PyTorch's Subset passes several rows on to the parent
            return self.dataset[self._rows[_batch_index(index, len(self), "Subset")]]
        i = operator.index(index)
        if not -len(self) <= i < len(self):
            raise IndexError(f"Subset: index {index} is out of range for a subset of "
                             f"{len(self)} samples")
        return self.dataset[int(self._rows[i])]

    def get_batch(self, index):
        """The parent's rows at this subset's `index`: its get_batch where it has one that
        batch_getter trusts, else its samples collated."""
        if not isinstance(index, slice):
            _check_rows(index, len(self), "Subset")
        rows = self._rows[index]
        parent = batch_getter(self.dataset)
        if parent is not None:
            return parent(rows)
        return default_collate([self.dataset[int(i)] for i in rows])
