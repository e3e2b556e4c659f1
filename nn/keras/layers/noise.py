"""Keras' noise layers: GaussianNoise (noise added) and GaussianDropout (noise of mean 1
multiplied in), active only while training, as Dropout: a regularizer, and noise as data
augmentation inside the model (the study notes' noise added to the data)."""
import numpy as np

from ... import functional as F
from ...functional.noise import checked_rate, checked_stddev
from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer


class _Noise(Module, KerasLayer):
    """A noise layer: `seed` (None: NumPy's global generator, which np.random.seed and
    keras.utils.set_random_seed fix) draws from a generator of the layer's own."""

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def __init__(self, seed=None, name=None, input_shape=None):
        super().__init__()
        self._keras_arguments(name, input_shape)
        self.seed = seed
        self.generator = None if seed is None else np.random.default_rng(seed)

    get_config = init_config  # Keras' get_config: the constructor's arguments


class GaussianNoise(_Noise):
    """x + N(0, stddev²) noise while training; x itself in inference."""

    def __init__(self, stddev, seed=None, *, name=None, input_shape=None):
        super().__init__(seed, name, input_shape)
        self.stddev = checked_stddev(stddev, "GaussianNoise")

    def forward(self, x):
        return F.gaussian_noise(x, self.stddev, self.training, self.generator)


class GaussianDropout(_Noise):
    """x times N(1, rate / (1 - rate)) noise while training; x itself in inference."""

    def __init__(self, rate, seed=None, *, name=None, input_shape=None):
        super().__init__(seed, name, input_shape)
        self.rate = checked_rate(rate, "GaussianDropout")

    def forward(self, x):
        return F.gaussian_dropout(x, self.rate, self.training, self.generator)


__all__ = ["GaussianNoise", "GaussianDropout"]
