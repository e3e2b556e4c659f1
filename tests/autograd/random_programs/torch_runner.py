"""The PyTorch reference: NumPy-named functions over tensors, and the variants' calls.

Importing this module raises ImportError where PyTorch is not installed.
"""
import types

import numpy as np
import torch


def _dims(x, axis):
    if axis is None:
        return tuple(range(x.ndim))
    return axis


def _reduce(fn):
    return lambda x, axis=None, keepdims=False: fn(x, dim=_dims(x, axis), keepdim=keepdims)


def _sum_to(x, shape):
    lead = x.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape)
                                      if n == 1 and x.shape[lead + i] != 1)
    return torch.sum(x, dim=dims, keepdim=True).reshape(shape) if dims else x.reshape(shape)


def _transpose(x, axes=None):
    return x.permute(tuple(reversed(range(x.ndim))) if axes is None else axes)


def _squeeze(x, axis=None):
    return torch.squeeze(x) if axis is None else torch.squeeze(x, axis)


def _split(x, indices_or_sections, axis=0):
    return list(torch.tensor_split(x, indices_or_sections, dim=axis))


def _dot(a, b):
    """NumPy's dot: sum over a's last axis and b's second-to-last (its only one if 1-D)."""
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return torch.tensordot(a, b, dims=([a.ndim - 1], [max(b.ndim - 2, 0)]))


def _clip(x, lo, hi):
    return torch.clamp(x, lo, hi)


NS = types.SimpleNamespace(
    exp=torch.exp, log=torch.log, sin=torch.sin, cos=torch.cos, tan=torch.tan,
    tanh=torch.tanh, sqrt=torch.sqrt, abs=torch.abs, maximum=torch.maximum,
    minimum=torch.minimum, clip=_clip,
    where=lambda c, a, b: torch.where(torch.as_tensor(c), a, b),
    sum=_reduce(torch.sum), mean=_reduce(torch.mean), max=_reduce(torch.amax),
    min=_reduce(torch.amin), logsumexp=_reduce(torch.logsumexp), sum_to=_sum_to,
    broadcast_to=torch.broadcast_to, reshape=torch.reshape, transpose=_transpose,
    swapaxes=torch.swapaxes, squeeze=_squeeze, expand_dims=torch.unsqueeze,
    flatten=lambda x: torch.reshape(x, (-1,)), concatenate=torch.cat, stack=torch.stack,
    split=_split, matmul=torch.matmul, dot=_dot)

_DTYPES = {"float64": torch.float64, "float32": torch.float32}


def _tensor(array, dtype, requires_grad=False):
    return torch.tensor(np.asarray(array), dtype=_DTYPES[dtype], requires_grad=requires_grad)


class Torch:
    name = "torch"
    ns = NS
    no_grad = staticmethod(torch.no_grad)

    def line(self, line):
        return line

    def post(self, value, no_grad):
        # A view made under no_grad says requires_grad=True in PyTorch (a leaf that no
        # gradient ever reaches): what rungrad's no_grad promises is a detached value.
        return value.detach() if no_grad else value

    def leaf(self, array, requires_grad, dtype):
        return _tensor(array, dtype, requires_grad)

    def constant(self, array, dtype):
        return _tensor(array, dtype)

    def array(self, value):
        return None if value is None else value.detach().numpy(force=True).copy()

    def requires_grad(self, value):
        return value.requires_grad

    def grad_attr(self, value):
        return self.array(value.grad)

    def writable(self, value):
        return True

    def retain_grad(self, value):
        value.retain_grad()

    def seed(self, array, kind):
        return torch.as_tensor(np.asarray(array))

    def backward(self, root, seed=None):
        if seed is not None:
            seed = seed.to(root.dtype)
        root.backward(seed, retain_graph=True)

    def grad(self, outputs, inputs, seeds=None, create_graph=False, allow_unused=False):
        if seeds is not None:
            seeds = [s.to(y.dtype) for s, y in zip(seeds, outputs)]
        return torch.autograd.grad(outputs, inputs, grad_outputs=seeds, retain_graph=True,
                                   create_graph=create_graph, allow_unused=allow_unused)

    # jacobian, hessian and vjp by hand: torch.autograd.functional fails on an output with
    # no entries (jacobian) or one that does not require grad (vjp)
    def jacobian(self, f, x):
        x = torch.tensor(x, requires_grad=True)
        return _rows(f(x), x)

    def hessian(self, f, x):
        x = torch.tensor(x, requires_grad=True)
        y = f(x)
        g = _grad(y, x, create_graph=True)
        return _rows(g, x) if g is not None else np.zeros(x.shape + x.shape, self.dtype(x))

    def vjp(self, f, x, v):
        x = torch.tensor(x, requires_grad=True)
        y = f(x)
        g = _grad(y, x, torch.as_tensor(v))
        return self.array(y), self.array(g) if g is not None else np.zeros_like(self.array(x))

    def dtype(self, x):
        return self.array(x).dtype


def _grad(y, x, seed=None, create_graph=False):
    """dy/dx (times seed), or None where y does not depend on x."""
    if not y.requires_grad:
        return None
    return torch.autograd.grad(y, x, seed, retain_graph=True, create_graph=create_graph,
                               allow_unused=True)[0]


def _rows(y, x):
    """d y.flat[i] / dx for every i, shape y.shape + x.shape."""
    jac = np.zeros((y.numel(),) + tuple(x.shape), x.detach().numpy().dtype)
    for i in range(y.numel()):
        g = _grad(y.reshape(-1)[i], x)
        if g is not None:
            jac[i] = g.detach().numpy(force=True)
    return jac.reshape(tuple(y.shape) + tuple(x.shape))


TORCH = Torch()
