"""Model outputs as metrics read them: stable sigmoid and softmax on plain arrays (the
functions nn.functional's Sigmoid and Softmax compute their forward with)."""
import numpy as np

from .functional.activation import sigmoid_array as _sigmoid, softmax_array as _softmax


def sigmoid_array(x):
    """1 / (1 + e^-x) without overflow or cancellation for logits of any size."""
    return _sigmoid(np.asarray(x))


def softmax_array(x, axis=-1):
    """Softmax over `axis` (the classes: the last axis, as Keras), shifted by the max."""
    x = np.asarray(x)
    return _softmax(x if x.dtype.kind == "f" else x.astype(np.float64), axis)


__all__ = ["sigmoid_array", "softmax_array"]
