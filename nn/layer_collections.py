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
    if isinstance(value, dict) and (value or empty_ok) and all(isinstance(key, str)
                                                               for key in value):
        items = {key: _as_module(item, empty_ok) for key, item in value.items()}
        return None if any(item is None for item in items.values()) else LayerDict(items)
    return None


def _holds_a_module(value):
    if isinstance(value, Module):
        return True
    items = value.values() if isinstance(value, dict) else value if isinstance(
        value, (list, tuple)) else ()
    return any(_holds_a_module(item) for item in items)


def _awaits_layers(value):
    """Whether value is lists and dicts (in lists, tuples, dicts) with no item yet but empty
    lists and dicts."""
    if isinstance(value, (list, dict)):
        items = value.values() if isinstance(value, dict) else value
        return all(_awaits_layers(item) for item in items)
    if isinstance(value, tuple) and value:
        return all(_awaits_layers(item) for item in value)
    return False


def _watching(owner, name, value):
    """value with its lists and dicts watched: when an item joins one, owner's `name` is
    tracked again, and becomes a LayerList (LayerDict) once it holds layers. From then on
    (or once `name` holds something else) the watched structure tells nothing more: it is no
    longer the owner's."""
    owner = weakref.ref(owner)
    top = []

    def joined():
        holder = owner()
        if holder is None or not top or holder.__dict__.get(name) is not top[0]:
            top.clear()  # (replaced, or its owner gone: never again)
            return
        plain = _plain(top[0])
        held = _as_module(plain, empty_ok=_holds_a_module(plain))
        if held is not None:
            _forward(top.pop(), held)
            setattr(holder, name, held)
    top.append(_watched(value, joined))
    return top[0]


def _forward(watched, held):
    """Make each watched list (dict) pass what joins it on to the LayerList (LayerDict) made
    of it: a reference kept to it (blocks = self.blocks) still adds to the model's."""
    if isinstance(watched, (_WatchedList, _WatchedDict)):
        watched._forward = held
    if isinstance(watched, (list, tuple)):
        for item, made in zip(watched, held):
            _forward(item, made)
    elif isinstance(watched, dict):
        for key, item in watched.items():
            _forward(item, held[key])


def _watched(value, joined):
    if isinstance(value, list):
        return _WatchedList([_watched(item, joined) for item in value], joined)
    if isinstance(value, tuple):
        return tuple(_watched(item, joined) for item in value)
    if isinstance(value, dict):
        return _WatchedDict({key: _watched(item, joined) for key, item in value.items()},
                            joined)
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


class LayerDict(ModuleDict):
    """The ModuleDict a Keras model or layer keeps for a dict of layers: a list of layers
    set as an item becomes a LayerList, as in the dict it replaced."""

    def __setitem__(self, key, module):
        super().__setitem__(key, _joining(module))


def _joining(item):
    """An item joining a LayerList (LayerDict): a list or dict of layers (or an empty one)
    as a LayerList (LayerDict)."""
    if isinstance(item, (list, dict)):
        held = _as_module(item, empty_ok=True)
        if held is not None:
            return held
    return item


class _WatchedList(list):
    """A list of a Keras model's or layer's that tells `joined` when an item joins it (lists
    that join are watched too); once its owner holds a LayerList made of it, what joins it
    goes there too (`_forward`)."""

    _forward = None

    def __init__(self, items, joined):
        super().__init__(items)
        self._joined = joined

    def append(self, item):
        if self._forward is not None:
            self._forward.append(item)
        super().append(_watched(item, self._joined))
        self._joined()

    def extend(self, items):
        for item in list(items):
            self.append(item)

    def insert(self, index, item):
        if self._forward is not None:
            self._forward.insert(index, item)
        super().insert(index, _watched(item, self._joined))
        self._joined()

    def __setitem__(self, index, item):
        if self._forward is not None:
            self._forward[index] = _joining(item)
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


class _WatchedDict(dict):
    """A dict of a Keras model's or layer's that tells `joined` when an item joins it."""

    def __init__(self, items, joined):
        super().__init__(items)
        self._joined = joined

    _forward = None

    def __setitem__(self, key, item):
        if self._forward is not None:
            self._forward[key] = item
        super().__setitem__(key, _watched(item, self._joined))
        self._joined()

    def update(self, *args, **kwargs):
        for key, item in dict(*args, **kwargs).items():
            self[key] = item

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def __reduce__(self):
        return dict, (_plain(self),)

    def __deepcopy__(self, memo):
        return copy.deepcopy(_plain(self), memo)


__all__ = ["LayerDict", "LayerList", "TracksLayerCollections", "tracked"]
