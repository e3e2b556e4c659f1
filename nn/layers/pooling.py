"""Pooling layers (no parameters): MaxPool2d and AvgPool2d over sliding windows,
AdaptiveAvgPool2d and AdaptiveMaxPool2d to a given output size."""
from ..functional.adaptive_pool import adaptive_avg_pool2d, adaptive_max_pool2d, output_pair
from ..functional.im2col import make_window
from ..functional.pooling import avg_pool2d, max_pool2d
from ..functional.pooling1d import avg_pool1d, max_pool1d, window_1d
from ..module import Module
from .config import init_config


class _Pool2d(Module):
    """A pooling window: kernel_size, stride (default: kernel_size) and padding; ceil_mode
    rounds the output size up (a last partial window), as PyTorch."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, dilation=1):
        super().__init__()
        window = make_window(kernel_size, stride, padding, type(self).__name__, dilation,
                             ceil_mode)
        self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode = window

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
                + (f", dilation={self.dilation}" if self.dilation != (1, 1) else "")
                + (", ceil_mode=True" if self.ceil_mode else ""))


class MaxPool2d(_Pool2d):
    """The maximum of each window: (N, C, H, W) -> (N, C, OH, OW) (see max_pool2d)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        super().__init__(kernel_size, stride, padding, ceil_mode, dilation)

    def forward(self, x):
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode)


class AvgPool2d(_Pool2d):
    """The mean of each window, zero padding included unless count_include_pad=False:
    (N, C, H, W) -> (N, C, OH, OW) (see avg_pool2d)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x):
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)


class MaxPool1d(Module):
    """The maximum of each window: (N, C, L) -> (N, C, OL) (see max_pool1d)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        super().__init__()
        self.kernel_size, self.stride, self.padding, self.dilation = window_1d(
            kernel_size, stride, padding, dilation, "MaxPool1d")
        self.ceil_mode = ceil_mode

    def forward(self, x):
        return max_pool1d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode)

    get_config = init_config  # Keras' get_config: the constructor's arguments


class AvgPool1d(Module):
    """The mean of each window: (N, C, L) -> (N, C, OL) (see avg_pool1d)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        self.kernel_size, self.stride, self.padding, _ = window_1d(
            kernel_size, stride, padding, 1, "AvgPool1d")
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x):
        return avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)

    get_config = init_config  # Keras' get_config: the constructor's arguments


class _AdaptivePool2d(Module):
    """Pooling to `output_size`: an int, or an (OH, OW) pair where None keeps the input's."""

    def __init__(self, output_size):
        super().__init__()
        output_pair(output_size, (1, 1), type(self).__name__)  # checked now, used as given
        self.output_size = output_size

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(_AdaptivePool2d):
    """The mean of each adaptive window: (N, C, H, W) -> (N, C, OH, OW)
    (see adaptive_avg_pool2d); AdaptiveAvgPool2d(1) is global average pooling."""

    def forward(self, x):
        return adaptive_avg_pool2d(x, self.output_size)


class AdaptiveMaxPool2d(_AdaptivePool2d):
    """The maximum of each adaptive window: (N, C, H, W) -> (N, C, OH, OW); with
    return_indices, also the winners' indices (see adaptive_max_pool2d)."""

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = bool(return_indices)

    def forward(self, x):
        return adaptive_max_pool2d(x, self.output_size, self.return_indices)


__all__ = ["MaxPool2d", "AvgPool2d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool2d",
           "AdaptiveMaxPool2d"]
