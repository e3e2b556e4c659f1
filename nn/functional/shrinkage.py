"""Shrinking and thresholding activations (PyTorch's): softshrink, hardshrink, tanhshrink,
threshold. Where PyTorch's masks decide, one op (Replace) decides from each call's values, so
a captured step replays them right; the rest is composed of ops."""
import numpy as np

from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import tanh, where
from autograd.ops.elementwise import linked
from autograd.ops.validation import float_input, real_scalar
from autograd.spec import Choice, Spec


class Replace(Function):
    """y = value where low <= x <= high, else x;  dy/dx = 0 there, else 1 (a NaN x passes
    itself and its gradient on, as PyTorch's threshold and hardshrink)"""

    input_specs = (Spec(grid=(0.1, 0.05)),)  # off the bounds, which are on the grid's gaps
    arg_specs = {"low": Choice(-0.5, -np.inf), "high": Choice(0.5, 1.0),
                 "value": Choice(0.0, 2.0)}
    reference = staticmethod(lambda x, low, high, value: np.where((x >= low) & (x <= high),
                                                                  x.dtype.type(value), x))

    def __init__(self, low, high, value):
        self.low, self.high, self.value = low, high, value

    def forward(self, x):
        return get_array_module(x).where(self._replaced(x), x.dtype.type(self.value), x)

    def backward(self, gy):
        # a choice, not a product with a 0/1 mask (an infinite gy would give nan)
        x = self.inputs[0]
        return linked(where(self._replaced(x.data), 0.0, gy), x)

    def _replaced(self, x):
        return (x >= self.low) & (x <= self.high)


class SoftShrink(Function):
    """y = x - lambd sign(x) where |x| > lambd, else 0;  dy/dx = 1 there, else 0 (0 at
    +-lambd, and 1 at a NaN x, as PyTorch's)"""

    input_specs = (Spec(grid=(0.1, 0.05)),)  # off the kinks, which are on the grid's gaps
    arg_specs = {"lambd": Choice(0.5, 1.0)}
    reference = staticmethod(lambda x, lambd: x - np.clip(x, -lambd, lambd))

    def __init__(self, lambd):
        self.lambd = lambd

    def forward(self, x):
        return x - get_array_module(x).clip(x, -self.lambd, self.lambd)

    def backward(self, gy):
        # a choice, not 1 minus clip's slope (an infinite gy would give inf - inf = nan)
        x = self.inputs[0]
        between = (x.data >= -self.lambd) & (x.data <= self.lambd)
        return linked(where(between, 0.0, gy), x)


def threshold(input, threshold, value, inplace=False):  # noqa: A002 (PyTorch's names)
    """x where x > threshold, else `value`. `inplace` changes nothing (a new Variable comes
    back: rungrad never writes into its inputs)."""
    x = float_input(input, "threshold")
    bound = real_scalar(threshold, "threshold", "threshold")
    return Replace(-np.inf, bound, real_scalar(value, "value", "threshold"))(x)


def hardshrink(input, lambd=0.5):  # noqa: A002 (PyTorch's names)
    """0 where -lambd <= x <= lambd, else x (a negative lambd keeps every x, as PyTorch)."""
    x = float_input(input, "hardshrink")
    lambd = real_scalar(lambd, "lambd", "hardshrink")
    return Replace(-lambd, lambd, 0.0)(x)


def softshrink(input, lambd=0.5):  # noqa: A002 (PyTorch's names)
    """x - lambd above lambd, x + lambd below -lambd, 0 between (slope 0 at +-lambd, as
    PyTorch's)."""
    x = float_input(input, "softshrink")
    lambd = real_scalar(lambd, "lambd", "softshrink")
    if not lambd >= 0:
        raise ValueError(f"softshrink: lambd must be at least 0, got {lambd}")
    return SoftShrink(lambd)(x)


def tanhshrink(input):  # noqa: A002 (PyTorch's names)
    """x - tanh(x)."""
    x = float_input(input, "tanhshrink")
    return x - tanh(x)


__all__ = ["threshold", "hardshrink", "softshrink", "tanhshrink"]
