"""3-D pooling layers (no parameters): MaxPool3d and AvgPool3d over sliding windows,
AdaptiveAvgPool3d and AdaptiveMaxPool3d to a given output size. They keep their arguments
as given (checked now), as PyTorch's, whose reprs print them so."""
from ..functional.adaptive_pool import output_pair
from ..functional.im2col import make_window, triple
from ..functional.pooling3d import (
    adaptive_avg_pool3d,
    adaptive_max_pool3d,
    avg_pool3d,
    max_pool3d,
)
from ..module import Module
from .config import init_config
from .pooling import _AdaptiveMaxPool, _AdaptivePool


class _Pool3d(Module):
    """kernel_size, stride (None: kernel_size) and padding, ints or triples."""

    def __init__(self, kernel_size, stride, padding, dilation=1):
        super().__init__()
        make_window(kernel_size, stride, padding, type(self).__name__, dilation, sizes=triple)
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool3d(_Pool3d):
    """The maximum of each window: (N, C, D, H, W) -> (N, C, OD, OH, OW); with
    return_indices, also the winners' flat (D, H, W) indices (see max_pool3d)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__(kernel_size, stride, padding, dilation)
        self.dilation, self.return_indices, self.ceil_mode = (dilation, bool(return_indices),
                                                              ceil_mode)

    def forward(self, x):
        return max_pool3d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self):
        return (f"{super().extra_repr()}, dilation={self.dilation}, "
                f"ceil_mode={self.ceil_mode}")


class AvgPool3d(_Pool3d):
    """The mean of each window, zero padding included unless count_include_pad=False:
    (N, C, D, H, W) -> (N, C, OD, OH, OW) (see avg_pool3d)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__(kernel_size, stride, padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x):
        return avg_pool3d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)


class _ThreeDimensional:
    """For a 3-D adaptive pool: output_size is an int or an (OD, OH, OW) triple (None keeps
    the input's size)."""

    def _check(self, output_size):
        output_pair(output_size, (1, 1, 1), type(self).__name__)


class AdaptiveAvgPool3d(_ThreeDimensional, _AdaptivePool):
    """The mean of each adaptive window: (N, C, D, H, W) -> (N, C, OD, OH, OW)
    (see adaptive_avg_pool3d)."""

    pool = staticmethod(adaptive_avg_pool3d)


class AdaptiveMaxPool3d(_ThreeDimensional, _AdaptiveMaxPool):
    """The maximum of each adaptive window: (N, C, D, H, W) -> (N, C, OD, OH, OW); with
    return_indices, also the winners' indices (see adaptive_max_pool3d)."""

    pool = staticmethod(adaptive_max_pool3d)


__all__ = ["MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d"]
