"""Keras' Identity layer: its input, unchanged, as a named layer of a model."""
from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer


class Identity(Module, KerasLayer):
    """x -> x, masks passed on; Keras' `name=` names it in its model (PyTorch's nn.Identity,
    which takes and ignores any argument, has no name to list or find it by)."""

    supports_masking = True

    def __init__(self, *, name=None, input_shape=None):
        super().__init__()
        self._keras_arguments(name, input_shape)

    def forward(self, inputs):
        return inputs

    get_config = init_config  # Keras' get_config: the constructor's arguments


__all__ = ["Identity"]
