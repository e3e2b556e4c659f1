"""Containers (PyTorch's): ModuleList and ModuleDict register Modules as children ("0",
"1", ... or their keys); ParameterList and ParameterDict register Parameters the same way."""
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from itertools import groupby

import numpy as np

from autograd.variable import Parameter, Variable

from .module import Module, _indent


class ModuleList(Module):
    """A list of Modules, registered as children named "0", "1", ...."""

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def _reset(self, modules):
        modules = [_check_module(module, "ModuleList") for module in modules]  # before any
        for name in list(self._modules):                                     # is removed
            delattr(self, name)
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def _items(self):
        return list(self._modules.values())

    def append(self, module):
        self.add_module(str(len(self._modules)), _check_module(module, "ModuleList.append"))
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    __iadd__ = extend  # (layers += [...], as PyTorch's)

    def __add__(self, other):
        """A new ModuleList of this list's modules, then other's (a ModuleList or any
        iterable of modules, as PyTorch's); the same modules, not copies."""
        if not isinstance(other, Iterable):
            return NotImplemented
        return ModuleList([*self._items(), *other])

    def insert(self, index, module):
        items = self._items()
        items.insert(index, module)
        self._reset(items)

    def pop(self, index=-1):
        """Remove the module at `index` (the last by default) and return it; the ones after
        it are numbered anew (PyTorch's)."""
        module = self[index]
        del self[index]
        return module

    def __getitem__(self, index):
        items = self._items()
        if isinstance(index, slice):
            return ModuleList(items[index])
        return items[_check_index(index, len(items))]

    def __setitem__(self, index, module):
        index = _check_index(index, len(self._modules))
        self.add_module(str(index % len(self._modules)), _check_module(module, "ModuleList"))

    def __delitem__(self, index):
        items = self._items()
        del items[index if isinstance(index, slice) else _check_index(index, len(items))]
        self._reset(items)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._items())

    def forward(self, *args, **kwargs):
        raise TypeError("ModuleList is a container, not a layer: call its items instead")

    def __repr__(self):
        """PyTorch's: consecutive items that print the same print once, as
        "(first-last): n x <item>" (a stack of 12 equal blocks takes one entry)."""
        lines, start = [], 0
        for text, same in groupby(repr(module) for module in self._items()):
            count = len(list(same))
            label = str(start) if count == 1 else f"{start}-{start + count - 1}"
            times = "" if count == 1 else f"{count} x "
            lines.append(f"({label}): {times}{_indent(text)}")
            start += count
        if not lines:
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


class _Entries(Module):
    """Dict methods over one of the module's registries (`_registry`: its submodules or its
    parameters), keys in insertion order."""

    _registry, _kind = "_modules", "module"

    def _entries(self):
        return getattr(self, self._registry)

    def __getitem__(self, key):
        entries = self._entries()
        if key not in entries:
            raise KeyError(f"{type(self).__name__}: no {self._kind} named {key!r}; it has "
                           f"{list(entries)}")
        return entries[key]

    def __delitem__(self, key):
        self[key]  # (the KeyError naming what there is)
        delattr(self, key)

    def __contains__(self, key):
        return key in self._entries()

    def __len__(self):
        return len(self._entries())

    def __iter__(self):
        return iter(list(self._entries()))

    def keys(self):
        return list(self._entries())

    def values(self):
        return list(self._entries().values())

    def items(self):
        return list(self._entries().items())

    def get(self, key, default=None):
        return self._entries().get(key, default)

    def update(self, entries):
        """Add (or replace) entries from a dict or (name, value) pairs."""
        pairs = entries.items() if hasattr(entries, "items") else entries
        for key, value in pairs:
            self[key] = value

    def pop(self, key):
        value = self[key]
        del self[key]
        return value

    def clear(self):
        for key in list(self._entries()):
            del self[key]

    def forward(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} is a container, not a layer: call its items "
                        f"instead")


class ModuleDict(_Entries):
    """Modules by name (PyTorch's ModuleDict), registered as children under their keys, in
    insertion order: `layers["encoder"]`, `for name in layers`, `.items()`."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __setitem__(self, key, module):
        self.add_module(_check_key(key, "ModuleDict"), _check_module(module, "ModuleDict"))


class ParameterList(Module):
    """A list of Parameters, registered as parameters named "0", "1", ... (PyTorch's):
    `parameters()`, `state_dict()` and optimizers see them. An array or Variable given is
    made a Parameter, as PyTorch makes a tensor one."""

    def __init__(self, values=None):
        super().__init__()
        if values is not None:
            self.extend(values)

    def __getitem__(self, index):
        items = list(self._parameters.values())
        if isinstance(index, slice):
            return ParameterList(items[index])
        return items[_check_index(index, len(items), "ParameterList", "parameters")]

    def __setitem__(self, index, param):
        index = _check_index(index, len(self), "ParameterList", "parameters")
        self.register_parameter(str(index), _as_parameter(param, "ParameterList"))

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(list(self._parameters.values()))

    def append(self, value):
        self.register_parameter(str(len(self)), _as_parameter(value, "ParameterList.append"))
        return self

    def extend(self, values):
        for value in values:
            self.append(value)
        return self

    __iadd__ = extend  # (params += [w], as PyTorch's)

    def forward(self, *args, **kwargs):
        raise TypeError("ParameterList is a container, not a layer: use its Parameters")

    def __repr__(self):
        return _listing(self)


class ParameterDict(_Entries):
    """Parameters by name (PyTorch's ParameterDict), registered under their keys in
    insertion order: `parameters()`, `state_dict()` and optimizers see them. An array or
    Variable given is made a Parameter."""

    _registry, _kind = "_parameters", "parameter"

    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __setitem__(self, key, value):
        self.register_parameter(_check_key(key, "ParameterDict"),
                                _as_parameter(value, "ParameterDict"))

    def update(self, parameters):
        """Add (or replace) Parameters: a plain dict's in sorted key order (PyTorch's), an
        OrderedDict's, a ParameterDict's or (name, value) pairs in theirs."""
        if isinstance(parameters, Mapping) and not isinstance(parameters,
                                                              (OrderedDict, ParameterDict)):
            parameters = sorted(parameters.items(), key=lambda item: str(item[0]))
        super().update(parameters)

    # the rest of PyTorch's dict methods; copies share the Parameters, as PyTorch's
    def copy(self):
        return ParameterDict(OrderedDict(self.items()))

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def popitem(self):
        """(key, Parameter) of the last one added, removed."""
        if not len(self):
            raise KeyError("ParameterDict.popitem: the dict is empty")
        key = self.keys()[-1]
        return key, self.pop(key)

    @classmethod
    def fromkeys(cls, keys, default=None):
        return cls(OrderedDict((key, default) for key in keys))

    def __reversed__(self):
        return reversed(self.keys())

    def __or__(self, other):
        merged = self.copy()
        merged.update(other)
        return merged

    def __ror__(self, other):
        merged = ParameterDict(other)
        merged.update(self)
        return merged

    def __ior__(self, other):
        self.update(other)
        return self

    def __repr__(self):
        return _listing(self)


def _as_parameter(value, who):
    """value as a Parameter: itself, or a float array's (or a Variable's data) in a new one."""
    if isinstance(value, Parameter):
        return value
    data = value.data if isinstance(value, Variable) else value
    if isinstance(data, np.ndarray) and data.dtype.kind == "f":
        return Parameter(data)
    raise TypeError(f"{who}: expected a Parameter (or a floating-point array or Variable to "
                    f"make one), got {type(value).__name__}"
                    + (f" of dtype {data.dtype}" if isinstance(data, np.ndarray) else ""))


def _listing(module):
    """PyTorch's print of a parameter container: one line per Parameter, its dtype and size."""
    lines = [f"    ({key}): Parameter containing: [{param.dtype} of size "
             f"{'x'.join(map(str, param.shape))}]" for key, param in module._parameters.items()]
    name = type(module).__name__
    return f"{name}(\n" + "\n".join(lines) + "\n)" if lines else f"{name}()"


def _check_key(key, who):
    if not isinstance(key, str):
        raise TypeError(f"{who}: keys are strings (attribute names), got {key!r}")
    return key


def _check_module(module, who):
    if not isinstance(module, Module):
        raise TypeError(f"{who}: expected a Module, got {type(module).__name__}")
    return module


def _check_index(index, length, who="ModuleList", items="modules"):
    if not isinstance(index, (int, np.integer)) or not -length <= index < length:
        raise IndexError(f"{who}: index {index!r} is out of range for {length} {items}")
    return int(index) % length


__all__ = ["ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]
