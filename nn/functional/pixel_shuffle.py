"""Pixel shuffle (PyTorch's): channels traded for a finer grid and back, each one reshape,
one transpose and one reshape (so their gradients are each other's)."""
from autograd.arguments import positive_int
from autograd.ops import reshape, transpose
from autograd.variable import as_variable


def pixel_shuffle(input, upscale_factor):  # noqa: A002 (PyTorch's name)
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r), r = upscale_factor:
    y[..., c, h*r + i, w*r + j] = x[..., c*r*r + i*r + j, h, w]."""
    x, r = _prepare(input, upscale_factor, "pixel_shuffle", "upscale_factor")
    *lead, channels, h, w = x.shape
    if channels % (r * r):
        raise ValueError(f"pixel_shuffle: the input's channels (dimension -3) must be "
                         f"divisible by upscale_factor**2 = {r * r}, got {channels} (input "
                         f"shape {x.shape})")
    k = len(lead)
    y = reshape(x, (*lead, channels // (r * r), r, r, h, w))
    y = transpose(y, (*range(k), k, k + 3, k + 1, k + 4, k + 2))  # (*, C, H, r, W, r)
    return reshape(y, (*lead, channels // (r * r), h * r, w * r))


def pixel_unshuffle(input, downscale_factor):  # noqa: A002 (PyTorch's name)
    """pixel_shuffle's inverse: (*, C, H*r, W*r) -> (*, C*r*r, H, W), r = downscale_factor."""
    x, r = _prepare(input, downscale_factor, "pixel_unshuffle", "downscale_factor")
    *lead, channels, h, w = x.shape
    for axis, (name, size) in enumerate((("height", h), ("width", w)), start=-2):
        if size % r:
            raise ValueError(f"pixel_unshuffle: the input's {name} (dimension {axis}) must "
                             f"be divisible by downscale_factor {r}, got {size} (input shape "
                             f"{x.shape})")
    k = len(lead)
    y = reshape(x, (*lead, channels, h // r, r, w // r, r))
    y = transpose(y, (*range(k), k, k + 2, k + 4, k + 1, k + 3))  # (*, C, r, r, H, W)
    return reshape(y, (*lead, channels * r * r, h // r, w // r))


def _prepare(value, factor, who, name):
    """The input as a Variable of at least 3 axes, and the factor as a positive int."""
    x = as_variable(value, who=who)
    if x.ndim < 3:
        raise ValueError(f"{who}: expected an input of at least 3 dimensions (*, C, H, W), "
                         f"got shape {x.shape}")
    return x, positive_int(factor, name, who)


__all__ = ["pixel_shuffle", "pixel_unshuffle"]
