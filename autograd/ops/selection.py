"""PyTorch's selection by index arrays: gather, scatter_add, scatter, index_select,
masked_fill. Reads are gathers (get_item), whose gradient adds each element's back where it
came from; writes are a scatter-add (GetItemGrad, get_item's own gradient), whose gradient
gathers. Index arrays are plain integers, checked against the input's shape, with no
gradient (a Variable index gives its values)."""
import numpy as np

from ..backend import get_array_module
from ..backend import scatter_add as add_at
from ..function import call_op
from ..variable import Variable, as_variable, gpu_array_among
from .elementwise import astype, where
from .indexing import GetItemGrad, _indexed, _on_gpu, get_item, with_index_variable
from .validation import integer_index, normalize_axis, values_now


def gather(x, dim, index):
    """PyTorch's gather: y[i][j][k] = x[index[i][j][k]][j][k] for dim 0 (and so on); y has
    index's shape, which may be smaller than x's along the other axes."""
    x = as_variable(x, who="gather")
    given = index
    axis, index = _checked_index(x, dim, index, "gather", None, "x")
    n = x.shape[axis] if x.ndim else 1
    return get_item(x, with_index_variable(_positions(index, axis, x), axis, given, index),
                    lambda plain: _in_range(plain[axis], n, "gather", dim))


def scatter_add(x, dim, index, src):
    """PyTorch's scatter_add: x with src[i][j][k] added at [index[i][j][k]][j][k] for dim 0
    (repeated positions add up); index's shape picks the part of src used."""
    x, src = as_variable(x, who="scatter_add"), as_variable(src, who="scatter_add")
    axis, index = _checked_index(x, dim, index, "scatter_add", src.shape, "src")
    return x + _scattered(x, src, index, axis)


def scatter(x, dim, index, src):
    """PyTorch's scatter: x with src[i][j][k] written at [index[i][j][k]][j][k] for dim 0;
    `src` may be a number (PyTorch's `value`), written wherever index points, repeats
    included. Two writes of src to one position are refused (which one would win is
    undefined in PyTorch)."""
    x = as_variable(x, who="scatter")
    number = not isinstance(src, Variable) and np.ndim(src) == 0
    if not number:
        src = as_variable(src, who="scatter")
    axis, index = _checked_index(x, dim, index, "scatter",
                                 np.shape(index) if number else src.shape, "src")
    hits = get_array_module(x.data).zeros(x.shape, np.int64)
    add_at(hits, _positions(index, axis, x), 1)
    if number:  # every write is the same number: repeats are harmless
        return masked_fill(x, hits > 0, src)
    if (hits > 1).any():
        raise ValueError(f"scatter: index writes {int((hits > 1).sum())} position(s) more than "
                         f"once along dim {dim}; use scatter_add to add them up")
    return where(hits > 0, _scattered(x, src, index, axis), x)


def index_select(x, dim, index):
    """PyTorch's index_select: the entries of x along `dim` at the positions of the 1-D
    integer `index` (repeats allowed)."""
    x = as_variable(x, who="index_select")
    if x.ndim == 0:
        raise ValueError("index_select: the input must have at least one dimension")
    axis = normalize_axis(dim, x.ndim, "index_select")
    given, index = index, _on_device(integer_index(index, "index_select", replayed=True), x)
    if index.ndim > 1:
        raise ValueError(f"index_select: index must be 1-D, got shape {index.shape}")
    n = x.shape[axis]
    _in_range(index, n, "index_select", dim)
    flat = index if index.ndim == 1 else index.reshape(-1)  # (1-D: the Variable's own)
    return get_item(x, with_index_variable((slice(None),) * axis + (flat,), axis, given, flat),
                    lambda plain: _in_range(plain[axis], n, "index_select", dim))


def masked_fill(x, mask, value):
    """PyTorch's masked_fill: x with `value` (a number, or a 0-d Variable that then gets
    the gradient of the filled places) where the boolean `mask` (broadcast to x's shape)
    is True; the result has x's dtype."""
    x = as_variable(x, who="masked_fill")
    given = mask  # (a Variable goes to where as itself: a captured step's argument)
    mask, shape = boolean_mask(mask, x, "masked_fill")
    if shape != x.shape:
        raise ValueError(f"masked_fill: a mask of shape {mask.shape} does not broadcast to the "
                         f"input's shape {x.shape}")
    if isinstance(value, Variable) and value.ndim != 0:
        raise ValueError(f"masked_fill: value must be a number or a 0-d Variable, got shape "
                         f"{value.shape}")
    if not isinstance(value, Variable):
        value = np.asarray(value, x.dtype)
    elif value.dtype != x.dtype:  # x's dtype, as PyTorch's (Variable(2.0) is float64)
        value = astype(value, x.dtype)
    return where(given if isinstance(given, Variable) else mask, value, x)


def boolean_mask(mask, x, who):
    """(mask as an array on x's device, the shape it and x broadcast to, None if they do
    not); a TypeError naming `who` unless the mask is boolean. A Variable's array is
    copied: changed in place after the op, it must not move backward's gradient."""
    mask = values_now(mask, like=x.data)
    if mask.dtype != bool:
        raise TypeError(f"{who}: mask must be boolean, got dtype {mask.dtype}")
    try:
        return mask, np.broadcast_shapes(mask.shape, x.shape)
    except ValueError:
        return mask, None


def _in_range(index, n, who, dim):
    if index.size and (index.min() < 0 or index.max() >= n):
        bad = index.min() if index.min() < 0 else index.max()
        raise IndexError(f"{who}: index {int(bad)} is out of bounds for dim {dim} of size {n}")


def _checked_index(x, dim, index, who, src_shape, src_name):
    """(axis, index) after PyTorch's rules: index has x's rank, fits in `src_shape` along
    every axis (gather: None, no source) and in x's along the others, its values in
    [0, x.shape[axis])."""
    axis = normalize_axis(dim, max(x.ndim, 1), who)
    index = integer_index(index, who, replayed=who == "gather")  # (scatter's: read)
    if src_shape is None:  # (gather may read an entry of `dim` many times)
        src_shape = tuple(n if k != axis else index.shape[k] if k < index.ndim else n
                          for k, n in enumerate(x.shape))
    if index.ndim != x.ndim or len(src_shape) != x.ndim:
        raise ValueError(f"{who}: index (shape {index.shape}) and {src_name} (shape "
                         f"{src_shape}) must have the input's number of dimensions (shape "
                         f"{x.shape})")
    # (an empty index writes and reads nothing: PyTorch checks no sizes then)
    too_big = [k for k, n in enumerate(index.shape) if index.size and (
               n > src_shape[k] or (k != axis and n > x.shape[k]))]
    if too_big:
        raise ValueError(f"{who}: index of shape {index.shape} is larger than {src_name} "
                         f"{tuple(src_shape)} or the input {x.shape} along dim {too_big[0]}")
    _in_range(index, x.shape[axis] if x.ndim else 1, who, dim)
    return axis, _on_device(index, x)


def _on_device(index, x):
    """A NumPy index beside a GPU x: copied there."""
    home = gpu_array_among((x,))
    return index if home is None else _on_gpu(index, home)


def _positions(index, axis, x):
    """The advanced index of x's elements that `index` names along `axis` (the other axes
    counted over index's own shape)."""
    if x.ndim == 0:
        return ()
    xp = get_array_module(index)
    return tuple(index if k == axis else xp.arange(n).reshape(
        [-1 if i == k else 1 for i in range(index.ndim)]) for k, n in enumerate(index.shape))


def _scattered(x, src, index, axis):
    """zeros of x's shape with the part of src that index covers added at its positions."""
    part = get_item(src, tuple(slice(0, n) for n in index.shape))
    if x.ndim == 0:
        return part
    return call_op(_indexed(GetItemGrad(_positions(index, axis, x), x.shape), ()), part)
