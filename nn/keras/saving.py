"""Keras' `keras.saving`: save and load a model (nn's `model.save` / `nn.load_model`, which
never execute code: classes and functions are found by name), and Keras' decorator to make
one's own class or function known by name."""
from ..layers.config import custom_object_scope, register
from ..training.saving import load_model


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


__all__ = ["register_keras_serializable", "load_model", "save_model", "custom_object_scope"]
