"""nn.callbacks: the public home of Model.fit's callbacks (Keras' `keras.callbacks`).

They are written in nn.training.callbacks; this name keeps `from nn.callbacks import
EarlyStopping` short and loads the training layer only when a callback is asked for. Every
name that package exports is exported here, so the two lists cannot drift apart.
"""
from .training.callbacks import *  # noqa: F403
from .training.callbacks import __all__  # noqa: F401
