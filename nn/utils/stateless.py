"""PyTorch's functional_call (torch.nn.utils.stateless / torch.func): run a module with other
values in place of its parameters and buffers, restored afterwards, gradients flowing to the
values given (meta-learning's inner loops: `create_graph=True` and a second backward)."""
from collections.abc import Mapping

import numpy as np

from autograd.variable import Variable

from . import parametrize


def _named_tensors(module, prefix=""):
    """(dotted name, value) of every parameter and buffer under every path (tied ones under
    each of their names: PyTorch's remove_duplicate=False)."""
    for registry in (module._parameters, module._buffers):
        for name, value in registry.items():
            if value is not None:
                yield prefix + name, value
    for name, child in module._modules.items():
        if child is not None:
            yield from _named_tensors(child, f"{prefix}{name}.")


def _merged(parameter_and_buffer_dicts):
    """One dict of a dict or of a sequence of dicts whose keys do not overlap."""
    if isinstance(parameter_and_buffer_dicts, Mapping):
        return dict(parameter_and_buffer_dicts)
    if not isinstance(parameter_and_buffer_dicts, (tuple, list)) or not all(
            isinstance(d, Mapping) for d in parameter_and_buffer_dicts):
        raise TypeError("functional_call: expected parameter_and_buffer_dicts to be a dict, "
                        "or a list/tuple of dicts, but got "
                        f"{type(parameter_and_buffer_dicts).__name__}")
    merged = {}
    for values in parameter_and_buffer_dicts:
        for key, value in values.items():
            if key in merged:
                raise ValueError(f"{key} appeared in multiple dictionaries; behavior of "
                                 "functional call is ambiguous")
            merged[key] = value
    return merged


def _untied(module, values):
    """`values` with each tied parameter or buffer given under every one of its names; a
    ValueError where tied names are given different values."""
    names_of = {}
    for name, tensor in _named_tensors(module):
        names_of.setdefault(id(tensor), set()).add(name)
    untied = dict(values)
    for names in names_of.values():
        given = [name for name in sorted(names) if name in values]
        if len(names) < 2 or not given:
            continue
        if len({id(values[name]) for name in given}) > 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, "
                             "which are tied. Consider using tie_weights=False")
        untied.update(dict.fromkeys(names, values[given[0]]))
    return untied


def _check_strict(module, values):
    valid = {name for name, _ in _named_tensors(module)}
    unexpected, missing = sorted(set(values) - valid), sorted(valid - set(values))
    errors = []
    if unexpected:
        errors.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
    if missing:
        errors.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
    if errors:
        raise RuntimeError(f"Error(s) in reparametrizing for {type(module).__name__}:\n\t"
                           + "\n\t".join(errors))


def _owner(module, key):
    """(the submodule holding dotted `key`, its last part), or a KeyError naming the key."""
    *path, leaf = key.split(".")
    for i, part in enumerate(path):
        child = module._modules.get(part)
        if child is None:
            raise KeyError(f"functional_call: {'.'.join(path[:i + 1])!r} (in key {key!r}) is "
                           f"not a submodule of {type(module).__name__}")
        module = child
    if isinstance(getattr(type(module), leaf, None), property) and not \
            parametrize.is_parametrized_name(module, leaf):
        raise KeyError(f"functional_call: {key!r} is a property of {type(module).__name__}, "
                       "not a parameter or buffer")
    return module, leaf


_ABSENT = object()


def _swap(module, leaf, value):
    """Put `value` under `leaf` (instance attribute and registry entry, bypassing
    Module.__setattr__'s checks: a Variable may stand in for a buffer); returns the undo."""
    attributes = vars(module)
    registry = next((r for r in (module._parameters, module._buffers) if leaf in r), None)
    old_attribute = attributes.get(leaf, _ABSENT)
    old_entry = registry[leaf] if registry is not None else _ABSENT
    attributes[leaf] = value
    if registry is not None:
        registry[leaf] = value

    def undo():
        if old_attribute is _ABSENT:
            attributes.pop(leaf, None)
        else:
            attributes[leaf] = old_attribute
        if registry is not None:
            registry[leaf] = old_entry
    return undo


def _checked_value(key, value):
    if not isinstance(value, (Variable, np.ndarray)):
        raise TypeError(f"functional_call: the value for {key!r} must be a Variable or an "
                        f"array, got {type(value).__name__}")
    return value


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """module(*args, **kwargs) with the parameters and buffers named (dotted, as in
    state_dict) in `parameter_and_buffer_dicts` (a dict, or a list/tuple of dicts) replaced
    by the Variables or arrays given, for this call only: the module's own are back
    afterwards, also after an exception. Gradients flow to the Variables given.
    tie_weights: a value for one of tied tensors serves all of them. strict: the names must
    be exactly the module's parameters and buffers. `args` that is not a tuple is one
    argument."""
    if not hasattr(module, "_parameters"):
        raise TypeError(f"functional_call: expected an nn.Module, got {type(module).__name__}")
    values = _merged(parameter_and_buffer_dicts)
    values = {key: _checked_value(key, value) for key, value in values.items()}
    if tie_weights:
        values = _untied(module, values)
    if strict:
        _check_strict(module, values)
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    kwargs = {} if kwargs is None else kwargs
    undos = []
    try:
        for key, value in values.items():
            owner, leaf = _owner(module, key)
            # a parametrized name: its value stands in for the parametrizations' (PyTorch's)
            swap = parametrize.stand_in if parametrize.is_parametrized_name(owner, leaf) \
                else _swap
            undos.append(swap(owner, leaf, value))
        return module(*args, **kwargs)
    finally:
        for undo in reversed(undos):
            undo()


__all__ = ["functional_call"]
