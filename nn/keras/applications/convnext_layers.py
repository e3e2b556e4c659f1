"""ConvNeXt's two layers of its own, as Keras' convnext module defines them: LayerScale
(a learned scale per channel) and StochasticDepth (a residual branch dropped per batch)."""
import numpy as np

from ...initializers import Constant
from ..layers.layer import Layer


class StochasticDepth(Layer):
    """While training, the residual branch x dropped with probability drop_path_rate (one
    draw per sample) and kept ones scaled by 1 / (1 - drop_path_rate); x in inference."""

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= drop_path_rate <= 1.0:
            raise ValueError(f"StochasticDepth: drop_path_rate must be in [0, 1], got "
                             f"{drop_path_rate!r}")
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        if not training:
            return x
        keep_prob = 1.0 - self.drop_path_rate
        shape = (x.shape[0],) + (1,) * (x.ndim - 1)
        # floor(keep_prob + U[0, 1)) is 1 with probability keep_prob (Keras' draw)
        kept = np.floor(keep_prob + np.random.uniform(0.0, 1.0, shape)).astype(x.dtype)
        return (x / keep_prob) * kept

    def get_config(self):
        return {**super().get_config(), "drop_path_rate": self.drop_path_rate}


class LayerScale(Layer):
    """x * gamma: gamma (projection_dim,) one scale per channel, init_values at first."""

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(self.projection_dim,),
                                     initializer=Constant(self.init_values), trainable=True)

    def call(self, x):
        return x * self.gamma

    def get_config(self):
        return {**super().get_config(), "init_values": self.init_values,
                "projection_dim": self.projection_dim}


__all__ = ["LayerScale", "StochasticDepth"]
