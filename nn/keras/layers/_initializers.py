"""Keras' weight initializers by name, for the `*_initializer=` arguments of nn.keras.layers.

Each fills a Parameter laid out as Keras lays it out (a kernel is (fan_in, fan_out)), in
place, from NumPy's global generator (nn.init's convention: `np.random.seed` makes a model
reproducible). A callable is Keras' own protocol: `initializer(shape, dtype)` -> an array.
"""
import math

import numpy as np

from autograd.backend import get_array_module

from ... import init


def _fans(param):
    """Keras' fans: (shape[-2] * receptive field, shape[-1] * receptive field)."""
    shape = param.shape
    if len(shape) < 2:
        return (shape[0],) * 2 if shape else (1, 1)
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _glorot_uniform(param):
    fan_in, fan_out = _fans(param)
    limit = math.sqrt(6.0 / max(fan_in + fan_out, 1))
    return init.uniform_(param, -limit, limit)


def _he_uniform(param):
    limit = math.sqrt(6.0 / max(_fans(param)[0], 1))
    return init.uniform_(param, -limit, limit)


def _lecun_uniform(param):
    limit = math.sqrt(3.0 / max(_fans(param)[0], 1))
    return init.uniform_(param, -limit, limit)


INITIALIZERS = {
    "glorot_uniform": _glorot_uniform,
    "he_uniform": _he_uniform,
    "lecun_uniform": _lecun_uniform,
    "orthogonal": init.orthogonal_,
    "zeros": init.zeros_,
    "ones": init.ones_,
    "uniform": lambda p: init.uniform_(p, -0.05, 0.05),  # Keras' RandomUniform()
    "random_uniform": lambda p: init.uniform_(p, -0.05, 0.05),
    "normal": lambda p: init.normal_(p, 0.0, 0.05),  # Keras' RandomNormal()
    "random_normal": lambda p: init.normal_(p, 0.0, 0.05),
}


def check_initializer(value, argument, who):
    """`value` (a name of INITIALIZERS or a callable) as given; a ValueError naming
    `argument` otherwise."""
    if callable(value) or (isinstance(value, str) and value in INITIALIZERS):
        return value
    raise ValueError(f"{who}: unknown {argument} {value!r}; use a callable (shape, dtype) -> "
                     f"array or one of {sorted(INITIALIZERS)}")


def initialize(param, value):
    """Fill `param` by the initializer `value` (checked by check_initializer)."""
    if isinstance(value, str):
        INITIALIZERS[value](param)
        return
    drawn = np.asarray(value(tuple(param.shape), param.dtype))
    if drawn.shape != tuple(param.shape):
        raise ValueError(f"the initializer {value!r} gave an array of shape {drawn.shape} for a "
                         f"weight of shape {tuple(param.shape)}")
    param.data[...] = get_array_module(param.data).asarray(drawn)
    param.bump_version()


__all__ = ["INITIALIZERS", "check_initializer", "initialize"]
