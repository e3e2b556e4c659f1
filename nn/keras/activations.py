"""Keras' activations (`keras.activations.relu`, `get('relu')`): the functions the layers'
`activation=` names stand for, nn.functional's."""
from ..layers.activation import ACTIVATIONS, resolve_activation


def linear(x):
    """Keras' linear activation: x itself."""
    return x


def get(identifier):
    """The activation function for a name ('relu', 'softmax', ...), `linear` for 'linear'
    and None (Keras'), or the callable given."""
    return resolve_activation(identifier, "keras.activations.get")[1] or linear


def __getattr__(name):
    if name in ACTIVATIONS and ACTIVATIONS[name] is not None:
        return ACTIVATIONS[name]
    raise AttributeError(f"module 'nn.keras.activations' has no activation {name!r}; the "
                         f"names are {', '.join(sorted(ACTIVATIONS))}")


def __dir__():
    return sorted(set(ACTIVATIONS) | {"get", "linear"})


__all__ = ["get"]
