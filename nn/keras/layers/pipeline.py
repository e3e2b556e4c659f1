"""Keras' Pipeline: a list of layers applied in order, as one layer (what an augmentation
recipe is kept as, outside a model's graph)."""
from ...containers import ModuleList
from ...module import Module
from ._base import KerasLayer


class Pipeline(Module, KerasLayer):
    """`Pipeline([RandomFlip(), RandomRotation(0.1)])(x)`: each layer on the output of the
    one before (images, or a dict such as MixUp's {"images", "labels"}); a call's
    `training=` reaches them all. Its layers are its children (saved with a model)."""

    def __init__(self, layers, name=None):
        super().__init__()
        self._keras_arguments(name, None)
        if not isinstance(layers, (list, tuple)) or not all(
                isinstance(layer, Module) for layer in layers):
            raise TypeError(f"Pipeline: layers must be a list of layers (Modules), got "
                            f"{layers!r}")
        self.stages = ModuleList(layers)

    @property
    def layers(self):
        """The layers, in order (Keras' Pipeline.layers)."""
        return list(self.stages)

    def forward(self, data):
        for layer in self.stages:
            data = layer(data)
        return data

    def get_config(self):
        """The constructor's arguments (Keras' get_config)."""
        return {"layers": self.layers, "name": self.name}


__all__ = ["Pipeline"]
