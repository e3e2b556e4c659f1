"""Keras' `keras.models`: Sequential, Model, load_model, save_model, clone_model and
model_from_json (nn's own, as nn.keras has them)."""
from ..training.clone import clone_model
from ..training.keras_config import model_from_json
from ..training.model import Model
from ..training.saving import load_model
from ..training.sequential import Sequential
from .saving import save_model

__all__ = ["Sequential", "Model", "load_model", "save_model", "clone_model", "model_from_json"]
