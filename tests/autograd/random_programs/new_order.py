"""Op builders for the order statistics, running extremes and reductions added with
PyTorch's names: median, nanmedian, kthvalue, mode, cummax, cummin, nansum, nanmean and
logcumsumexp. Each is (ctx, a) -> (expression, operand names) or None, as in
generator.py. An op that picks an element keeps the elements it picks from GAP apart (as
more_ops.sort does): no tie moves the pick under numerical differentiation, and no tie
leaves the reference free to pick another. Programs hold no NaN, so the nan- ops reduce
every element.
"""
from hypothesis import strategies as st

from .more_ops import _distinct_rows, _rows
from .values import draw_axis


def _dim(c, ndim):
    """An axis of ndim (0 or -1 for a 0-d value, which PyTorch takes as one element)."""
    return c.draw(st.integers(-max(ndim, 1), max(ndim, 1) - 1))


def _distinct_along(v, dim):
    """Whether v's elements along dim (all of them for dim None) keep GAP apart, and there
    is at least one to pick."""
    if v.ndim == 0:
        return True
    if dim is not None and v.shape[dim] == 0 or v.size == 0:
        return False
    return _distinct_rows(_rows(v, dim))


def median(fn):
    """median or nanmedian: of all elements (0-d), or (values, indices)[0] along a dim."""
    def build(c, a):
        v = c.values[a]
        dim = _dim(c, v.ndim) if c.draw(st.booleans()) else None
        if not _distinct_along(v, None if v.ndim == 0 else dim):
            return None
        if dim is None:
            return f"ag.{fn}({a})", [a]
        return f"ag.{fn}({a}, {dim}, {c.draw(st.booleans())})[0]", [a]
    return build


def kthvalue(c, a):
    v = c.values[a]
    dim = _dim(c, v.ndim)
    if not _distinct_along(v, None if v.ndim == 0 else dim):
        return None
    n = v.shape[dim] if v.ndim else 1
    k = c.draw(st.integers(1, n))
    return f"ag.kthvalue({a}, {k}, {dim}, {c.draw(st.booleans())})[0]", [a]


def mode(c, a):
    """With distinct elements every value is as frequent: the smallest, in both."""
    v = c.values[a]
    dim = _dim(c, v.ndim)
    if not _distinct_along(v, None if v.ndim == 0 else dim):
        return None
    return f"ag.mode({a}, {dim}, {c.draw(st.booleans())})[0]", [a]


def running(fn):
    """cummax or cummin: (values, indices)[0]."""
    def build(c, a):
        v = c.values[a]
        dim = _dim(c, v.ndim)
        if v.ndim and v.size and not _distinct_rows(_rows(v, dim)):
            return None
        return f"ag.{fn}({a}, {dim})[0]", [a]
    return build


def nan_reduction(fn):
    def build(c, a):
        v = c.values[a]
        return f"ag.{fn}({a}, {draw_axis(c, v.ndim)}, {c.draw(st.booleans())})", [a]
    return build


def logcumsumexp(c, a):
    return f"ag.logcumsumexp({a}, {_dim(c, c.values[a].ndim)})", [a]


OPS = {
    "median": median("median"),
    "nanmedian": median("nanmedian"),
    "kthvalue": kthvalue,
    "mode": mode,
    "cummax": running("cummax"),
    "cummin": running("cummin"),
    "nansum": nan_reduction("nansum"),
    "nanmean": nan_reduction("nanmean"),
    "logcumsumexp": logcumsumexp,
}
