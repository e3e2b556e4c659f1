"""Op builders for the index writes and reads added with PyTorch's names: index_add,
index_copy, index_fill, index_put, masked_scatter, masked_select, take and scatter_reduce.
Each is (ctx, a) -> (expression, operand names) or None, as in generator.py. Writes are
linear in the input and the source except scatter_reduce's prod (smooth) and amax/amin,
which keep the candidates of every position (x's own value among them, as PyTorch's
gradient counts it even with include_self=False) GAP apart at the top (no tie). Where
PyTorch leaves a result undefined (index_copy, index_put naming a position twice), the
index names each position once.
"""
import itertools
import math

import numpy as np
from hypothesis import strategies as st

from .more_ops import _indices
from .values import GAP, broadcasts_into, literal, same_but_along


def _along(c, a):
    """(shape, dim) of a value of at least one dimension, or None."""
    s = c.values[a].shape
    return (s, c.draw(st.integers(-len(s), len(s) - 1))) if s else None


def _index(c, n, length, unique=False, negative=False):
    """A 1-D int64 index of `length` into an axis of n (shorter where the axis cannot
    hold it: n = 0, or fewer than `length` distinct entries); distinct entries if unique,
    negative ones too if negative."""
    if unique:
        length = min(length, n)
        picks = c.draw(st.permutations(range(n)))[:length]
    elif n:
        picks = c.draw(st.lists(st.integers(-n if negative else 0, n - 1), min_size=length,
                                max_size=length))
    else:
        picks = []
    return np.array(picks, np.int64)


def _source_for(c, s, axis):
    """A value of shape s but any length along axis (a itself, at worst)."""
    return c.pick(lambda v: same_but_along(v.shape, s, axis))


def index_add(c, a, copy=False):
    """index_add (alpha 1 or -1.5), or index_copy with copy (distinct positions): the
    source a value of a's shape but along dim, its length the index's."""
    drawn = _along(c, a)
    if drawn is None:
        return None
    s, dim = drawn
    src = _source_for(c, s, dim % len(s))
    length = c.values[src].shape[dim]
    index = _index(c, s[dim], length, unique=copy)
    if index.size != length:  # (an axis of 0, or too short for distinct entries)
        return None
    if copy:
        return f"ag.index_copy({a}, {dim}, {literal(index)}, {src})", [a, src]
    alpha = c.choice([1, -1.5])
    return f"ag.index_add({a}, {dim}, {literal(index)}, {src}, alpha={alpha})", [a, src]


def index_fill(c, a):
    """value a number, or a 0-d value (which gets the filled places' gradient); negative
    entries of the index with a number only: PyTorch's backward to a 0-d value reads the
    upstream gradient at the index as given and raises 'index out of range' (2.13)."""
    drawn = _along(c, a)
    if drawn is None:
        return None
    s, dim = drawn
    scalar = c.pick(lambda v: v.ndim == 0) if c.draw(st.booleans()) else None
    index = _index(c, s[dim], c.draw(st.integers(0, 3)), negative=scalar is None)
    value = scalar if scalar is not None else c.choice([0.0, -1.5])
    return (f"ag.index_fill({a}, {dim}, {literal(index)}, {value})",
            [a] + ([scalar] if scalar is not None else []))


def index_put(c, a):
    """indices: integer arrays for a's first k axes; values broadcast to what they read."""
    s = c.values[a].shape
    if not s:
        return None
    k = c.draw(st.integers(1, len(s)))
    length = c.draw(st.integers(0, 3))
    accumulate = c.draw(st.booleans())
    cells = list(itertools.product(*[range(n) for n in s[:k]]))
    if not cells:
        length = 0
    if accumulate:
        picks = [cells[i] for i in _indices(c, len(cells), (length,))] if length else []
    else:
        picks = [cells[i] for i in c.draw(st.permutations(range(len(cells))))[:length]]
    indices = tuple(literal(np.array([p[i] for p in picks], np.int64)) for i in range(k))
    read = (len(picks),) + s[k:]
    values = c.pick(lambda v: broadcasts_into(v.shape, read) and v.ndim >= 1)
    if values is None:
        return None
    return (f"ag.index_put({a}, ({', '.join(indices)},), {values}, {accumulate})",
            [a, values])


def _mask(c, shape):
    size = math.prod(shape)
    return np.array(c.draw(st.lists(st.booleans(), min_size=size, max_size=size)),
                    bool).reshape(shape)


def masked_scatter(c, a):
    mask = _mask(c, c.values[a].shape)
    src = c.pick(lambda v: v.size >= mask.sum())
    return f"ag.masked_scatter({a}, {literal(mask)}, {src})", [a, src]


def masked_select(c, a):
    return f"ag.masked_select({a}, {literal(_mask(c, c.values[a].shape))})", [a]


def take(c, a):
    n = c.values[a].size
    shape = tuple(c.draw(st.lists(st.integers(0, 3), max_size=2))) if n else (0,)
    picks = c.draw(st.lists(st.integers(-n, n - 1), min_size=math.prod(shape),
                            max_size=math.prod(shape))) if n else []
    return f"ag.take({a}, {literal(np.array(picks, np.int64).reshape(shape))})", [a]


def scatter_reduce(c, a):
    """src a value of a's rank; index's shape within src's (and a's but along dim)."""
    drawn = _along(c, a)
    if drawn is None:
        return None
    s, dim = drawn
    axis = dim % len(s)
    src = c.pick(lambda v: v.ndim == len(s))
    t = c.values[src].shape
    shape = tuple(c.draw(st.integers(0, t[i] if i == axis else min(t[i], s[i])))
                  for i in range(len(s)))
    if s[axis] == 0:  # (no position to send to)
        shape = shape[:axis] + (0,) + shape[axis + 1:]
    index = _indices(c, s[axis], shape)
    # src cut to index's shape in the text: PyTorch's backward gives src a gradient of
    # index's shape and raises where src is larger (2.13); rungrad's own cut is its tests'
    part = src if shape == t else f"{src}[{', '.join(f':{n}' for n in shape)}]"
    reduce = c.choice(["sum", "prod", "mean", "amax", "amin"])
    include_self = c.draw(st.booleans())
    if reduce in ("amax", "amin") and not _no_ties(c.values[a], c.values[src], index, axis,
                                                     reduce == "amax"):
        return None
    return (f"ag.scatter_reduce({a}, {dim}, {literal(index)}, {part}, {reduce!r}, "
            f"include_self={include_self})", [a, src])


def _no_ties(x, src, index, axis, largest):
    """Whether, at every position index sends src elements to, the largest (smallest) of
    x's value and theirs keeps GAP from the next."""
    groups = {}
    for e in np.ndindex(*index.shape):
        p = e[:axis] + (int(index[e]),) + e[axis + 1:]
        groups.setdefault(p, [x[p]]).append(src[e])
    for values in groups.values():
        ordered = np.sort(values)[::-1] if largest else np.sort(values)
        if abs(ordered[0] - ordered[1]) < GAP:
            return False
    return True


OPS = {
    "index_add": index_add,
    "index_copy": lambda c, a: index_add(c, a, copy=True),
    "index_fill": index_fill,
    "index_put": index_put,
    "masked_scatter": masked_scatter,
    "masked_select": masked_select,
    "take": take,
    "scatter_reduce": scatter_reduce,
}
