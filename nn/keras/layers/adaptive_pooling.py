"""Keras' adaptive poolings (new in Keras 3.15): AdaptiveAveragePooling1D/2D/3D and
AdaptiveMaxPooling1D/2D/3D pool each spatial axis into `output_size` windows whatever the
input's size, PyTorch's windows (nn.functional's adaptive pools, which they run), in Keras'
layout: (N, *spatial, C), or (N, C, *spatial) with data_format='channels_first'."""
from ...functional.adaptive_pool import adaptive_avg_pool2d, adaptive_max_pool2d
from ...functional.pooling3d import adaptive_avg_pool3d, adaptive_max_pool3d
from ...layers.config import init_config
from ...module import Module
from ._base import (
    Spatial,
    back_from_channels_first,
    channels_first,
    data_format_name,
    functional_for,
    lifted,
    per_axis,
)


class _AdaptivePooling(Spatial, Module):
    """(N, *spatial, C) -> (N, *output_size, C): `output_size` an int or `dims` ints."""

    pools = None  # (nn's 2-D and 3-D function; a 1-D layer runs the 2-D one on a height of 1)

    def __init__(self, output_size, data_format=None, *, name=None, input_shape=None):
        super().__init__()
        who = type(self).__name__
        if not isinstance(output_size, (int, tuple, list)) or isinstance(output_size, bool):
            raise TypeError(f"{who}: output_size must be an integer or a tuple of {self.dims} "
                            f"integers, got {output_size!r}")
        if isinstance(output_size, (tuple, list)) and len(output_size) != self.dims:
            raise ValueError(f"{who}: output_size must have {self.dims} entries, got "
                             f"{output_size!r}")
        self.output_size = per_axis(output_size, self.dims, "output_size", who)
        self.data_format = data_format_name(data_format, who)
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        x = self._spatial_input(x)
        pool = functional_for(self.dims, *self.pools)
        y = pool(channels_first(x, self.dims, self.data_format),
                 lifted(self.output_size, self.dims, 1))
        return back_from_channels_first(y, self.dims, self.data_format)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"output_size={self.output_size}, data_format={self.data_format!r}"


class _AdaptiveAverage(_AdaptivePooling):
    pools = (adaptive_avg_pool2d, adaptive_avg_pool3d)


class _AdaptiveMax(_AdaptivePooling):
    pools = (adaptive_max_pool2d, adaptive_max_pool3d)


class AdaptiveAveragePooling1D(_AdaptiveAverage):
    """The mean of each of output_size windows of the steps: (N, T, C) -> (N, output_size, C)."""

    dims = 1


class AdaptiveAveragePooling2D(_AdaptiveAverage):
    """(N, H, W, C) -> (N, OH, OW, C), the mean of each window."""

    dims = 2


class AdaptiveAveragePooling3D(_AdaptiveAverage):
    """(N, D, H, W, C) -> (N, OD, OH, OW, C), the mean of each window."""

    dims = 3


class AdaptiveMaxPooling1D(_AdaptiveMax):
    """The maximum of each of output_size windows of the steps: (N, T, C) -> (N, output_size,
    C)."""

    dims = 1


class AdaptiveMaxPooling2D(_AdaptiveMax):
    """(N, H, W, C) -> (N, OH, OW, C), the maximum of each window."""

    dims = 2


class AdaptiveMaxPooling3D(_AdaptiveMax):
    """(N, D, H, W, C) -> (N, OD, OH, OW, C), the maximum of each window."""

    dims = 3


__all__ = ["AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
           "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"]
