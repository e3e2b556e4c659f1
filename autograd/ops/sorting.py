"""Sorting and selection: sort, argsort, topk, argmax, argmin. Values come from a gather
(get_item), so their gradient goes back to the elements they came from; indices are int64
Variables an op computed, with no gradient (as PyTorch's)."""
from collections import namedtuple

import numpy as np

from ..backend import get_array_module
from ..function import Function, call_op
from ..spec import Axes, Choice, Spec
from ..variable import LAST_AXIS, as_variable, axis_or_dim, torch_axis, wrap
from .indexing import GetItemGrad, get_item, with_index_variable
from .shape import Reshape, reshape
from .validation import integer_index, normalize_axis


def _order(data, axis, descending):
    """Stable argsort along `axis` (ties keep their order, descending too). Descending, NaN
    ranks above everything (PyTorch's); integers are ordered by ~x, which reverses their
    order without the overflow of -x at the type's minimum."""
    xp = get_array_module(data)
    if not descending:
        return xp.argsort(data, axis=axis, kind="stable")
    if data.dtype.kind in "biu":
        return xp.argsort(~data, axis=axis, kind="stable")
    nan = xp.isnan(data)
    if nan.any():
        return xp.lexsort((-data, ~nan), axis=axis)  # NaN first, then the largest
    return xp.argsort(-data, axis=axis, kind="stable")


def take_along_axis(x, indices, axis):
    """NumPy's take_along_axis, differentiable in x: a gather, so repeated indices add up
    their gradients."""
    x = as_variable(x, who="take_along_axis")
    axis = normalize_axis(axis, x.ndim, "take_along_axis")
    given, indices = indices, integer_index(indices, "take_along_axis", replayed=True)
    if indices.ndim != x.ndim:
        raise ValueError(f"take_along_axis: indices of shape {indices.shape} and input of shape "
                         f"{x.shape} must have the same number of dimensions (NumPy's rule)")
    n = x.shape[axis]
    if indices.size and (indices.min() < -n or indices.max() >= n):  # (negatives: NumPy's)
        bad = indices.min() if indices.min() < -n else indices.max()
        raise IndexError(f"take_along_axis: index {int(bad)} is out of bounds for axis {axis} "
                         f"of size {n} (input shape {x.shape})")
    return get_item(x, with_index_variable(_index_along(indices, axis, x.shape), axis, given,
                                           indices))


def _flat_or(x, axis, who):
    """(x, axis) with NumPy's axis=None meaning the flattened array."""
    x = as_variable(x, who=who)
    if axis is None:
        return reshape(x, (-1,)), 0
    return x, normalize_axis(axis, x.ndim, who)


def sort(x, axis=LAST_AXIS, *, descending=False, dim=None, stable=True):
    """NumPy's sort (stable; axis=None sorts the flattened array): the values; `descending`
    as PyTorch's. With PyTorch's dim=, PyTorch's (values, indices), as x.sort(dim). The
    gradient of each value goes to the element it came from."""
    if dim is not None:
        return as_variable(x, who="sort").sort(axis_or_dim(axis, dim, "sort"), descending)
    x, axis = _flat_or(x, axis_or_dim(axis, dim, "sort"), "sort")
    return SortAlong(axis, descending)(x)[0]


def argsort(x, axis=LAST_AXIS, *, descending=False, dim=None, stable=True):
    """NumPy's argsort (stable), or PyTorch's (`dim=`, `descending=`; `stable` is taken: it
    always is): an int64 Variable (no gradient)."""
    order = recorded_indices("argsort", x, axis_or_dim(axis, dim, "argsort"),
                             descending=descending)
    if dim is not None and order.ndim > np.ndim(x):  # (PyTorch's of a 0-d tensor: 0-d)
        return order.reshape(())
    return order


def topk(x, k, axis=-1, largest=True, sorted=True, *, dim=None):  # noqa: A002 (PyTorch's)
    """PyTorch's topk: (values, indices) of the k largest (smallest with largest=False)
    along `axis` (or `dim=`), in that order (`sorted` is accepted for PyTorch's signature:
    they always come sorted); values carry the gradient, indices are int64 (none)."""
    x = as_variable(x, who="topk")
    axis = normalize_axis(axis if dim is None else dim, max(x.ndim, 1), "topk")
    n = x.shape[axis] if x.ndim else 1
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 0 <= k <= n:
        raise ValueError(f"topk: k must be an integer in [0, {n}] (axis {axis} of shape "
                         f"{x.shape}), got {k!r}")
    if x.ndim == 0:
        return ValuesIndices(reshape(x, ()), wrap(np.zeros((), np.int64), False))
    return sorted_with_indices(x, axis, largest, k, "topk")


def sorted_with_indices(x, axis, descending, k, who):
    """PyTorch's (values, indices) of x sorted along `axis` (the first k; all for None): the
    values carry the gradient, the indices are an int64 Variable (x's sort, topk)."""
    return ValuesIndices(*SortAlong(normalize_axis(axis, x.ndim, who), descending, k)(x))


ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])  # torch.return_types'


class SortAlong(Function):
    """(values, indices): x sorted along `axis` (stable; descending as _order), the first k
    (all for None); d values / dx = 1 at the element each came from. The indices are an
    integer output, without a gradient. Its forward sorts each call's values: a captured
    step's replay sorts again (take_along_axis with argsort's indices would keep them)."""

    input_specs = (Spec(shape=("a", "*rest"), distinct=True),)  # an axis to sort, no ties
    arg_specs = {"axis": Axes(of=0, single=True), "descending": Choice(False, True),
                 "k": Choice(None, 1)}
    apply = staticmethod(lambda x, axis, descending, k: SortAlong(axis, descending, k)(x)[0])

    def __init__(self, axis, descending, k=None):
        self.axis, self.descending, self.k = axis, descending, k

    def forward(self, x):
        order = _order(x, self.axis, self.descending)
        if self.k is not None:
            order = order[(slice(None),) * self.axis + (slice(0, self.k),)]
        self.index = _index_along(order, self.axis, x.shape)  # each call's own: replays redo it
        return x[self.index], order

    def backward(self, gy, gi=None):
        return call_op(GetItemGrad(self.index, self.inputs[0].shape), gy)

    backward_data = backward  # written for both


class PickAlong(Function):
    """(values, indices) of the largest (smallest) element along `axis` (PyTorch's max(dim)):
    values = x at the picked index, the first of ties (NaN is picked); d values / dx = 1 there,
    0 elsewhere. The indices are an integer output, without a gradient."""

    input_specs = (Spec(shape=("a", "*rest"), distinct=True),)  # an axis to pick along, no ties
    arg_specs = {"dim": Axes(of=0, single=True), "keepdim": Choice(False, True),
                 "largest": Choice(True, False)}
    apply = staticmethod(lambda x, dim, keepdim, largest: extreme_along(
        x, dim, keepdim, largest, "max" if largest else "min").values)

    def __init__(self, axis, keepdims, largest):
        self.axis, self.keepdims, self.largest = axis, keepdims, largest

    def forward(self, x):
        picked = self._pick(x)
        self.index = _index_along(picked, self.axis, x.shape)  # each call's own: replays redo it
        values = x[self.index]
        if self.keepdims:
            return values, picked
        return values.squeeze(self.axis), picked.squeeze(self.axis)

    def _pick(self, x):
        """The positions picked along the axis, an array of x's rank (a subclass's rule)."""
        xp = get_array_module(x)
        return (xp.argmax if self.largest else xp.argmin)(x, axis=self.axis, keepdims=True)

    def backward(self, gy, gi=None):
        gy = gy if self.keepdims else call_op(Reshape(self._kept_shape()), gy)
        return call_op(GetItemGrad(self.index, self.inputs[0].shape), gy)

    backward_data = backward  # written for both

    def _kept_shape(self):
        shape = list(self.inputs[0].shape)
        shape[self.axis] = 1
        return tuple(shape)


def _index_along(picked, axis, shape):
    """The index of x (of `shape`) picking, along `axis`, the positions `picked` holds (an
    array of x's rank): take_along_axis's gather. The other axes run over x's own, so that
    they broadcast against picked's as NumPy's (a size-1 axis of either repeats)."""
    xp = get_array_module(picked)
    return tuple(picked if k == axis else xp.arange(n).reshape(
        [-1 if i == k else 1 for i in range(len(shape))]) for k, n in enumerate(shape))


def extreme_along(x, dim, keepdim, largest, who):
    """PyTorch's max(dim) / min(dim): (values, indices) along `dim`, both Variables (the
    indices without a gradient); the gradient goes to the element picked."""
    x = as_variable(x, who=who)
    if x.ndim == 0:
        normalize_axis(dim, 1, who)
        xp = get_array_module(x.data)
        return ValuesIndices(reshape(x, ()), wrap(xp.zeros((), np.int64), False))
    dim = normalize_axis(dim, x.ndim, who)
    _refuse_empty(x, dim, who)
    return ValuesIndices(*PickAlong(dim, keepdim, largest)(x))


def _refuse_empty(x, axis, who):
    """A ValueError where there is nothing to pick from: x empty, or its `axis` of size 0."""
    empty = x.size == 0 if axis is None or x.ndim == 0 else x.shape[axis] == 0
    if empty:
        where = "an empty array" if axis is None else f"axis {axis} of size 0"
        raise ValueError(f"{who}: cannot take the {who} of {where} (input shape {x.shape})")


class ArgIndices(Function):
    """y = the indices of x's argmax or argmin over `axis` (of the flattened x for None), or
    its stable argsort along `axis` (integers: no gradient)"""

    input_specs = (Spec(distinct=True),)
    arg_specs = {"kind": Choice("argmax", "argmin", "argsort")}
    apply = staticmethod(lambda x, kind: ArgIndices(kind, -1 if kind == "argsort" and x.ndim
                                                    else None)(x))
    gradcheck_order = 0  # (integers)

    def __init__(self, kind, axis=None, keepdims=False, descending=False):
        self.kind, self.axis, self.keepdims, self.descending = kind, axis, keepdims, descending

    @property
    def name(self):
        return self.kind

    def forward(self, x):
        if self.kind == "argsort":
            flat = self.axis is None
            return _order(x.reshape(-1) if flat else x, 0 if flat else self.axis,
                          self.descending)
        xp = get_array_module(x)
        return xp.asarray(getattr(xp, self.kind)(x, axis=self.axis, keepdims=self.keepdims))

    def backward(self, gy):
        return None


def recorded_indices(kind, x, axis=None, keepdims=False, descending=False):
    """argmax, argmin or argsort of x: an int64 Variable an op computed (no gradient), so a
    captured step computes each call's."""
    x = as_variable(x, who=kind)
    if axis is not None:
        axis = normalize_axis(axis, max(x.ndim, 1), kind)
    if kind != "argsort":
        _refuse_empty(x, axis, kind)
    from ..config import no_grad
    with no_grad():
        return ArgIndices(kind, axis, keepdims, descending)(x)


def argmax(x, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """NumPy's argmax (axis=None: the index into the flattened array), an int64 Variable
    (no gradient); PyTorch's dim= and keepdim= too."""
    axis, keepdims = torch_axis(axis, keepdims, dim, keepdim, "argmax")
    return recorded_indices("argmax", x, axis, keepdims)


def argmin(x, axis=None, keepdims=False, *, dim=None, keepdim=None):
    """NumPy's argmin (axis=None: the index into the flattened array), an int64 Variable
    (no gradient); PyTorch's dim= and keepdim= too."""
    axis, keepdims = torch_axis(axis, keepdims, dim, keepdim, "argmin")
    return recorded_indices("argmin", x, axis, keepdims)
