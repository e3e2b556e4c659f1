"""Keras' tracking of layers held in lists and dicts: a Keras model or layer that assigns
`self.blocks = [Dense(64), Dense(64)]` (or a tuple, or a dict of layers) owns those layers'
weights and losses, as Keras' ListWrapper and DictWrapper make it; PyTorch asks for
ModuleList and ModuleDict, which this makes. An empty public list (`self.blocks = []`,
filled by append in a loop) becomes one at its first module. Only public attributes whose
items are all modules are wrapped: anything else (a list of numbers, a private bookkeeping
list of layers already held) stays as it is."""
import weakref

from .containers import ModuleDict, ModuleList
from .module import Module


class TracksLayerCollections:
    """Mixin (before Module) of Keras' Model and Layer."""

    def __setattr__(self, name, value):
        super().__setattr__(name, tracked(self, name, value))


def tracked(owner, name, value):
    """value, a ModuleList or ModuleDict where it is a public list, tuple or dict of modules
    only (or of such lists and dicts: Keras tracks nested ones too); an empty public list one
    that becomes a ModuleList when a module joins it."""
    if name.startswith("_"):
        return value
    if isinstance(value, list) and not value and value.__class__ is list:
        return _EmptyList(owner, name)
    held = _as_module(value)
    return value if held is None or held is value else held


def _as_module(value):
    """value if a Module; a ModuleList (ModuleDict) of a non-empty list or tuple (dict with
    string keys) whose items are all modules, or become modules so; else None."""
    if isinstance(value, Module):
        return value
    if isinstance(value, (list, tuple)) and value:
        items = [_as_module(item) for item in value]
        return None if any(item is None for item in items) else ModuleList(items)
    if isinstance(value, dict) and value and all(isinstance(key, str) for key in value):
        items = {key: _as_module(item) for key, item in value.items()}
        return None if any(item is None for item in items.values()) else ModuleDict(items)
    return None


class _EmptyList(list):
    """An empty public list of a Keras model or layer: once what it holds are modules, its
    owner holds them as a ModuleList in its place (self.blocks.append(Dense(8)))."""

    def __init__(self, owner, name):
        super().__init__()
        self._owner, self._name = weakref.ref(owner), name

    def _joined(self):
        owner = self._owner()
        if owner is not None and _as_module(list(self)) is not None:
            setattr(owner, self._name, list(self))

    def append(self, item):
        super().append(item)
        self._joined()

    def extend(self, items):
        super().extend(items)
        self._joined()

    def insert(self, index, item):
        super().insert(index, item)
        self._joined()

    def __iadd__(self, items):
        self.extend(items)
        return self

    def __reduce__(self):  # (a copy is a plain list: its owner is the original)
        return list, (list(self),)

    def __deepcopy__(self, memo):
        return list(self)


__all__ = ["TracksLayerCollections", "tracked"]
