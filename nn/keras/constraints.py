"""Keras' `keras.constraints` as a module: `from keras.constraints import MaxNorm` ports as
`from nn.keras.constraints import MaxNorm`. It is nn.constraints, which follows Keras
already; every name that exports is exported here, but for `serialize`, which is Keras' here
({"module", "class_name", "config", "registered_name"}; nn.constraints.serialize is
model.save's), and Keras' `deserialize`."""
from .. import constraints as _own
from ..constraints import *  # noqa: F403
from ..constraints import Constraint  # noqa: F401
from ..constraints import __all__ as _own_names
from .serialization import module_functions

serialize, deserialize = module_functions("constraints", lambda: {
    key: getattr(_own, key) for key in _own_names
    if isinstance(getattr(_own, key), type) and key != "Constraint"})

__all__ = list(_own_names) + ["deserialize"]
