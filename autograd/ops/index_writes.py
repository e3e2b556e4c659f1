"""PyTorch's writes at index positions (index_add, index_copy, index_fill, index_put,
masked_scatter) and the reads beside them (masked_select, take). A write scatters its source
into zeros of the input's shape (GetItemGrad, get_item's own gradient: repeated positions
add up, float16 in float32) and picks it over the input with `where`, so the source's
gradient is a gather and the input's is the upstream gradient where it was kept. Index
arrays carry no gradient."""
import numpy as np

from ..backend import as_array, get_array_module
from ..backend import scatter_add as add_at
from ..function import call_op
from ..variable import Variable, as_variable, read_in_python, wrap
from .elementwise import where
from .indexing import GetItemGrad, _indexed, get_item, with_index_variable
from .reduction import broadcast_to
from .selection import _on_device, boolean_mask, masked_fill
from .shape import reshape
from .validation import integer_index, normalize_axis, values_now


def _put(shape, index, values):
    """zeros of `shape` with `values` added at `index` (differentiable in values)."""
    return call_op(_indexed(GetItemGrad(index, shape), ()), values)


def _same_dtype(x, source, who):
    if source.dtype != x.dtype:  # (PyTorch refuses too: no silent cast of the source)
        raise TypeError(f"{who}: the input (dtype {x.dtype}) and the source (dtype "
                        f"{source.dtype}) must have the same dtype")


def _on_1d(x, compute):
    """compute(x) for x of at least one dimension; a 0-d x as PyTorch takes it, one element
    along dim 0, the result 0-d again."""
    if x.ndim:
        return compute(x)
    return reshape(compute(reshape(x, (1,))), ())


def _index_along(x, dim, index, who, negative):
    """(axis, index): `index` as a 1-D integer array along x's `dim` (negative entries count
    from the end where `negative`, as PyTorch's index_fill; else refused, as its
    index_add), in range."""
    axis = normalize_axis(dim, x.ndim, who)
    index = _on_device(integer_index(index, who), x)
    if index.ndim > 1:
        raise ValueError(f"{who}: index must be 1-D, got shape {index.shape}")
    index, n = index.reshape(-1), x.shape[axis]
    low = -n if negative else 0
    if index.size and (index.min() < low or index.max() >= n):
        bad = index.min() if index.min() < low else index.max()
        raise IndexError(f"{who}: index {int(bad)} is out of bounds for dim {dim} of size {n}")
    return axis, index % n if negative and n else index


def _source_along(x, axis, index, source, who):
    """source as a Variable of x's shape but len(index) along `axis` (PyTorch's rule)."""
    source = as_variable(source, who=who)
    _same_dtype(x, source, who)
    if source.ndim == 0 and x.ndim == 1 and index.size == 1:  # (x was 0-d: _on_1d)
        source = reshape(source, (1,))
    expected = x.shape[:axis] + (index.size,) + x.shape[axis + 1:]
    if source.shape != expected:
        raise ValueError(f"{who}: source of shape {source.shape} must have the input's shape "
                         f"{x.shape} with {index.size} (the index's length) along dim {axis}, "
                         f"i.e. {expected}")
    return source


def _along(axis, index):
    return (slice(None),) * axis + (index,)


def _hit_along(x, axis, index):
    """A boolean array, broadcasting to x's shape, True on the slices `index` names."""
    xp = get_array_module(x.data)
    hit = xp.zeros(x.shape[axis], bool)
    hit[index] = True
    return hit.reshape((-1,) + (1,) * (x.ndim - axis - 1))


def index_add(x, dim, index, source, alpha=1):
    """PyTorch's index_add: x with alpha * source[..., i, ...] added to x[..., index[i], ...]
    along `dim` (repeated indices add up)."""
    x = as_variable(x, who="index_add")

    def compute(x):
        axis, idx = _index_along(x, dim, index, "index_add", negative=False)
        src = _source_along(x, axis, idx, source, "index_add")
        return x + _put(x.shape, _along(axis, idx), src if alpha == 1 else src * alpha)
    return _on_1d(x, compute)


def index_copy(x, dim, index, source):
    """PyTorch's index_copy: x with x[..., index[i], ...] = source[..., i, ...] along `dim`.
    An index naming a position twice is refused (which copy wins is undefined in
    PyTorch)."""
    x = as_variable(x, who="index_copy")

    def compute(x):
        axis, idx = _index_along(x, dim, index, "index_copy", negative=False)
        src = _source_along(x, axis, idx, source, "index_copy")
        if get_array_module(idx).unique(idx).size != idx.size:
            raise ValueError(f"index_copy: index names a position of dim {dim} more than once; "
                             f"use index_add to add the copies up")
        return where(_hit_along(x, axis, idx), _put(x.shape, _along(axis, idx), src), x)
    return _on_1d(x, compute)


def index_fill(x, dim, index, value):
    """PyTorch's index_fill: x with `value` (a number or a 0-d Variable, which then gets the
    gradient of the filled places) on the slices along `dim` that `index` names."""
    x = as_variable(x, who="index_fill")

    def compute(x):
        axis, idx = _index_along(x, dim, index, "index_fill", negative=True)
        hit = get_array_module(x.data).broadcast_to(_hit_along(x, axis, idx), x.shape)
        return masked_fill(x, hit, value)
    return _on_1d(x, compute)


def index_put(x, indices, values, accumulate=False):
    """PyTorch's index_put: x with x[indices] = values (`indices` a tuple of integer or
    boolean arrays, as x[indices] reads; `values` broadcast to what it reads), or added
    there with accumulate=True (repeated positions add up). Without accumulate, a position
    named twice is refused unless `values` is one number (which write wins is undefined in
    PyTorch)."""
    x = as_variable(x, who="index_put")
    index = _tuple_index(x, indices)
    try:
        shape = x.data[index].shape
    except IndexError as exc:
        raise IndexError(f"index_put: {exc} (input shape {x.shape})") from None
    one_value = np.ndim(values.data if isinstance(values, Variable) else values) == 0
    values = _values_of(x, values, shape)
    if accumulate:
        return x + _put(x.shape, index, values)
    hits = get_array_module(x.data).zeros(x.shape, np.int64)
    add_at(hits, index, 1)
    if one_value:  # every write is the same number: repeats are harmless
        return masked_fill(x, hits > 0, values)
    if (hits > 1).any():
        raise ValueError(f"index_put: indices name {int((hits > 1).sum())} position(s) more "
                         f"than once; use accumulate=True to add them up")
    return where(hits > 0, _put(x.shape, index, values), x)


def _tuple_index(x, indices):
    """PyTorch's `indices` (a tuple or list of index arrays) as x[...]'s advanced index."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put: indices must be a tuple of index arrays, got "
                        f"{type(indices).__name__}")
    index = []
    for i in indices:
        # (its values build the writes: a captured step refuses an argument's, an op's)
        read_in_python(i, "an index of index_put")
        array = values_now(i)
        if array.dtype.kind not in "iub":
            raise TypeError(f"index_put: indices must hold integers or booleans, got dtype "
                            f"{array.dtype}")
        index.append(_on_device(array, x))
    return tuple(index)


def _values_of(x, values, shape):
    """`values` as a Variable of x's dtype broadcast to `shape` (a number cast to it)."""
    if not isinstance(values, Variable):
        values = wrap(as_array(np.asarray(values, x.dtype), like=x.data))
    _same_dtype(x, values, "index_put")
    if values.ndim == 0:
        return values
    try:
        np.broadcast_shapes(values.shape, shape)
    except ValueError:
        raise ValueError(f"index_put: values of shape {values.shape} do not broadcast to the "
                         f"indexed shape {shape}") from None
    return values if values.shape == shape else broadcast_to(values, shape)


def _broadcast_with_mask(x, mask, who):
    """(x, mask) broadcast to their common shape (PyTorch's masked_select and
    masked_scatter broadcast both); mask must be boolean."""
    mask, shape = boolean_mask(mask, x, who)
    if shape is None:
        raise ValueError(f"{who}: a mask of shape {mask.shape} does not broadcast with the "
                         f"input's shape {x.shape}")
    x = x if x.shape == shape else broadcast_to(x, shape)
    return x, get_array_module(mask).broadcast_to(mask, shape)


def masked_select(x, mask):
    """PyTorch's masked_select: the 1-D Variable of x's elements where the boolean `mask`
    (x and mask broadcast together) is True, in row-major order."""
    x, mask = _broadcast_with_mask(as_variable(x, who="masked_select"), mask, "masked_select")
    return get_item(x, mask)


def masked_scatter(x, mask, source):
    """PyTorch's masked_scatter: x (broadcast with mask) with the positions where `mask` is
    True taken, in row-major order, from source's first elements (row-major)."""
    x, source = as_variable(x, who="masked_scatter"), as_variable(source, who="masked_scatter")
    _same_dtype(x, source, "masked_scatter")
    x, mask = _broadcast_with_mask(x, mask, "masked_scatter")
    count = int(mask.sum())
    if source.size < count:
        raise ValueError(f"masked_scatter: the mask selects {count} elements, but source "
                         f"(shape {source.shape}) has only {source.size}")
    taken = get_item(reshape(source, (-1,)), slice(0, count))
    return where(mask, _put(x.shape, mask, taken), x)


def take(x, index):
    """PyTorch's take: x's elements read as if x were flattened, at `index` (any shape;
    negative entries count from the end); the result has index's shape."""
    x = as_variable(x, who="take")
    given, index = index, _on_device(integer_index(index, "take", replayed=True), x)
    n = x.size
    if index.size and (index.min() < -n or index.max() >= n):
        bad = index.min() if index.min() < -n else index.max()
        raise IndexError(f"take: index {int(bad)} is out of range for an input of {n} "
                         f"elements (shape {x.shape})")
    return get_item(reshape(x, (-1,)), with_index_variable((index,), 0, given, index))
