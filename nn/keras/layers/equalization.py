"""Keras' Equalization layer: histogram equalization of each channel, computed on the host
(a histogram and a lookup table) inside an op, so that a captured step recomputes it."""
import numpy as np

from autograd.backend import as_array, to_cpu
from autograd.function import Function

from .augmentation import _value_range
from .color_augmentation import KERAS_RANGE, _ColorAugmentation


class Equalization(_ColorAugmentation):
    """Each channel's values spread evenly over value_range by histogram equalization with
    `bins` bins. As Keras 3.15: one histogram per channel over the whole batch (not per
    image), a channel whose values fall in one bin left as it is, identity in inference,
    and no gradient (the output is a table lookup). Its transformation: None; labels and
    segmentation masks are left as they are."""

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, *, name=None,
                 input_shape=None, bounding_box_format=None):
        super().__init__(None, data_format, name, input_shape)
        self.bounding_box_format = bounding_box_format
        if not (isinstance(bins, (int, np.integer)) and not isinstance(bins, bool)
                and bins >= 2):
            raise ValueError(f"{self.who}: bins must be an int of at least 2, got {bins!r}")
        self.bins = int(bins)
        self.value_range = _value_range(value_range, self.who)
        self._range = tuple(sorted(self.value_range))

    def transform(self, images, transformation):
        return Equalize(self._range, self.bins)(images)


class Equalize(Function):
    """y = each channel of x (N, C, H, W) histogram-equalized over the batch, in Keras'
    operations and order (float32 results agree to the bit); no gradient"""

    def __init__(self, value_range, bins):
        self.value_range, self.bins = value_range, bins

    def forward(self, x):
        host = to_cpu(x)
        to_keras = _linear_map(self.value_range, KERAS_RANGE, host.dtype)
        back = _linear_map(KERAS_RANGE, self.value_range, host.dtype)
        channels = [back(self._equalized(to_keras(host[:, c]))) for c in range(x.shape[1])]
        return as_array(np.stack(channels, axis=1), like=x)

    def _equalized(self, channel):
        """One channel (N, H, W) in 0-255 equalized (as it is with a single bin used)."""
        dtype, top = channel.dtype, self.bins - 1
        scaled = (channel - dtype.type(0)) * dtype.type(top) / dtype.type(255)
        histogram = np.bincount(np.clip(_truncated(scaled), 0, top).ravel(),
                                minlength=self.bins)
        if np.count_nonzero(histogram) <= 1:
            return channel
        cdf = np.cumsum(histogram)
        lowest = cdf[np.flatnonzero(cdf)[0]]
        # (Keras divides the integer counts as PyTorch's int / int does: in float32)
        table = ((cdf - lowest) * 255).astype(np.float32) / np.float32(cdf[-1] - lowest)
        table = np.clip(np.round(table), 0, 255).astype(dtype)
        indices = _truncated(np.clip(channel / dtype.type(255) * dtype.type(top), 0, top))
        return table[indices]

    def backward(self, gy):
        return None


def _truncated(values):
    """Float values to int32 indices, cut towards zero (a cast's rounding)."""
    return np.nan_to_num(values).astype(np.int32)


def _linear_map(source, target, dtype):
    """Keras' _scale_values as a function: x * scale + offset, scale and offset worked out
    in Python's floats and then taken in `dtype`."""
    scale = (target[1] - target[0]) / (source[1] - source[0])
    offset = target[0] - source[0] * scale
    scale, offset = dtype.type(scale), dtype.type(offset)
    return lambda x: x * scale + offset


__all__ = ["Equalization"]
