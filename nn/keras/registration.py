"""Keras' registry of one's own classes and functions (`keras.saving.get_custom_objects`,
`get_registered_name`, `get_registered_object`, `CustomObjectScope`): rungrad's registry
and scopes (nn.layers.config), the ones load_model and deserialize_keras_object read."""
from ..layers.config import custom_object_scope as _scope
from ..layers.config import lookup_custom, registered_key, registered_objects


def get_custom_objects():
    """The registry, {name: object}, as Keras': the dict itself, so that
    `get_custom_objects()["MyLayer"] = MyLayer` registers MyLayer."""
    return registered_objects()


def get_registered_name(obj):
    """The name `obj` is registered under ("package>name"), else its __name__."""
    key = registered_key(obj)
    return obj.__name__ if key is None else key


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The class or function of `name`: from custom_objects, a CustomObjectScope under
    way, the registry, then module_objects; None where none has it (Keras': nn.keras'
    own classes are not in the registry)."""
    found = lookup_custom(name, custom_objects)
    return found if found is not None else (module_objects or {}).get(name)


class CustomObjectScope:
    """`with CustomObjectScope({"MyLayer": MyLayer}):` the objects given are found by name
    (by load_model, deserialize_keras_object, get_registered_object), in this thread, until
    the block ends; several dicts may be given (Keras')."""

    def __init__(self, *custom_objects):
        self.custom_objects = {}
        for table in custom_objects:
            if table is not None and not isinstance(table, dict):
                raise TypeError(f"CustomObjectScope: expected dicts {{name: object}}, got "
                                f"{table!r}")
            self.custom_objects.update(table or {})
        self._active = None

    def __enter__(self):
        self._active = _scope(self.custom_objects)
        self._active.__enter__()
        return self

    def __exit__(self, *exc_info):
        active, self._active = self._active, None
        return active.__exit__(*exc_info)


custom_object_scope = CustomObjectScope  # (Keras' other name for it)

__all__ = ["get_custom_objects", "get_registered_name", "get_registered_object",
           "CustomObjectScope", "custom_object_scope"]
