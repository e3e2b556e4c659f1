"""Keras' tracking of layers held in lists and dicts: a Keras model or layer that assigns
`self.blocks = [Dense(64), Dense(64)]` (or a tuple, a dict of layers, or these nested:
`[[Dense(8)], []]`) owns those layers' weights and losses, as Keras' ListWrapper and
DictWrapper make it; PyTorch asks for ModuleList and ModuleDict, which this makes (a
LayerList, LayerDict: an empty list beside layers an empty one, filled later).

Plain lists and dicts that hold no layer yet, only empty plain lists and dicts
(`self.blocks = []`, `[[] for _ in range(3)]`, `self.heads = {}`, filled in a loop or in
build), are watched: when a layer joins one, the attribute becomes a LayerList (LayerDict),
and a reference kept to a watched list (`blocks = self.blocks`) goes on adding to it (and
removing from it). A list may hold other values beside its layers (`[Dense(8), relu]`, as
Keras tracks them), and so may a dict (whose keys must be strings: a warning names layers
in a dict that has other keys).
Only public attributes are tracked, and only plain lists, tuples and dicts: a defaultdict,
an OrderedDict, a namedtuple or a private bookkeeping list stays as it is.
A copy (copy.deepcopy, pickle) of a layer watches its own lists again."""
import copy
import operator
import weakref

from autograd.user_warnings import user_warning

from .containers import ModuleDict, ModuleList, _check_key
from .module import ABSENT, Module, note_replaced


class TracksLayerCollections:
    """Mixin (before Module) of Keras' Model and Layer."""

    def __setattr__(self, name, value):
        super().__setattr__(name, tracked(self, name, value))

    def __setstate__(self, state):
        """A copy's attributes (copy.deepcopy, pickle), its lists awaiting layers watched
        again, for this copy."""
        super().__setstate__(state)
        for name, value in list(state.items()):
            if isinstance(value, (_CopiedWatched, _CopiedWatchedDict)):  # (one that held
                value = list(value) if isinstance(value, list) else dict(value)  # data too)
            elif name.startswith("_") or not _awaits_layers(value):
                continue
            object.__setattr__(self, name, _watching(self, name, value))


def tracked(owner, name, value):
    """value as `owner` keeps it under `name`: a LayerList or LayerDict of a public list,
    tuple or dict of layers (nested ones too), a watched list or dict where layers may join
    later, else value itself."""
    if name.startswith("_"):
        return value
    if isinstance(value, (_WatchedList, _WatchedDict)) and value._forward is not None:
        return value._forward  # (a window assigned back: its LayerList, not a copy)
    held = _as_module(value, empty_ok=_holds_a_module(value))
    if held is not None and held is not value:
        _warn_untracked(owner, name, value, held)
        return held
    if _awaits_layers(value):
        return _watching(owner, name, value)
    if not isinstance(value, Module) and _holds_a_module(value):
        _warn_untracked(owner, name, value)
    return value


def _warn_untracked(owner, name, value, held=None):
    """A warning where layers in a public list or dict cannot be tracked (in a dict whose
    keys are not all strings: a ModuleDict's are names), unless `held` (what tracks the
    value), or the owner, holds them already."""
    loose = _modules_in(value)
    for holder in (held, owner):  # (the owner's whole tree walked only where needed)
        if loose and isinstance(holder, Module):
            known = {id(module) for module in holder.modules()}
            loose = [m for m in loose if id(m) not in known]
    if loose:
        user_warning(f"{type(owner).__name__}.{name} holds layers in a dict whose keys are "
                     f"not all strings, so they are not tracked: their weights are neither "
                     f"trained nor saved. Use string keys, or assign each layer to an "
                     f"attribute")


def _modules_in(value):
    if isinstance(value, Module):
        return [value]
    if not _plain_type(value):
        return []
    items = value.values() if isinstance(value, dict) else value
    return [module for item in items for module in _modules_in(item)]


def _plain_type(value):
    """Whether value is a plain list, tuple or dict (not a subclass: a defaultdict, an
    OrderedDict, a namedtuple keep their own behaviour)."""
    return value.__class__ in (list, tuple, dict, _WatchedList, _WatchedDict)


def _as_module(value, empty_ok):
    """value if a Module; a LayerList (LayerDict) of a plain list or tuple (dict with string
    keys) whose items are all modules, or become modules so (an empty list or dict where
    `empty_ok`); else None."""
    if isinstance(value, Module):
        return value
    if not _plain_type(value):
        return None
    if isinstance(value, (list, tuple)) and (value or (empty_ok and isinstance(value, list))):
        items = _items_held(list(value), value, empty_ok)
        return None if items is None else LayerList(items)
    if isinstance(value, dict) and (value or empty_ok) and all(isinstance(key, str)
                                                               for key in value):
        items = _items_held(list(value.values()), value, empty_ok)
        return None if items is None else LayerDict(dict(zip(value, items)))
    return None


def _items_held(items, value, empty_ok):
    """The items of `value` as its LayerList (LayerDict) holds them: each as a module where
    it is one or becomes one, else as it is; None where some item is not one and value holds
    no layer at all (data, or lists awaiting layers beside data)."""
    held = [_as_module(item, empty_ok) for item in items]
    if any(module is None for module in held) and not _holds_a_module(value):
        return None
    return [item if module is None else module for module, item in zip(held, items)]


def _holds_a_module(value):
    if isinstance(value, Module):
        return True
    if not _plain_type(value):
        return False
    items = value.values() if isinstance(value, dict) else value
    return any(_holds_a_module(item) for item in items)


def _awaits_layers(value):
    """Whether value is plain lists and dicts (in lists, tuples, dicts) with no item yet but
    empty plain lists and dicts."""
    if not _plain_type(value):
        return False
    if isinstance(value, (list, dict)):
        items = value.values() if isinstance(value, dict) else value
        return all(_awaits_layers(item) for item in items)
    return bool(value) and all(_awaits_layers(item) for item in value)


def _may_join(item):
    """Whether an item joining a watched structure keeps it one that may become layers."""
    return _holds_a_module(item) or _awaits_layers(item)


def _watching(owner, name, value):
    """value with its lists and dicts watched: when a layer joins one, owner's `name` becomes
    a LayerList (LayerDict), which keeps any other values beside the layers. From then on
    (or once `name` holds something else) the watched structure tells nothing more."""
    owner = weakref.ref(owner)
    top = []

    def joined(item):
        holder = owner()
        if not top or holder is None or holder.__dict__.get(name) is not top[0]:
            top.clear()  # (replaced, or its owner gone: never again)
            return
        if not _holds_a_module(item):
            return  # (data, or an empty list or dict, joined: still awaiting layers)
        plain = _plain(top[0])
        held = _as_module(plain, empty_ok=True)
        _warn_untracked(holder, name, item, held)
        if held is not None:
            _forward(top.pop(), held)
            setattr(holder, name, held)
    top.append(_watched(value, joined))
    return top[0]


def _forward(watched, held):
    """Make each watched list (dict) a window on the LayerList (LayerDict) made of it: a
    reference kept to it (blocks = self.blocks) changes the model's, and shows its changes.
    (A list of data inside stays a plain list there: no window.)"""
    if not isinstance(held, _Held):
        return
    if isinstance(watched, (list, tuple)):
        for item, made in zip(watched, held):
            _forward(item, made)
    elif isinstance(watched, dict):
        for key, item in watched.items():
            _forward(item, held[key])
    if isinstance(watched, (_WatchedList, _WatchedDict)):
        watched._forward = held
        held._windows.append(weakref.ref(watched))
        held._show_windows()


def _watched(value, joined):
    """value with its plain lists and dicts made watched ones (other values as they are)."""
    if not _plain_type(value):
        return value
    if isinstance(value, list):
        return _WatchedList([_watched(item, joined) for item in value], joined)
    if isinstance(value, tuple):
        return tuple(_watched(item, joined) for item in value)
    return _WatchedDict({key: _watched(item, joined) for key, item in value.items()}, joined)


def _plain(value):
    """A watched structure as plain lists, tuples and dicts."""
    if not _plain_type(value):
        return value
    if isinstance(value, (list, tuple)):
        items = [_plain(item) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    return {key: _plain(item) for key, item in value.items()}


class _Held:
    """Mixin of LayerList and LayerDict: `_held`, every item (layers and other values), and
    the watched lists (dicts) that are windows on it (weak references)."""

    # a list inside another is linked to it too (nn.keras_weight_names.link_child): its
    # layers' weight paths and names go on up to the model
    tracks_keras_layers = True

    def _hold(self, empty):
        object.__setattr__(self, "_held", empty)
        object.__setattr__(self, "_windows", [])

    def _show_windows(self):
        """Show the items in the windows, dropping those no longer referenced."""
        if self._windows:
            live = [(ref, ref()) for ref in self._windows]
            self._windows[:] = [ref for ref, window in live if window is not None]
            for _, window in live:
                if window is not None:
                    window._show(self._held)

    def __getstate__(self):
        """A copy's state (copy.deepcopy, pickle): no windows (its owner watches its
        attributes anew)."""
        return {**self.__dict__, "_windows": []}


class LayerList(_Held, ModuleList):
    """The ModuleList a Keras model or layer keeps for a list of layers, and of the values
    beside them (`[Dense(8), keras.activations.relu]`, as Keras tracks them): the layers are
    its children, named by their positions ("0", "2"), the other values held in place. A
    list of layers (an empty one too) that joins it later becomes a LayerList of its own, as
    in the list it replaced (self.stages.append([]); self.stages[-1].append(Dense(8)))."""

    def __init__(self, items=()):
        self._hold([])  # every item in order, layers and other values
        super().__init__(items)

    def _items(self):
        return list(self._held)

    def _reset(self, items):
        items = [_joining(item) for item in items]
        for name in list(self._modules):
            delattr(self, name)
        self._held[:] = items
        for i, item in enumerate(items):
            if isinstance(item, Module):
                self.add_module(str(i), item)
        self._show_windows()

    def append(self, item):
        item = _joining(item)
        self._held.append(item)
        if isinstance(item, Module):
            self.add_module(str(len(self._held) - 1), item)
        self._show_windows()
        return self

    def __len__(self):
        return len(self._held)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return LayerList(self._held[index])
        return self._held[_list_index(index, len(self._held))]

    def __setitem__(self, index, item):
        items = self._items()
        if isinstance(index, slice):  # (a list's slice assignment)
            items[index] = list(item)
        else:
            items[_list_index(index, len(items))] = item
        self._reset(items)

    # a list's methods, which the plain list it replaced had
    def index(self, item, start=0, stop=None):
        for i in range(*slice(start, stop).indices(len(self._held))):
            held = self._held[i]
            if held is item or (not isinstance(held, Module) and _equal(held, item)):
                return i
        raise ValueError(f"{type(self).__name__}.index: {item!r} is not in the list")

    def count(self, item):
        return sum(held is item or (not isinstance(held, Module) and _equal(held, item))
                   for held in self._held)

    def remove(self, item):
        del self[self.index(item)]

    def reverse(self):
        self._reset(self._items()[::-1])

    def sort(self, key=None, reverse=False):
        self._reset(sorted(self._items(), key=key, reverse=reverse))

    def copy(self):
        """A plain list of the same items."""
        return self._items()

    def clear(self):
        self._reset([])

    def __mul__(self, times):
        return self._items() * times  # (a plain list, as the list it replaced gave)

    __rmul__ = __mul__

    def __add__(self, other):
        """With a list or tuple, a plain list (as the list it replaced gave); with a
        ModuleList, a LayerList of both (PyTorch's ModuleList + ModuleList)."""
        if isinstance(other, (list, tuple)):
            return self._items() + list(other)
        if isinstance(other, ModuleList):
            return LayerList([*self._items(), *other])
        return NotImplemented

    def __radd__(self, other):
        if not isinstance(other, (list, tuple)):
            return NotImplemented
        return list(other) + self._items()

    def __eq__(self, other):
        """Equal to a list of the same items, as the list it replaced was; else only to
        itself (a Module's identity, which its hash stays)."""
        if isinstance(other, list):
            return self._items() == other
        return self is other

    __hash__ = ModuleList.__hash__


def _list_index(index, length):
    """index as a position among `length` items (negative ones from the end), or the
    IndexError a list gives."""
    if not isinstance(index, int) or isinstance(index, bool):
        index = operator.index(index)  # (a NumPy integer; a float raises TypeError)
    if not -length <= index < length:
        raise IndexError(f"LayerList index {index} is out of range for {length} items")
    return index % length


def _equal(a, b):
    """a == b as a list compares its items (a NumPy array's comparison: equal if all are)."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


class LayerDict(_Held, ModuleDict):
    """The ModuleDict a Keras model or layer keeps for a dict of layers, and of the values
    beside them (string keys): the layers are its children under their keys, the other
    values held in place. A list of layers set as an item becomes a LayerList, as in the
    dict it replaced; a dict's methods too."""

    def __init__(self, items=None):
        self._hold({})  # every entry in order, layers and the others
        super().__init__(items)

    def _entries(self):
        return self._held

    def __setitem__(self, key, item):
        key, item = _check_key(key, "LayerDict"), _joining(item)
        self._unregister(key)  # (a layer replaced leaves the model)
        if isinstance(item, Module):
            self._register(key, item)
        self._held[key] = item
        self._show_windows()

    def __delitem__(self, key):
        self[key]  # (the KeyError naming what there is)
        self._unregister(key)
        del self._held[key]
        self._show_windows()

    def _register(self, key, module):
        """module as the child under `key`, any string a dotted path can hold (Keras takes
        any key; a ModuleDict's must also be free attribute names). An item only
        (`heads["a"]`, as Keras' dict): as an attribute a key would shadow what the
        framework reads of a module (`built`, `kept_when_missing`)."""
        if not key or "." in key:
            raise KeyError(f"LayerDict: the key {key!r} of a layer must be a non-empty string "
                           f"without '.' (it names the layer's weights in state_dict)")
        note_replaced(key, module, self._modules)
        self._modules[key] = module

    def _unregister(self, key):
        if key in self._modules:
            note_replaced(key, ABSENT, self._modules)
            del self._modules[key]

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key, *default):
        if key not in self and default:
            return default[0]
        return super().pop(key)

    def popitem(self):
        if not len(self):
            raise KeyError(f"{type(self).__name__}.popitem: the dict is empty")
        key = self.keys()[-1]
        return key, self.pop(key)

    def copy(self):
        """A plain dict of the same entries."""
        return dict(self.items())

    def update(self, entries=(), **more):
        """Add (or replace) entries from a dict, (key, value) pairs or keywords (a dict's)."""
        super().update(entries)
        super().update(more)

    def __reversed__(self):
        return reversed(self.keys())

    def __or__(self, other):
        return self.copy() | dict(other) if isinstance(other, dict) else NotImplemented

    def __ror__(self, other):
        return dict(other) | self.copy() if isinstance(other, dict) else NotImplemented

    def __ior__(self, other):
        self.update(other)
        return self


def _joining(item):
    """An item joining a LayerList (LayerDict): a list, tuple or dict holding layers (or an
    empty list or dict) as a LayerList (LayerDict); a warning where layers in it cannot be
    tracked (a dict whose keys are not all strings)."""
    if _plain_type(item):
        held = _as_module(item, empty_ok=True)
        if held is not None:
            return held
        if _holds_a_module(item):
            user_warning("a list or dict of a Keras layer's layers was given layers in a dict "
                         "whose keys are not all strings: they are not tracked (their "
                         "weights are neither trained nor saved). Use string keys")
    return item


class _WatchedList(list):
    """A plain list of a Keras model's or layer's that tells `joined` what joins it (lists
    and dicts that join are watched too). Once its owner holds a LayerList made of it
    (`_forward`), it is a window on that LayerList: what it is given goes there, and it
    shows what the LayerList holds, whoever changed it (a reference kept to it and the
    model's attribute stay one list, as Keras' tracked list is one object)."""

    _forward = None

    def __init__(self, items, joined):
        super().__init__(items)
        self._joined = joined

    def _join(self, item):
        """item as stored here: watched where it may get layers."""
        return _watched(item, self._joined) if _may_join(item) else item

    def append(self, item):
        if self._forward is not None:
            return self._forward.append(item)
        super().append(self._join(item))
        self._joined(item)

    def extend(self, items):
        for item in list(items):
            self.append(item)

    def insert(self, index, item):
        if self._forward is not None:
            return self._forward.insert(index, item)
        super().insert(index, self._join(item))
        self._joined(item)

    def __setitem__(self, index, item):
        if self._forward is not None:
            self._forward[index] = item
            return
        if isinstance(index, slice):
            items = list(item)
            super().__setitem__(index, [self._join(i) for i in items])
        else:
            items = [item]
            super().__setitem__(index, self._join(item))
        for i in items:
            self._joined(i)

    def __iadd__(self, items):
        self.extend(items)
        return self

    def __imul__(self, times):
        if self._forward is None:
            return super().__imul__(times)
        self._forward._reset(self._forward._items() * times)
        return self

    def reverse(self):
        if self._forward is not None:
            return self._forward.reverse()
        super().reverse()

    def sort(self, *args, **kwargs):
        if self._forward is not None:
            return self._forward.sort(*args, **kwargs)
        super().sort(*args, **kwargs)

    def pop(self, index=-1):
        if self._forward is not None:
            return self._forward.pop(index)
        return super().pop(index)

    def remove(self, item):
        if self._forward is not None:
            return self._forward.remove(item)
        super().remove(item)

    def __delitem__(self, index):
        if self._forward is not None:
            del self._forward[index]
            return
        super().__delitem__(index)

    def clear(self):
        if self._forward is not None:
            return self._forward.clear()
        super().clear()

    def _show(self, items):
        """Hold `items` (its LayerList's, after a change there) as its own."""
        list.__setitem__(self, slice(None), items)

    def __reduce__(self):  # (a copy is plain lists, which its owner watches again)
        return _CopiedWatched, (_plain(self),)

    def __deepcopy__(self, memo):
        return _CopiedWatched(copy.deepcopy(_plain(self), memo))


class _WatchedDict(dict):
    """A plain dict of a Keras model's or layer's that tells `joined` what joins it; once its
    owner holds a LayerDict made of it, a window on that LayerDict (as _WatchedList)."""

    _forward = None

    def __init__(self, items, joined):
        super().__init__(items)
        self._joined = joined

    def __setitem__(self, key, item):
        if self._forward is not None:
            self._forward[key] = item
            return
        super().__setitem__(key, _watched(item, self._joined) if _may_join(item) else item)
        self._joined(item)

    def update(self, *args, **kwargs):
        for key, item in dict(*args, **kwargs).items():
            self[key] = item

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def __delitem__(self, key):
        if self._forward is not None:
            del self._forward[key]
            return
        super().__delitem__(key)

    def pop(self, key, *default):
        if key in self:
            value = self[key]
            del self[key]
            return value
        return super().pop(key, *default)

    def clear(self):
        for key in list(self):
            del self[key]

    def popitem(self):
        if self._forward is not None:
            return self._forward.popitem()
        return super().popitem()

    def __ior__(self, other):
        self.update(other)
        return self

    def _show(self, entries):
        dict.clear(self)
        dict.update(self, entries)

    def __reduce__(self):
        return _CopiedWatchedDict, (_plain(self),)

    def __deepcopy__(self, memo):
        return _CopiedWatchedDict(copy.deepcopy(_plain(self), memo))


class _CopiedWatched(list):
    """A copy of a watched list (copy.deepcopy, pickle), which the copied layer watches
    again (TracksLayerCollections.__setstate__), data and all."""


class _CopiedWatchedDict(dict):
    """A copy of a watched dict, as _CopiedWatched."""


__all__ = ["LayerDict", "LayerList", "TracksLayerCollections", "tracked"]
