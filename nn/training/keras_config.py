"""Keras' model configs: `model.get_config()`, the architecture as a plain JSON-able dict;
`Sequential.from_config(config)` and `keras.Model.from_config(config)` (a functional
model), a new model of it; `model.to_json()`, that dict as JSON; and
`keras.models.model_from_json(text)`, the model again. They are model.save's architecture
(nn.training.architecture: model_config's Writer and Reader), without the weights
(get_weights / set_weights move those) and with what a layer's config holds as an array
(Normalization's mean) written in the JSON itself. Loading finds classes and functions by
name only: rungrad's own, those registered (@nn.register, keras.saving.
register_keras_serializable) and custom_objects= or keras.saving.custom_object_scope's;
nothing a config names is imported or run. A config real Keras 3 wrote (its own format:
"module", "inbound_nodes", "input_layers") is read by nn.training.keras_foreign_config.

get_config() of a Sequential or functional model:

    {"name": the model's name,
     "layers": [{"name": its key in the model, "class_name": ..., "config": its get_config()}
                ({"name": ..., "same_as": [key]}: a layer the model holds twice), ...],
     "made": the layers' keys in the order they were made (Keras' automatic names),
     "graph": a functional model's calls: {"nodes", "inputs", "outputs", "listed", "keys"},
     "parametrizations": [...], "tied": [...], "frozen": [...], "untrainable": [...]}

(the last four: nn.training.architecture). A value JSON has no type for is tagged as in
model.save's file: {"__tuple__": [3, 3]}, {"__dtype__": "float32"}, {"__function__": name},
{"__array__": {"dtype", "shape", "values"}}, ... to_json() is json.dumps of
{"class_name": "Sequential" or "Functional", "config": get_config()}. A subclassed model's
get_config() is its constructor's arguments, as Keras' ({} for a constructor without any;
one with arguments writes its own get_config, whose super().get_config() gives
{"name"}); its from_config is cls(**config), its to_json
{"class_name": its class's name, "config": that config}.
"""
import contextlib
import json

from ..layers.config import reading_saved_file
from .architecture import malformed, read_architecture, write_architecture
from .keras_foreign_config import KerasConfigReader, is_keras_written
from .model import Model
from .model_config import Reader, Writer, constructor_config, is_container
from .sequential import Sequential

_KINDS = ("Sequential", "Functional")  # the class names of the models configs describe


def model_config(model):
    """Model.get_config()."""
    if not is_container(model):
        return _subclass_config(model)
    return _written(model, f"{type(model).__name__}.get_config")["config"]


def to_json(model, **kwargs):
    """Model.to_json(**kwargs): json.dumps({"class_name", "config"}, **kwargs)."""
    who = f"{type(model).__name__}.to_json"
    if is_container(model):
        document = _written(model, who)
    else:  # a subclassed model: its class and constructor arguments, as model.save's
        document = Writer(who, inline_arrays=True).module(model)
    return json.dumps(document, **kwargs)


def model_from_config(cls, config, custom_objects=None):
    """Model.from_config: Sequential's builds a Sequential model's config, Model's (and
    Functional's) a functional model's; a subclass is made of its constructor's arguments."""
    who = f"{cls.__name__}.from_config"
    kind = _kind(cls)
    if kind is not None and is_keras_written(config):  # (a config real Keras wrote)
        return _from_keras(config, kind, custom_objects, who)
    if kind is None:
        return _constructed(cls, config, who)
    return _rebuilt(config, kind, custom_objects, who)


def model_from_json(json_string, custom_objects=None):
    """keras.models.model_from_json: the model `model.to_json()` wrote, with new weights."""
    who = "model_from_json"
    try:
        document = json.loads(json_string)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{who}: not a JSON text ({type(exc).__name__}: {exc})") from None
    if not (isinstance(document, dict) and {"class_name", "config"} <= set(document)):
        raise ValueError(f"{who}: expected model.to_json()'s object of 'class_name' and "
                         f"'config', got {_shown(document)}")
    name, config = document["class_name"], document["config"]
    if is_keras_written(document):  # (real Keras' to_json())
        return _from_keras(document, None, custom_objects, who)
    if name in _KINDS:
        return _rebuilt(config, name, custom_objects, who)
    with _reading(who):  # (a subclassed model, or a layer: its class by name)
        return Reader([], custom_objects).module({"class_name": name, "config": config})


def _written(model, who):
    """{"class_name", "config"} of a Sequential or functional model."""
    writer = Writer(who, inline_arrays=True)
    document = write_architecture(writer, model)
    spec = document.pop("architecture")
    extra = {key: spec[key] for key in ("made", "graph") if key in spec}
    return {"class_name": spec["class_name"],
            "config": {"name": model.name, "layers": spec["layers"], **extra, **document}}


def _subclass_config(model):
    """A subclassed model's get_config: the base argument Keras' gives an override's
    super().get_config(), else its constructor's arguments (constructor_config)."""
    if type(model).get_config is not Model.get_config:
        return {"name": model.name}  # (Model's constructor takes no trainable=, Keras' does)
    config = constructor_config(model)
    if config is None:
        raise NotImplementedError(
            f"{type(model).__qualname__}.get_config: the model's constructor takes arguments; "
            "write get_config() returning them (Keras' contract for a subclassed model)")
    return config


def _kind(cls):
    """The kind of model `cls.from_config` builds from an architecture; None for a subclass
    (made of its constructor's arguments)."""
    from ..keras.functional import Functional  # (nn.keras builds on this package)

    if cls is Sequential:
        return "Sequential"
    return "Functional" if cls in (Model, Functional) else None


def _rebuilt(config, kind, custom_objects, who):
    """The `kind` of model `config` (get_config's) describes."""
    _check(config, kind, who)
    spec = {"class_name": kind, "layers": config["layers"], "model_name": config.get("name"),
            **{key: config[key] for key in ("made", "graph") if key in config}}
    with _reading(who):
        return read_architecture(Reader([], custom_objects), {**config, "architecture": spec})


def _check(config, kind, who):
    """A ValueError for what is not a `kind` model's config from get_config()."""
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ValueError(f"{who}: expected a model's config, a dict with a 'layers' list "
                         f"(model.get_config()), got {_shown(config)}")
    if ("graph" in config) != (kind == "Functional"):
        raise ValueError(f"{who}: the config is a functional model's (it has a 'graph' of "
                         "calls): rebuild it with keras.Model.from_config(config)"
                         if "graph" in config else
                         f"{who}: the config is a Sequential model's (it has no 'graph' of "
                         "calls): rebuild it with keras.Sequential.from_config(config)")


def _constructed(cls, config, who):
    """A subclassed model made of its constructor's arguments, `config` (Keras')."""
    if not isinstance(config, dict):
        raise TypeError(f"{who}: expected its constructor's arguments as a dict, got "
                        f"{_shown(config)}")
    try:
        return cls(**config)
    except TypeError as exc:
        raise TypeError(f"{who}: cannot make a {cls.__name__} of the config's entries "
                        f"{sorted(config)} ({exc}); its get_config() must return its "
                        "constructor's arguments") from None


def _from_keras(config, kind, custom_objects, who):
    """The model of a config (or to_json document) real Keras 3 wrote: a Sequential one as
    a Sequential, a functional one as a functional model, whichever class was asked."""
    if kind is not None:
        kind = "Functional" if "input_layers" in config else "Sequential"
    with _reading(who):
        return KerasConfigReader(custom_objects).model(config, kind)


@contextlib.contextmanager
def _reading(who):
    """Rebuilding from a config: it reads no file it names (a vocabulary's), and a
    malformed one raises a ValueError naming `who` and what was wrong."""
    try:
        with reading_saved_file():
            yield
    except (KeyError, TypeError, ValueError, AttributeError, IndexError,
            RecursionError) as exc:
        raise ValueError(f"{who}: {malformed(exc, 'config')}") from None


def _shown(value, limit=200):
    """`value`'s repr, cut at `limit` characters (a whole model's config is long)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


__all__ = ["model_config", "to_json", "model_from_config", "model_from_json"]
