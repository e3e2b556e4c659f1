"""Conv2d: a 2-D convolution layer with PyTorch's parameters, defaults and initialization."""
import math

import numpy as np

from autograd.arguments import positive_int
from autograd.variable import Parameter

from .. import init
from ..functional.conv import conv2d
from ..functional.im2col import pair
from ..module import Module
from .config import init_config


class Conv2d(Module):
    """y = conv2d(x, weight, bias, stride, padding): x (N, in_channels, H, W) ->
    (N, out_channels, OH, OW).

    weight (out_channels, in_channels, KH, KW) and bias (out_channels,) are float32 and drawn
    from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in_channels * KH * KW, as PyTorch.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True):
        super().__init__()
        self.in_channels = positive_int(in_channels, "in_channels", "Conv2d")
        self.out_channels = positive_int(out_channels, "out_channels", "Conv2d")
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2d", 1)
        self.stride = pair(stride, "stride", "Conv2d", 1)
        self.padding = pair(padding, "padding", "Conv2d", 0)
        shape = (self.out_channels, self.in_channels) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=np.float32))
        self.register_parameter("bias", Parameter(np.empty(self.out_channels, np.float32))
                                if bias else None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))  # = U(+-1/sqrt(fan_in))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_channels * self.kernel_size[0] * self.kernel_size[1])
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        return conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        return init_config(self, bias=self.bias is not None)

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.bias is None:
            text += ", bias=False"
        return text


__all__ = ["Conv2d"]
