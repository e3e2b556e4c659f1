"""rungrad.nn: modules, layers, losses and the training loop.

One import line per file below, so layers from different files can be appended easily.
Heavier or optional submodules load on first attribute access (see `__getattr__`).
"""
import importlib

from . import functional, init
from .layers.activation import (ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax,
                                Softplus, Tanh)
from .layers.dropout import Dropout
from .layers.flatten import Flatten
from .layers.linear import Dense, Linear
from .layers.conv import Conv2d
from .layers.embedding import Embedding
from .layers.normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from .layers.pooling import AvgPool2d, MaxPool2d
from .layers.rnn import GRU, LSTM, RNN
from .layers.rnn_cells import GRUCell, LSTMCell, RNNCell
from .losses import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss,
                     NLLLoss)
from .containers import ModuleList
from .module import Module
from .model import Model
from .sequential import Sequential

# Submodules loaded on first use (`nn.data`, `nn.metrics`, ...): `import nn` stays fast,
# and one that is missing or broken fails only when it is used.
_LAZY_SUBMODULES = ("data", "datasets", "metrics", "callbacks", "model")


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'nn' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_SUBMODULES))
