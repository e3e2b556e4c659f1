"""Input checks shared by the op wrappers: bad inputs and axes raise errors naming the op."""
from numpy.lib.array_utils import normalize_axis_tuple

from ..variable import Variable, as_variable


def as_input(x, op):
    """`x` as a Variable (arrays and numbers wrapped without grad); non-numeric input raises a
    TypeError naming `op`."""
    if isinstance(x, Variable):
        return x
    try:
        return as_variable(x)
    except (TypeError, ValueError):
        dtype = getattr(x, "dtype", None)
        got = f"an array of dtype {dtype}" if dtype is not None else type(x).__name__
        raise TypeError(f"{op}: expected a number, array or Variable, got {got}") from None


def normalize_axes(axis, ndim, op):
    """`axis` (None, an int or a tuple; negative counts from the end) as a tuple of
    non-negative axes; out-of-range or repeated axes raise a ValueError naming `op`."""
    if axis is None:
        return tuple(range(ndim))
    try:
        return normalize_axis_tuple(axis, ndim)
    except Exception:
        raise ValueError(f"{op}: axis {axis} is out of bounds (or repeated) for an array of "
                         f"dimension {ndim}") from None
