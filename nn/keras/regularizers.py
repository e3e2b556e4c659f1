"""Keras' `keras.regularizers` as a module: `from keras.regularizers import l2` ports as
`from nn.keras.regularizers import l2` (an attribute alone cannot be imported from). It is
nn.regularizers, which follows Keras already; every name that exports is exported here,
but for `serialize`, which is Keras' here ({"module", "class_name", "config",
"registered_name"}; nn.regularizers.serialize is model.save's), and Keras' `deserialize`."""
from .. import regularizers as _own
from ..regularizers import *  # noqa: F403
from ..regularizers import __all__ as _own_names
from .serialization import module_functions

serialize, deserialize = module_functions("regularizers", lambda: {
    key: getattr(_own, key) for key in _own_names if key[0].isupper() or key in (
        "l1", "l2", "l1_l2", "orthogonal_regularizer")})

__all__ = list(_own_names) + ["deserialize"]
