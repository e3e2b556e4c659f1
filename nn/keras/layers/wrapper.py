"""Keras' Wrapper: the base class of layers that take another layer and change how it runs
(SpectralNormalization here; TimeDistributed and Bidirectional, written before it on their
own bases, count as Wrappers too: isinstance(TimeDistributed(...), Wrapper))."""
from abc import ABCMeta

from ...module import Module
from .bidirectional import Bidirectional
from .input_spec import InputSpecChecked
from .layer import Layer
from .time_distributed import TimeDistributed


class Wrapper(InputSpecChecked, Layer, metaclass=ABCMeta):
    """`Wrapper(layer, **kwargs)`: holds `layer` (its weights the wrapper's) and builds it
    with the wrapper; kwargs are Layer's (name, trainable, dtype)."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Module):
            raise ValueError(f"{type(self).__name__}: layer must be a layer (a Module), got "
                             f"{type(layer).__name__}")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        """Build the wrapped layer for `input_shape` if it can be (Keras' build)."""
        if not getattr(self.layer, "built", True) and hasattr(self.layer, "build"):
            self.layer.build(input_shape)

    def get_config(self):
        return {**super().get_config(), "layer": self.layer}


Wrapper.register(TimeDistributed)
Wrapper.register(Bidirectional)

__all__ = ["Wrapper"]
