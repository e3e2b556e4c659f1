"""Keras' `keras.saving`: save and load a model (nn's `model.save` / `nn.load_model`, which
never execute code: classes and functions are found by name), its weights alone, Keras'
object serialization (nn.keras.serialization) and the registry of one's own classes and
functions (nn.keras.registration). Keras' KerasFileEditor (editing a .keras archive's
weights in place) is not provided.

save_model(model, "m.keras") and save_weights(model, "m.weights.h5") write Keras 3's own
formats, which real Keras loads, for a Sequential or functional model of layers Keras has
(nn.keras.keras_file_writing says which); any other model is written in rungrad's own
format under that name (with a warning naming what Keras lacks), which load_model and
load_weights read all the same."""
from ..layers.config import register
from ..training.saving import load_model
from .registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
)
from .serialization import deserialize_keras_object, serialize_keras_object


def register_keras_serializable(package="Custom", name=None):
    """Keras' decorator: `@keras.saving.register_keras_serializable()` on a class or function
    of one's own makes it saveable and loadable by name, under "package>name" (its
    __qualname__ by default), as nn.register does."""
    def decorate(obj):
        return register(obj, name=f"{package}>{name or obj.__qualname__}")
    return decorate


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """model.save(filepath, overwrite, zipped, **kwargs)."""
    model.save(filepath, overwrite=overwrite, zipped=zipped, **kwargs)


def save_weights(model, filepath, overwrite=True, **kwargs):
    """model.save_weights(filepath, overwrite, **kwargs) (Keras' function form)."""
    model.save_weights(filepath, overwrite=overwrite, **kwargs)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """model.load_weights(filepath, skip_mismatch=..., **kwargs) (Keras' function form)."""
    model.load_weights(filepath, skip_mismatch=skip_mismatch, **kwargs)


__all__ = ["register_keras_serializable", "load_model", "save_model", "save_weights",
           "load_weights", "custom_object_scope", "CustomObjectScope", "get_custom_objects",
           "get_registered_name", "get_registered_object", "serialize_keras_object",
           "deserialize_keras_object"]
