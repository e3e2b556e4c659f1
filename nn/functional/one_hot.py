"""One-hot encoding of integer class labels."""
import numpy as np

from autograd.arguments import nonnegative_int
from autograd.backend import get_array_module
from autograd.capture import CaptureError, capturing
from autograd.config import no_grad
from autograd.function import Function
from autograd.spec import Choice, Spec
from autograd.variable import Variable, wrap


class OneHot(Function):
    """(...,) integer labels -> (..., num_classes) of 0/1 in `dtype`: no gradient. An op, so
    that a captured step (autograd.capture) encodes each call's labels (range-checked)."""

    input_specs = (Spec("int", shape=("N",), elements=(0, 2)),)
    arg_specs = {"num_classes": Choice(3, 4), "dtype": Choice(np.dtype(np.float64))}
    reference = staticmethod(lambda t, num_classes, dtype: np.eye(num_classes, dtype=dtype)[t])
    gradcheck_order = 0  # forward only: labels have no derivative

    def __init__(self, num_classes, dtype):
        self.num_classes, self.dtype = num_classes, dtype

    def forward(self, labels):
        xp, classes = get_array_module(labels), self.num_classes
        if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= classes):
            raise ValueError(f"one_hot: indices must lie in [0, {classes}), got values from "
                             f"{int(labels.min())} to {int(labels.max())}")
        encoded = xp.zeros(labels.shape + (classes,), dtype=self.dtype)
        rows = encoded.reshape(labels.size, classes)  # not -1: num_classes may be 0
        rows[xp.arange(labels.size), labels.ravel()] = 1
        return encoded

    def backward(self, gy):
        return None


def one_hot(indices, num_classes=-1, dtype=np.int64):
    """(...,) integer labels -> (..., num_classes) array of 0/1 in `dtype` (int64, as PyTorch).
    num_classes=-1 uses max(indices) + 1 (read from the values: a captured step refuses it,
    give num_classes). Returns a Variable that does not require grad.
    """
    if not isinstance(indices, Variable):
        indices = wrap(get_array_module(indices).asarray(indices), False)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"one_hot: indices must be integers, got dtype {indices.dtype}")
    if num_classes == -1:
        if capturing():
            raise CaptureError("one_hot: num_classes=-1 reads the labels' values, which a "
                               "captured step would keep from one call; give num_classes")
        if indices.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from empty indices")
        num_classes = int(indices.data.max()) + 1
    num_classes = nonnegative_int(num_classes, "num_classes", "one_hot")
    with no_grad():
        return OneHot(num_classes, np.dtype(dtype))(indices)


__all__ = ["one_hot"]
