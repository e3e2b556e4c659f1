"""Order statistics and running extremes, PyTorch's: median, nanmedian, kthvalue, mode
(values, indices along a dim; median and nanmedian of all elements one value) and cummax,
cummin. Each value is an element of x picked by a rule (PickAlong, max(dim)'s Function, with
its own `_pick`), so its gradient goes to that element; the indices carry none. Ties pick
the element of the stable order (mode, cummax and cummin the last occurrence, as
PyTorch's); NaN ranks above every number, as PyTorch sorts it."""
import numpy as np

from ..backend import accumulate, get_array_module
from ..spec import Axes, Choice, Spec
from ..variable import as_variable
from .reduction import _Extreme
from .shape import reshape
from .sorting import PickAlong, ValuesIndices
from .validation import integer, normalize_axis


def _nan_count(x, axis):
    xp = get_array_module(x)
    if x.dtype.kind != "f":
        return xp.zeros(x.shape[:axis] + (1,) + x.shape[axis + 1:], np.int64)
    return xp.isnan(x).sum(axis=axis, keepdims=True)


def _sorted_at(x, axis, position):
    """The index into x of the element at `position` (an array of x's rank, 1 along axis)
    of x's stable ascending order along axis (NaN last)."""
    xp = get_array_module(x)
    order = xp.argsort(x, axis=axis, kind="stable")
    return xp.take_along_axis(order, position, axis)


def _median_position(x, axis):
    """The lower median's place in the order; a slice holding NaN gives its first NaN."""
    n, nans = x.shape[axis], _nan_count(x, axis)
    return get_array_module(x).where(nans > 0, n - nans, (n - 1) // 2)


def _nanmedian_position(x, axis):
    """The lower median of the numbers; a slice of NaNs only, its middle NaN (PyTorch's)."""
    left = x.shape[axis] - _nan_count(x, axis)
    return (get_array_module(x).where(left > 0, left, x.shape[axis]) - 1) // 2


def _mode(x, axis):
    """The most frequent value's last occurrence (the smallest value among equally
    frequent ones)."""
    xp = get_array_module(x)
    order = xp.argsort(x, axis=axis, kind="stable")
    s = xp.moveaxis(xp.take_along_axis(x, order, axis), axis, -1)
    n = s.shape[-1]
    pos = xp.arange(n)
    new_run = xp.concatenate([xp.ones(s.shape[:-1] + (1,), bool), s[..., 1:] != s[..., :-1]],
                             axis=-1)
    start = accumulate("maximum", xp.where(new_run, pos, 0), -1)
    last = xp.concatenate([new_run[..., 1:], xp.ones(s.shape[:-1] + (1,), bool)], axis=-1)
    end = xp.flip(accumulate("minimum", xp.flip(xp.where(last, pos, n), -1), -1), -1)
    best = xp.argmax(end - start, axis=-1)[..., None]  # (the first: the smallest value)
    at = xp.moveaxis(xp.take_along_axis(end, best, -1), -1, axis)
    return xp.take_along_axis(order, at, axis)


def _running(x, axis, largest):
    """cummax's (cummin's) indices: the last position where the running extreme was met,
    or of the last NaN once one was met (PyTorch's)."""
    xp = get_array_module(x)
    extreme = accumulate("maximum" if largest else "minimum", x, axis)
    met = x == extreme
    if x.dtype.kind == "f":
        met |= xp.isnan(x)
    pos = xp.arange(x.shape[axis]).reshape((-1,) + (1,) * (x.ndim - axis - 1))
    return accumulate("maximum", xp.where(met, pos, 0), axis)


class SelectAlong(PickAlong):
    """(values, indices): the element that `rule` picks along `axis` (median, nanmedian,
    kthvalue, mode; cummax, cummin at every position); d values / dx = 1 there"""

    input_specs = (Spec(shape=("a", "*rest"), distinct=True),)
    arg_specs = {"dim": Axes(of=0, single=True), "keepdim": Choice(False, True),
                 "rule": Choice("median", "nanmedian", "kthvalue", "mode", "cummax",
                                "cummin")}
    apply = staticmethod(lambda x, dim, keepdim, rule: _select(
        x, dim, keepdim, rule, 1, rule).values)

    def __init__(self, axis, keepdims, rule, k=1):
        super().__init__(axis, keepdims or rule in ("cummax", "cummin"), None)
        self.rule, self.k = rule, k

    def _pick(self, x):
        xp, axis = get_array_module(x), self.axis
        if self.rule in ("cummax", "cummin"):
            with np.errstate(invalid="ignore"):  # (a NaN met: carried on, as PyTorch's)
                return _running(x, axis, self.rule == "cummax")
        if self.rule == "mode":
            return _mode(x, axis)
        if self.rule == "kthvalue":
            place = xp.full(x.shape[:axis] + (1,) + x.shape[axis + 1:], self.k - 1)
        else:
            place = (_median_position if self.rule == "median" else _nanmedian_position)(x, axis)
        return _sorted_at(x, axis, place)


def _select(x, dim, keepdim, rule, k, who):
    """ValuesIndices of SelectAlong; a 0-d x as PyTorch takes it (its one element)."""
    x = as_variable(x, who=who)
    if x.ndim == 0:
        normalize_axis(dim, 1, who)
        values, indices = _select(reshape(x, (1,)), 0, False, rule, k, who)
        return ValuesIndices(reshape(values, ()), reshape(indices, ()))
    axis = normalize_axis(dim, x.ndim, who)
    n = x.shape[axis]
    if n == 0 and rule not in ("cummax", "cummin"):  # (running ones: empty, as PyTorch's)
        raise IndexError(f"{who}: dim {dim} has size 0 (input shape {x.shape}): nothing to "
                         f"pick from")
    if rule == "kthvalue" and not 1 <= k <= n:
        raise ValueError(f"{who}: k must be in [1, {n}] (dim {dim} of shape {x.shape}), got {k}")
    return ValuesIndices(*SelectAlong(axis, bool(keepdim), rule, k)(x))


class WholeMedian(_Extreme):
    """y = the lower median of all of x's elements (NaN if one is NaN; nanmedian: of its
    numbers); the gradient shared evenly among the elements equal to it, as PyTorch's"""

    input_specs = (Spec(distinct=True),)
    arg_specs = {"skip_nan": Choice(False, True)}
    apply = staticmethod(lambda x, skip_nan: (nanmedian if skip_nan else median)(x))

    def __init__(self, skip_nan):
        super().__init__(tuple(range(0)), False)  # (axes set per input in forward)
        self.skip_nan = skip_nan

    @property
    def name(self):
        return "nanmedian" if self.skip_nan else "median"

    def forward(self, x):
        self.axes = tuple(range(x.ndim))
        if x.size == 0:  # PyTorch's: the median of nothing is NaN
            return get_array_module(x).full((), np.nan, x.dtype)
        flat = x.reshape(-1, 1)
        position = (_nanmedian_position if self.skip_nan else _median_position)(flat, 0)
        return flat[_sorted_at(flat, 0, position)].reshape(())


def _whole_or_along(x, dim, keepdim, skip_nan):
    who = "nanmedian" if skip_nan else "median"
    if dim is None:
        return WholeMedian(skip_nan)(as_variable(x, who=who))
    return _select(x, dim, keepdim, who, 1, who)


def median(x, dim=None, keepdim=False):
    """PyTorch's median: of all elements, the lower median (NaN if x holds one), a 0-d
    Variable; along `dim`, (values, indices)."""
    return _whole_or_along(x, dim, keepdim, False)


def nanmedian(x, dim=None, keepdim=False):
    """PyTorch's nanmedian: median with NaNs left out (NaN where only NaNs are)."""
    return _whole_or_along(x, dim, keepdim, True)


def kthvalue(x, k, dim=-1, keepdim=False):
    """PyTorch's kthvalue: (values, indices) of the k-th smallest (k from 1) along `dim`."""
    return _select(x, dim, keepdim, "kthvalue", integer(k, "k", "kthvalue"), "kthvalue")


def mode(x, dim=-1, keepdim=False):
    """PyTorch's mode: (values, indices) of the most frequent value along `dim` (the
    smallest of equally frequent ones, at its last occurrence)."""
    return _select(x, dim, keepdim, "mode", 1, "mode")


def cummax(x, dim):
    """PyTorch's cummax: (values, indices) of the running maximum along `dim`."""
    return _select(x, dim, True, "cummax", 1, "cummax")


def cummin(x, dim):
    """PyTorch's cummin: (values, indices) of the running minimum along `dim`."""
    return _select(x, dim, True, "cummin", 1, "cummin")
