"""Elementwise functions of one or two arrays (and where/clip/astype)."""
import numbers

import numpy as np

from ..arguments import real_dtype
from ..backend import as_array, float64_if_integer, get_array_module
from ..config import Config
from ..function import Function, reads_nothing
from ..spec import Choice, Draw, Spec
from ..variable import Variable, as_variable, gpu_array_among, promoted, wrap
from .validation import real_scalar


class Linked(Function):
    """y = g, recorded as a function of g and of `sources` with dy/dsources = 0"""

    input_specs = (Spec(), Spec(like=0))
    reference = staticmethod(lambda g, source: g)

    def forward(self, g, *sources):
        return g

    def backward(self, gy):
        needs = self.needs_input_grad
        zeros = [zero_grad(x) if need else None for x, need in zip(self.inputs[1:], needs[1:])]
        return (gy if needs[0] else None, *zeros)


def linked(g, *sources):
    """The gradient `g` of a piecewise-linear op (abs, relu, max, clip...) tied to the op's
    inputs `sources` while a graph is being built (create_graph=True): the gradient is
    piecewise constant in them, so their second derivative is 0, as PyTorch's, where an
    unconnected gradient would make grad() raise 'does not require grad'. First-order
    backprop (no graph) gets `g` unchanged, at no cost."""
    if not Config.enable_backprop:
        return g
    for x in sources:
        if x.requires_grad:
            return Linked()(g, *sources)
    return g


def zero_grad(x):
    """A zero gradient for the Variable x (what a piecewise-constant quantity sends it)."""
    return wrap(get_array_module(x.data).zeros_like(x.data))


class Exp(Function):
    """y = e^x;  dy/dx = y"""

    input_specs = (Spec(),)
    reference = staticmethod(np.exp)
    saved_inputs = reads_nothing  # (its output only)

    def forward(self, x):
        return get_array_module(x).exp(float64_if_integer(x))

    def backward(self, gy):
        return gy * self.outputs[0]()

    def backward_data(self, gy):
        return gy * self.outputs[0]().data


class Log(Function):
    """y = ln x;  dy/dx = 1/x"""

    input_specs = (Spec(elements="positive"),)
    reference = staticmethod(np.log)

    def forward(self, x):
        return get_array_module(x).log(float64_if_integer(x))

    def backward(self, gy):
        return gy / self.inputs[0]

    def backward_data(self, gy):
        return gy / self.inputs[0].data


class Sin(Function):
    """y = sin x;  dy/dx = cos x"""

    input_specs = (Spec(),)
    reference = staticmethod(np.sin)

    def forward(self, x):
        return get_array_module(x).sin(float64_if_integer(x))

    def backward(self, gy):
        return gy * cos(self.inputs[0])

    def backward_data(self, gy):
        x = self.inputs[0].data
        return gy * get_array_module(x).cos(x)


class Cos(Function):
    """y = cos x;  dy/dx = -sin x"""

    input_specs = (Spec(),)
    reference = staticmethod(np.cos)

    def forward(self, x):
        return get_array_module(x).cos(float64_if_integer(x))

    def backward(self, gy):
        return gy * -sin(self.inputs[0])

    def backward_data(self, gy):
        x = self.inputs[0].data
        return gy * -get_array_module(x).sin(x)


class Tan(Function):
    """y = tan x;  dy/dx = 1 + y^2"""

    input_specs = (Spec(elements=(-1.2, 1.2)),)
    reference = staticmethod(np.tan)

    def forward(self, x):
        return get_array_module(x).tan(float64_if_integer(x))

    def backward(self, gy):
        y = self.outputs[0]()
        return gy * (1 + y * y)


class Tanh(Function):
    """y = tanh x;  dy/dx = 1 - y^2"""

    input_specs = (Spec(),)
    reference = staticmethod(np.tanh)

    def forward(self, x):
        return get_array_module(x).tanh(float64_if_integer(x))

    def backward(self, gy):
        y = self.outputs[0]()
        return gy * (1 - y * y)

    def backward_data(self, gy):
        y = self.outputs[0]().data
        return gy * (1 - y * y)


class Sqrt(Function):
    """y = sqrt x;  dy/dx = 1 / (2y)"""

    input_specs = (Spec(elements="positive"),)
    reference = staticmethod(np.sqrt)

    def forward(self, x):
        return get_array_module(x).sqrt(float64_if_integer(x))

    def backward(self, gy):
        return gy / (2 * self.outputs[0]())

    def backward_data(self, gy):
        return gy / (2 * self.outputs[0]().data)


class Log1p(Function):
    """y = ln(1 + x);  dy/dx = 1 / (1 + x)"""

    input_specs = (Spec(elements=(-0.5, 2.0)),)
    reference = staticmethod(np.log1p)

    def forward(self, x):
        return get_array_module(x).log1p(float64_if_integer(x))

    def backward(self, gy):
        return gy / (1 + self.inputs[0])


class Expm1(Function):
    """y = e^x - 1;  dy/dx = y + 1"""

    input_specs = (Spec(),)
    reference = staticmethod(np.expm1)

    def forward(self, x):
        return get_array_module(x).expm1(float64_if_integer(x))

    def backward(self, gy):
        return gy * (self.outputs[0]() + 1)


class Sigmoid(Function):
    """y = 1 / (1 + e^-x) (see sigmoid_array);  dy/dx = y (1 - y)"""

    input_specs = (Spec(),)
    reference = "autograd.testing.references:sigmoid"

    def forward(self, x):
        return sigmoid_array(x)

    def backward(self, gy):
        return SigmoidGrad()(self.outputs[0](), gy)

    def backward_data(self, gy):
        return sigmoid_grad_array(self.outputs[0]().data, gy)


class SigmoidGrad(Function):
    """gx = gy y (1 - y) from the sigmoid's output y (one call in first-order backprop);
    d/dy = gy (1 - 2y),  d/dgy = y (1 - y)"""

    input_specs = (Spec(elements="unit"), Spec(like=0))  # y in (0, 1), gy
    reference = staticmethod(lambda y, gy: gy * y * (1 - y))

    def forward(self, y, gy):
        return sigmoid_grad_array(y, gy)

    def backward(self, ggx):
        y, gy = self.inputs
        need_y, need_gy = self.needs_input_grad
        d_y = ggx * gy * (1 - 2 * y) if need_y else None
        d_gy = SigmoidGrad()(y, ggx) if need_gy else None
        return d_y, d_gy


def sigmoid_grad_array(y, gy):
    """gy y (1 - y) on arrays, from the sigmoid's output y."""
    gx = 1 - y
    gx *= y
    gx *= gy
    return gx


def sigmoid_array(x, out=None):
    """1 / (1 + e^-x) on an array (into `out` when given; x itself may be `out`), to full
    relative precision wherever the result is a normal number: each step (exp, +1,
    reciprocal) is relatively exact, and e^-x overflows to inf only where the result is
    below float's smallest normal number (x < -88.7 in float32, -709.8 in float64), giving
    0. (1 + tanh(x/2)) / 2 cancels instead: float32 gives 0 at x = -20, not 2.1e-9. Integer
    input gives float64. The one sigmoid on arrays: Sigmoid, the recurrent steps and the
    metrics' scores all use it."""
    xp = np if x.__class__ is np.ndarray else get_array_module(x)  # (a small layer feels
    if x.dtype.kind not in "fc":  # each call: NumPy floats, the usual case, make none)
        x = float64_if_integer(x)
    if x.ndim == 0:  # NumPy gives scalars, not arrays, for 0-d operands: no in-place work
        y = sigmoid_array(x.reshape(1)).reshape(())
        if out is None:
            return y
        out[...] = y
        return out
    y = xp.multiply(x, -1, out=out)  # (not negative: see lstm_step._to_held_order)
    limit = _EXP_LIMITS.get(y.dtype.char) if 0 < y.size <= _CHECKED_SIZE else None
    if limit is not None and y.__class__ is np.ndarray and _largest(y, axis=None) <= limit:
        # no e^-x overflows (nan fails the test): a small array skips errstate, whose
        # context costs more than the four calls of a small layer's sigmoid
        _one_over_one_plus_exp(xp, y)
        return y
    with np.errstate(over="ignore"):  # e^-x = inf is expected, see above
        _one_over_one_plus_exp(xp, y)
    return y


def _one_over_one_plus_exp(xp, y):
    """y <- 1 / (1 + e^y), in place."""
    xp.exp(y, out=y)
    y += 1
    xp.reciprocal(y, out=y)


_largest = np.maximum.reduce
_CHECKED_SIZE = 1 << 14  # (above it a pass over the array costs more than errstate)
_EXP_LIMITS = {"f": 88.0, "d": 709.0}  # e^limit is finite in float32, float64


def masked_array(gy, factor):
    """gy * factor for arrays, `factor` (boolean or numbers) 0 where no gradient passes:
    there 0 even for an infinite or NaN gy, whose product with 0 is NaN (PyTorch masks:
    sqrt(relu(x)) at x < 0 has gradient 0). NumPy multiplies a finite gy (its `where`
    runs many times slower); a GPU array is chosen from, in one launch."""
    if _all_finite(gy):
        return gy * factor
    xp = get_array_module(gy)
    passes, scale = _passing(factor, xp)
    return xp.where(passes, gy if scale is None else gy * scale, xp.zeros((), gy.dtype))


def masked(gy, factor):
    """masked_array on a Variable gy (differentiable in gy: its second derivative too), for
    the backward of piecewise-linear ops (relu, clip, max, min)."""
    data = gy.data
    factor = factor.astype(data.dtype, copy=False)
    if _all_finite(data):
        return gy * wrap(factor)
    passes, scale = _passing(factor, get_array_module(data))
    return where(passes, gy * wrap(scale), 0.0)


def _all_finite(gy):
    """Whether a NumPy gradient is finite everywhere (a GPU one is not asked: a device read)."""
    return gy.__class__ is np.ndarray and bool(np.isfinite(gy).all())


def _passing(factor, xp):
    """(where the gradient passes, the factor there and 1 elsewhere, None for a boolean
    factor): a choice by the first after a product by the second never gives inf * 0."""
    if factor.dtype == bool:
        return factor, None
    passes = factor != 0
    return passes, xp.where(passes, factor, 1)


class Abs(Function):
    """y = |x|;  dy/dx = sign x"""

    input_specs = (Spec(elements="nonzero"),)
    reference = staticmethod(np.abs)

    def forward(self, x):
        return get_array_module(x).abs(x)

    def backward(self, gy):
        x = self.inputs[0]
        return linked(gy * wrap(sign_array(x.data).astype(x.dtype, copy=False)), x)


def sign_array(x):
    """NumPy's sign, but 0 at NaN (PyTorch's sign): the slope of |x| that abs, l1_loss and
    the 1-norm give back, so that a NaN input gets gradient 0 there, as in PyTorch (and as
    clip, relu and max(x, y) give it here)."""
    xp = get_array_module(x)
    sign = xp.sign(x)
    if sign.dtype.kind != "f":
        return sign
    return xp.where(xp.isnan(sign), 0, sign)  # (an array: NumPy's sign of a 0-d one is not)


class Maximum(Function):
    """y = max(x0, x1) elementwise; a tie splits the gradient evenly (as PyTorch)."""

    # on grids half a step apart: never a tie
    input_specs = (Spec(grid=(0.1, 0.0)), Spec(broadcast=0, grid=(0.1, 0.05)))
    reference = staticmethod(np.maximum)

    def forward(self, x0, x1):
        return get_array_module(x0).maximum(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        return _split_by_winner(gy, x0, x1, self.needs_input_grad)


class Minimum(Function):
    """y = min(x0, x1) elementwise; a tie splits the gradient evenly (as PyTorch)."""

    input_specs = (Spec(grid=(0.1, 0.0)), Spec(broadcast=0, grid=(0.1, 0.05)))
    reference = staticmethod(np.minimum)

    def forward(self, x0, x1):
        return get_array_module(x0).minimum(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        return _split_by_winner(gy, x0, x1, self.needs_input_grad, smaller_wins=True)


def _split_by_winner(gy, x0, x1, needs, smaller_wins=False):
    """Gradient shares of x0 and x1 in max(x0, x1) (min with `smaller_wins`): 1 for the
    winner, 0 for the loser, 0.5 each on ties, and 1 each where they are unordered (a NaN:
    it propagates from either, PyTorch's rule)."""
    dtype = gy.data.dtype
    a, b = (x1.data, x0.data) if smaller_wins else (x0.data, x1.data)
    tie = 0.5 * (a == b).astype(dtype)
    g0 = linked(masked(gy, 1 - (b > a).astype(dtype) - tie), x0, x1) if needs[0] else None
    g1 = linked(masked(gy, 1 - (a > b).astype(dtype) - tie), x0, x1) if needs[1] else None
    return g0, g1


class Fmax(Function):
    """y = fmax(x0, x1): the larger, NaN only where both are (NumPy's and PyTorch's fmax);
    dy/dx0 = 1 where x0 >= x1 or x1 is NaN, else dy/dx1 = 1 (PyTorch's: a tie's to x0).
    With `smaller`, fmin."""

    input_specs = (Spec(grid=(0.1, 0.0)), Spec(broadcast=0, grid=(0.1, 0.05)))
    arg_specs = {"smaller": Choice(False, True)}
    reference = staticmethod(lambda x0, x1, smaller: (np.fmin if smaller else np.fmax)(x0, x1))

    def __init__(self, smaller=False):
        self.smaller = smaller

    def forward(self, x0, x1):
        xp = get_array_module(x0)
        return (xp.fmin if self.smaller else xp.fmax)(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        a, b = x0.data, x1.data
        first = ((a <= b) if self.smaller else (a >= b)) | get_array_module(b).isnan(b)
        need0, need1 = self.needs_input_grad
        dtype = gy.data.dtype
        return (linked(masked(gy, first.astype(dtype)), x0, x1) if need0 else None,
                linked(masked(gy, (~first).astype(dtype)), x0, x1) if need1 else None)


class Clip(Function):
    """y = min(max(x, a_min), a_max);  dy/dx = 1 inside the range, 0 outside;
    dy/da_min = [x < a_min < a_max], dy/da_max = [x > a_max or a_max < a_min] (PyTorch's)"""

    input_specs = (Spec(grid=(0.1, 0.05)),)  # the bounds on the grid: no kink met
    arg_specs = {"bounds": Draw("autograd.testing.op_arguments:clip_bounds")}
    apply = staticmethod(lambda x, bounds: clip(x, *bounds))
    reference = staticmethod(lambda x, bounds: np.clip(x, *bounds))

    def __init__(self, a_min, a_max):
        # a bound is a constant (None, a number, an array) or BOUND_INPUT: the next input
        self.a_min, self.a_max = a_min, a_max

    def _bounds(self, arrays):
        """(a_min, a_max) as arrays or constants, taking the Variable ones from `arrays`."""
        arrays = iter(arrays)
        lo = next(arrays) if self.a_min is BOUND_INPUT else self.a_min
        hi = next(arrays) if self.a_max is BOUND_INPUT else self.a_max
        return lo, hi

    def forward(self, x, *bounds):
        return get_array_module(x).clip(x, *self._bounds(bounds))

    def backward(self, gy):
        x, *bounds = self.inputs
        lo, hi = self._bounds([b.data for b in bounds])
        xd = x.data
        below = None if lo is None else xd < lo
        above = None if hi is None else xd > hi
        inside = ~_either(below, above)
        if xd.dtype.kind in "fc":  # a NaN is neither below nor above: its y is NaN, slope 0
            inside &= xd == xd     # (PyTorch's)
        if lo is not None and hi is not None:  # a_min > a_max: every y is a_max (and a
            inside &= lo <= hi                 # NaN bound fails the test too, as below)
        else:  # a NaN bound makes y NaN whatever x is: slope 0 (PyTorch's)
            bound = hi if lo is None else lo
            inside &= bound == bound
        grads = [masked(gy, inside)]
        if self.a_min is BOUND_INPUT:
            grads.append(masked(gy, below if hi is None else below & (lo < hi)))
        if self.a_max is BOUND_INPUT:
            grads.append(masked(gy, above if lo is None else above | (hi < lo)))
        sources = self.inputs
        return tuple(linked(g, *sources) if need else None
                     for g, need in zip(grads, self.needs_input_grad))


BOUND_INPUT = object()  # Clip's marker for a bound given as a Variable input


def _either(a, b):
    """a | b for boolean arrays of which one may be None (an open side)."""
    return b if a is None else a if b is None else a | b


class Where(Function):
    """y = x0 where condition else x1; the boolean condition is an input (no gradient), so
    a captured step (autograd.capture) reads each call's mask"""

    input_specs = (Spec("bool"), Spec(broadcast_to=0), Spec(broadcast_to=0))
    apply = staticmethod(lambda condition, x0, x1: where(condition, x0, x1))
    reference = staticmethod(np.where)

    def forward(self, condition, x0, x1):
        return get_array_module(x0).where(condition, x0, x1)

    def backward(self, gy):
        condition = self.inputs[0]
        zero = wrap(get_array_module(gy.data).zeros((), gy.data.dtype))
        _, need0, need1 = self.needs_input_grad
        g0 = where(condition, gy, zero) if need0 else None
        g1 = where(condition, zero, gy) if need1 else None
        return None, g0, g1


class AsType(Function):
    """y = x converted to `dtype`; the gradient goes back in x's dtype."""

    # up to float64 only: a float32 result would round the numerical derivative
    input_specs = (Spec(),)
    arg_specs = {"dtype": Choice(np.dtype(np.float64))}
    reference = staticmethod(lambda x, dtype: x.astype(dtype))

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        return x.astype(self.dtype)

    def backward(self, gy):
        return astype(gy, self.inputs[0].dtype)


def exp(x):
    return Exp()(x)


def log(x):
    return Log()(x)


def sin(x):
    return Sin()(x)


def cos(x):
    return Cos()(x)


def tan(x):
    return Tan()(x)


def tanh(x):
    return Tanh()(x)


def sqrt(x):
    return Sqrt()(x)


def log1p(x):
    return Log1p()(x)


def expm1(x):
    return Expm1()(x)


def sigmoid(x):
    """1 / (1 + e^-x); nn.functional.sigmoid. Integer input gives float64, as NumPy's exp
    (PyTorch's gives float32)."""
    return Sigmoid()(x)


def abs(x):  # noqa: A001  (NumPy's name)
    return Abs()(x)


def maximum(x0, x1):
    return Maximum()(*promoted(x0, x1))


def minimum(x0, x1):
    return Minimum()(*promoted(x0, x1))


def fmax(input, other):  # noqa: A002 (PyTorch's names)
    """The larger of each pair, a NaN ignored beside a number (torch.fmax, NumPy's)."""
    return Fmax()(*promoted(input, other))


def fmin(input, other):  # noqa: A002 (PyTorch's names)
    """The smaller of each pair, a NaN ignored beside a number (torch.fmin, NumPy's)."""
    return Fmax(smaller=True)(*promoted(input, other))


def clip(x, a_min, a_max):
    """NumPy's clip; a bound given as a Variable gets a gradient too (PyTorch's clamp). An
    integer or boolean array bound beside a floating x takes x's dtype (PyTorch's promotion,
    as add and maximum give it: float32 stays float32, where NumPy's clip gives float64)."""
    if a_min is None and a_max is None:
        raise ValueError("clip: a_min and a_max cannot both be None")
    x = as_variable(x, who="clip")
    cast = x.dtype if x.dtype.kind == "f" else None
    bounds = [_in_float(b, cast, astype) for b in (a_min, a_max) if isinstance(b, Variable)]
    lo, hi = (BOUND_INPUT if isinstance(b, Variable) else _bound(b, name, cast)
              for b, name in ((a_min, "a_min"), (a_max, "a_max")))
    return Clip(lo, hi)(x, *bounds)


def _bound(value, name, cast):
    """A clip bound: None, a real array (NumPy's clip takes arrays too; an integer one in the
    float dtype `cast` when given), or a real number as a Python int or float (a NumPy
    float64 scalar would turn a float32 result into float64)."""
    if value is None:
        return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    is_array = not isinstance(value, numbers.Number) and hasattr(value, "dtype")
    if is_array and value.dtype.kind in "biuf":
        return _in_float(value, cast, lambda a, dtype: a.astype(dtype))
    return real_scalar(value, name, "clip")


def _in_float(bound, dtype, convert):
    """An integer or boolean bound (array or Variable) converted to the float `dtype`; a
    floating one, or any with dtype None, as it is."""
    if dtype is None or bound.dtype.kind not in "biu":
        return bound
    return convert(bound, dtype)


def where(condition, x0=None, x1=None):
    """x0 where `condition` (a boolean array or Variable) holds, else x1; with the condition
    alone, NumPy's and PyTorch's where(condition): nonzero(condition, as_tuple=True), one
    int64 index per axis."""
    if x0 is None and x1 is None:
        from .counting import nonzero  # (counting builds on the elementwise ops)
        return nonzero(condition, as_tuple=True)
    if x0 is None or x1 is None:
        raise TypeError("where: give both x and y, or the condition alone")
    if not isinstance(condition, Variable):  # (on the GPU when x0 or x1 is there)
        home = gpu_array_among((x0, x1))
        # the array itself, cast by an op: a captured step reads it afresh at each replay
        condition = wrap(as_array(condition, like=home), False)
    if condition.dtype != bool:
        condition = AsType(np.dtype(bool))(condition)
    return Where()(condition, *promoted(x0, x1))


def astype(x, dtype):
    dtype = real_dtype(dtype, "astype")  # (a PyTorch dtype too: x.to(torch.float16))
    if isinstance(x, Variable) and x.dtype == dtype:
        return x
    return AsType(dtype)(x)
