"""PyTorch's tests and counts of values: isnan, isinf, isfinite, all, any, count_nonzero,
nonzero, unique, bincount, searchsorted, bucketize. Their results are booleans or integers
(bincount with weights: sums of them), through which no gradient flows; each is an op (as
the comparisons are), so a captured step computes them again from each call's values."""
import numpy as np

from ..backend import get_array_module
from ..config import no_grad
from ..function import Function
from ..spec import Choice, Spec
from ..variable import Variable, as_variable, every_dim_if_empty
from .validation import integer, normalize_axes


def _reduce_bool(xp, x, test, axes, keepdim):
    return getattr(xp, test)(x != 0, axis=axes, keepdims=keepdim)


def _unique(xp, x, axis, return_inverse, return_counts):
    """NumPy's unique, PyTorch's outputs: each NaN distinct, the inverse of x's shape (of
    its `axis` with one)."""
    kwargs = {} if axis is None else {"axis": axis}
    if axis is None and x.dtype.kind == "f":
        kwargs["equal_nan"] = False
    values, inverse, counts = xp.unique(x, return_inverse=True, return_counts=True, **kwargs)
    inverse = inverse.reshape(x.shape if axis is None else (x.shape[axis],))
    return (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts
                                                                else ())


def _bincount(xp, x, weights=None, minlength=0):
    if weights is None:
        return xp.bincount(x, minlength=minlength).astype(np.int64)
    return xp.bincount(x, weights, minlength=minlength).astype(weights.dtype)


def _searchsorted(xp, sequence, values, side):
    """np.searchsorted row by row: a sequence of more than one dimension holds one sorted
    row per row of `values` (PyTorch's)."""
    if sequence.ndim == 1:
        return xp.searchsorted(sequence, values, side=side).astype(np.int64)
    rows = sequence.reshape(-1, sequence.shape[-1])
    found = [xp.searchsorted(row, v, side=side)
             for row, v in zip(rows, values.reshape(len(rows), -1))]
    return xp.stack(found).reshape(values.shape).astype(np.int64)


_COMPUTE = {
    "isnan": lambda xp, x: xp.isnan(x), "isinf": lambda xp, x: xp.isinf(x),
    "isfinite": lambda xp, x: xp.isfinite(x),
    "all": lambda xp, x, axes, keepdim: _reduce_bool(xp, x, "all", axes, keepdim),
    "any": lambda xp, x, axes, keepdim: _reduce_bool(xp, x, "any", axes, keepdim),
    "count_nonzero": lambda xp, x, axes: xp.asarray(
        xp.count_nonzero(x, axis=axes)).astype(np.int64),
    "nonzero": lambda xp, x: xp.argwhere(x).astype(np.int64),
    "unique": _unique, "bincount": _bincount, "searchsorted": _searchsorted,
}


class Counted(Function):
    """y = a test or count of x's values, named by `kind` (booleans or integers: no
    gradient)"""

    input_specs = (Spec(),)
    arg_specs = {"kind": Choice("isnan", "isinf", "isfinite", "all", "any")}
    apply = staticmethod(lambda x, kind: Counted(kind)(x) if kind.startswith("is")
                         else _logical(kind, x, None, False))
    gradcheck_order = 0  # (booleans and counts)

    def __init__(self, kind, **options):
        self.kind, self.options = kind, options

    @property
    def name(self):  # (errors name the op the user called)
        return self.kind

    @property
    def shape_follows_values(self):
        """Whether the result's size follows x's values (a captured step refuses it as an
        index: autograd/capture.py)."""
        return self.kind in ("unique", "bincount", "nonzero")

    def forward(self, *arrays):
        xp = get_array_module(arrays[0])
        return _COMPUTE[self.kind](xp, *arrays, **self.options)

    def backward(self, *gys):
        return (None,) * len(self.inputs)


def _counted(kind, *xs, **options):
    """Counted(kind, **options)(*xs), recorded by no graph: unique's values and bincount's
    weighted sums are floats, yet no gradient flows through them (PyTorch's neither)."""
    with no_grad():
        return Counted(kind, **options)(*xs)


def _elementwise(kind):
    def test(x):
        return _counted(kind, as_variable(x, who=kind))
    test.__name__ = test.__qualname__ = kind
    test.__doc__ = f"PyTorch's {kind}: a boolean Variable of x's shape (integers: never NaN " \
                   f"nor infinite)."
    return test


isnan, isinf, isfinite = map(_elementwise, ("isnan", "isinf", "isfinite"))


def _logical(kind, x, dim, keepdim):
    x = as_variable(x, who=kind)
    return _counted(kind, x, axes=normalize_axes(dim, x.ndim, kind), keepdim=bool(keepdim))


def all(x, dim=None, keepdim=False):  # noqa: A001 (PyTorch's name)
    """PyTorch's all: whether every element over `dim` (all by default) is nonzero."""
    return _logical("all", x, dim, keepdim)


def any(x, dim=None, keepdim=False):  # noqa: A001 (PyTorch's name)
    """PyTorch's any: whether some element over `dim` (all by default) is nonzero."""
    return _logical("any", x, dim, keepdim)


def count_nonzero(x, dim=None):
    """PyTorch's count_nonzero: the number of nonzero elements over `dim` (an int or a
    tuple; all by default), int64."""
    x = as_variable(x, who="count_nonzero")
    axes = normalize_axes(every_dim_if_empty(dim), x.ndim, "count_nonzero")
    return _counted("count_nonzero", x, axes=axes)


def nonzero(x, *, as_tuple=False):
    """PyTorch's nonzero: the indices of x's nonzero elements in row-major order, (n, x.ndim)
    int64; with as_tuple=True one 1-D index per axis (NumPy's nonzero, which x[...] takes)."""
    x = as_variable(x, who="nonzero")
    if as_tuple and x.ndim == 0:  # (PyTorch reads a 0-d x as one element along one axis)
        x = x.reshape(1)
    found = _counted("nonzero", x)
    return tuple(found[:, axis] for axis in range(x.ndim)) if as_tuple else found


def argwhere(x):
    """PyTorch's argwhere: nonzero(x), (n, x.ndim) int64."""
    return nonzero(x)


def unique(x, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """PyTorch's unique: the distinct values of x (always sorted; NaNs each distinct), or
    with `dim` the distinct slices along it, and with return_inverse / return_counts the
    position of each element (slice) among them and how often each occurs, as a tuple."""
    x = as_variable(x, who="unique")
    axis = None if dim is None else normalize_axes(dim, x.ndim, "unique")[0]
    out = _counted("unique", x, axis=axis, return_inverse=bool(return_inverse),
                   return_counts=bool(return_counts))
    return out[0] if isinstance(out, (tuple, list)) and len(out) == 1 else out


def bincount(x, weights=None, minlength=0):
    """PyTorch's bincount: how often each value of the 1-D non-negative integer x occurs
    (at least `minlength` bins), or the sums of `weights` (x's shape) per value."""
    x = as_variable(x, who="bincount")
    minlength = integer(minlength, "minlength", "bincount")
    if x.ndim != 1 or x.dtype.kind not in "iu" or (x.size and x.data.min() < 0):
        raise ValueError(f"bincount: the input must be 1-D with non-negative integers, got "
                         f"shape {x.shape} and dtype {x.dtype}")
    if minlength < 0:
        raise ValueError(f"bincount: minlength must be non-negative, got {minlength}")
    if weights is None:
        return _counted("bincount", x, minlength=minlength)
    weights = as_variable(weights, who="bincount")
    if weights.shape != x.shape:
        raise ValueError(f"bincount: weights of shape {weights.shape} must have the input's "
                         f"shape {x.shape}")
    return _counted("bincount", x, weights, minlength=minlength)


def searchsorted(sorted_sequence, values, *, right=False, side=None):
    """PyTorch's searchsorted: where each of `values` would go in `sorted_sequence` (its
    last axis sorted; leading axes matching values') to keep it sorted, the first such
    place, or the last with right=True / side='right'; int64."""
    side = _side(right, side)
    sequence = as_variable(sorted_sequence, who="searchsorted")
    values = values if isinstance(values, Variable) else as_variable(values, who="searchsorted")
    if sequence.ndim == 0 or (sequence.ndim > 1 and
                              sequence.shape[:-1] != values.shape[:-1]):
        raise ValueError(f"searchsorted: sorted_sequence (shape {sequence.shape}) must be 1-D "
                         f"or have the leading dimensions of values (shape {values.shape})")
    return _counted("searchsorted", sequence, values, side=side)


def bucketize(x, boundaries, *, right=False):
    """PyTorch's bucketize: the index of the bucket of `boundaries` (1-D, sorted) each
    element of x falls in: boundaries[i-1] < x <= boundaries[i], or with right=True
    boundaries[i-1] <= x < boundaries[i]; int64."""
    boundaries = as_variable(boundaries, who="bucketize")
    if boundaries.ndim != 1:
        raise ValueError(f"bucketize: boundaries must be 1-D, got shape {boundaries.shape}")
    return searchsorted(boundaries, x, right=right)


def _side(right, side):
    if side is None:
        return "right" if right else "left"
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if right and side == "left":
        raise ValueError("searchsorted: side='left' and right=True contradict each other")
    return side


__all__ = ["isnan", "isinf", "isfinite", "all", "any", "count_nonzero", "nonzero", "argwhere",
           "unique", "bincount", "searchsorted", "bucketize"]
