"""PyTorch's scatter_reduce: src's elements reduced (sum, prod, mean, amax, amin) into the
positions of x that index names along dim, x's own value taking part or not
(include_self). The gradients are PyTorch's, written with differentiable ops: amax/amin
share the gradient evenly among the elements equal to the result, prod divides no zero."""
import numpy as np

from ..backend import get_array_module
from ..backend import scatter_add as add_at
from ..function import Function
from ..spec import Choice, Draw, Spec
from ..variable import as_variable, wrap
from .accumulation import accumulator
from .elementwise import linked, where
from .index_writes import _same_dtype
from .indexing import get_item
from .selection import _checked_index, _positions

REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
_UFUNC = {"sum": "add", "mean": "add", "prod": "multiply", "amax": "maximum", "amin": "minimum"}


class ScatterReduce(Function):
    """y = x with, at each position p that index names, the `reduce` of the src elements
    sent to p (and of x_p with include_self); dy/dsrc gathers the gradient at the positions
    (PyTorch's rules: mean divides by the count, amax/amin share among ties, prod is the
    product of the others)"""

    input_specs = (Spec(shape=("N", "M"), sides={"N": (1, 3), "M": (1, 3)},
                        elements=(0.5, 2.5), grid=(0.1, 0.0), distinct=True),
                   Spec(like=0, elements=(0.5, 2.5), grid=(0.1, 0.05), distinct=True))
    arg_specs = {"where": Draw("autograd.testing.op_arguments:scatter_dim_and_index"),
                 "reduce": Choice(*REDUCTIONS), "include_self": Choice(True, False)}
    apply = staticmethod(lambda x, src, where, reduce, include_self: scatter_reduce(
        x, where[0], where[1], src, reduce, include_self=include_self))

    def __init__(self, positions, reduce, include_self):
        self.positions, self.reduce, self.include_self = positions, reduce, include_self

    def forward(self, x, src):
        xp = get_array_module(x)
        out = x.astype(accumulator(x.dtype) or x.dtype)  # (a copy: written below)
        self.hit = xp.zeros(x.shape, bool)
        self.hit[self.positions] = True
        if not self.include_self:
            out[self.hit] = _identity(self.reduce, out.dtype)
        with np.errstate(invalid="ignore"):  # (a NaN reaches its position, as PyTorch's)
            getattr(xp, _UFUNC[self.reduce]).at(out, self.positions, src)
        if self.reduce == "mean":
            out = _divided(out, self._count(xp))
        return out.astype(x.dtype, copy=False)

    def _count(self, xp):
        """How many elements each position's mean takes (1 where none: x kept)."""
        count = xp.zeros(self.hit.shape, np.int64)
        add_at(count, self.positions, 1)
        count += int(self.include_self)
        return xp.maximum(count, 1)

    def backward(self, gy):
        x, src = self.inputs
        gx, gsrc = getattr(self, "_grad_" + self.reduce)(gy, x, src)
        if not self.include_self:  # x's value was not used where src was scattered
            gx = where(self.hit, 0.0, gx)
        return gx, gsrc

    def _gather(self, v):
        """v (of x's shape) read at the scattered positions: src's shape."""
        return get_item(v, self.positions)

    def _grad_sum(self, gy, x, src):
        return gy, self._gather(gy)

    def _grad_mean(self, gy, x, src):
        share = gy / wrap(self._count(get_array_module(x.data)).astype(x.dtype))
        return share, self._gather(share)

    def _grad_prod(self, gy, x, src):
        """PyTorch's: the product of the others, found by setting a zero (x's, or src's one
        zero of a position) to 1 and reducing again."""
        y = self.outputs[0]()
        x_zero, src_zero = x.data == 0, src.data == 0
        x_ones = where(x_zero, 1.0, x)
        gx = gy * (self._again(x_ones, src) if x_zero.any() else y) / x_ones
        if not src_zero.any():
            return gx, self._gather(gy * y) / src
        xp = get_array_module(x.data)
        zeros = xp.zeros(x.shape, np.int64)
        add_at(zeros, self.positions, src_zero.astype(np.int64))
        alone = src_zero & (zeros[self.positions] == 1)  # the one zero sent to its position
        others = self._gather(gy * self._again(x, where(alone, 1.0, src)))
        return gx, where(alone, others, self._gather(gy * y) / where(src_zero, 1.0, src))

    def _again(self, x, src):
        return ScatterReduce(self.positions, self.reduce, self.include_self)(x, src)

    def _grad_amax(self, gy, x, src):
        """PyTorch's: the gradient shared among x and the src elements equal to the result
        (x counted among them even where include_self=False, as PyTorch counts it)."""
        y = self.outputs[0]().data
        x_is, src_is = (x.data == y).astype(x.dtype), (src.data == y[self.positions])
        ties = x_is.copy()
        add_at(ties, self.positions, src_is.astype(x.dtype))
        with np.errstate(divide="ignore", invalid="ignore"):  # (no tie: a NaN result)
            share = wrap(1 / ties)
        gx = gy * wrap(x_is) * share
        gsrc = self._gather(gy * share) * wrap(src_is.astype(x.dtype))
        return linked(gx, x, src), linked(gsrc, x, src)

    _grad_amin = _grad_amax


def _identity(reduce, dtype):
    """The value a reduction starts from: nothing of x taken into it."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    low = -np.inf if dtype.kind == "f" else np.iinfo(dtype).min
    high = np.inf if dtype.kind == "f" else np.iinfo(dtype).max
    return low if reduce == "amax" else high


def _divided(total, count):
    """total / count; integers rounded down, as PyTorch's integer mean."""
    if total.dtype.kind in "iu":
        return total // count
    return total / count


def scatter_reduce(x, dim, index, src, reduce, *, include_self=True):
    """PyTorch's scatter_reduce: x with src[i][j][k] reduced into [index[i][j][k]][j][k] for
    dim 0 (and so on), reduce one of 'sum', 'prod', 'mean', 'amax', 'amin'; with
    include_self=False x's own value at a position that receives src takes no part."""
    x, src = as_variable(x, who="scatter_reduce"), as_variable(src, who="scatter_reduce")
    if reduce not in REDUCTIONS:
        raise ValueError(f"scatter_reduce: reduce must be one of {', '.join(REDUCTIONS)}, "
                         f"got {reduce!r}")
    _same_dtype(x, src, "scatter_reduce")
    axis, index = _checked_index(x, dim, index, "scatter_reduce", src.shape, "src")
    part = get_item(src, tuple(slice(0, n) for n in index.shape))
    if x.ndim == 0:  # (one element, and index's one entry names it)
        return ScatterReduce((np.zeros(1, np.int64),), reduce, include_self)(
            x.reshape(1), part.reshape(1)).reshape(())
    return ScatterReduce(_positions(index, axis, x), reduce, bool(include_self))(x, part)


__all__ = ["scatter_reduce"]
