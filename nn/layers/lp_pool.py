"""Power-average pooling layers (PyTorch's LPPool1d, LPPool2d, LPPool3d)."""
from ..functional.im2col import make_window, triple
from ..functional.lp_pool import lp_pool1d, lp_pool2d, lp_pool3d, norm_type_checked
from ..functional.pooling1d import window_1d
from ..module import Module
from .config import init_config


class LPPool2d(Module):
    """(sum over each window of x^norm_type)^(1/norm_type): (N, C, H, W) -> (N, C, OH, OW)
    (see lp_pool2d). The arguments are kept as given, as PyTorch's repr shows them."""

    pool = staticmethod(lp_pool2d)

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        who = type(self).__name__
        norm_type_checked(norm_type, who)
        self._check_window(kernel_size, stride, who)
        self.norm_type, self.kernel_size, self.stride = norm_type, kernel_size, stride
        self.ceil_mode = ceil_mode

    @staticmethod
    def _check_window(kernel_size, stride, who):
        make_window(kernel_size, stride, 0, who)

    def forward(self, input):  # noqa: A002 (PyTorch's name)
        return self.pool(input, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(LPPool2d):
    """(sum over each window of x^norm_type)^(1/norm_type): (N, C, L) -> (N, C, OL)
    (see lp_pool1d)."""

    pool = staticmethod(lp_pool1d)

    @staticmethod
    def _check_window(kernel_size, stride, who):
        window_1d(kernel_size, stride, 0, 1, who)


class LPPool3d(LPPool2d):
    """(sum over each window of x^norm_type)^(1/norm_type): (N, C, D, H, W) ->
    (N, C, OD, OH, OW) (see lp_pool3d)."""

    pool = staticmethod(lp_pool3d)

    @staticmethod
    def _check_window(kernel_size, stride, who):
        make_window(kernel_size, stride, 0, who, sizes=triple)


__all__ = ["LPPool1d", "LPPool2d", "LPPool3d"]
