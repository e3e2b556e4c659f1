"""The batches Model.fit / evaluate / predict walk through: arrays cut into batches, or the
batches of a DataLoader (or of any other iterable of (x, y) pairs), as Keras takes a dataset.

Both kinds iterate as (x_batch, y_batch) pairs (y_batch None for predict) and tell what they
know of their size: `steps` (batches per pass; None when the source has no len()),
`samples` and `batch_size` (None where unknown).
"""
import math

import numpy as np


def yields_batches(data):
    """Whether `data` is a source of batches (a DataLoader, a generator, any iterable that is
    not itself array-like) rather than an array of samples. Lists and tuples stay samples."""
    if isinstance(data, (list, tuple, str, bytes, dict)):
        return False
    if hasattr(data, "shape") or hasattr(data, "__array__") or hasattr(data, "__array_interface__"):
        return False
    return hasattr(data, "__iter__")


def looks_like_a_dataset(data):
    """Whether `data` is indexable and sized but neither iterable nor an array: a Dataset,
    which holds samples and needs a DataLoader to make batches."""
    return (hasattr(data, "__getitem__") and hasattr(data, "__len__")
            and not hasattr(data, "__iter__") and not hasattr(data, "shape"))


class ArrayBatches:
    """x (N, ...) and y (N, ...) or None in consecutive batches of `batch_size`; with
    `shuffle`, a fresh permutation (NumPy's global generator) on every pass."""

    def __init__(self, x, y, batch_size, shuffle=False):
        self.x, self.y = x, y
        self.batch_size, self.shuffle = batch_size, shuffle
        self.samples = len(x)
        self.steps = math.ceil(self.samples / batch_size)

    def __iter__(self):
        order = np.random.permutation(self.samples) if self.shuffle else None
        for start in range(0, self.samples, self.batch_size):
            stop = min(start + self.batch_size, self.samples)
            # In order, slices give views; shuffled, index arrays gather a copy.
            index = slice(start, stop) if order is None else order[start:stop]
            yield self.x[index], None if self.y is None else self.y[index]


class LoaderBatches:
    """The batches of `source`, each checked and converted by `prepare(x, y, who)`.

    With `targets`, every batch must be an (x, y) pair; without (predict), a pair's y is
    dropped and anything else is taken as x. The source is iterated afresh on each pass (a
    DataLoader reshuffles by itself; fit's `shuffle` does not apply to it).
    """

    def __init__(self, source, prepare, who, targets=True):
        self.source, self.prepare, self.who, self.targets = source, prepare, who, targets
        self.steps = _length(source)
        dataset = getattr(source, "dataset", None)
        self.samples = _length(dataset) if dataset is not None else None
        self.batch_size = getattr(source, "batch_size", None)

    def __iter__(self):
        count = 0
        for count, batch in enumerate(self.source, start=1):
            x, y = self._split(batch, count - 1)
            yield self.prepare(x, y, f"{self.who} (batch {count - 1})")
        if count == 0:
            hint = (" (an iterator such as a generator is used up after one pass: give a "
                    "DataLoader or another object that can be iterated again)"
                    if hasattr(self.source, "__next__") else "")
            raise ValueError(f"{self.who}: the {type(self.source).__name__} yielded no "
                             f"batches{hint}")

    def _split(self, batch, index):
        if isinstance(batch, (tuple, list)) and len(batch) == 2:
            return (batch[0], batch[1]) if self.targets else (batch[0], None)
        if not self.targets:
            return (batch[0] if isinstance(batch, (tuple, list)) and batch else batch), None
        got = (f"a {type(batch).__name__} of {len(batch)} items"
               if isinstance(batch, (tuple, list)) else f"a {type(batch).__name__}")
        raise ValueError(f"{self.who}: each batch must be an (x, y) pair; batch {index} "
                         f"is {got}")


def _length(data):
    try:
        return len(data)
    except TypeError:
        return None


__all__ = ["yields_batches", "looks_like_a_dataset", "ArrayBatches", "LoaderBatches"]
