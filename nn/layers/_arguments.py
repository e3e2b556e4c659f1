"""Checks of layer constructor arguments, shared by the layers."""
import numpy as np


def positive_int(value, what, owner):
    """`value` as an int, or a ValueError naming the layer and the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{owner}: {what} must be a positive int, got {value!r}")
    return int(value)
