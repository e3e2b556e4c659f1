"""Keras' RGB <-> HSV conversions (dm_pix's formulas) on colour planes of any one shape, by
autograd's ops: the gradient reaches the pixels, and a captured step replays every choice
(no condition is read from values). keras.ops.image's rgb_to_hsv / hsv_to_rgb and the hue
and saturation augmentation layers both use them."""
import numpy as np

from autograd.ops import abs as absolute
from autograd.ops import astype, clip, equal, maximum, minimum, remainder, where

LUMA = (0.2989, 0.587, 0.114)  # Keras' (and torchvision's) weights of R, G, B in gray


def hsv_planes(red, green, blue):
    """(hue in [0, 1), saturation (range / value), value (the largest)) of RGB planes."""
    eps = np.finfo(red.dtype).eps
    red, green, blue = (where(absolute(p) < eps, 0.0, p) for p in (red, green, blue))
    value = maximum(maximum(red, green), blue)
    spread = value - minimum(minimum(red, green), blue)
    # (the 1s only stand in where where() takes the other branch: no division by 0)
    saturation = where(value > 0, spread / where(value > 0, value, 1.0), 0.0)
    norm = 1.0 / (6.0 * where(spread > 0, spread, 1.0))
    hue = where(equal(value, green), norm * (blue - red) + 2.0 / 6.0,
                norm * (red - green) + 4.0 / 6.0)
    hue = where(equal(value, red), norm * (green - blue), hue)
    hue = where(spread > 0, hue, 0.0) + astype(hue < 0.0, hue.dtype)
    return hue, saturation, value


def rgb_planes(hue, saturation, value):
    """hsv_planes' inverse: the (red, green, blue) planes."""
    sector = remainder(hue, 1.0) * 6.0
    weights = (clip(absolute(sector - 3.0) - 1.0, 0.0, 1.0),
               clip(2.0 - absolute(sector - 2.0), 0.0, 1.0),
               clip(2.0 - absolute(sector - 4.0), 0.0, 1.0))
    unsaturated = 1.0 - saturation
    return tuple(value * (unsaturated + saturation * w) for w in weights)


__all__ = ["LUMA", "hsv_planes", "rgb_planes"]
