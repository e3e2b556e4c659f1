"""One-hot encoding of integer class labels."""
import numpy as np

from autograd.backend import get_array_module
from autograd.variable import Variable, wrap


def one_hot(indices, num_classes=-1, dtype=np.int64):
    """(...,) integer labels -> (..., num_classes) array of 0/1 in `dtype` (int64, as PyTorch).

    num_classes=-1 uses max(indices) + 1. Returns a Variable that does not require grad.
    """
    labels = indices.data if isinstance(indices, Variable) else indices
    xp = get_array_module(labels)
    labels = xp.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"one_hot: indices must be integers, got dtype {labels.dtype}")
    if num_classes == -1:
        if labels.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from empty indices")
        num_classes = int(labels.max()) + 1
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= num_classes):
        raise ValueError(f"one_hot: indices must lie in [0, {num_classes}), got values from "
                         f"{int(labels.min())} to {int(labels.max())}")
    encoded = xp.zeros(labels.shape + (num_classes,), dtype=dtype)
    rows = encoded.reshape(labels.size, num_classes)  # not -1: num_classes may be 0
    rows[xp.arange(labels.size), labels.ravel()] = 1
    return wrap(encoded, False)


__all__ = ["one_hot"]
