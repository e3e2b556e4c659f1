"""Elementwise functions of one or two arrays (and where/clip/astype)."""
import numbers

import numpy as np

from ..backend import get_array_module
from ..config import Config
from ..function import Function
from ..spec import Choice, Draw, Spec
from ..variable import Variable, wrap
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

    def forward(self, x):
        return get_array_module(x).exp(x)

    def backward(self, gy):
        return gy * self.outputs[0]()


class Log(Function):
    """y = ln x;  dy/dx = 1/x"""

    input_specs = (Spec(elements="positive"),)
    reference = staticmethod(np.log)

    def forward(self, x):
        return get_array_module(x).log(x)

    def backward(self, gy):
        return gy / self.inputs[0]


class Sin(Function):
    """y = sin x;  dy/dx = cos x"""

    input_specs = (Spec(),)
    reference = staticmethod(np.sin)

    def forward(self, x):
        return get_array_module(x).sin(x)

    def backward(self, gy):
        return gy * cos(self.inputs[0])


class Cos(Function):
    """y = cos x;  dy/dx = -sin x"""

    input_specs = (Spec(),)
    reference = staticmethod(np.cos)

    def forward(self, x):
        return get_array_module(x).cos(x)

    def backward(self, gy):
        return gy * -sin(self.inputs[0])


class Tan(Function):
    """y = tan x;  dy/dx = 1 + y^2"""

    input_specs = (Spec(elements=(-1.2, 1.2)),)
    reference = staticmethod(np.tan)

    def forward(self, x):
        return get_array_module(x).tan(x)

    def backward(self, gy):
        y = self.outputs[0]()
        return gy * (1 + y * y)


class Tanh(Function):
    """y = tanh x;  dy/dx = 1 - y^2"""

    input_specs = (Spec(),)
    reference = staticmethod(np.tanh)

    def forward(self, x):
        return get_array_module(x).tanh(x)

    def backward(self, gy):
        y = self.outputs[0]()
        return gy * (1 - y * y)


class Sqrt(Function):
    """y = sqrt x;  dy/dx = 1 / (2y)"""

    input_specs = (Spec(elements="positive"),)
    reference = staticmethod(np.sqrt)

    def forward(self, x):
        return get_array_module(x).sqrt(x)

    def backward(self, gy):
        return gy / (2 * self.outputs[0]())


class Abs(Function):
    """y = |x|;  dy/dx = sign x"""

    input_specs = (Spec(elements="nonzero"),)
    reference = staticmethod(np.abs)

    def forward(self, x):
        return get_array_module(x).abs(x)

    def backward(self, gy):
        x = self.inputs[0]
        sign = get_array_module(x.data).sign(x.data).astype(x.dtype, copy=False)
        return linked(gy * wrap(sign), x)


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
        return _split_by_winner(gy, x0, x1, self.needs_input_grad, x0_wins=x0.data < x1.data)


def _split_by_winner(gy, x0, x1, needs, x0_wins=None):
    """Gradient shares of x0 and x1 in max(x0, x1) (min when `x0_wins` is given): 1 for the
    winner, 0.5 each on ties."""
    dtype = gy.data.dtype
    if x0_wins is None:
        x0_wins = x0.data > x1.data
    share = x0_wins.astype(dtype) + 0.5 * (x0.data == x1.data).astype(dtype)
    g0 = linked(gy * wrap(share), x0, x1) if needs[0] else None
    g1 = linked(gy * wrap(1 - share), x0, x1) if needs[1] else None
    return g0, g1


class Clip(Function):
    """y = min(max(x, a_min), a_max);  dy/dx = 1 inside the range, 0 outside"""

    input_specs = (Spec(grid=(0.1, 0.05)),)  # the bounds on the grid: no kink met
    arg_specs = {"bounds": Draw("autograd.testing.op_arguments:clip_bounds")}
    apply = staticmethod(lambda x, bounds: clip(x, *bounds))
    reference = staticmethod(lambda x, bounds: np.clip(x, *bounds))

    def __init__(self, a_min, a_max):
        self.a_min, self.a_max = a_min, a_max

    def forward(self, x):
        return get_array_module(x).clip(x, self.a_min, self.a_max)

    def backward(self, gy):
        x = self.inputs[0]
        inside = x.data == get_array_module(x.data).clip(x.data, self.a_min, self.a_max)
        return linked(gy * wrap(inside.astype(x.dtype)), x)


class Where(Function):
    """y = x0 where condition else x1"""

    input_specs = (Spec("bool"), Spec(broadcast_to=0), Spec(broadcast_to=0))
    apply = staticmethod(lambda condition, x0, x1: where(condition, x0, x1))
    reference = staticmethod(np.where)

    def __init__(self, condition):
        self.condition = condition

    def forward(self, x0, x1):
        return get_array_module(x0).where(self.condition, x0, x1)

    def backward(self, gy):
        zero = wrap(get_array_module(gy.data).zeros((), gy.data.dtype))
        need0, need1 = self.needs_input_grad
        g0 = where(self.condition, gy, zero) if need0 else None
        g1 = where(self.condition, zero, gy) if need1 else None
        return g0, g1


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


def abs(x):  # noqa: A001  (NumPy's name)
    return Abs()(x)


def maximum(x0, x1):
    return Maximum()(x0, x1)


def minimum(x0, x1):
    return Minimum()(x0, x1)


def clip(x, a_min, a_max):
    if a_min is None and a_max is None:
        raise ValueError("clip: a_min and a_max cannot both be None")
    return Clip(_bound(a_min, "a_min"), _bound(a_max, "a_max"))(x)


def _bound(value, name):
    """A clip bound: None, a real array (NumPy's clip takes arrays too), or a real number as a
    Python int or float (a NumPy float64 scalar would turn a float32 result into float64)."""
    if value is None:
        return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    is_array = not isinstance(value, numbers.Number) and hasattr(value, "dtype")
    if is_array and value.dtype.kind in "biuf":
        return value
    return real_scalar(value, name, "clip")


def where(condition, x0, x1):
    condition = condition.data if isinstance(condition, Variable) else condition
    return Where(get_array_module(condition).asarray(condition, dtype=bool))(x0, x1)


def astype(x, dtype):
    if isinstance(x, Variable) and x.dtype == dtype:
        return x
    return AsType(dtype)(x)
