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
        if not np.all(labels == np.round(labels)):
            raise ValueError("to_categorical: labels must be whole numbers, got "
                             f"{labels[labels != np.round(labels)][:3]}")
        labels = labels.astype(np.int64)
    elif labels.dtype == bool:  # True/False as 1/0, as Keras casts them
        labels = labels.astype(np.int64)
    classes = -1 if num_classes is None else num_classes
    return one_hot(labels, classes).data.astype(dtype)  # (a GPU array for GPU labels)


__all__ = ["to_categorical"]
