"""Layers by name and config, what `model.save` / `nn.load_model` write and rebuild from.

A layer's `get_config()` gives its constructor arguments as plain values, so that
`type(layer)(**layer.get_config())` makes the same layer (Keras' contract); `init_config`
reads them from the attributes of the same names. Classes and functions are saved by name:
rungrad's own are found in `nn`, `nn.models` and `nn.functional`; a user's layer, model or
function is made known with the `register` decorator (Keras' `register_keras_serializable`).
A name is only ever looked up, never imported or executed.
"""
import contextlib
import inspect
import threading

import numpy as np

from autograd.variable import Variable

_REGISTERED = {}  # name -> class or function the user registered


def init_config(layer, **values):
    """{argument: value} for each argument of `type(layer).__init__`: from `values` where
    given, else the layer's attribute of the same name. Raises NotImplementedError naming the
    argument when the attribute is missing, or is a Parameter or a Module rather than the
    argument's value (the layer must then write its own get_config). PyTorch's `device=`
    is left out (a saved model is rebuilt on the CPU); a dtype is saved by its name."""
    config = {}
    for name, _ in _init_parameters(type(layer)):
        if name == "device":
            continue
        if name in values:
            config[name] = values[name]
            continue
        value = getattr(layer, name, _MISSING)
        if value is _MISSING or isinstance(value, Variable) or hasattr(value, "named_modules"):
            raise NotImplementedError(
                f"{type(layer).__name__}.get_config: cannot tell the value of the constructor "
                f"argument {name!r} (no plain attribute of that name); write get_config()")
        config[name] = value.name if isinstance(value, np.dtype) else value
    return config


_MISSING = object()


def _init_parameters(cls):
    """(name, parameter) of `cls.__init__`'s named arguments, `self` left out."""
    params = list(inspect.signature(cls.__init__).parameters.items())[1:]
    return [(n, p) for n, p in params
            if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]


def takes_no_arguments(cls):
    """Whether `cls.__init__` has no argument at all (then an empty config rebuilds it; an
    argument with a default may have been given another value)."""
    return not _init_parameters(cls)


def register(obj=None, *, name=None):
    """Make a class (layer, model, loss, optimizer) or a function saveable by name:
    `@nn.register` or `@nn.register(name="MyBlock")`. The default name is the object's
    `__qualname__`; a name that rungrad uses itself, or that another object holds, is
    refused."""
    if obj is None:
        return lambda target: register(target, name=name)
    if not callable(obj):
        raise TypeError(f"register: expected a class or a function, got {type(obj).__name__}")
    key = name if name is not None else getattr(obj, "__qualname__", None)
    if not isinstance(key, str) or not key:
        raise TypeError(f"register: name must be a non-empty string, got {key!r} (pass name=)")
    if _builtin(key, type) is not None or _builtin(key, "function") is not None:
        raise ValueError(f"register: {key!r} is the name of one of rungrad's own layers or "
                         "functions; pass another name=")
    held = _REGISTERED.get(key)
    if held is not None and held is not obj and _origin(held) != _origin(obj):
        raise ValueError(f"register: the name {key!r} is taken by {_origin(held)}; pass "
                         "another name=")
    _REGISTERED[key] = obj  # the same origin again: a redefinition (a re-run notebook cell)
    return obj


def registered_objects():
    """The registry itself, {name: class or function} (Keras' get_custom_objects: adding to
    it registers, as in Keras)."""
    return _REGISTERED


def _origin(obj):
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', '?')}"


def registered_key(obj):
    """The name `obj` is registered under (register, custom objects), or None."""
    return next((key for key, held in _REGISTERED.items() if held is obj), None)


def exported_name(cls):
    """The name Keras exports the class `cls` by: its `keras_export_name` where it is another
    (GroupedQueryAttention's is GroupQueryAttention; its own, not a subclass's), else its
    own."""
    return vars(cls).get("keras_export_name", cls.__name__)


def name_of(obj, kind):
    """The name `obj` (a class when kind is type, else a function) is saved under, or None
    when it is neither registered nor one of rungrad's own."""
    key = registered_key(obj)
    if key is not None:
        return key
    key = getattr(obj, "__name__", None)
    if key is not None and _builtin(key, kind) is obj:
        return key
    key = exported_name(obj) if isinstance(obj, type) else key
    metric = getattr(obj, "__module__", "").startswith("nn.keras.metrics")
    for prefix in (_KERAS_METRICS,) if metric else (_KERAS,):  # (nn.keras' others)
        if key is not None and _builtin(prefix + key, kind) is obj:
            return prefix + key
    return None


def saved_name(obj, kind, taken=None):
    """The name `obj` is saved under: name_of's, else (Keras 3's way) the `__name__` of a
    user's class or function that is not registered, which loading then finds in its
    `custom_objects`. None when that name is not an identifier (a lambda) or is one that
    loading would resolve to something else (rungrad's own, another registered object, or
    `taken(name)`'s)."""
    name = name_of(obj, kind)
    if name is not None:
        return name
    key = getattr(obj, "__name__", None)
    if not isinstance(key, str) or not key.isidentifier():
        return None
    other = lookup(key, kind) or (taken(key) if taken is not None else None)
    return key if other is None or other is obj else None


def unnamed_error(who, shown, name, otherwise=None):
    """The TypeError for what saved_name cannot name: `shown` (how the message names it),
    its `name`, and what else the user can do (`otherwise`)."""
    return TypeError(f"{who}: {shown} cannot be saved by name (its name {name!r} is not an "
                     "identifier, or is rungrad's own or taken): register it under another, "
                     "@nn.register(name=...)" + (f"; or {otherwise}" if otherwise else ""))


def lookup(name, kind, custom_objects=None):
    """The class (kind type) or function saved as `name`: from `custom_objects`, those of
    the custom_object_scope under way, the registry, then rungrad's own; None when
    unknown."""
    found = lookup_custom(name, custom_objects)
    return found if found is not None else _builtin(name, kind)


def lookup_custom(name, custom_objects=None):
    """lookup's, among one's own objects only (custom_objects, a scope's, the registry)."""
    for table in (custom_objects or {}, *reversed(_SCOPES.tables), _REGISTERED):
        if name in table:
            return table[name]
    return None


class _Scopes(threading.local):
    """The custom objects of this thread's custom_object_scopes under way, innermost last
    (per thread, as Keras' scope: one thread's loading does not see another's)."""

    def __init__(self):
        self.tables = []
        self.reading = 0  # (reading_saved_file's depth)


_SCOPES = _Scopes()


@contextlib.contextmanager
def custom_object_scope(custom_objects):
    """Within it, `custom_objects` ({name: class or function}) are found by name as the
    registered ones are (Keras' custom_object_scope): loading a model runs its layers'
    from_config in one, so that a layer rebuilding the layers its config names (RNN's
    cell) finds those load_model was given."""
    _SCOPES.tables.append(dict(custom_objects or {}))
    try:
        yield
    finally:
        _SCOPES.tables.pop()


@contextlib.contextmanager
def reading_saved_file():
    """Marks, in this thread, that the configs being turned into objects come from a file
    (load_model): what a file says must not make rungrad read other files (a lookup layer's
    vocabulary given as a path)."""
    _SCOPES.reading += 1
    try:
        yield
    finally:
        _SCOPES.reading -= 1


def reading_a_saved_file():
    """Whether load_model is turning a file's configs into objects in this thread."""
    return _SCOPES.reading > 0


def made_from_config(cls, config):
    """An object of `cls` from its config: cls.from_config where it has one (Keras'), else
    cls(**config)."""
    from_config = getattr(cls, "from_config", None)
    return from_config(config) if from_config is not None else cls(**config)


def serialize_layer(layer, who="serialize"):
    """Keras' serialize: {"class_name": the name the layer's class is saved under,
    "config": its get_config()}, as model.save writes a layer (without the JSON tags)."""
    name = saved_name(type(layer), type)
    if name is None:
        raise unnamed_error(who, f"the class {type(layer).__qualname__}", type(layer).__name__)
    return {"class_name": name, "config": layer.get_config()}


def deserialize_layer(saved, custom_objects=None, who="deserialize"):
    """Keras' deserialize: the layer that serialize_layer's {"class_name", "config"} saves,
    its class found by name only (custom_objects, the registry, rungrad's own)."""
    from ..module import Module  # (lazily: nn imports this package)

    if not isinstance(saved, dict) or set(saved) != {"class_name", "config"}:
        raise ValueError(f"{who}: expected a layer's {{'class_name', 'config'}} dict, got "
                         f"{saved!r}")
    cls = lookup(saved["class_name"], type, custom_objects)
    if not (isinstance(cls, type) and issubclass(cls, Module)):
        raise ValueError(f"{who}: unknown layer class {saved['class_name']!r}: pass "
                         "custom_objects={name: the class} or register it with @nn.register")
    with custom_object_scope(custom_objects):
        return made_from_config(cls, saved["config"])


def from_saved(saved, known, base):
    """The object a {'class_name', 'config'} dict saves (how model.save keeps an
    initializer, regularizer or constraint), of a subclass of `base`: one of `known`
    ({name: class}) or one registered with @nn.register; None for anything else."""
    if not isinstance(saved, dict) or not set(saved) >= {"class_name", "config"}:
        return None
    cls = known.get(saved["class_name"]) or lookup(saved["class_name"], type)
    if not (isinstance(cls, type) and issubclass(cls, base)):
        return None
    return cls.from_config(saved["config"])


def to_saved(obj, base, kind, who):
    """from_saved's inverse: the {'class_name', 'config'} dict model.save keeps an object of
    `base` (a `kind`: 'regularizer', 'constraint') in, None for None; a plain function cannot
    be saved (a TypeError naming `who` and the function)."""
    if obj is None:
        return None
    if not isinstance(obj, base):
        raise TypeError(f"{who}: the {kind} {obj!r} is a function, which cannot be saved; "
                        f"write it as a keras.{kind}s.{base.__name__} subclass with "
                        "get_config() and @nn.register")
    return {"class_name": type(obj).__name__, "config": obj.get_config()}


_KERAS = "keras."  # the prefix of nn.keras' names (its LSTM is not nn's, its Adam not optim's)
# nn.keras.metrics' classes and functions: its own prefix, as Keras' metrics and losses share
# names (MeanSquaredError, binary_crossentropy) that mean different things
_KERAS_METRICS = "keras.metrics."


def _keras_spaces():
    """The modules of nn.keras whose classes a config names `keras.<name>`: the layers,
    optimizers, schedules, losses, initializers, utils (FeatureSpace), and last (loaded only
    when asked) the layers the applications define for themselves."""
    import nn  # lazily: nn imports this package
    yield from (nn.keras.layers, nn.keras.optimizers, nn.keras.optimizers.schedules,
                nn.keras.losses, nn.keras.initializers, nn.keras.utils)
    from nn.keras.applications import custom_layers
    yield custom_layers


def _builtin(name, kind):
    """rungrad's own class `nn.<name>` or `nn.models.<name>` (a Module), `keras.<name>` of
    nn.keras.layers, .optimizers, .losses or .initializers, `keras.metrics.<name>` (a class
    or function of nn.keras.metrics), or function `nn.functional.<name>`."""
    import nn  # lazily: nn imports this package
    from nn.module import Module

    if name.startswith(_KERAS_METRICS):
        found = getattr(nn.keras.metrics, name[len(_KERAS_METRICS):], None) \
            if name[len(_KERAS_METRICS):].isidentifier() else None
        wanted = isinstance(found, type) if kind is type else inspect.isfunction(found)
        return found if wanted else None
    if kind is type and name.startswith(_KERAS) and name[len(_KERAS):].isidentifier():
        for space in _keras_spaces():  # (no name is in two of them)
            found = getattr(space, name[len(_KERAS):], None)
            if isinstance(found, type):
                return found
        return None
    if not name.isidentifier():
        return None
    if kind is not type:
        found = getattr(nn.functional, name, None)
        return found if inspect.isfunction(found) else None
    for space in ("", "models"):
        try:
            namespace = getattr(nn, space) if space else nn
        except (AttributeError, ImportError):  # nn.models missing or broken: not ours to fix
            continue
        found = getattr(namespace, name, None)
        if isinstance(found, type) and issubclass(found, Module):
            return found
    return None


__all__ = ["init_config", "takes_no_arguments", "register", "name_of", "lookup",
           "custom_object_scope", "made_from_config", "serialize_layer", "deserialize_layer"]
