"""Keras 3's `keras.optimizers.OptimizerMap(default_optimizer, optimizer_map=None)`: which
optimizer updates a variable, by its path ('sequential/dense/kernel'). A key matches a path
that equals it, else one it matches whole as a regular expression (re.fullmatch: a layer's
variables are 'sequential/dense/.*'); two matching expressions are an error, none the
default optimizer. MultiOptimizer asks it (`optimizer_map(variable)`)."""
import re
from collections.abc import MutableMapping


class OptimizerMap(MutableMapping):
    """{path or regular expression: Keras optimizer}, with a default for the other paths."""

    def __init__(self, default_optimizer, optimizer_map=None):
        if not _is_keras_optimizer(default_optimizer):
            raise TypeError("OptimizerMap: default_optimizer must be a Keras optimizer "
                            f"(keras.optimizers.*), got {type(default_optimizer).__name__}")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError("OptimizerMap: optimizer_map must be a dict {path or regular "
                            f"expression: optimizer}}, got {type(optimizer_map).__name__}")
        self._default_optimizer = default_optimizer
        self._optimizer_map = {}
        for key, optimizer in (optimizer_map or {}).items():
            self[key] = optimizer

    @property
    def default_optimizer(self):
        return self._default_optimizer

    def __getitem__(self, key):
        """The optimizer of path `key`: its own entry, else the one entry whose regular
        expression matches it whole, else the default optimizer."""
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matching = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matching) > 1:
            raise ValueError(f"OptimizerMap: the path {key!r} matches more than one key "
                             f"{matching}: give each variable one optimizer")
        return self._optimizer_map[matching[0]] if matching else self._default_optimizer

    def __setitem__(self, key, optimizer):
        if key in self._optimizer_map:
            raise ValueError(f"OptimizerMap: the key {key!r} already has an optimizer "
                             f"({self._optimizer_map[key].name}); each key once")
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap: a key is a path or a regular expression (a "
                             f"string), got {key!r}")
        check_inner_optimizer(optimizer, f"OptimizerMap[{key!r}]")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        """The optimizer of `variable`, by its Keras path."""
        path = getattr(variable, "path", None)
        if not isinstance(path, str):
            raise ValueError(f"OptimizerMap: a variable of shape {tuple(variable.shape)} has "
                             "no Keras path (it is not a Keras layer's weight): map such "
                             "variables with a function of the variable instead")
        return self[path]

    def get_config(self):
        from ..serialization import serialize_keras_object
        return {"default_optimizer": serialize_keras_object(self._default_optimizer),
                "optimizer_map": serialize_keras_object(self._optimizer_map)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..serialization import deserialize_keras_object
        return cls(*(deserialize_keras_object(config[key], custom_objects)
                     for key in ("default_optimizer", "optimizer_map")))


def _is_keras_optimizer(obj):
    from .custom import Optimizer  # (Keras' base: any Keras optimizer is one)
    return isinstance(obj, Optimizer)


def check_inner_optimizer(optimizer, who):
    """Refuse what cannot update a share of a MultiOptimizer's variables: anything but a
    Keras optimizer, a LossScaleOptimizer or a MultiOptimizer (Keras' rules)."""
    from . import LossScaleOptimizer
    from .multi_optimizer import MultiOptimizer
    if not _is_keras_optimizer(optimizer):
        raise ValueError(f"{who}: the optimizer must be a Keras optimizer "
                         f"(keras.optimizers.*), got {type(optimizer).__name__}")
    for refused in (LossScaleOptimizer, MultiOptimizer):
        if isinstance(optimizer, refused):
            raise ValueError(f"{who}: the optimizer cannot be a {refused.__name__} (Keras' "
                             "rule)")


__all__ = ["OptimizerMap", "check_inner_optimizer"]
