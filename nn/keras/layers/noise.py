"""Keras' noise layers: GaussianNoise (noise added) and GaussianDropout (noise of mean 1
multiplied in), active only while training, as Dropout: a regularizer, and noise as data
augmentation inside the model (the study notes' noise added to the data)."""
import numpy as np

from autograd.arguments import probability
from autograd.ops.validation import real_scalar

from ... import functional as F
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
        self.stddev = real_scalar(stddev, "stddev", "GaussianNoise")
        if not self.stddev >= 0:
            raise ValueError(f"GaussianNoise: stddev must be >= 0, got {stddev!r}")

    def forward(self, x):
        return F.gaussian_noise(x, self.stddev, self.training, self.generator)


class GaussianDropout(_Noise):
    """x times N(1, rate / (1 - rate)) noise while training; x itself in inference."""

    def __init__(self, rate, seed=None, *, name=None, input_shape=None):
        super().__init__(seed, name, input_shape)
        self.rate = probability(rate, "rate", "GaussianDropout")
        if self.rate == 1:
            raise ValueError("GaussianDropout: rate must be below 1")

    def forward(self, x):
        return F.gaussian_dropout(x, self.rate, self.training, self.generator)


__all__ = ["GaussianNoise", "GaussianDropout"]
