"""3-D pooling layers (no parameters): MaxPool3d and AvgPool3d over sliding windows,
AdaptiveAvgPool3d and AdaptiveMaxPool3d to a given output size (the classes are those of
nn/layers/pooling.py, reading their arguments as triples)."""
from ..functional.adaptive_pool import output_pair
from ..functional.im2col import triple
from ..functional.pooling3d import (
    adaptive_avg_pool3d,
    adaptive_max_pool3d,
    avg_pool3d,
    max_pool3d,
)
from .pooling import _AdaptiveMaxPool, _AdaptivePool, _AvgPool, _MaxPool


class MaxPool3d(_MaxPool):
    """(N, C, D, H, W) -> (N, C, OD, OH, OW); with return_indices, the winners' flat
    (D, H, W) indices (see max_pool3d)."""

    sizes, pool = staticmethod(triple), staticmethod(max_pool3d)


class AvgPool3d(_AvgPool):
    """(N, C, D, H, W) -> (N, C, OD, OH, OW) (see avg_pool3d)."""

    sizes, pool = staticmethod(triple), staticmethod(avg_pool3d)


class _ThreeDimensional:
    """For a 3-D adaptive pool: output_size is an int or an (OD, OH, OW) triple (None keeps
    the input's size)."""

    def _check(self, output_size):
        output_pair(output_size, (1, 1, 1), type(self).__name__)


class AdaptiveAvgPool3d(_ThreeDimensional, _AdaptivePool):
    """The mean of each adaptive window: (N, C, D, H, W) -> (N, C, OD, OH, OW)
    (see adaptive_avg_pool3d)."""

    pool = staticmethod(adaptive_avg_pool3d)


class AdaptiveMaxPool3d(_ThreeDimensional, _AdaptiveMaxPool):
    """The maximum of each adaptive window: (N, C, D, H, W) -> (N, C, OD, OH, OW); with
    return_indices, also the winners' indices (see adaptive_max_pool3d)."""

    pool = staticmethod(adaptive_max_pool3d)


__all__ = ["MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d"]
