"""Unfold and Fold (PyTorch's): an image's sliding blocks as columns, and back (see
nn.functional.fold). The arguments are kept as given, as PyTorch's repr shows them."""
from ..functional.fold import fold, unfold
from ..functional.im2col import make_window, pair
from ..module import Module
from .config import init_config


class _Blocks(Module):
    """The geometry of the sliding blocks, checked when the layer is made."""

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        make_window(kernel_size, stride, padding, type(self).__name__, dilation)
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Unfold(_Blocks):
    """(N, C, H, W) -> (N, C*KH*KW, L), the L sliding blocks as columns (see F.unfold)."""

    def forward(self, input):  # noqa: A002 (PyTorch's name)
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)


class Fold(_Blocks):
    """(N, C*KH*KW, L) -> (N, C, *output_size), the columns added back onto the image
    (see F.fold)."""

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__(kernel_size, dilation, padding, stride)
        pair(output_size, "output_size", "Fold", 1)
        self.output_size = output_size

    def forward(self, input):  # noqa: A002 (PyTorch's name)
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                    self.stride)

    def extra_repr(self):
        return f"output_size={self.output_size}, " + super().extra_repr()


__all__ = ["Unfold", "Fold"]
