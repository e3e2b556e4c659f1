"""What the op builders share: the gap kept from kinks and ties, values moved onto an op's
domain, axes drawn for a reduction, a value seen as rows of reduced elements, and arrays
written as literals."""
import numpy as np
from hypothesis import strategies as st

GAP = 0.02  # distance kept from kinks and ties: far above float32 rounding and FD steps


def draw_axis(c, ndim):
    """None, one axis, or a tuple of distinct axes (for a reduction)."""
    if ndim == 0:
        return None
    return c.draw(st.one_of(st.none(), st.integers(-ndim, ndim - 1),
                            st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=ndim,
                                     unique_by=lambda i: i % ndim).map(tuple)))


def reduced_rows(v, axis):
    """v as (kept elements, reduced elements)."""
    axes = range(v.ndim) if axis is None else [axis] if isinstance(axis, int) else axis
    axes = [ax % v.ndim for ax in axes]
    moved = np.moveaxis(v, axes, list(range(v.ndim - len(axes), v.ndim)))
    count = int(np.prod([v.shape[ax] for ax in axes]))
    return moved.reshape(-1, count) if count else np.zeros((0, 0))


def literal(array):
    """A bool or int64 array as program text."""
    dtype = "bool" if array.dtype == bool else "np.int64"
    shape = f".reshape({array.shape})" if array.size == 0 and array.ndim > 1 else ""
    return f"np.array({array.tolist()!r}, dtype={dtype}){shape}"


def far_from(v, points):
    """Whether every element of v keeps GAP from each of `points` (None: no point)."""
    return all(np.all(np.abs(v - p) >= GAP) for p in points if p is not None)


def at_least(c, a, low):
    """`a`, shifted by a constant when needed so that every element is >= low."""
    v = c.values[a]
    if v.size == 0 or v.min() >= low:
        return a
    return f"({a} + {np.ceil((low - v.min()) * 4) / 4})"


def within(c, a, bound):
    """`a`, divided by a constant when needed so that every |element| is <= bound."""
    k = divisor(c.values[a], bound)
    return a if k == 1 else f"({a} / {k})"


def divisor(v, bound):
    """What `within` divides v by: 1, or a multiple of 1/4 bringing max |v| to <= bound."""
    top = float(np.max(np.abs(v), initial=0.0))
    return 1 if top <= bound else float(np.ceil(top / bound * 4) / 4)


def broadcasts_into(small, shape):
    """Whether shape `small` broadcasts to `shape` without growing it."""
    try:
        return np.broadcast_shapes(small, shape) == tuple(shape)
    except ValueError:
        return False


def same_but_along(shape, like, axis):
    """Whether `shape` is `like` (a shape of the same rank) but along `axis`."""
    return len(shape) == len(like) and all(m == n for i, (m, n) in enumerate(zip(shape, like))
                                           if i != axis)


def unary(template, guard=None, domain=None):
    """A builder: template.format(a=...) of `a` (moved by domain(c, a): a shift or a
    scaling onto the op's domain), if guard(value of a) holds."""
    def build(c, a):
        if guard is not None and not guard(c.values[a]):
            return None
        return template.format(a=domain(c, a) if domain else a), [a]
    return build


def binary(template, guard=None, domain=None):
    """A builder: template.format(a=..., b=...) of `a` and a value b broadcasting with it
    (b moved by domain), if guard(a's value, b's value) holds."""
    def build(c, a):
        b = c.broadcastable(a)
        if guard is not None and not guard(c.values[a], c.values[b]):
            return None
        return template.format(a=a, b=domain(c, b) if domain else b), [a, b]
    return build
