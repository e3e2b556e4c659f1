"""rungrad.nn: modules, layers, losses and (in nn.training) Keras' training loop.

One import line per file below, so layers from different files can be appended easily.
Heavier or optional submodules, and the training layer (`nn.Model`, `nn.Sequential`,
`nn.callbacks`, which bring in optim), load on first attribute access (see `__getattr__`).
"""
import importlib

from . import functional, init
from .containers import ModuleList
from .layers.activation import (
    ELU,
    GELU,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from .layers.conv import Conv2d
from .layers.dropout import Dropout
from .layers.embedding import Embedding
from .layers.flatten import Flatten
from .layers.linear import Dense, LazyLinear, Linear
from .layers.normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from .layers.pooling import AvgPool2d, MaxPool2d
from .layers.rnn import GRU, LSTM, RNN
from .layers.rnn_cells import GRUCell, LSTMCell, RNNCell
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
)
from .module import Module

__all__ = [  # what `import nn` loads; the lazy names below are left out of `import *`
    "functional", "init", "Module", "ModuleList",
    "Linear", "LazyLinear", "Dense", "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten", "Dropout",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding", "RNN", "LSTM", "GRU", "RNNCell",
    "LSTMCell", "GRUCell", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "ELU",
    "GELU", "Softplus", "MSELoss", "L1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
    "BCEWithLogitsLoss",
]

# Loaded on first use (`nn.data`, `nn.Model`, ...): `import nn` stays fast and leaves optim
# out, and a submodule that is missing or broken fails only when it is used.
_LAZY_SUBMODULES = ("data", "datasets", "metrics", "callbacks", "training")
_LAZY_NAMES = {"Model": "training.model", "Sequential": "training.sequential"}


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    elif name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY_NAMES[name]}"), name)
    else:
        raise AttributeError(f"module 'nn' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY_SUBMODULES) | set(_LAZY_NAMES))
