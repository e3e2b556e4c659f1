"""default_collate: a list of samples into one batch, mirroring the samples' structure."""
from collections.abc import Mapping, Sequence

import numpy as np

from autograd.backend import to_cpu


def default_collate(samples, where="the samples"):
    """Collate samples into a batch as PyTorch's default_collate does, with NumPy arrays:
    arrays and numbers are stacked on a new first axis; a dict (any Mapping) gives a dict of
    collated values, a tuple or list gives one of the same type holding each position
    collated (namedtuples too; PyTorch gives a list for a plain tuple), strings stay a list.
    Numbers become NumPy's dtypes (ints and floats mixed: float64, PyTorch's float32).
    Structures must agree across samples; an error names where they do not."""
    if len(samples) == 0:  # (an empty batch has no structure to mirror)
        raise ValueError("default_collate: there are no samples to collate (an empty batch)")
    first = samples[0]
    if isinstance(first, Mapping):
        keys = set(first)
        for sample in samples[1:]:
            if not isinstance(sample, Mapping) or set(sample) != keys:
                raise ValueError(f"DataLoader: the samples of a batch differ in their keys at "
                                 f"{where}: {sorted(map(str, keys))} and "
                                 f"{sorted(map(str, _keys(sample)))}")
        collated = {key: default_collate([s[key] for s in samples], f"key {key!r}")
                    for key in first}
        if type(first) is dict:
            return collated
        try:  # the sample's own mapping type where it is built from a dict (PyTorch's rule)
            return type(first)(collated)
        except TypeError:  # (a defaultdict needs its factory first)
            return collated
    if isinstance(first, (str, bytes)):
        return list(samples)
    if first is None:
        raise TypeError(f"DataLoader: cannot collate None at {where} (a sample or one of its "
                        "fields is None)")
    if isinstance(first, Sequence):
        if any(not isinstance(s, Sequence) or len(s) != len(first) for s in samples):
            raise ValueError(f"DataLoader: the samples of a batch differ in length at {where} "
                             f"(every sample must have the same structure)")
        columns = [default_collate(list(column), f"position {i} of {where}")
                   for i, column in enumerate(zip(*samples))]
        if hasattr(first, "_fields"):  # a namedtuple
            return type(first)(*columns)
        return type(first)(columns) if isinstance(first, list) else tuple(columns)
    return _stacked(samples, where)


def _stacked(samples, where):
    """The samples (arrays or numbers) stacked; anything else (None, a dict, a string or a
    plain object among them, an array of strings) refused by name, as PyTorch refuses it:
    NumPy would make an object or string array that fails far from here."""
    for i, sample in enumerate(samples):
        if not (isinstance(sample, (int, float, complex)) or hasattr(sample, "__array__")):
            what = "None" if sample is None else f"a {type(sample).__name__}"
            raise TypeError(f"DataLoader: cannot collate sample {i} at {where}: {what} "
                            f"among arrays and numbers (batches "
                            "hold arrays, numbers, and dicts, tuples and lists of them; "
                            "give the DataLoader a collate_fn for others)")
    arrays = [to_cpu(s) for s in samples]
    kinds = {a.dtype.kind for a in arrays} - set("biufc")
    if kinds:
        raise TypeError(f"DataLoader: cannot collate arrays of dtype "
                        f"{next(a.dtype for a in arrays if a.dtype.kind in kinds)} at {where} "
                        "(strings and objects are not batched as arrays; give the DataLoader "
                        "a collate_fn)")
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise ValueError(f"DataLoader: cannot stack samples of shapes "
                         f"{sorted(shapes, key=str)} at {where} (every sample must have the "
                         "same shape; pad them, or give the DataLoader a collate_fn)")
    return np.stack(arrays)


def _keys(sample):
    return list(sample) if isinstance(sample, Mapping) else [type(sample).__name__]


__all__ = ["default_collate"]
