"""What the op builders share: the gap kept from kinks and ties, axes drawn for a
reduction, a value seen as rows of reduced elements, and arrays written as literals."""
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
