"""Keras' `keras.initializers` as a module: `from keras.initializers import HeNormal` ports as
`from nn.keras.initializers import HeNormal` (an attribute alone cannot be imported from). It is
nn.initializers, which follows Keras already; every name that exports is exported here, with
Keras' lower-case names (which in Keras 3 are the classes themselves: `glorot_uniform is
GlorotUniform`) and Keras' serialize / deserialize."""
from ..initializers import *  # noqa: F403
from ..initializers import __all__ as _own_names
from ..stft_initializer import STFT, STFTInitializer, stft  # noqa: F401
from .serialization import module_functions

constant, zeros, ones, identity = Constant, Zeros, Ones, Identity  # noqa: F405
glorot_normal, glorot_uniform = GlorotNormal, GlorotUniform  # noqa: F405
he_normal, he_uniform = HeNormal, HeUniform  # noqa: F405
lecun_normal, lecun_uniform = LecunNormal, LecunUniform  # noqa: F405
orthogonal, variance_scaling = Orthogonal, VarianceScaling  # noqa: F405
random_normal, random_uniform = RandomNormal, RandomUniform  # noqa: F405
truncated_normal = TruncatedNormal  # noqa: F405

_ALIASES = ["constant", "zeros", "ones", "identity", "glorot_normal", "glorot_uniform",
            "he_normal", "he_uniform", "lecun_normal", "lecun_uniform", "orthogonal",
            "variance_scaling", "random_normal", "random_uniform", "truncated_normal",
            "STFT", "STFTInitializer", "stft"]

serialize, deserialize = module_functions("initializers", lambda: {
    key: globals()[key] for key in list(_own_names) + _ALIASES
    if isinstance(globals()[key], type) and key != "Initializer"})

__all__ = list(_own_names) + _ALIASES + ["serialize", "deserialize"]
