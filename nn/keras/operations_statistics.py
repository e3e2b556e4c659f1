"""Keras' order statistics and NaN-ignoring reductions (keras.ops' median, quantile,
percentile, nanmax, nanvar, nanmedian, ...), by Keras' class name, with NumPy's meanings,
made of rungrad's differentiable ops (a sort, then the ranks picked)."""
import warnings

import numpy as np

from autograd import ops
from autograd.backend import array_of, get_array_module, to_cpu
from autograd.config import no_grad
from autograd.ops.sorting import recorded_indices
from autograd.variable import Variable, as_variable

from .operation_kinds import axes, floats


def _reduced_axes(x, axis, who="a reduction"):
    """Keras' axis (an int, a list or tuple, None for all) as sorted non-negative axes; an
    axis outside x's or given twice is a ValueError naming `who`."""
    given = axes(axis)
    reduced = tuple(range(x.ndim)) if given is None else (
        (given,) if isinstance(given, int) else tuple(given))
    if any(not -x.ndim <= a < x.ndim for a in reduced) or \
            len({a % x.ndim for a in reduced}) != len(reduced):
        raise ValueError(f"{who}: axis {axis!r} is not a set of distinct axes of a tensor of "
                         f"shape {tuple(x.shape)}")
    return tuple(sorted(a % x.ndim for a in reduced))


def _rows(x, axis, who):
    """(x with the reduced axes last, flattened into one: (kept..., n), a function giving a
    reduction's result (kept...) the shape keepdims asks for)."""
    reduced = _reduced_axes(x, axis, who)
    kept = [a for a in range(x.ndim) if a not in reduced]
    # (the row's length named: -1 is ambiguous where a kept axis is empty)
    length = int(np.prod([x.shape[a] for a in reduced], dtype=np.int64))
    rows = ops.reshape(ops.transpose(x, kept + list(reduced)),
                       tuple(x.shape[a] for a in kept) + (length,))

    def shaped(result, keepdims):
        if not keepdims:
            return result
        extra = tuple(result.shape[:result.ndim - len(kept)])  # (quantile's q axis first)
        return ops.reshape(result, extra + tuple(1 if a in reduced else n
                                                 for a, n in enumerate(x.shape)))
    return rows, shaped


def _at_ranks(values, low, high, weight):
    """values (..., n) sorted: values[low] (1 - weight) + values[high] weight, the ranks
    (..., k) or (k,) arrays, the weight likewise (floats)."""
    lower = ops.take_along_axis(values, _broadcast(low, values), -1)
    upper = ops.take_along_axis(values, _broadcast(high, values), -1)
    if not isinstance(weight, Variable):  # (beside the values: on their device)
        weight = Variable(get_array_module(values.data).asarray(weight, values.dtype),
                          requires_grad=False)
    with np.errstate(invalid="ignore"):  # (inf - inf: replaced below)
        between = ops.add(lower, ops.mul(ops.sub(upper, lower), weight))
    # a rank's own value where one is picked whole, or both are the same: NumPy's (inf - inf
    # in the mixture would make an infinite median NaN)
    between = ops.where(ops.equal(weight, 1), upper, between)
    return ops.where(ops.logical_or(ops.equal(weight, 0), ops.equal(upper, lower)), lower,
                     between)


def _broadcast(ranks, values):
    """Integer ranks (k,) or (..., k) as take_along_axis takes them for values (..., n)."""
    ranks = np.asarray(ranks) if not hasattr(ranks, "dtype") else ranks
    if ranks.ndim == 1:
        return ops.broadcast_to(ranks, tuple(values.shape[:-1]) + ranks.shape)
    return ranks


def _median(x, axis=None, keepdims=False):
    """NumPy's median: the middle of the sorted values, the mean of the two middles for an
    even count (NaN for a row holding one)."""
    x = floats(x)
    if x.size == 0:  # (nothing to pick from: NumPy's NaN, or an empty result)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            empty = np.median(np.asarray(x.data), axis=axis, keepdims=keepdims)
        return Variable(np.asarray(empty, x.dtype), requires_grad=False)
    rows, shaped = _rows(x, axis, "median")
    values = ops.sort(rows, axis=-1)
    count = values.shape[-1]
    middle = ops.squeeze(_at_ranks(values, [(count - 1) // 2], [count // 2], 0.5), axis=-1)
    return shaped(_nan_where_any(rows, middle), keepdims)


def _nan_where_any(rows, result):
    """result (rows' leading axes, then any of its own) NaN where its row holds a NaN."""
    holds = ops.any(ops.isnan(rows), dim=-1)
    holds = ops.reshape(holds, tuple(holds.shape) + (1,) * (result.ndim - holds.ndim))
    return ops.where(holds, np.nan, result)


def _nanmedian(x, axis=None, keepdims=False):
    """The median of the values that are not NaN (NaN where a row holds only NaNs)."""
    return _nanquantile(x, 0.5, axis, "linear", keepdims, "nanmedian")


def _quantile(x, q, axis=None, method="linear", keepdims=False):
    """NumPy's quantile q (a number or 1-D, in [0, 1]) over `axis`, between the two ranks
    around q (n - 1) by `method`: 'linear', 'lower', 'higher', 'midpoint' or 'nearest';
    a 1-D q's axis comes first (NaN for a row holding one)."""
    rows, shaped = _rows(floats(x), axis, "quantile")
    qs = _checked_q(q, "quantile")
    values = ops.sort(rows, axis=-1)
    position = np.atleast_1d(qs) * (values.shape[-1] - 1)
    result = _nan_where_any(rows, _interpolated(values, position, method, "quantile"))
    return _q_first(result, qs, shaped, keepdims)


def _nanquantile(x, q, axis=None, method="linear", keepdims=False, who="nanquantile"):
    """quantile of the values that are not NaN (NaN where a row holds only NaNs): the sorted
    row's NaNs come last, and its ranks follow the row's count, picked by comparisons in the
    graph (so that a captured step picks each batch's)."""
    rows, shaped = _rows(floats(x), axis, who)
    qs = _checked_q(q, who)
    values = ops.sort(rows, axis=-1)
    # ranks counted in float64 (float16 holds no integer above 2048)
    count = ops.sum(ops.astype(ops.equal(ops.isnan(values), False), np.float64), axis=-1,
                    keepdims=True)
    last = ops.maximum(ops.sub(count, 1.0), 0.0)  # (an all-NaN row: rank 0, NaN below)
    xp = get_array_module(values.data)
    position = ops.mul(last, xp.asarray(np.atleast_1d(qs)))  # (..., k)
    low, high, weight = _ranks(position, method, who)
    ranks = xp.arange(values.shape[-1], dtype=np.float64)
    low, high, weight = (ops.expand_dims(v, -1) for v in (low, high, weight))  # (..., k, 1)
    weight = ops.astype(weight, values.dtype)
    weights = ops.add(ops.mul(ops.astype(ops.equal(ranks, low), values.dtype),
                              ops.sub(1.0, weight)),
                      ops.mul(ops.astype(ops.equal(ranks, high), values.dtype), weight))
    spread = ops.expand_dims(values, -2)  # (..., 1, n)
    with np.errstate(invalid="ignore"):  # (inf times a weight 0: not picked)
        picked = ops.where(ops.greater(weights, 0), ops.mul(spread, weights), 0.0)
    result = ops.where(ops.equal(count, 0), np.nan, ops.sum(picked, axis=-1))
    return _q_first(result, qs, shaped, keepdims)


def _histogram_range(flat, given):
    """(low, high) of a histogram of the values `flat`: `given` (low <= high), or their
    smallest and largest (0 and 1 for no values), a range of 1 around a single value, as
    NumPy's; infinite or NaN bounds refused by name."""
    xp = get_array_module(flat.data)
    if given is not None:
        low, high = (float(edge) for edge in given)
        if not low <= high or not np.isfinite([low, high]).all():
            raise ValueError(f"histogram: range must be finite (low, high) with low <= high, "
                             f"got {given!r}")
    elif not flat.shape[0]:
        low, high = 0.0, 1.0
    else:
        low, high = ops.min(flat), ops.max(flat)
        if not bool(xp.isfinite(low.data)) or not bool(xp.isfinite(high.data)):
            raise ValueError(f"histogram: the values' range [{float(low.data)}, "
                             f"{float(high.data)}] is not finite; give range=")
    if isinstance(low, float):
        low, high = (as_variable(xp.asarray(edge, flat.dtype)) for edge in (low, high))
    same = ops.equal(low, high)  # (NumPy's: a range of 1 around a single value)
    return ops.where(same, ops.sub(low, 0.5), low), ops.where(same, ops.add(high, 0.5), high)


def _host_q(q):
    """q (a number, a list, an array or tensor, on the GPU too) as a float64 NumPy array."""
    return np.asarray(to_cpu(array_of(q)) if hasattr(q, "shape") else q, dtype=np.float64)


def _checked_q(q, who):
    qs = _host_q(q)
    if qs.ndim > 1 or np.any((qs < 0) | (qs > 1)):
        raise ValueError(f"{who}: q must be a number or 1-D, within [0, 1], got {q!r}")
    return qs


def _interpolated(values, position, method, who):
    """values (..., n) sorted, read at the fractional ranks `position` (k,) by `method`
    (NumPy's): (..., k)."""
    low, high, weight = _ranks(position, method, who)
    return _at_ranks(values, low.astype(np.int64), high.astype(np.int64),
                     weight.astype(values.dtype))


def _ranks(position, method, who):
    """(low, high, weight) of NumPy's `method` at fractional ranks `position` (arrays, or
    Variables computed in the graph): the result is values[low] + (values[high] -
    values[low]) weight."""
    low, high = ops.floor(position), ops.ceil(position)
    if method == "nearest":
        low = high = ops.round(position)  # (half to even, as NumPy)
    elif method == "lower":
        high = low
    elif method == "higher":
        low = high
    elif method not in ("linear", "midpoint"):
        raise ValueError(f"{who}: method must be 'linear', 'lower', 'higher', 'midpoint' or "
                         f"'nearest', got {method!r}")
    weight = ops.mul(low, 0.0)
    if method == "linear":
        weight = ops.sub(position, low)
    elif method == "midpoint":
        weight = ops.where(ops.greater(high, low), 0.5, 0.0)
    if not isinstance(position, Variable):  # (constants: as arrays)
        low, high, weight = low.data, high.data, weight.data
    return low, high, weight


def _q_first(result, qs, shaped, keepdims):
    """A quantile's result (..., k) with the axis of a 1-D q first (none for a number)."""
    result = ops.moveaxis(result, -1, 0)
    return shaped(result if qs.ndim else ops.squeeze(result, axis=0), keepdims)


def _percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, _host_q(q) / 100.0, axis, method, keepdims)


def _nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return _nanquantile(x, _host_q(q) / 100.0, axis, method, keepdims)


def _histogram(x, bins=10, range=None):  # noqa: A002 (Keras' argument names)
    """(counts, edges) of x's values in `bins` equal bins over `range` (x's smallest to its
    largest by default), NumPy's: each bin holds its left edge, the last one its right edge
    too, values outside the range are left out. Counts in x's float dtype (Keras' torch
    backend's); computed by ops in no graph (no gradient), so that a captured step counts
    each call's values."""
    x = floats(x)
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"histogram: bins must be a positive int, got {bins!r}")
    with no_grad():
        flat = ops.reshape(x, (-1,))
        low, high = _histogram_range(flat, range)
        steps = ops.div(get_array_module(flat.data).arange(bins + 1, dtype=x.dtype), bins)
        edges = ops.add(low, ops.mul(ops.sub(high, low), steps))
        inside = ops.where(ops.greater_equal(flat, low), ops.less_equal(flat, high), False)
        index = ops.floor(ops.mul(ops.div(ops.sub(flat, low), ops.sub(high, low)), bins))
        index = ops.astype(ops.where(inside, ops.clip(index, 0, bins - 1), bins), np.int64)
        counts = ops.bincount(index, minlength=bins + 1)[:bins]
        return ops.astype(counts, x.dtype), edges


# ----- reductions that leave NaNs out -----
def _without_nans(fill):
    """x with its NaNs replaced by `fill` (an op's neutral value); integers and booleans,
    which hold none, as they are (in their dtype)."""
    def filled(x):
        x = as_variable(x)
        return x if x.dtype.kind in "biu" else ops.where(ops.isnan(x), fill, x)
    return filled


def _nan_extreme(reduce, fill):
    """Nanmax / Nanmin: the reduction of the other values (NaN where all are NaN)."""
    def reduced(x, axis=None, keepdims=False):
        x = as_variable(x)
        value = reduce(_without_nans(fill)(x), axis=axes(axis), keepdims=keepdims)
        if x.dtype.kind in "biu":
            return value
        return ops.where(ops.all(ops.isnan(x), dim=axes(axis), keepdim=keepdims), np.nan,
                         value)
    return reduced


def _nan_arg(pick, fill):
    """Nanargmax / Nanargmin: the index among the values that are not NaN, int32; -1 where
    all are NaN (Keras')."""
    def picked(x, axis=None, keepdims=False):
        x = as_variable(x)
        index = ops.astype(recorded_indices(pick, _without_nans(fill)(x), axis, keepdims),
                           np.int32)
        if x.dtype.kind in "biu":
            return index
        return ops.where(ops.all(ops.isnan(x), dim=axes(axis), keepdim=keepdims), -1, index)
    return picked


def _nanprod(x, axis=None, keepdims=False):
    return ops.prod(_without_nans(1.0)(x), axes(axis), keepdims)


def _nanvar(x, axis=None, keepdims=False):
    """The variance of the values that are not NaN (their count the denominator)."""
    x = as_variable(x)
    present = ops.astype(ops.equal(ops.isnan(x), False), x.dtype)
    zeroed = _without_nans(0.0)(x)
    count = ops.sum(present, axis=axes(axis), keepdims=True)
    mean = ops.div(ops.sum(zeroed, axis=axes(axis), keepdims=True), count)
    deviation = ops.mul(ops.sub(zeroed, mean), present)
    variance = ops.div(ops.sum(ops.mul(deviation, deviation), axis=axes(axis), keepdims=True),
                       count)
    return variance if keepdims else ops.squeeze(variance, axis=_reduced_axes(x, axis))


def _nan_scan(scan, fill):
    def scanned(x, axis=None, dtype=None):
        return scan(_without_nans(fill)(x), axis, dtype)
    return scanned


def _corrcoef(x):
    """The correlation coefficients of x's rows (variables) over its columns (samples); a
    1-D x is one variable (its coefficient 1)."""
    x = floats(x)
    if x.ndim == 1:
        return ops.squeeze(_corrcoef(ops.reshape(x, (1, -1))))
    centred = ops.sub(x, ops.mean(x, axis=-1, keepdims=True))
    covariance = ops.matmul(centred, ops.transpose(centred))
    scale = ops.sqrt(ops.diagonal(covariance))
    return ops.div(covariance, ops.outer(scale, scale))


def _trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of y along `axis` by the trapezoidal rule, samples at x (or dx apart)."""
    y = as_variable(y)
    n = y.shape[axis]
    first = ops.moveaxis(y, axis, -1)
    heights = ops.mul(ops.add(first[..., 1:], first[..., :n - 1]), 0.5)
    widths = dx if x is None else ops.diff(as_variable(x), 1, dim=-1)
    return ops.sum(ops.mul(heights, widths), axis=-1)


STATISTICS = {
    "Median": _median, "Nanmedian": _nanmedian,
    "Quantile": _quantile, "Percentile": _percentile, "Nanquantile": _nanquantile,
    "Nanpercentile": _nanpercentile, "Histogram": _histogram,
    "Nanmax": _nan_extreme(ops.max, -np.inf), "Nanmin": _nan_extreme(ops.min, np.inf),
    "Nanargmax": _nan_arg("argmax", -np.inf), "Nanargmin": _nan_arg("argmin", np.inf),
    "Nanprod": _nanprod, "Nanvar": _nanvar,
    "Nanstd": lambda x, axis=None, keepdims=False: ops.sqrt(_nanvar(x, axis, keepdims)),
    "Nancumsum": _nan_scan(ops.cumsum, 0.0), "Nancumprod": _nan_scan(ops.cumprod, 1.0),
    "Corrcoef": _corrcoef, "Trapezoid": _trapezoid,
}

# of integer and boolean tensors, floats (as Keras 3.15.1 gives them)
FLOAT_STATISTICS = ("Median", "Nanmedian", "Quantile", "Percentile", "Nanquantile",
                    "Nanpercentile", "Nanvar", "Nanstd",
                    "Corrcoef", "Trapezoid")

__all__ = ["FLOAT_STATISTICS", "STATISTICS"]
