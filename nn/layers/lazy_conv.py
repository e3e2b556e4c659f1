"""PyTorch's lazy convolutions beside LazyConv2d: LazyConv1d, LazyConv3d and
LazyConvTranspose1d/2d/3d, whose in_channels come from the first input (axis 1, or axis 0 of
an unbatched one), each the class it stands for once built (PyTorch's cls_to_become). An
optimizer made before that call updates the weights it makes."""
import numpy as np

from .conv import Conv1d, ConvTranspose1d, ConvTranspose2d, LazyConvolution, refuse_in_channels
from .conv3d import Conv3d, ConvTranspose3d


class LazyConv1d(LazyConvolution, Conv1d):
    """A Conv1d whose in_channels come from the first input."""

    cls_to_become = Conv1d


class LazyConv3d(LazyConvolution, Conv3d):
    """A Conv3d whose in_channels come from the first input."""

    cls_to_become = Conv3d


class _LazyTransposed:
    """The lazy transposed convolutions' constructor (PyTorch's arguments, in_channels
    left out)."""

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 groups=1, bias=True, dilation=1, padding_mode="zeros", device=None,
                 dtype=np.float32, **book):
        refuse_in_channels(self, book)
        super().__init__(None, out_channels, kernel_size, stride, padding, output_padding,
                         groups, bias, dilation, padding_mode, device, dtype, **book)


class LazyConvTranspose1d(_LazyTransposed, ConvTranspose1d):
    """A ConvTranspose1d whose in_channels come from the first input."""

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyTransposed, ConvTranspose2d):
    """A ConvTranspose2d whose in_channels come from the first input."""

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyTransposed, ConvTranspose3d):
    """A ConvTranspose3d whose in_channels come from the first input."""

    cls_to_become = ConvTranspose3d


__all__ = ["LazyConv1d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
           "LazyConvTranspose3d"]
