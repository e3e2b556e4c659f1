"""What the visualization functions share: their arguments read as NumPy arrays, a batch
of images checked, and moved to and from Keras' channels-last layout."""
import numpy as np

from autograd.backend import host_array, to_cpu

from ..layers._base import CHANNELS_FIRST, data_format_name
from ..layers.color_augmentation import KERAS_RANGE, rescaled


def as_numpy(x):
    """x (an array, a Variable, a torch tensor, nested lists) as a NumPy array."""
    return host_array(to_cpu(x))


def image_batch(images, data_format, who):
    """images (N, H, W, C), or (N, C, H, W) with data_format='channels_first', as a
    channels-last NumPy array (N, H, W, C), and whether they were channels-first."""
    images = as_numpy(images)
    first = data_format_name(data_format, who) == CHANNELS_FIRST
    if images.ndim != 4:
        layout = "(N, C, H, W)" if first else "(N, H, W, C)"
        raise ValueError(f"{who}: images must be a batch {layout}, got shape "
                         f"{images.shape}")
    return (np.moveaxis(images, 1, -1) if first else images), first


def in_layout(images, first):
    """Channels-last images (N, H, W, C) back in the caller's layout."""
    return np.moveaxis(images, -1, 1) if first else images


def to_255(images, value_range):
    """images moved linearly from value_range (low, high) to 0-255, in float32, as Keras'
    _transform_value_range (the images as they are when the range is already 0-255)."""
    if tuple(value_range) == KERAS_RANGE:
        return images
    return rescaled(images.astype(np.float32), value_range, KERAS_RANGE)


__all__ = []
