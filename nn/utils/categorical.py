"""Keras' to_categorical: integer labels as one-hot rows."""
import numpy as np

from autograd.backend import array_of, is_gpu_array

from ..functional.one_hot import one_hot


def to_categorical(y, num_classes=None, dtype="float32"):
    """Keras' to_categorical: integer class labels (any shape) as one-hot rows, an array of
    shape y.shape + (num_classes,) (NumPy's; CuPy's for GPU labels); num_classes defaults to
    max(y) + 1."""
    labels = array_of(y)
    labels = labels if is_gpu_array(labels) else np.asarray(labels)
    if labels.ndim > 1 and labels.shape[-1] == 1:  # (N, 1) columns, as Keras
        labels = labels.reshape(labels.shape[:-1])
    if labels.dtype.kind == "f":  # float labels (1.0), as Keras casts them
        whole = np.isfinite(labels) & (labels == np.round(labels))
        if not np.all(whole):
            raise ValueError("to_categorical: labels must be whole numbers, got "
                             f"{labels[~whole][:3]}")
        labels = labels.astype(np.int64)
    elif labels.dtype == bool:  # True/False as 1/0, as Keras casts them
        labels = labels.astype(np.int64)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"to_categorical: labels must be integers, got dtype {labels.dtype}")
    if labels.size and labels.min() < 0:
        raise ValueError(f"to_categorical: labels must be >= 0, got {int(labels.min())}")
    if num_classes is not None and labels.size and labels.max() >= num_classes:
        raise ValueError(f"to_categorical: label {int(labels.max())} does not fit "
                         f"num_classes={num_classes} (labels run from 0 to num_classes - 1)")
    classes = -1 if num_classes is None else num_classes
    return one_hot(labels, classes).data.astype(dtype)  # (a GPU array for GPU labels)


__all__ = ["to_categorical"]
