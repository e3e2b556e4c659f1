"""Keras' object serialization (`keras.saving.serialize_keras_object`, `deserialize_keras_
object` and the per-module `serialize` / `deserialize` of losses, metrics, activations, ...):
an object as Keras writes it, {"module", "class_name", "config", "registered_name"}, and
back.

rungrad's Keras objects are written under Keras' public module ("keras.regularizers", ...):
Keras reads its optimizers, schedules, losses, metrics, regularizers, initializers and
constraints so, not its layers, whose configs hold rungrad's own keys too (Dense's
input_dim, Dropout's p), which Keras' constructors refuse. Keras' objects, layers included,
are read as nn.keras' (nn.training.keras_foreign_config, which model_from_json uses too).
Deserializing never imports or runs anything a config names: classes and functions are
looked up by name (custom_objects, a custom_object_scope, the registry of
@register_keras_serializable, nn.keras' own), a lambda is refused whatever `safe_mode` says.
"""
import inspect
import types

import numpy as np

from autograd.variable import Variable

from ..layers.config import lookup_custom, name_of
from .registration import get_registered_name

# nn.keras' namespaces, searched in this order for the public module of one of its classes
_SPACES = ("layers", "losses", "metrics", "regularizers", "constraints", "initializers",
           "optimizers.schedules", "optimizers")
_PLAIN = (str, int, float, bool)


def serialize_keras_object(obj):
    """Keras' serialize_keras_object: plain values as they are, lists / tuples / dicts item
    by item, an array as {"class_name": "__numpy__", ...}, a function by its name, an
    object with get_config() as {"module", "class_name", "config", "registered_name"}."""
    if obj is None or isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(item) for item in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, (np.ndarray, np.generic, Variable)):
        return _array(obj)
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {
            "start": obj.start, "stop": obj.stop, "step": obj.step}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, types.FunctionType):
        return _function(obj)
    return _object(obj)


def _array(obj):
    """A 0-d array or NumPy scalar as its Python number, another as Keras' __numpy__ (a
    Variable as Keras' __tensor__)."""
    data = np.asarray(obj.data if isinstance(obj, Variable) else obj)
    if data.ndim == 0 and not isinstance(obj, Variable):
        return data.item()
    tag = "__tensor__" if isinstance(obj, Variable) else "__numpy__"
    return {"class_name": tag, "config": {"value": data.tolist(), "dtype": data.dtype.name}}


def _function(fn):
    if fn.__name__ == "<lambda>":
        raise TypeError("serialize_keras_object: a lambda cannot be serialized by rungrad "
                        "(Keras writes its bytecode, which rungrad never runs); write it as a "
                        "def and register it with @keras.saving.register_keras_serializable()")
    return {"module": "builtins", "class_name": "function", "config": _function_name(fn),
            "registered_name": "function"}


def _function_name(fn):
    """A function's registered name, else the name nn.keras' losses, metrics or activations
    export it under (Keras' name: `mean_squared_error`, not the function's own), else its
    __name__."""
    import importlib
    name = get_registered_name(fn)
    if name != fn.__name__:
        return name
    for space in ("losses", "metrics"):
        module = importlib.import_module(f"nn.keras.{space}")
        found = next((key for key in module.__all__ if getattr(module, key) is fn), None)
        if found is not None:
            return found
    from ..layers.activation import activation_config
    named = activation_config(fn)
    return named if isinstance(named, str) else fn.__name__


def _object(obj):
    get_config = getattr(obj, "get_config", None)
    if not callable(get_config) or isinstance(obj, type):
        raise TypeError(f"serialize_keras_object: cannot serialize {obj!r} (of type "
                        f"{type(obj).__name__}): it has no get_config()")
    cls = type(obj)
    space = keras_space(cls)
    registered = None if space is not None else get_registered_name(cls)
    module = f"keras.{space}" if space is not None else cls.__module__
    return {"module": None if module == "__main__" else module,  # (Keras': no module there)
            "class_name": cls.__name__, "config": serialize_keras_object(get_config()),
            "registered_name": registered}


def keras_space(cls):
    """The nn.keras namespace ('layers', 'regularizers', ...) that exports `cls` under its
    own name, None for a class of one's own (or one that a name_of registered)."""
    import importlib
    name = name_of(cls, type)
    if name is not None and lookup_custom(name) is cls:
        return None
    for space in _SPACES:
        module = importlib.import_module(f"nn.keras.{space}")
        if getattr(module, cls.__name__, None) is cls:
            return space
    return None


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """Keras' deserialize_keras_object: the value serialize_keras_object wrote (or Keras
    did), its objects made by name. `safe_mode` is taken for Keras' signature: rungrad is
    always safe (a lambda's bytecode is refused either way). A string comes back as it is
    (Keras' without module_objects); the per-module deserialize functions look names up."""
    module_objects = kwargs.pop("module_objects", None)
    if kwargs:
        raise TypeError(f"deserialize_keras_object: unexpected arguments {sorted(kwargs)}")
    del safe_mode  # (see the docstring)
    from ..training.keras_foreign_config import KerasConfigReader  # (nn.training: lazily)
    if isinstance(config, str) and module_objects is not None:
        return from_name(config, module_objects, custom_objects, "deserialize_keras_object")
    return KerasConfigReader(custom_objects).value(_untupled(config), "deserialize_keras_object")


def _untupled(config):
    """Tuples (as serialize_keras_object leaves them) read as the lists JSON would give."""
    if isinstance(config, (list, tuple)):
        return [_untupled(item) for item in config]
    if isinstance(config, dict):
        return {key: _untupled(value) for key, value in config.items()}
    return config


def from_name(name, module_objects, custom_objects, who):
    """The object a module's deserialize makes of a name: a class's default instance (as
    Keras'), a function itself; one's own objects first."""
    found = lookup_custom(name, custom_objects)
    found = module_objects.get(name) if found is None else found
    if found is None:
        raise ValueError(f"{who}: unknown object {name!r}: it is neither one of the module's "
                         "nor registered (@keras.saving.register_keras_serializable) nor given "
                         "in custom_objects")
    return found() if inspect.isclass(found) else found




def module_functions(space, module_objects):
    """(serialize, deserialize) of `keras.<space>`: Keras' per-module pair, whose
    deserialize also reads a name (a class's default instance, a function) and a config
    without its "module" among `module_objects()` ({name: object}, read when called)."""
    who = f"keras.{space}"

    def serialize(obj):
        """Keras' serialize: serialize_keras_object(obj)."""
        return serialize_keras_object(obj)

    def deserialize(config, custom_objects=None):
        """Keras' deserialize: the object of a name or of serialize's dict."""
        if isinstance(config, dict) and config.get("class_name") == "function":
            config = config.get("config")  # (a function: by its name)
        if isinstance(config, str):
            return from_name(config, module_objects(), custom_objects, f"{who}.deserialize")
        if not (isinstance(config, dict) and "class_name" in config and "config" in config):
            raise ValueError(f"{who}.deserialize: expected a name or a {{'class_name', "
                             f"'config'}} dict, got {config!r}")
        return deserialize_keras_object({"module": who, **config}, custom_objects)

    serialize.__qualname__, deserialize.__qualname__ = "serialize", "deserialize"
    serialize.__module__ = deserialize.__module__ = f"nn.keras.{space}"
    return serialize, deserialize


__all__ = ["serialize_keras_object", "deserialize_keras_object", "keras_space", "from_name",
           "module_functions"]
