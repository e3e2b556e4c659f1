"""Keras' order statistics and NaN-ignoring reductions (keras.ops' median, quantile,
percentile, nanmax, nanvar, nanmedian, ...), by Keras' class name, with NumPy's meanings,
made of rungrad's differentiable ops (a sort, then the ranks picked)."""
import numpy as np

from autograd import ops
from autograd.backend import get_array_module
from autograd.variable import as_variable

from .operation_kinds import axes, in_dtype


def _floats(x):
    x = as_variable(x)
    return ops.astype(x, np.float32) if x.dtype.kind in "biu" else x


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
    rows = ops.reshape(ops.transpose(x, kept + list(reduced)),
                       tuple(x.shape[a] for a in kept) + (-1,))

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
    return ops.add(lower, ops.mul(ops.sub(upper, lower), weight))


def _broadcast(ranks, values):
    """Integer ranks (k,) or (..., k) as take_along_axis takes them for values (..., n)."""
    ranks = np.asarray(ranks) if not hasattr(ranks, "dtype") else ranks
    if ranks.ndim == 1:
        return np.broadcast_to(ranks, tuple(values.shape[:-1]) + ranks.shape)
    return ranks


def _median(x, axis=None, keepdims=False):
    """NumPy's median: the middle of the sorted values, the mean of the two middles for an
    even count (NaN for a row holding one)."""
    rows, shaped = _rows(_floats(x), axis, "median")
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
    """The median of the values that are not NaN (NaN where a row holds only NaNs): the
    sorted row's NaNs come last, and its middle ranks follow the row's count, picked by
    comparisons in the graph (so that a captured step picks each batch's)."""
    rows, shaped = _rows(_floats(x), axis, "nanmedian")
    values = ops.sort(rows, axis=-1)
    count = ops.sum(ops.astype(ops.equal(ops.isnan(values), False), np.int64), axis=-1,
                    keepdims=True)
    low, high = ops.floor_divide(ops.sub(count, 1), 2), ops.floor_divide(count, 2)
    ranks = get_array_module(values.data).arange(values.shape[-1])
    weight = ops.mul(ops.add(ops.astype(ops.equal(ranks, low), values.dtype),
                             ops.astype(ops.equal(ranks, high), values.dtype)), 0.5)
    with np.errstate(invalid="ignore"):  # (inf times a weight 0: not picked)
        picked = ops.where(ops.greater(weight, 0), ops.mul(values, weight), 0.0)
    median = ops.where(ops.equal(ops.squeeze(count, axis=-1), 0), np.nan,
                       ops.sum(picked, axis=-1))
    return shaped(median, keepdims)


def _quantile(x, q, axis=None, method="linear", keepdims=False):
    """NumPy's quantile q (a number or 1-D, in [0, 1]) over `axis`, between the two ranks
    around q (n - 1) by `method`: 'linear', 'lower', 'higher', 'midpoint' or 'nearest';
    a 1-D q's axis comes first (NaN for a row holding one)."""
    rows, shaped = _rows(_floats(x), axis, "quantile")
    qs = np.asarray(getattr(q, "data", q), dtype=np.float64)
    if qs.ndim > 1 or np.any((qs < 0) | (qs > 1)):
        raise ValueError(f"quantile: q must be a number or 1-D, within [0, 1], got {q!r}")
    values = ops.sort(rows, axis=-1)
    position = np.atleast_1d(qs) * (values.shape[-1] - 1)
    low, high = np.floor(position).astype(np.int64), np.ceil(position).astype(np.int64)
    weights = {"linear": position - low, "lower": 0 * position, "higher": 0 * position + 1,
               "midpoint": np.where(high > low, 0.5, 0.0)}
    if method == "nearest":
        low = high = np.around(position).astype(np.int64)
        weight = 0 * position
    elif method in weights:
        weight = weights[method]
    else:
        raise ValueError(f"quantile: method must be 'linear', 'lower', 'higher', 'midpoint' "
                         f"or 'nearest', got {method!r}")
    if method == "higher":
        low = high
    result = _nan_where_any(rows, _at_ranks(values, low, high, weight.astype(values.dtype)))
    result = ops.moveaxis(result, -1, 0)
    return shaped(result if qs.ndim else ops.squeeze(result, axis=0), keepdims)


def _percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, np.asarray(getattr(q, "data", q)) / 100.0, axis, method, keepdims)


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
        index = ops.astype(as_variable(pick(_without_nans(fill)(x), axis, keepdims)), np.int32)
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
        return in_dtype(scan(_without_nans(fill)(x), axis), dtype)
    return scanned


def _corrcoef(x):
    """The correlation coefficients of x's rows (variables) over its columns (samples); a
    1-D x is one variable (its coefficient 1)."""
    x = _floats(x)
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
    "Quantile": _quantile, "Percentile": _percentile,
    "Nanmax": _nan_extreme(ops.max, -np.inf), "Nanmin": _nan_extreme(ops.min, np.inf),
    "Nanargmax": _nan_arg(ops.argmax, -np.inf), "Nanargmin": _nan_arg(ops.argmin, np.inf),
    "Nanprod": _nanprod, "Nanvar": _nanvar,
    "Nanstd": lambda x, axis=None, keepdims=False: ops.sqrt(_nanvar(x, axis, keepdims)),
    "Nancumsum": _nan_scan(ops.cumsum, 0.0), "Nancumprod": _nan_scan(ops.cumprod, 1.0),
    "Corrcoef": _corrcoef, "Trapezoid": _trapezoid,
}

# of integer and boolean tensors, floats (as Keras 3.15.1 gives them)
FLOAT_STATISTICS = ("Median", "Nanmedian", "Quantile", "Percentile", "Nanvar", "Nanstd",
                    "Corrcoef", "Trapezoid")

__all__ = ["FLOAT_STATISTICS", "STATISTICS"]
