"""Op builders for the less common ops: scans, statistics, norms, sorting, gathers, padding,
einsum. Each is (ctx, a) -> (expression, operand names) or None, as in generator.py, and
keeps its op where every derivative the variants take is well defined: no ties for sort and
topk, no zero for a norm or a standard deviation, |x| away from the kinks of |x|^p.
"""
import numpy as np
from hypothesis import strategies as st

from .values import GAP, draw_axis, literal, reduced_rows


def _axis_or_none(c, ndim):
    """None (the flattened array) or one axis."""
    return c.draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1))) if ndim else None


def _rows(v, axis):
    """v as (rows, elements along axis), axis None meaning the flattened array."""
    if axis is None:
        return v.reshape(1, -1)
    return np.moveaxis(v, axis, -1).reshape(-1, v.shape[axis])


def _distinct_rows(rows):
    ordered = np.sort(rows, axis=1)
    return rows.shape[1] < 2 or bool(np.all(np.diff(ordered, axis=1) >= GAP))


def scan(fn):
    def build(c, a):
        return f"ag.{fn}({a}, axis={_axis_or_none(c, c.values[a].ndim)})", [a]
    return build


def spread(fn):
    """var or std; std keeps every variance away from 0, where sqrt has its kink."""
    def build(c, a):
        v = c.values[a]
        axis, keepdims = draw_axis(c, v.ndim), c.draw(st.booleans())
        ddof = c.draw(st.integers(0, 1))
        rows = reduced_rows(v, axis)
        if rows.shape[1] - ddof <= 0:
            return None  # nan or inf: no element to spread
        if fn == "std" and rows.shape[0] and not np.all(
                np.var(rows, axis=1, ddof=ddof) >= 0.05):
            return None
        return f"ag.{fn}({a}, axis={axis}, ddof={ddof}, keepdims={keepdims})", [a]
    return build


def vector_norm(c, a):
    v = c.values[a]
    dim, keepdim = draw_axis(c, v.ndim), c.draw(st.booleans())
    order = c.choice([2, 1, 3])
    rows = reduced_rows(v, dim)
    # |x|^p has a kink at 0 (in a higher derivative for p = 2, 3), the norm at 0 too
    if rows.shape[1] == 0 or not np.all(np.abs(v) >= GAP):
        return None
    return f"ag.vector_norm({a}, {order}, {dim}, {keepdim})", [a]


def flip(c, a):
    ndim = c.values[a].ndim
    axis = c.draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1))) if ndim else None
    return f"ag.flip({a}, {axis})", [a]


def roll(c, a):
    shift = c.draw(st.integers(-4, 4))
    return f"ag.roll({a}, {shift}, {_axis_or_none(c, c.values[a].ndim)})", [a]


def tile(c, a):
    reps = tuple(c.draw(st.lists(st.integers(1, 2), min_size=1, max_size=3)))
    return f"ag.tile({a}, {reps})", [a]


def pad(c, a):
    s = c.values[a].shape
    if not s:
        return None
    widths = tuple((c.draw(st.integers(0, 2)), c.draw(st.integers(0, 2))) for _ in s)
    mode = c.choice(["constant", "edge", "reflect", "wrap"])
    if mode == "constant":
        return f"ag.pad({a}, {widths}, constant_values={c.choice([0.0, 1.5])})", [a]
    if any(n == 0 and w != (0, 0) for n, w in zip(s, widths)):
        return None  # nothing to copy from
    return f"ag.pad({a}, {widths}, mode={mode!r})", [a]


def einsum(c, a):
    """One operand: axes summed out and the rest permuted; two: the second's axes a subset
    of the first's (an outer or elementwise product, then the same)."""
    s = c.values[a].shape
    letters = "abcdefgh"[:len(s)]  # (a value has at most 8 axes here)
    out = "".join(c.draw(st.permutations(letters)))[:c.draw(st.integers(0, len(s)))]
    sub = "".join(c.draw(st.permutations(letters)))[:c.draw(st.integers(0, len(s)))]
    shape = tuple(s[letters.index(ch)] for ch in sub)
    b = c.pick(lambda v: v.shape == shape)
    if b is None or c.draw(st.booleans()):
        return f"ag.einsum('{letters}->{out}', {a})", [a]
    return f"ag.einsum('{letters},{sub}->{out}', {a}, {b})", [a, b]


def sort(c, a):
    v = c.values[a]
    axis = _axis_or_none(c, v.ndim)
    if v.size and not _distinct_rows(_rows(v, axis)):
        return None
    return f"ag.sort({a}, axis={axis}, descending={c.draw(st.booleans())})", [a]


def topk(c, a):
    v = c.values[a]
    if not v.ndim:
        return None
    axis = c.draw(st.integers(-v.ndim, v.ndim - 1))
    if v.size and not _distinct_rows(_rows(v, axis)):
        return None
    k = c.draw(st.integers(0, v.shape[axis]))
    return f"ag.topk({a}, {k}, axis={axis}, largest={c.draw(st.booleans())})[0]", [a]


def _indices(c, n, shape):
    """An int64 array of `shape` with entries in [0, n) (repeats: gradients add up)."""
    size = int(np.prod(shape))
    picks = c.draw(st.lists(st.integers(0, max(n - 1, 0)), min_size=size, max_size=size))
    return np.array(picks, np.int64).reshape(shape)


def _drawn_axis(c, a):
    """(shape of value `a`, an axis of it drawn), or None where it has no axis or the one
    drawn is empty (nothing to pick from)."""
    s = c.values[a].shape
    if not s:
        return None
    axis = c.draw(st.integers(0, len(s) - 1))
    return None if s[axis] == 0 else (s, axis)


def take_along_axis(c, a):
    drawn = _drawn_axis(c, a)
    if drawn is None:
        return None
    s, axis = drawn
    shape = s[:axis] + (c.draw(st.integers(0, 3)),) + s[axis + 1:]
    index = literal(_indices(c, s[axis], shape))
    if c.draw(st.booleans()):
        return f"ag.take_along_axis({a}, {index}, {axis})", [a]
    return f"ag.gather({a}, {axis}, {index})", [a]


def index_select(c, a):
    drawn = _drawn_axis(c, a)
    if drawn is None:
        return None
    s, dim = drawn
    index = literal(_indices(c, s[dim], (c.draw(st.integers(0, 4)),)))
    return f"ag.index_select({a}, {dim}, {index})", [a]


def masked_fill(c, a):
    s = c.values[a].shape
    size = int(np.prod(s))
    mask = np.array(c.draw(st.lists(st.booleans(), min_size=size, max_size=size)), bool)
    return f"ag.masked_fill({a}, {literal(mask.reshape(s))}, {c.choice([0.0, -1.5])})", [a]
