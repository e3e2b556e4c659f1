"""The frameworks a program runs in, behind one small interface.

rungrad is under test; PyTorch is the reference where it is installed; NumPy gives the
forward reference for the generator and the numerical-differentiation fallback. Each
exposes `ns` (what `ag` means in the program text) and the calls the variants make.
"""
import contextlib
import types

import numpy as np

import autograd as ag

from . import new_numpy


class Rungrad:
    name = "rungrad"
    ns = ag
    no_grad = staticmethod(ag.no_grad)
    enable_grad = staticmethod(ag.enable_grad)

    def line(self, line):
        return line

    def post(self, value, no_grad):
        return value

    def leaf(self, array, requires_grad, dtype):
        return ag.Variable(np.asarray(array, dtype=dtype), requires_grad=requires_grad)

    def constant(self, array, dtype):
        return ag.Variable(np.asarray(array, dtype=dtype), requires_grad=False)

    def array(self, value):
        return None if value is None else np.array(value.data)

    def requires_grad(self, value):
        return value.requires_grad

    def grad_attr(self, value):
        return self.array(value.grad)

    def writable(self, value):
        """A leaf's .grad is an array it owns and may edit in place (issue 17 item 5)."""
        return value.grad is None or bool(value.grad.data.flags.writeable)

    def retain_grad(self, value):
        value.retain_grad()

    def register_hook(self, value, hook):
        return value.register_hook(hook)

    def seed(self, array, kind):
        """An upstream gradient as a user may pass it: array, Variable, float, list."""
        return {"array": lambda: array, "variable": lambda: ag.Variable(array),
                "float": lambda: float(array), "list": array.tolist}[kind]()

    def backward(self, root, seed=None):
        root.backward(seed)

    def grad(self, outputs, inputs, seeds=None, create_graph=False, allow_unused=False):
        return ag.grad(outputs, inputs, grad_outputs=seeds, create_graph=create_graph,
                       allow_unused=allow_unused)

    def jacobian(self, f, x):
        return ag.jacobian(f, x)

    def hessian(self, f, x):
        return ag.hessian(f, x)

    def vjp(self, f, x, v):
        return ag.vjp(f, x, v)



def _np_logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    y = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return y if keepdims else np.squeeze(y, axis=axis)


def _np_sum_to(x, shape):
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape)
                                      if n == 1 and x.shape[lead + i] != 1)
    return np.sum(x, axis=axes, keepdims=True).reshape(shape)


def _np_sort(x, axis=-1, descending=False):
    y = np.sort(x, axis=axis)
    return np.flip(y, axis=-1 if axis is None else axis) if descending else y


def _np_topk(x, k, axis=-1, largest=True):
    """(values, None): k largest (smallest) along axis, largest first (smallest first)."""
    y = _np_sort(x, axis, descending=largest)
    return np.take(y, np.arange(k), axis=axis), None


def _np_vector_norm(x, order, dim=None, keepdim=False):
    return np.sum(np.abs(x) ** order, axis=dim, keepdims=keepdim) ** (1 / order)


class Numpy:
    """Forward only, in float64: the reference values."""

    name = "numpy"
    ns = types.SimpleNamespace(
        exp=np.exp, log=np.log, sin=np.sin, cos=np.cos, tan=np.tan, tanh=np.tanh,
        sqrt=np.sqrt, abs=np.abs, maximum=np.maximum, minimum=np.minimum, clip=np.clip,
        where=np.where, sum=np.sum, mean=np.mean, max=np.max, min=np.min,
        logsumexp=_np_logsumexp, sum_to=_np_sum_to, broadcast_to=np.broadcast_to,
        reshape=np.reshape, transpose=np.transpose, swapaxes=np.swapaxes, squeeze=np.squeeze,
        expand_dims=np.expand_dims, flatten=np.ravel, concatenate=np.concatenate,
        stack=np.stack, split=np.split, matmul=np.matmul, dot=np.dot,
        clone=np.copy, sigmoid=lambda x: 1 / (1 + np.exp(-x)), log1p=np.log1p, expm1=np.expm1,
        prod=np.prod, cumsum=np.cumsum, cumprod=np.cumprod, var=np.var, std=np.std,
        vector_norm=_np_vector_norm, flip=np.flip, roll=np.roll, tile=np.tile, pad=np.pad,
        einsum=np.einsum, sort=_np_sort, topk=_np_topk, take_along_axis=np.take_along_axis,
        gather=lambda x, dim, index: np.take_along_axis(x, index, dim),
        index_select=lambda x, dim, index: np.take(x, index, axis=dim),
        masked_fill=lambda x, mask, value: np.where(mask, value, x), **new_numpy.NEW)
    no_grad = enable_grad = staticmethod(contextlib.nullcontext)

    def line(self, line):
        return line.replace(".detach()", "")

    def post(self, value, no_grad):
        return np.asarray(value)

    def leaf(self, array, requires_grad, dtype):
        return np.asarray(array, dtype=dtype)

    def constant(self, array, dtype):
        return np.asarray(array, dtype=dtype)


NUMPY = Numpy()
RUNGRAD = Rungrad()


def torch_or_none():
    """The PyTorch reference, or None where PyTorch is not installed."""
    try:
        from . import torch_runner
    except ImportError:
        return None
    return torch_runner.TORCH
