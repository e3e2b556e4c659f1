"""Reductions (sum, mean, max, min, logsumexp) and their inverses sum_to / broadcast_to."""
import builtins

import numpy as np

from ..backend import float64_if_integer, get_array_module, scalar_broadcast, silently
from ..function import Function, ReturnsViews, call_op
from ..spec import Axes, Choice, Draw, Spec
from ..variable import Variable, as_variable, torch_axis, wrap
from .accumulation import accumulator, reduced, widened
from .elementwise import abs as absolute
from .elementwise import exp, linked, log, maximum, minimum, where
from .rounding import sign
from .shape import reshape_if_needed
from .sorting import extreme_along
from .validation import int_tuple
from .validation import normalize_axes as _axes


def _keepdims_shape(shape, axes):
    """The shape a reduction over `axes` has with keepdims=True."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _count(shape, axes):
    """The number of elements a reduction over `axes` takes together."""
    count = 1
    for a in axes:
        count *= shape[a]
    return count


def _expand_back(gy, x_shape, axes):
    """Broadcast a reduced gradient back over the reduced axes (differentiably)."""
    if gy.shape == x_shape:  # nothing was reduced away (a scalar loss's .sum()): gy itself
        return gy
    if gy.ndim == 0:  # a reduction to one number: its gradient broadcasts as it is
        return _broadcast(gy, x_shape)
    return _broadcast(reshape_if_needed(gy, _keepdims_shape(x_shape, axes)), x_shape)


def _broadcast(x, shape):
    """broadcast_to for gradient code (Variables or arrays): x itself where it has `shape`
    already (no node)."""
    return x if x.shape == shape else call_op(BroadcastTo(shape), x)


def _sum_down(x, shape):
    """sum_to for gradient code (Variables or arrays): x itself where it has `shape` already
    (no node)."""
    return x if x.shape == shape else call_op(SumTo(shape), x)


class Sum(Function):
    """y = sum of x over `axes`"""

    backward_reads_forward = backward_reads_inputs = False  # (only x's shape)

    input_specs = (Spec(),)
    arg_specs = {"axis": Axes(of=0), "keepdims": Choice(False, True)}
    apply = staticmethod(lambda x, axis, keepdims: sum(x, axis, keepdims))
    reference = staticmethod(lambda x, axis, keepdims: np.sum(x, axis, keepdims=keepdims))

    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x):
        if x.ndim == 0 and x.dtype.kind in "fc":  # a scalar loss's .sum() (a common harness):
            return x.copy()  # itself, without NumPy's reduction and its scalar result
        return reduced(x, "sum", axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        return _expand_back(gy, self.inputs[0].data.shape, self.axes)

    backward_data = backward  # written for both


class Mean(Function):
    """y = mean of x over `axes`"""

    backward_reads_forward = backward_reads_inputs = False  # (only x's shape)

    input_specs = (Spec(),)
    arg_specs = {"axis": Axes(of=0), "keepdims": Choice(False, True)}
    apply = staticmethod(lambda x, axis, keepdims: mean(x, axis, keepdims))
    reference = staticmethod(lambda x, axis, keepdims: np.mean(x, axis, keepdims=keepdims))

    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x):
        if x.size == 0:  # the mean of nothing is nan, quietly (PyTorch's; NumPy warns)
            return silently(lambda: x.mean(axis=self.axes, keepdims=self.keepdims))
        return x.mean(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        shape = self.inputs[0].shape
        count = builtins.max(_count(shape, self.axes), 1)  # builtins: `max` here is the op
        return _expand_back(gy, shape, self.axes) * (1.0 / count)

    backward_data = backward  # written for both


class _Extreme(Function):
    """max/min over `axes`; the gradient is shared evenly among tied extremes (as PyTorch)."""

    reduce = None

    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x):
        for a in self.axes:  # an empty array reduced over non-empty axes is fine (NumPy's)
            if x.shape[a] == 0:
                raise ValueError(f"{self.name}: cannot take the {self.name}imum over axis {a} "
                                 f"of size 0 (input shape {x.shape})")
        return getattr(x, self.reduce)(axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        x = self.inputs[0]
        y = self.outputs[0]().data.reshape(_keepdims_shape(x.shape, self.axes))
        hit = x.data == y
        if x.dtype.kind in "fc":  # a NaN extreme came from the NaNs: they share the gradient
            hit |= (x.data != x.data) & (y != y)
        # (the ties counted in float32 for float16: its count of ones stops at 2048)
        hit = hit.astype(accumulator(x.dtype) or x.dtype)
        share = (hit / hit.sum(axis=self.axes, keepdims=True)).astype(x.dtype, copy=False)
        return linked(_expand_back(gy, x.shape, self.axes) * wrap(share, False), x)


class Max(_Extreme):
    """y = max of x over `axes`"""

    input_specs = (Spec(distinct=True),)
    arg_specs = {"axis": Axes(of=0), "keepdims": Choice(False, True)}
    apply = staticmethod(lambda x, axis, keepdims: max(x, axis=axis, keepdims=keepdims))
    reference = staticmethod(lambda x, axis, keepdims: np.max(x, axis, keepdims=keepdims))

    reduce = "max"


class Min(_Extreme):
    """y = min of x over `axes`"""

    input_specs = (Spec(distinct=True),)
    arg_specs = {"axis": Axes(of=0), "keepdims": Choice(False, True)}
    apply = staticmethod(lambda x, axis, keepdims: min(x, axis=axis, keepdims=keepdims))
    reference = staticmethod(lambda x, axis, keepdims: np.min(x, axis, keepdims=keepdims))

    reduce = "min"


class LogSumExp(Function):
    """y = log sum exp x over `axes` (computed stably);  dy/dx = exp(x - y)"""

    input_specs = (Spec(),)
    arg_specs = {"axis": Axes(of=0), "keepdims": Choice(False, True)}
    apply = staticmethod(lambda x, axis, keepdims: logsumexp(x, axis, keepdims=keepdims))
    reference = "autograd.testing.references:logsumexp"

    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x):
        # (x - max(x) would wrap around in a small integer type; float16 sums in float32)
        return widened(self._logsumexp, float64_if_integer(x))

    def _logsumexp(self, x):
        xp = get_array_module(x)
        if x.size == 0:  # no max to shift by; the sum of nothing is 0, so y = -inf (PyTorch's)
            m = xp.zeros(_keepdims_shape(x.shape, self.axes), x.dtype)
        else:
            m = x.max(axis=self.axes, keepdims=True)
            m = xp.where(xp.isfinite(m), m, 0)
        with np.errstate(divide="ignore"):  # log(0) = -inf is the answer there
            y = xp.log(xp.exp(x - m).sum(axis=self.axes, keepdims=True)) + m
        if self.keepdims:
            return y
        return y.reshape([n for i, n in enumerate(y.shape) if i not in self.axes])

    def backward(self, gy):
        x = self.inputs[0]
        y = reshape_if_needed(self.outputs[0](), _keepdims_shape(x.shape, self.axes))
        return _expand_back(gy, x.shape, self.axes) * exp(x - y)


class SumTo(Function):
    """y = x summed over broadcast axes down to `shape`"""

    input_specs = (Spec(),)
    arg_specs = {"shape": Draw("autograd.testing.op_arguments:shape_it_broadcasts_from")}

    name = "sum_to"

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        lead = x.ndim - len(self.shape)
        if lead < 0:
            raise ValueError(f"sum_to: cannot sum shape {x.shape} to the larger shape {self.shape}")
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(self.shape) if n == 1 and x.shape[lead + i] != 1)
        bad = [i for i, n in enumerate(self.shape) if n != 1 and x.shape[lead + i] != n]
        if bad:
            raise ValueError(f"sum_to: shape {x.shape} does not broadcast from {self.shape}")
        if not axes:  # x's own shape: nothing to sum (a copy: the output is no view of x)
            return x.copy()
        y = reduced(x, "sum", axis=axes, keepdims=True)
        return y.reshape(self.shape) if lead else y

    def backward(self, gy):
        return _broadcast(gy, self.inputs[0].shape)

    backward_data = backward  # written for both


class BroadcastTo(ReturnsViews, Function):
    """y = x broadcast to `shape`"""

    input_specs = (Spec(),)
    arg_specs = {"shape": Draw("autograd.testing.op_arguments:shape_it_broadcasts_to")}
    reference = staticmethod(np.broadcast_to)

    name = "broadcast_to"

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        if x.__class__ is np.ndarray and x.ndim == 0:  # (the gradient of a sum() seeded by 1)
            return scalar_broadcast(x, self.shape)
        return get_array_module(x).broadcast_to(x, self.shape)

    def backward(self, gy):
        return _sum_down(gy, self.inputs[0].shape)

    backward_data = backward  # written for both


def _reduce(cls, x, axis, keepdims, who):
    x = as_variable(x, who=who)
    return cls(_axes(axis, x.ndim, who), keepdims)(x)


def sum(x, axis=None, keepdims=False, *, dim=None, keepdim=None):  # noqa: A001 (NumPy's)
    """NumPy's sum over `axis`, or PyTorch's over `dim=` (keepdim=)."""
    if dim is not None or keepdim is not None:
        axis, keepdims = torch_axis(axis, keepdims, dim, keepdim, "sum")
    return _reduce(Sum, x, axis, keepdims, "sum")


def mean(x, axis=None, keepdims=False, *, dim=None, keepdim=None):
    if dim is not None or keepdim is not None:
        axis, keepdims = torch_axis(axis, keepdims, dim, keepdim, "mean")
    return _reduce(Mean, x, axis, keepdims, "mean")


def max(x, *args, axis=None, keepdims=False, keepdim=False, **torch_dim):  # noqa: A001
    """NumPy's max(x, axis=None, keepdims=False) (DeZero's F.max(x, axis) too), the gradient
    shared among ties as torch.amax shares it (NaNs are the maximum and share it among
    themselves, as torch.max() over all elements; amax gives NaN to every element of a slice
    holding one). `dim=` as PyTorch names it is PyTorch's max(dim): (values, indices), as
    `values, indices = x.max(1)` expects (the method takes its dimension positionally too:
    Variable.max); max(x, other), an array: PyTorch's elementwise maximum."""
    return extreme(x, args, axis, keepdims, keepdim, torch_dim, largest=True)


def min(x, *args, axis=None, keepdims=False, keepdim=False, **torch_dim):  # noqa: A001
    """NumPy's min(x, axis=None, keepdims=False); PyTorch's min(dim=...), (values, indices),
    and min(x, other), as max."""
    return extreme(x, args, axis, keepdims, keepdim, torch_dim, largest=False)


def extreme(x, args, axis, keepdims, keepdim, torch_dim, largest, positional_dim=False):
    """max or min (`largest`): NumPy's over an axis given positionally or as axis=, unless
    `positional_dim` (the methods: `x.max(1)` is PyTorch's max(dim)); PyTorch's max(dim=)."""
    who, op = ("max", Max) if largest else ("min", Min)
    if args and not positional_dim and not torch_dim and _is_axis(args[0]):
        axis, keepdims = _numpy_positional(args, axis, keepdims, who)
        args = ()
    if args or torch_dim:
        return _along(x, args, torch_dim, keepdim, largest, who, numpy_style=(axis, keepdims))
    return _reduce(op, x, axis, keepdims, who)


def _is_axis(value):
    """Whether `value` is what NumPy takes as an axis: an int, a tuple of ints, or None."""
    if isinstance(value, tuple):
        return all(_is_axis(v) and v is not None for v in value)
    return value is None or (isinstance(value, (int, np.integer)) and not isinstance(value, bool))


def _numpy_positional(args, axis, keepdims, who):
    """(axis, keepdims) of NumPy's positional max(a, axis, out, keepdims): out must be None."""
    if len(args) > 3 or (len(args) > 1 and args[1] is not None) or axis is not None:
        raise TypeError(f"{who}: takes NumPy's arguments, {who}(x, axis=None, keepdims=False) "
                        f"(out must be None), or PyTorch's dim=; got {len(args)} positional"
                        f"{' and axis=' if axis is not None else ''}")
    return args[0], bool(args[2]) if len(args) == 3 else keepdims


def _along(x, args, named, keepdim, largest, who, numpy_style):
    """PyTorch's max(dim[, keepdim]) / min from the arguments given as PyTorch gives them;
    max(other) / min(other) of an array or Variable: PyTorch's elementwise maximum."""
    mixed = numpy_style != (None, False)
    other = args[0] if len(args) == 1 and not named else named.get("other")
    if isinstance(other, (Variable, np.ndarray)) and not mixed and len(args) + len(named) == 1:
        return (maximum if largest else minimum)(x, other)
    if mixed or set(named) - {"dim"} or len(args) > 2 or (args and named):
        raise TypeError(f"{who}: takes a dimension as PyTorch does, {who}(dim, keepdim) or "
                        f"{who}(dim=...), or NumPy's axis=, keepdims=, not both; got "
                        f"{len(args)} positional and {sorted(named)} named")
    dim, keepdim = (args + (keepdim,))[:2] if args else (named["dim"], keepdim)
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{who}: a dimension given as PyTorch gives it is one int, got "
                        f"{dim!r}; for several axes use NumPy's axis=")
    return extreme_along(x, int(dim), bool(keepdim), largest, who)


def logsumexp(x, axis=None, b=None, keepdims=False, return_sign=False, *, dim=None,
              keepdim=None):
    """SciPy's logsumexp: log sum_i b_i e^(x_i) over `axis` (b: weights broadcast with x, 1
    by default; a weight's gradient too), with return_sign (log |sum|, sign of the sum);
    or PyTorch's over `dim=` (keepdim=)."""
    if dim is not None or keepdim is not None:
        axis, keepdims = torch_axis(axis, keepdims, dim, keepdim, "logsumexp")
    if b is None and not return_sign:
        return _reduce(LogSumExp, x, axis, keepdims, "logsumexp")
    return _weighted_logsumexp(as_variable(x, who="logsumexp"), b, axis, keepdims,
                               return_sign)


def _weighted_logsumexp(x, b, axis, keepdims, return_sign):
    """log |sum b e^x| (and its sign), the sum shifted by the largest x of a nonzero weight
    (an x of weight 0 takes no part, as in SciPy's, even infinite)."""
    b = as_variable(1.0 if b is None else b, who="logsumexp", like=x.data)
    shape = np.broadcast_shapes(x.shape, b.shape)
    xp = get_array_module(x.data)
    weightless = xp.broadcast_to(b.data == 0, shape)
    x = where(weightless, -np.inf, x)
    axes = _axes(axis, len(shape), "logsumexp")
    shift = xp.max(x.data, axis=axes, keepdims=True, initial=-np.inf)
    shift = xp.where(xp.isfinite(shift), shift, 0.0).astype(x.dtype)
    total = sum(b * exp(x - shift), axes, keepdims=True)
    out = log(absolute(total) if return_sign else total) + shift
    if not keepdims:
        out = reshape_if_needed(out, tuple(n for k, n in enumerate(shape) if k not in axes))
    if not return_sign:
        return out
    signs = sign(total).detach()
    return out, signs if keepdims else reshape_if_needed(signs, out.shape)


def sum_to(x, shape):
    """x summed down to `shape` (an int or a tuple, as NumPy's shapes): a new Variable even
    for x's own shape (as reshape)."""
    return SumTo(int_tuple(shape, "shape", "sum_to"))(as_variable(x, who="sum_to"))


def broadcast_to(x, shape):
    """x broadcast to `shape` (an int or a tuple, as np.broadcast_to takes it): a new
    Variable even for x's own shape (as reshape)."""
    shape = int_tuple(shape, "shape", "broadcast_to")
    return BroadcastTo(shape)(as_variable(x, who="broadcast_to"))
