"""UpsamplingNearest2d and UpsamplingBilinear2d (PyTorch's): Upsample with the mode fixed,
'nearest', or 'bilinear' with align_corners=True (the corner pixels kept in place)."""
from .upsample import Upsample


class UpsamplingNearest2d(Upsample):
    """x (N, C, H, W) resized to `size` or scaled by `scale_factor`, nearest pixel."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """x (N, C, H, W) resized to `size` or scaled by `scale_factor`, bilinear with
    align_corners=True."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


__all__ = ["UpsamplingNearest2d", "UpsamplingBilinear2d"]
