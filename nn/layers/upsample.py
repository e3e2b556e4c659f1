"""Upsample (PyTorch's): F.interpolate as a layer, its arguments kept as PyTorch keeps them."""
from ..functional.interpolate import interpolate
from ..module import Module
from .config import init_config


class Upsample(Module):
    """x (N, C, *spatial) resized to `size` or scaled by `scale_factor` (see F.interpolate:
    modes 'nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear',
    'area')."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):  # (PyTorch's: floats, a falsy one None)
            self.scale_factor = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):  # noqa: A002 (PyTorch's name)
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        if self.scale_factor is not None:
            return f"scale_factor={self.scale_factor!r}, mode={self.mode!r}"
        return f"size={self.size!r}, mode={self.mode!r}"


__all__ = ["Upsample"]
