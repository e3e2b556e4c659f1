"""Fully connected layers: PyTorch's Linear and LazyLinear, and Keras' Dense."""
import math

import numpy as np

from autograd.arguments import positive_int
from autograd.backend import get_array_module
from autograd.variable import Parameter

from .. import init
from ..functional.linear import linear
from ..module import Module
from .activation import resolve_activation


class Linear(Module):
    """y = x W^T + b: x (..., in_features) -> y (..., out_features); W is (out, in).

    `Linear(in_features, out_features)`; with in_features None the weights are made at the
    first call, from the input's last axis. `Linear(out_features)`, one size alone, makes a
    LazyLinear (PyTorch's name for that layer). PyTorch's initialisation: W ~
    kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(in), 1/sqrt(in)), and b ~ U(-1/sqrt(in),
    1/sqrt(in)); float32 by default.
    """

    def __new__(cls, *args, **kwargs):
        if cls is Linear and len(args) == 1 and "out_features" not in kwargs:
            cls = LazyLinear  # Linear(out_features): Keras' habit of giving the output size only
        return super().__new__(cls)

    def __init__(self, in_features, out_features, bias=True, dtype=np.float32):
        super().__init__()
        who = type(self).__name__
        self.out_features = positive_int(out_features, "out_features", who)
        self.in_features = None if in_features is None else positive_int(
            in_features, "in_features", who)
        self.use_bias = bool(bias)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise TypeError(f"{who}: dtype must be a float type, got {self.dtype}")
        self.register_parameter("weight", None)  # fixes the order: weight, then bias
        self.register_parameter("bias", None)
        if self.in_features is not None:
            self._build(self.in_features)

    @property
    def built(self):
        return self.weight is not None

    def _build(self, in_features, like=None):
        self.in_features = in_features
        self.weight = Parameter(np.empty((self.out_features, in_features), self.dtype))
        if self.use_bias:
            self.bias = Parameter(np.empty(self.out_features, self.dtype))
        self.reset_parameters()
        if like is not None and get_array_module(like) is not np:
            self.to_gpu()

    def reset_parameters(self):
        """Draw fresh weights (PyTorch's scheme)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        if self.weight is None:
            self._build(_last_axis(x, type(self).__name__), like=getattr(x, "data", x))
        return linear(x, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.use_bias}")


class LazyLinear(Linear):
    """PyTorch's LazyLinear: a Linear whose in_features come from the first input."""

    def __init__(self, out_features, bias=True, dtype=np.float32):
        super().__init__(None, out_features, bias, dtype)


class Dense(Linear):
    """Keras' fully connected layer: activation(x W^T + b), with `units` outputs.

    activation: None/'linear', a name ('relu', 'sigmoid', 'tanh', 'softmax', ...) or a
    callable. With `input_shape` (e.g. (784,)) the weights are made at once, else at the
    first call. Keras' initialisation: W glorot-uniform, b zeros. `.weight` is (out, in),
    as Linear's, so state_dict names are `weight` and `bias`.
    """

    def __init__(self, units, activation=None, input_shape=None, use_bias=True,
                 dtype=np.float32):
        in_features = None if input_shape is None else _last_of_shape(input_shape)
        super().__init__(in_features, units, use_bias, dtype)
        self.activation_name, self.activation = resolve_activation(activation, "Dense")

    @property
    def units(self):
        return self.out_features

    def reset_parameters(self):
        init.xavier_uniform_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x):
        y = super().forward(x)
        return y if self.activation is None else self.activation(y)

    def extra_repr(self):
        return (f"units={self.out_features}, activation={self.activation_name}, "
                f"in_features={self.in_features}, use_bias={self.use_bias}")


def _last_axis(x, who):
    shape = getattr(x, "shape", None)
    if not shape:
        raise ValueError(f"{who}: cannot infer in_features from an input of shape {shape} "
                         "(expected (..., in_features))")
    return int(shape[-1])


def _last_of_shape(input_shape):
    """in_features from Keras' input_shape: an int or a shape tuple without the batch axis."""
    if isinstance(input_shape, (int, np.integer)):
        return int(input_shape)
    if not isinstance(input_shape, (tuple, list)) or not input_shape:
        raise ValueError(f"Dense: input_shape must be a non-empty tuple such as (784,), got "
                         f"{input_shape!r}")
    return input_shape[-1]


__all__ = ["Linear", "LazyLinear", "Dense"]
