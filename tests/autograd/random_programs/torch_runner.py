"""The PyTorch reference: NumPy-named functions over tensors, and the variants' calls.

Importing this module raises ImportError where PyTorch is not installed.
"""
import types
import warnings

import numpy as np
import torch

from . import new_torch


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


def _flat_or(fn):
    """fn(x, dim, ...) with NumPy's axis=None: the flattened x along dim 0."""
    def call(x, axis=None, *args, **kwargs):
        return fn(x.reshape(-1), 0, *args, **kwargs) if axis is None else fn(x, axis, *args,
                                                                             **kwargs)
    return call


def _prod(x, axis=None, keepdims=False):
    """torch.prod takes one dim or all: the axes one at a time, the highest first (never x
    itself, which a 0-d x reduced over all its no axes would be)."""
    if axis is None:
        return torch.prod(x).reshape((1,) * x.ndim if keepdims else ())
    for ax in sorted((ax % x.ndim for ax in ([axis] if isinstance(axis, int) else axis)),
                     reverse=True):
        x = torch.prod(x, ax, keepdim=keepdims)
    return x


def _spread(fn):
    def call(x, axis=None, ddof=0, keepdims=False):
        with warnings.catch_warnings():  # (of an empty x: "degrees of freedom is <= 0")
            warnings.simplefilter("ignore", UserWarning)
            return fn(x, dim=axis, correction=ddof, keepdim=keepdims)
    return call


def _pad(x, widths, mode="constant", constant_values=0.0):
    """F.pad for 'constant'; otherwise each axis gathered at NumPy's padded positions."""
    if mode == "constant":
        flat = [w for pair in reversed(widths) for w in pair]
        return torch.nn.functional.pad(x, flat, value=constant_values)
    for axis, pair in enumerate(widths):
        where = np.pad(np.arange(x.shape[axis]), pair, mode=mode)
        x = torch.index_select(x, axis, torch.as_tensor(where))
    return x


def _sort(x, axis=-1, descending=False):
    return _flat_or(lambda x, dim: torch.sort(x, dim=dim, descending=descending,
                                              stable=True).values)(x, axis)


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
    split=_split, matmul=torch.matmul, dot=_dot,
    clone=torch.clone, sigmoid=torch.sigmoid, log1p=torch.log1p, expm1=torch.expm1,
    prod=_prod, cumsum=_flat_or(torch.cumsum), cumprod=_flat_or(torch.cumprod),
    var=_spread(torch.var), std=_spread(torch.std),
    vector_norm=lambda x, order, dim, keepdim: torch.linalg.vector_norm(x, order, dim, keepdim),
    flip=lambda x, axis=None: torch.flip(x, tuple(range(x.ndim)) if axis is None else (axis,)),
    roll=lambda x, shift, axis=None: torch.roll(x, shift, axis), tile=torch.tile, pad=_pad,
    einsum=torch.einsum, sort=_sort,
    topk=lambda x, k, axis=-1, largest=True: torch.topk(x, k, axis, largest),
    take_along_axis=lambda x, index, axis: torch.take_along_dim(x, torch.as_tensor(index),
                                                                axis),
    gather=lambda x, dim, index: torch.gather(x, dim, torch.as_tensor(index)),
    index_select=lambda x, dim, index: torch.index_select(x, dim, torch.as_tensor(index)),
    masked_fill=lambda x, mask, value: x.masked_fill(torch.as_tensor(mask), value),
    **new_torch.NEW)

_DTYPES = {"float64": torch.float64, "float32": torch.float32}


def _tensor(array, dtype, requires_grad=False):
    return torch.tensor(np.asarray(array), dtype=_DTYPES[dtype], requires_grad=requires_grad)


class Torch:
    name = "torch"
    ns = NS
    no_grad = staticmethod(torch.no_grad)
    enable_grad = staticmethod(torch.enable_grad)

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

    def register_hook(self, value, hook):
        return value.register_hook(hook)

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
