"""MaxPool2d and AvgPool2d: pooling layers (no parameters)."""
from ..functional.im2col import make_window
from ..functional.pooling import avg_pool2d, max_pool2d
from ..module import Module


class _Pool2d(Module):
    """A pooling window: kernel_size, stride (default: kernel_size) and padding."""

    pool = None  # the functional op, set by each subclass

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        window = make_window(kernel_size, stride, padding, type(self).__name__)
        self.kernel_size, self.stride, self.padding = window

    def forward(self, x):
        return self.pool(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """The maximum of each window: (N, C, H, W) -> (N, C, OH, OW) (see max_pool2d)."""

    pool = staticmethod(max_pool2d)


class AvgPool2d(_Pool2d):
    """The mean of each window, zero padding included: (N, C, H, W) -> (N, C, OH, OW)."""

    pool = staticmethod(avg_pool2d)


__all__ = ["MaxPool2d", "AvgPool2d"]
