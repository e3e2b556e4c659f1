"""Keras' tracking of layers held in lists and dicts: a Keras model or layer that assigns
`self.blocks = [Dense(64), Dense(64)]` (or a tuple, or a dict of layers) owns those layers'
weights and losses, as Keras' ListWrapper and DictWrapper make it; PyTorch asks for
ModuleList and ModuleDict, which this makes. Only public attributes whose items are all
modules are wrapped: anything else (a list of numbers, a private bookkeeping list of
layers already held) stays as it is."""
from .containers import ModuleDict, ModuleList
from .module import Module


class TracksLayerCollections:
    """Mixin (before Module) of Keras' Model and Layer."""

    def __setattr__(self, name, value):
        super().__setattr__(name, tracked(name, value))


def tracked(name, value):
    """value, a ModuleList or ModuleDict where it is a public list, tuple or dict of modules
    only (and not empty)."""
    if name.startswith("_"):
        return value
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(item, Module) for item in value):
        return ModuleList(value)
    if isinstance(value, dict) and value and all(
            isinstance(key, str) and isinstance(item, Module) for key, item in value.items()):
        return ModuleDict(value)
    return value


__all__ = ["TracksLayerCollections", "tracked"]
