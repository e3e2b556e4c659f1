"""Layers: one file per kind. One import line per file, so new files append easily."""
from .activation import (
    ELU,
    GELU,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    PReLU,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Tanh,
)
from .dropout import Dropout
from .flatten import Flatten, Unflatten
from .lambda_layer import Lambda
from .linear import Dense, LazyLinear, Linear

__all__ = ["ELU", "GELU", "LeakyReLU", "LogSoftmax", "ReLU", "Sigmoid", "Softmax", "Softplus",
           "Tanh", "SiLU", "LogSigmoid", "Hardtanh", "Softmin", "PReLU", "Dropout", "Flatten",
           "Unflatten", "Dense", "LazyLinear", "Linear", "Lambda"]
