"""Keras' `keras.initializers` as a module: `from keras.initializers import HeNormal` ports as
`from nn.keras.initializers import HeNormal` (an attribute alone cannot be imported from). It is
nn.initializers, which follows Keras already; every name that exports is exported here."""
from ..initializers import *  # noqa: F403
from ..initializers import __all__  # noqa: F401
