"""Keras' optimizers (`keras.optimizers.Adam(learning_rate=1e-3)`): Keras' argument names and
defaults, made as optim's optimizers (PyTorch's update rules, which are Keras' too, with
Keras' epsilon placement where the two differ noted on each)."""
import optim  # noqa: F401  (the optimizers below are made from it)

__all__ = []
