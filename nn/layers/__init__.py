"""Layers: one file per kind. One import line per file, so new files append easily."""
from .activation import (
    ELU,
    GELU,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Tanh,
)
from .dropout import Dropout
from .flatten import Flatten
from .lambda_layer import Lambda
from .linear import Dense, LazyLinear, Linear

__all__ = ["ELU", "GELU", "LeakyReLU", "LogSoftmax", "ReLU", "Sigmoid", "Softmax", "Softplus",
           "Tanh", "SiLU", "LogSigmoid", "Hardtanh", "Softmin", "Dropout", "Flatten", "Dense",
           "LazyLinear", "Linear", "Lambda"]
