"""Keras' Input: the first element of a Sequential, saying what one sample looks like."""
import numpy as np

from ..module import Module
from .keras_name import KerasNamed


class InputLayer(Module, KerasNamed):
    """Passes its input through, after checking that each sample has `shape` (None: any
    size on that axis). First in a Sequential, it sizes the layers after it at once, as
    Keras' `Sequential([keras.Input(shape=(784,)), Dense(64), ...])`; `name` names it."""

    def __init__(self, shape, dtype="float32", name=None):
        super().__init__()
        if isinstance(shape, (int, np.integer)):
            shape = (int(shape),)
        if not isinstance(shape, (tuple, list)) or not all(
                n is None or (isinstance(n, (int, np.integer)) and n >= 0) for n in shape):
            raise ValueError(f"Input: shape is one sample's shape, a tuple of sizes (None for "
                             f"any), such as (784,) or (28, 28, 1); got {shape!r}")
        self.shape, self.dtype = tuple(shape), np.dtype(dtype)
        self._set_name(name)

    def forward(self, x):
        sample = tuple(x.shape[1:])
        if len(sample) != len(self.shape) or any(
                n is not None and n != m for n, m in zip(self.shape, sample)):
            raise ValueError(f"Input: the model takes samples of shape {self.shape}, got a "
                             f"batch of shape {tuple(x.shape)} (samples of shape {sample})")
        return x

    def example_sample(self):
        """(shape, dtype) of one sample to try the model with (None sizes taken as 1)."""
        return tuple(1 if n is None else n for n in self.shape), self.dtype

    def get_config(self):
        return {"shape": self.shape, "dtype": self.dtype.name, "name": self.name}

    def extra_repr(self):
        return f"shape={self.shape}"


Input = InputLayer  # Keras' `Input(shape=...)`, for the start of a Sequential


__all__ = ["Input", "InputLayer"]
