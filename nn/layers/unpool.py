"""Max unpooling layers (PyTorch's MaxUnpool1d, MaxUnpool2d, MaxUnpool3d): max pooling's
partial inverse."""
from ..functional.im2col import make_window, triple
from ..functional.pooling1d import window_1d
from ..functional.unpool import max_unpool1d, max_unpool2d, max_unpool3d
from ..module import Module
from .config import init_config


class MaxUnpool2d(Module):
    """(N, C, H, W) values and MaxPool2d's indices -> (N, C, OH, OW), zeros but at the indices
    (see max_unpool2d)."""

    unpool = staticmethod(max_unpool2d)

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size, self.stride, self.padding = self._window(kernel_size, stride, padding)

    @staticmethod
    def _window(kernel_size, stride, padding):
        return make_window(kernel_size, stride, padding, "MaxUnpool2d")[:3]

    def forward(self, input, indices, output_size=None):  # noqa: A002 (PyTorch's name)
        return self.unpool(input, indices, self.kernel_size, self.stride, self.padding,
                           output_size)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(MaxUnpool2d):
    """(N, C, L) values and MaxPool1d's indices -> (N, C, OL), zeros but at the indices
    (see max_unpool1d)."""

    unpool = staticmethod(max_unpool1d)

    @staticmethod
    def _window(kernel_size, stride, padding):
        kernel, stride, padding, _ = window_1d(kernel_size, stride, padding, 1, "MaxUnpool1d")
        return (kernel,), (stride,), (padding,)  # 1-tuples, as PyTorch keeps (and shows) them


class MaxUnpool3d(MaxUnpool2d):
    """(N, C, D, H, W) values and MaxPool3d's indices -> (N, C, OD, OH, OW), zeros but at the
    indices (see max_unpool3d)."""

    unpool = staticmethod(max_unpool3d)

    @staticmethod
    def _window(kernel_size, stride, padding):
        return make_window(kernel_size, stride, padding, "MaxUnpool3d", sizes=triple)[:3]


__all__ = ["MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"]
