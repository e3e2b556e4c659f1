"""Model outputs as metrics read them: stable sigmoid and softmax on plain arrays."""
import numpy as np


def sigmoid_array(x):
    """1 / (1 + e^-x) without overflow for logits of any size."""
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def softmax_array(x, axis=-1):
    """Softmax over `axis` (the classes: the last axis, as Keras), shifted by the max."""
    x = np.asarray(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


__all__ = ["sigmoid_array", "softmax_array"]
