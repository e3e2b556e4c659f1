"""Keras' `keras.callbacks` as a module: `from keras.callbacks import EarlyStopping` ports as
`from nn.keras.callbacks import EarlyStopping` (an attribute alone cannot be imported from). It is
nn.callbacks, which follows Keras already; every name that exports is exported here."""
from ..callbacks import *  # noqa: F403
from ..callbacks import __all__  # noqa: F401

# Keras callbacks rungrad has no counterpart of, named with what to do instead
_MISSING = {}


def __getattr__(name):
    if name in _MISSING:
        raise AttributeError(f"nn.keras.callbacks has no {name}: {_MISSING[name]}")
    raise AttributeError(f"module 'nn.keras.callbacks' has no attribute {name!r}")
