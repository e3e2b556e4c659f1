"""Keras' tracking of layers held in lists and dicts: a Keras model or layer that assigns
`self.blocks = [Dense(64), Dense(64)]` (or a tuple, a dict of layers, or these nested:
`[[Dense(8)], []]`) owns those layers' weights and losses, as Keras' ListWrapper and
DictWrapper make it; PyTorch asks for ModuleList and ModuleDict, which this makes (an empty
list beside layers an empty ModuleList, filled later). Lists that hold no layer yet, only
empty lists (`self.blocks = []`, `[[] for _ in range(3)]`, filled by append in a loop), are
watched, and become ModuleLists when a layer joins them. Only public attributes whose
items are all layers (or such lists and dicts) are tracked: anything else (a list of numbers,
a private bookkeeping list of layers already held) stays as it is."""
import copy
import weakref

from .containers import ModuleDict, ModuleList
from .module import Module


class TracksLayerCollections:
    """Mixin (before Module) of Keras' Model and Layer."""

    def __setattr__(self, name, value):
        super().__setattr__(name, tracked(self, name, value))


def tracked(owner, name, value):
    """value as `owner` keeps it under `name`: a ModuleList or ModuleDict of a public list,
    tuple or dict of layers (nested ones too), a watched list where layers may join later,
    else value itself."""
    if name.startswith("_"):
        return value
    held = _as_module(value, empty_ok=_holds_a_module(value))
    if held is not None and held is not value:
        return held
    if _awaits_layers(value):
        return _watching(owner, name, value)
    return value


def _as_module(value, empty_ok):
    """value if a Module; a ModuleList (ModuleDict) of a list or tuple (a dict with string
    keys) whose items are all modules, or become modules so (an empty list where `empty_ok`);
    else None."""
    if isinstance(value, Module):
        return value
    if isinstance(value, (list, tuple)) and (value or (empty_ok and isinstance(value, list))):
        items = [_as_module(item, empty_ok) for item in value]
        return None if any(item is None for item in items) else LayerList(items)
    if isinstance(value, dict) and value and all(isinstance(key, str) for key in value):
        items = {key: _as_module(item, empty_ok) for key, item in value.items()}
        return None if any(item is None for item in items.values()) else ModuleDict(items)
    return None


def _holds_a_module(value):
    if isinstance(value, Module):
        return True
    items = value.values() if isinstance(value, dict) else value if isinstance(
        value, (list, tuple)) else ()
    return any(_holds_a_module(item) for item in items)


def _awaits_layers(value):
    """Whether value is lists (in lists, tuples, dicts) with no item yet but empty lists."""
    if isinstance(value, list):
        return all(_awaits_layers(item) for item in value)
    if isinstance(value, (tuple, dict)) and value:
        items = value.values() if isinstance(value, dict) else value
        return all(_awaits_layers(item) for item in items)
    return False


def _watching(owner, name, value):
    """value with its lists watched: when an item joins one, owner's `name` is tracked
    again, and becomes a ModuleList (ModuleDict) once it holds layers."""
    owner = weakref.ref(owner)
    top = []

    def joined():
        holder = owner()
        if holder is None:
            return
        held = _as_module(_plain(top[0]), empty_ok=_holds_a_module(_plain(top[0])))
        if held is not None:
            setattr(holder, name, held)
    top.append(_watched(value, joined))
    return top[0]


def _watched(value, joined):
    if isinstance(value, list):
        return _WatchedList([_watched(item, joined) for item in value], joined)
    if isinstance(value, tuple):
        return tuple(_watched(item, joined) for item in value)
    if isinstance(value, dict):
        return {key: _watched(item, joined) for key, item in value.items()}
    return value


def _plain(value):
    """A watched structure as plain lists, tuples and dicts."""
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value) if isinstance(value, tuple) else [
            _plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class LayerList(ModuleList):
    """The ModuleList a Keras model or layer keeps for a list of layers: a list of layers
    (an empty one too) that joins it later becomes a LayerList of its own, as in the list it
    replaced (self.stages.append([]); self.stages[-1].append(Dense(8)))."""

    def append(self, module):
        return super().append(_joining(module))

    def insert(self, index, module):
        return super().insert(index, _joining(module))


def _joining(item):
    """An item joining a LayerList: a list of layers (or an empty one) as a LayerList."""
    if isinstance(item, list):
        held = _as_module(item, empty_ok=True)
        if held is not None:
            return held
    return item


class _WatchedList(list):
    """A list of a Keras model's or layer's that tells `joined` when an item joins it (lists
    that join are watched too)."""

    def __init__(self, items, joined):
        super().__init__(items)
        self._joined = joined

    def append(self, item):
        super().append(_watched(item, self._joined))
        self._joined()

    def extend(self, items):
        super().extend(_watched(item, self._joined) for item in items)
        self._joined()

    def insert(self, index, item):
        super().insert(index, _watched(item, self._joined))
        self._joined()

    def __setitem__(self, index, item):
        super().__setitem__(index, _watched(item, self._joined) if not isinstance(
            index, slice) else [_watched(i, self._joined) for i in item])
        self._joined()

    def __iadd__(self, items):
        self.extend(items)
        return self

    def __reduce__(self):  # (a copy is plain lists: its owner is the original)
        return list, (_plain(self),)

    def __deepcopy__(self, memo):
        return copy.deepcopy(_plain(self), memo)


__all__ = ["LayerList", "TracksLayerCollections", "tracked"]
