"""Keras' sparsemax and threshold activations (keras.activations and the layers' activation
names), differentiable on rungrad's ops."""
import numpy as np

from autograd import ops
from autograd.backend import get_array_module
from autograd.ops.validation import real_scalar
from autograd.variable import as_variable

from .activation import relu


def sparsemax(x, axis=-1):
    """Sparsemax (Martins & Astudillo, 2016): the Euclidean projection of x onto the
    probability simplex along `axis`, max(x - tau, 0), tau set so that the result sums to 1
    (many entries exactly 0)."""
    x = as_variable(x)
    xp = get_array_module(x.data)
    ordered = -xp.sort(-x.data, axis=axis)  # (which entries are kept: no gradient needed)
    sums = xp.cumsum(ordered, axis=axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    ranks = xp.arange(1, x.shape[axis] + 1, dtype=x.data.dtype).reshape(shape)
    kept = xp.sum(1 + ranks * ordered > sums, axis=axis, keepdims=True)
    low = xp.take_along_axis(ordered, kept - 1, axis=axis)
    support = (x.data >= low).astype(x.data.dtype)  # (tau depends on the kept entries only)
    tau = (ops.sum(x * support, axis=axis, keepdims=True) - 1.0) / kept.astype(x.data.dtype)
    return relu(x - tau)


def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value (Keras')."""
    x = as_variable(x)
    bound = real_scalar(threshold, "threshold", "threshold")
    fill = np.asarray(real_scalar(default_value, "default_value", "threshold"), x.data.dtype)
    return ops.where(x.data > bound, x, fill)


__all__ = ["sparsemax", "threshold"]
