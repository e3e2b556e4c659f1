"""PixelShuffle and PixelUnshuffle (PyTorch's): channels traded for a finer grid and back
(see nn.functional.pixel_shuffle)."""
from autograd.arguments import positive_int

from ..functional.pixel_shuffle import pixel_shuffle, pixel_unshuffle
from ..module import Module
from .config import init_config


class PixelShuffle(Module):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r), r = upscale_factor."""

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = positive_int(upscale_factor, "upscale_factor", "PixelShuffle")

    def forward(self, input):  # noqa: A002 (PyTorch's name)
        return pixel_shuffle(input, self.upscale_factor)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W), r = downscale_factor: PixelShuffle's inverse."""

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = positive_int(downscale_factor, "downscale_factor",
                                             "PixelUnshuffle")

    def forward(self, input):  # noqa: A002 (PyTorch's name)
        return pixel_unshuffle(input, self.downscale_factor)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"


__all__ = ["PixelShuffle", "PixelUnshuffle"]
