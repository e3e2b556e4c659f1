"""ModuleList: a list of Modules registered as children "0", "1", ... (PyTorch's)."""
import numpy as np

from .module import Module


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

    def insert(self, index, module):
        items = self._items()
        items.insert(index, module)
        self._reset(items)

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


class ModuleDict(Module):
    """Modules by name (PyTorch's ModuleDict), registered as children under their keys, in
    insertion order: `layers["encoder"]`, `for name in layers`, `.items()`."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        if key not in self._modules:
            raise KeyError(f"ModuleDict: no module named {key!r}; it has {list(self._modules)}")
        return self._modules[key]

    def __setitem__(self, key, module):
        if not isinstance(key, str):
            raise TypeError(f"ModuleDict: keys are strings (child names), got {key!r}")
        self.add_module(key, _check_module(module, "ModuleDict"))

    def __delitem__(self, key):
        self[key]  # (the KeyError naming what there is)
        delattr(self, key)

    def __contains__(self, key):
        return key in self._modules

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(list(self._modules))

    def keys(self):
        return list(self._modules)

    def values(self):
        return list(self._modules.values())

    def items(self):
        return list(self._modules.items())

    def update(self, modules):
        """Add (or replace) modules from a dict or (name, module) pairs."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for key, module in pairs:
            self[key] = module

    def pop(self, key):
        module = self[key]
        del self[key]
        return module

    def clear(self):
        for key in list(self._modules):
            del self[key]

    def forward(self, *args, **kwargs):
        raise TypeError("ModuleDict is a container, not a layer: call its items instead")


def _check_module(module, who):
    if not isinstance(module, Module):
        raise TypeError(f"{who}: expected a Module, got {type(module).__name__}")
    return module


def _check_index(index, length):
    if not isinstance(index, (int, np.integer)) or not -length <= index < length:
        raise IndexError(f"ModuleList: index {index!r} is out of range for {length} modules")
    return int(index) % length


__all__ = ["ModuleList", "ModuleDict"]
