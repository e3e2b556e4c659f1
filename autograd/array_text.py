"""Short text for an array on a graph label: its numbers when it is small, else a summary.

Labels must stay a few words wide, whatever the array: up to `SMALL` elements are shown
one by one with `DIGITS` significant digits; larger arrays become `min … mean … max …`
over their finite entries, followed by how many entries are nan, inf or -inf.
"""
import numpy as np

from .backend import silently, to_cpu

SMALL = 6   # arrays of at most this many elements are written out in full
DIGITS = 4  # significant digits of every number shown


def array_text(array):
    """'[0.5, 1, -2]', '1.5', or 'min -1.2 mean 0.03 max 2.5 · 2 nan' for `array`."""
    a = np.asarray(to_cpu(array))
    if a.size == 0:
        return f"empty {tuple(a.shape)}"
    if a.size <= SMALL:
        return _numbers(a)
    if a.dtype.kind == "b":
        return f"{int(a.sum())} of {a.size} True"
    if a.dtype.kind == "c":
        return "|x|: " + _summary(np.abs(a))
    return _summary(a)


def number_text(value):
    """One number with DIGITS significant digits (integers and booleans in full)."""
    if isinstance(value, (bool, np.bool_, int, np.integer)):
        return str(value)
    return f"{value:.{DIGITS}g}"


def position(flat, shape):
    """The index of entry `flat` of an array of `shape`, as a tuple of Python ints (NumPy's
    unravel_index prints `(np.int64(0),)`)."""
    return tuple(int(k) for k in np.unravel_index(flat, shape))


def _numbers(a):
    if a.ndim == 0:
        return number_text(a[()])
    return np.array2string(a, separator=", ", max_line_width=200,
                           formatter={"all": number_text})


def _summary(a):
    """min/mean/max of the finite entries, then the non-finite counts."""
    is_finite = np.isfinite(a) if a.dtype.kind == "f" else None
    counts = _non_finite_counts(a, is_finite)
    finite = a[is_finite] if counts else a
    parts = []
    if finite.size:
        parts.append(f"min {number_text(finite.min())} mean {number_text(_mean(finite))} "
                     f"max {number_text(finite.max())}")
    parts.extend(f"{n} {kind}" for kind, n in counts.items())
    return " · ".join(parts)


def _mean(finite):
    """The mean of finite numbers, in float64; near float64's largest ones the sum overflows
    (ten of 1e308 gave a mean of inf), so then of the numbers scaled down by the largest."""
    mean = silently(lambda: finite.mean(dtype=np.float64))
    if np.isfinite(mean):
        return mean
    scale = np.abs(finite).max().astype(np.float64)
    return (finite / scale).mean(dtype=np.float64) * scale


def _non_finite_counts(a, is_finite):
    """{'nan': n, 'inf': n, '-inf': n} for the kinds present (empty for ints, finite floats);
    `is_finite` is np.isfinite(a) for floats, None otherwise."""
    if is_finite is None or is_finite.all():
        return {}
    counts = {"nan": int(np.isnan(a).sum()), "inf": int(np.isposinf(a).sum()),
              "-inf": int(np.isneginf(a).sum())}
    return {kind: n for kind, n in counts.items() if n}


__all__ = ["array_text", "number_text", "SMALL", "DIGITS"]
