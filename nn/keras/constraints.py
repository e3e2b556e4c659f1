"""Keras' `keras.constraints` as a module: `from keras.constraints import MaxNorm` ports as
`from nn.keras.constraints import MaxNorm`. It is nn.constraints, which follows Keras
already; every name that exports is exported here."""
from ..constraints import *  # noqa: F403
from ..constraints import Constraint, __all__  # noqa: F401
