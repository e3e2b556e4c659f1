"""Keras' operations that select, rearrange, combine or make tensors (keras.ops' `take`,
`pad`, `split`, `top_k`, `arange`, ...), by Keras' class name, each made of rungrad's
differentiable ops with NumPy's (and Keras') meaning. Those that make a tensor from numbers
alone make it on the array module of the latest model call, as keras.ops.zeros does."""
import numpy as np

from autograd import ops
from autograd.variable import Variable, as_variable

from ..call_losses import call_array_module
from .operation_kinds import axes


def _flat(x):
    return ops.reshape(x, (-1,))


def _take(x, indices, axis=None):
    """x's entries at `indices` along `axis` (of the flattened x for None): the result has
    x's shape with that axis replaced by the indices' shape, as np.take."""
    index = indices if isinstance(indices, Variable) else np.asarray(indices)
    if axis is None:
        return ops.get_item(_flat(x), index)
    return ops.get_item(x, (slice(None),) * (axis % x.ndim) + (index,))


def _take_along_axis(x, indices, axis=None):
    if axis is None:
        return ops.take_along_axis(_flat(x), _flat(as_variable(indices)), 0)
    return ops.take_along_axis(x, indices, axis)


def _repeat(x, repeats, axis=None):
    return ops.repeat_interleave(x, repeats, dim=axis)


def _pad(x, constant_values=None, pad_width=None, mode="constant"):
    """np.pad's modes 'constant' (constant_values, 0 by default), 'edge', 'reflect',
    'symmetric' and 'wrap'."""
    if mode != "constant":
        if constant_values not in (None, 0):
            raise ValueError(f"pad: constant_values={constant_values} is for mode='constant', "
                             f"not {mode!r}")
        return ops.pad(x, _pairs(pad_width), mode=mode)
    return ops.pad(x, _pairs(pad_width), constant_values=constant_values or 0)


def _pairs(pad_width):
    """A JSON config's lists as np.pad's tuples."""
    if isinstance(pad_width, list):
        return tuple(_pairs(item) for item in pad_width)
    return pad_width


def _roll(x, shift, axis=None):
    return ops.roll(x, shift, axis=axes(axis))


def _trace(x, offset=0, axis1=0, axis2=1):
    return ops.sum(ops.diagonal(x, offset, axis1, axis2), axis=-1)


def _tensordot(x1, x2, axes=2):
    if isinstance(axes, (list, tuple)):
        axes = tuple(tuple(a) if isinstance(a, (list, tuple)) else (a,) for a in axes)
    return ops.tensordot(x1, x2, dims=axes)


def _inner(x1, x2):
    """The sum over both operands' last axes (np.inner): x1's other axes, then x2's."""
    x1, x2 = as_variable(x1), as_variable(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return ops.mul(x1, x2)
    return ops.tensordot(x1, x2, dims=((x1.ndim - 1,), (x2.ndim - 1,)))


def _append(x1, x2, axis=None):
    if axis is None:
        return ops.concatenate([_flat(as_variable(x1)), _flat(as_variable(x2))], axis=0)
    return ops.concatenate([x1, x2], axis=axis)


def _hstack(xs):
    """Concatenation along the second axis (the first for 1-D tensors), as np.hstack."""
    xs = [as_variable(x) for x in xs]
    return ops.concatenate(xs, axis=0 if xs[0].ndim == 1 else 1)


def _vstack(xs):
    """Concatenation along the first axis, 1-D tensors as rows, as np.vstack."""
    xs = [as_variable(x) for x in xs]
    return ops.concatenate([ops.reshape(x, (1, -1)) if x.ndim < 2 else x for x in xs], axis=0)


def _top_k(x, k, sorted=True):  # noqa: A002 (Keras' argument names)
    """(values, indices) of the k largest along the last axis."""
    values, indices = ops.topk(x, k, axis=-1, sorted=sorted)
    return values, as_variable(indices)


def _in_top_k(targets, predictions, k):
    """Whether each sample's target class (N,) is among the k largest of its predictions
    (N, C); a tie with the k-th counts as in."""
    kth = ops.topk(predictions, k, axis=-1)[0][:, k - 1]
    targets = ops.astype(as_variable(targets), np.int64)
    scored = ops.take_along_axis(predictions, ops.reshape(targets, (-1, 1)), 1)[:, 0]
    return ops.greater_equal(scored, kth)


def _split(x, indices_or_sections, axis=0):
    return list(ops.split(x, indices_or_sections, axis=axis))


def _cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors along x1's axisa and x2's axisb, placed at axisc
    (`axis` sets all three)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    x1, x2 = ops.moveaxis(x1, axisa, -1), ops.moveaxis(x2, axisb, -1)
    return ops.moveaxis(ops.cross(x1, x2, dim=-1), -1, axisc)


def _diff(a, n=1, axis=-1):
    return ops.diff(a, n, dim=axis)


def _made(values):
    """A constant Variable of `values` (an array on the host) on the call's array module."""
    return Variable(call_array_module().asarray(values), requires_grad=False)


def _default_dtype(*numbers):
    """Keras' dtype for Python numbers: int32 when all are ints, else float32."""
    ints = all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in numbers
               if n is not None)
    return "int32" if ints else "float32"


def _arange(start, stop=None, step=None, dtype=None):
    step = 1 if step is None else step
    return _made(np.arange(start, stop, step, dtype=dtype or _default_dtype(start, stop, step)))


def _full(fill_value, shape=None, dtype=None):
    return _made(np.full(tuple(shape), fill_value, dtype=dtype or _default_dtype(fill_value)))


def _full_like(x, fill_value, dtype=None):
    return _made(np.full(x.shape, fill_value, dtype=dtype or x.dtype))


def _linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    values, step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True,
                               dtype=dtype or "float32", axis=axis)
    return (_made(values), step) if retstep else _made(values)


ARRAYS = {
    "Take": _take, "TakeAlongAxis": _take_along_axis, "Repeat": _repeat,
    "BroadcastTo": lambda x, shape: ops.broadcast_to(x, tuple(shape)),
    "Moveaxis": lambda x, source, destination: ops.moveaxis(x, axes(source), axes(destination)),
    "Swapaxes": lambda x, axis1, axis2: ops.swapaxes(x, axis1, axis2),
    "Pad": _pad, "Roll": _roll,
    "Tril": lambda x, k=0: ops.tril(x, k), "Triu": lambda x, k=0: ops.triu(x, k),
    "Diag": lambda x, k=0: ops.diag(x, k),
    "Diagonal": lambda x, offset=0, axis1=0, axis2=1: ops.diagonal(x, offset, axis1, axis2),
    "Trace": _trace, "Ravel": _flat,
    "Dot": lambda x1, x2: ops.dot(x1, x2), "Tensordot": _tensordot,
    "Outer": lambda x1, x2: ops.outer(_flat(as_variable(x1)), _flat(as_variable(x2))),
    "Inner": _inner,
    "Vdot": lambda x1, x2: ops.dot(_flat(as_variable(x1)), _flat(as_variable(x2))),
    "Unstack": lambda x, num=None, axis=0: list(ops.unbind(x, axis)),
    "Append": _append, "Hstack": _hstack, "Vstack": _vstack,
    "Sort": lambda x, axis=-1: ops.sort(x, axis),
    "Argsort": lambda x, axis=-1: ops.astype(ops.argsort(x, axis), np.int32),
    "TopK": _top_k, "InTopK": _in_top_k, "Split": _split,
    "Meshgrid": lambda *x, indexing="xy": list(ops.meshgrid(*x, indexing=indexing)),
    "Kron": lambda x1, x2: ops.kron(x1, x2), "Diff": _diff, "Cross": _cross,
    # made from numbers
    "Arange": _arange, "Full": _full, "FullLike": _full_like, "Linspace": _linspace,
    "EmptyLike": lambda x, dtype=None: _full_like(x, 0, dtype),
}

__all__ = ["ARRAYS"]
