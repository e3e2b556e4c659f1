"""Keras' activations (`keras.activations.relu`, `get('relu')`): the functions the layers'
`activation=` names stand for, nn.functional's, with Keras' sparsemax and threshold, and
Keras' serialize / deserialize (a built-in activation by its name)."""
from ..functional.sparsemax import sparsemax, threshold
from ..layers.activation import ACTIVATIONS, resolve_activation
from .serialization import module_functions


def linear(x):
    """Keras' linear activation: x itself."""
    return x


_EXTRA = {"linear": linear, "threshold": threshold}  # (sparsemax: a layer's name too)


def _functions():
    return {**{key: fn for key, fn in ACTIVATIONS.items() if fn is not None}, **_EXTRA}


_serialize, deserialize = module_functions("activations", _functions)


def serialize(activation):
    """Keras': a built-in activation's name ('relu'), else serialize_keras_object's dict (a
    registered function's by its registered name)."""
    config = _serialize(activation)
    name = config.get("config") if isinstance(config, dict) else None
    if config.get("class_name") == "function" and _functions().get(name) is activation:
        return name
    return config


def get(identifier):
    """The activation function for a name ('relu', 'softmax', ...), `linear` for 'linear'
    and None (Keras'), or the callable given."""
    if isinstance(identifier, str) and identifier in _EXTRA:
        return _EXTRA[identifier]
    return resolve_activation(identifier, "keras.activations.get")[1] or linear


def __getattr__(name):
    if name in ACTIVATIONS and ACTIVATIONS[name] is not None:
        return ACTIVATIONS[name]
    raise AttributeError(f"module 'nn.keras.activations' has no activation {name!r}; the "
                         f"names are {', '.join(sorted(_functions()))}")


def __dir__():
    return sorted(set(_functions()) | {"get", "serialize", "deserialize"})


__all__ = ["get", "linear", "sparsemax", "threshold", "serialize", "deserialize"]
