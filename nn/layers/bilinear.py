"""Bilinear (PyTorch's): y = x1^T W x2 + b, two inputs to one output."""
import math

import numpy as np

from autograd.arguments import float_dtype, positive_int
from autograd.variable import Parameter

from .. import init
from ..functional.bilinear import bilinear
from ..module import Module
from .config import init_config


class Bilinear(Module):
    """(input1 (*, in1_features), input2 (*, in2_features)) -> (*, out_features):
    y[..., o] = input1 weight[o] input2^T + bias[o]. weight (out, in1, in2) and bias (out,)
    are float32 (or `dtype`), drawn from U(-1/sqrt(in1_features), 1/sqrt(in1_features)) as
    PyTorch."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None,
                 dtype=None):
        super().__init__()
        self.in1_features = positive_int(in1_features, "in1_features", "Bilinear")
        self.in2_features = positive_int(in2_features, "in2_features", "Bilinear")
        self.out_features = positive_int(out_features, "out_features", "Bilinear")
        dtype = float_dtype(dtype, "Bilinear")
        self.weight = Parameter(np.empty(
            (self.out_features, self.in1_features, self.in2_features), dtype))
        self.bias = Parameter(np.empty(self.out_features, dtype)) if bias else None
        self.reset_parameters()
        self.to(device=device)

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.in1_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return bilinear(input1, input2, self.weight, self.bias)

    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        return init_config(self, bias=self.bias is not None, dtype=self.weight.dtype.name)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


__all__ = ["Bilinear"]
