"""Keras' `keras.regularizers` as a module: `from keras.regularizers import l2` ports as
`from nn.keras.regularizers import l2` (an attribute alone cannot be imported from). It is
nn.regularizers, which follows Keras already; every name that exports is exported here."""
from ..regularizers import *  # noqa: F403
from ..regularizers import __all__  # noqa: F401
