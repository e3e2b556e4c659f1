"""Rounding (torch.floor, ceil, round, trunc, sign) and the fractional part (torch.frac).
The steps have gradient 0 everywhere, as PyTorch's (their derivative is 0 off the jumps and
PyTorch gives 0 on them too); integer input keeps its dtype (rounding leaves it as it is),
as PyTorch's; frac has slope 1 and takes floating input only."""
import numpy as np

from ..backend import get_array_module
from ..function import Function
from ..spec import Choice, Spec
from .elementwise import sign_array, zero_grad
from .validation import float_input, integer

# on a grid a quarter step off the integers and the halves: no jump met
_OFF_THE_JUMPS = (Spec(grid=(0.5, 0.25)),)


class _Step(Function):
    """y = f(x) for a piecewise-constant f (the array function named `function`);
    dy/dx = 0. Integers and booleans come back as they are (a copy)."""

    function = None

    def forward(self, x):
        if x.dtype.kind not in "fc":
            return x.copy()
        return self.step(x)

    def step(self, x):
        return getattr(get_array_module(x), self.function)(x)

    def backward(self, gy):
        return zero_grad(self.inputs[0])


class Floor(_Step):
    """y = floor x;  dy/dx = 0"""

    function, reference = "floor", staticmethod(np.floor)
    input_specs = _OFF_THE_JUMPS


class Ceil(_Step):
    """y = ceil x;  dy/dx = 0"""

    function, reference = "ceil", staticmethod(np.ceil)
    input_specs = _OFF_THE_JUMPS


class Trunc(_Step):
    """y = trunc x (toward 0);  dy/dx = 0"""

    function, reference = "trunc", staticmethod(np.trunc)
    input_specs = _OFF_THE_JUMPS


class Sign(_Step):
    """y = sign x (0 at 0 and at NaN, PyTorch's);  dy/dx = 0"""

    reference = staticmethod(np.sign)
    input_specs = _OFF_THE_JUMPS

    def forward(self, x):  # (integers have signs too; a boolean is its own)
        return x.copy() if x.dtype == bool else sign_array(x)


class Round(_Step):
    """y = x rounded to `decimals` decimal places, halves to even (x 10^d rounded, then
    divided by 10^d, as PyTorch's);  dy/dx = 0"""

    # a grid of odd multiples of 1/8, which no rounding to 0 or 1 decimals meets as a half
    input_specs = (Spec(grid=(0.25, 0.125)),)
    arg_specs = {"decimals": Choice(0, 1)}
    apply = staticmethod(lambda x, decimals: Round(decimals)(x))
    reference = staticmethod(lambda x, decimals: np.round(x, decimals))

    def __init__(self, decimals=0):
        self.decimals = decimals

    def step(self, x):
        if x.dtype == np.float16 and self.decimals:  # (x 10^d in float32, as PyTorch's: in
            return x.astype(np.float32).round(self.decimals).astype(np.float16)  # float16
        return get_array_module(x).round(x, self.decimals)  # 1000 x 100 is inf)


class Frac(Function):
    """y = x - trunc x;  dy/dx = 1"""

    input_specs = _OFF_THE_JUMPS
    reference = staticmethod(lambda x: x - np.trunc(x))

    def forward(self, x):
        return x - get_array_module(x).trunc(x)

    def backward(self, gy):
        return gy


def floor(x):
    return Floor()(x)


def ceil(x):
    return Ceil()(x)


def trunc(x):
    return Trunc()(x)


def sign(x):
    """-1, 0 or 1 by the sign of x; 0 at NaN (PyTorch's); integers keep their dtype."""
    return Sign()(x)


def round(input, decimals=0):  # noqa: A001, A002 (PyTorch's names)
    """input rounded half to even to `decimals` places (negative: tens, hundreds...);
    integer input only with decimals=0, as PyTorch's."""
    decimals = integer(decimals, "decimals", "round")
    if decimals and getattr(input, "dtype", np.dtype(float)).kind != "f":
        raise TypeError(f"round: decimals={decimals} needs a floating-point input, got dtype "
                        f"{input.dtype}")
    return Round(decimals)(input)


def frac(x):
    """x - trunc(x), the fractional part with x's sign; floating input only, as PyTorch's."""
    return Frac()(float_input(x, "frac"))
