"""What nn.keras takes from nn as it is: the model and its training loop, which follow
Keras already (compile / fit / evaluate / predict); callbacks, initializers and
regularizers are modules of their own, to be imported from."""
from ..training.model import Model
from ..training.saving import load_model
from ..training.sequential import Sequential
from .functional import Input

__all__ = ["Sequential", "Model", "Input", "load_model"]
