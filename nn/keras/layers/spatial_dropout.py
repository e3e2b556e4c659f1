"""Keras' SpatialDropout1D/2D/3D: dropout of whole feature maps (each sample's channels),
for inputs whose neighbouring positions are strongly correlated (an embedded sentence, an
image's feature maps), where dropping single entries regularizes little."""
from autograd.arguments import probability

from ... import functional as F
from ...layers.config import init_config
from ...module import Module
from ._base import CHANNELS_FIRST, KerasLayer, data_format_name, layout


class _SpatialDropout(Module, KerasLayer):
    """`rate` of each sample's channels zeroed while training, the others scaled by
    1/(1 - rate); inference passes x itself."""

    dims = None
    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def __init__(self, rate, data_format=None, seed=None, *, name=None, input_shape=None):
        super().__init__()
        who = type(self).__name__
        self.rate = probability(rate, "rate", who)
        self.data_format = data_format_name(data_format, who)
        if seed is not None:
            raise ValueError(f"{who}: seed= is not supported: rungrad's dropout draws from "
                             "NumPy's global generator, which keras.utils.set_random_seed "
                             "(or np.random.seed) fixes")
        self.seed = seed
        self._keras_arguments(name, input_shape)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def forward(self, x):
        x = self._input(x, (self.dims + 2,), layout(self.dims, self.data_format))
        if self.data_format == CHANNELS_FIRST:  # (N, C, ...): PyTorch's channel dropout
            drop = F.dropout3d if self.dims == 3 else F.dropout2d
            return drop(x, self.rate, self.training)
        return F.spatial_dropout(x, self.rate, self.training)


class SpatialDropout1D(_SpatialDropout):
    """(N, T, C): each sample's channels dropped for all its steps."""

    dims = 1

    def __init__(self, rate, seed=None, *, name=None, input_shape=None):
        super().__init__(rate, None, seed, name=name, input_shape=input_shape)


class SpatialDropout2D(_SpatialDropout):
    """(N, H, W, C), or (N, C, H, W) with data_format='channels_first'."""

    dims = 2


class SpatialDropout3D(_SpatialDropout):
    """(N, D, H, W, C), or (N, C, D, H, W) with data_format='channels_first'."""

    dims = 3


__all__ = ["SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"]
