"""Keras' Rescaling: inputs scaled and shifted in the model (`Rescaling(1 / 255)` on pixel
values), so that what is saved with the model is what it was trained on."""
from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer


class Rescaling(Module, KerasLayer):
    """x * scale + offset (floats; integer pixels become float32)."""

    def __init__(self, scale, offset=0.0, *, name=None, input_shape=None):
        super().__init__()
        self.scale, self.offset = scale, offset
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        x = self._input(x, range(0, 33), "(...)")
        if x.dtype.kind != "f":
            x = x.astype("float32")
        return x * self.scale + self.offset

    get_config = init_config  # Keras' get_config: the constructor's arguments


__all__ = ["Rescaling"]
