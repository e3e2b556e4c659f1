"""Keras 3's `keras.random`: draws for a layer's call (a VAE's sampling, noise), with Keras'
arguments; NumPy's values, not Keras'.

The values are NumPy's, made on the array module of the latest model call's inputs (a
CuPy array for a model on the GPU). `seed` as Keras takes it:
- None: NumPy's global generator (np.random.seed sets it), new values at each call;
- an int: the same values at every call (Keras' stateless draw);
- a SeedGenerator: its own generator, new values at each call, reproducible from its seed
  (one made without a seed takes it from NumPy's global state: keras.utils.set_random_seed
  makes it reproducible, as Keras' does).
Each draw is an op with no inputs, so a captured step (jit_compile) draws anew at every
replay rather than repeating the values of its recording.
"""
from numbers import Integral

import numpy as np

from autograd.function import Function

from ..call_losses import call_array_module


class SeedGenerator:
    """Keras' SeedGenerator: a generator of its own for the draws given it as `seed`
    (`seed`: an int for reproducible draws, None for fresh entropy)."""

    def __init__(self, seed=None, name=None):
        if seed is not None and not _is_int(seed):
            raise TypeError(f"SeedGenerator: seed must be an int or None, got {seed!r}")
        if seed is None:
            seed = int(np.random.randint(0, 2 ** 31 - 1))
        self.seed, self.name = int(seed), name
        self.generator = np.random.default_rng(self.seed)


class _Draw(Function):
    """Random values of `shape` from `draw(generator, shape)` (a new generator from an int
    seed at each call, SeedGenerator's own, or NumPy's global one for None); no inputs,
    no gradient."""

    def __init__(self, draw, shape, dtype, seed):
        self.draw, self.shape, self.dtype, self.seed = draw, shape, dtype, seed
        self.draws_random = seed is None  # (NumPy's global generator, as dropout's)
        # the array module of the call that made it: a captured step's replay runs no call
        self.xp = call_array_module()

    def forward(self):
        if isinstance(self.seed, SeedGenerator):
            generator = self.seed.generator
        elif self.seed is None:  # (seeded from NumPy's global state: np.random.seed sets it)
            generator = np.random.default_rng(np.random.randint(0, 2 ** 63 - 1, dtype=np.int64))
        else:
            generator = np.random.default_rng(self.seed)
        drawn = np.asarray(self.draw(generator, self.shape), dtype=self.dtype)
        return drawn if self.xp is np else self.xp.asarray(drawn)


def _is_int(value):
    return isinstance(value, Integral) and not isinstance(value, bool)


def _drawn(who, draw, shape, dtype, seed, default="float32"):
    if seed is not None and not isinstance(seed, SeedGenerator) and not _is_int(seed):
        raise TypeError(f"keras.random.{who}: seed must be None, an int or a SeedGenerator, "
                        f"got {seed!r}")
    shape = (int(shape),) if _is_int(shape) else tuple(int(n) for n in shape)
    return _Draw(draw, shape, np.dtype(dtype or default), None if seed is None else (
        seed if isinstance(seed, SeedGenerator) else int(seed)))()


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Keras' random.normal: N(mean, stddev^2) draws of `shape` (float32 by default)."""
    return _drawn("normal", lambda g, s: g.normal(mean, stddev, s), shape, dtype, seed)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Keras' random.uniform: draws from [minval, maxval) of `shape`."""
    return _drawn("uniform", lambda g, s: g.uniform(minval, maxval, s), shape, dtype, seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Keras' random.truncated_normal: N(mean, stddev^2) draws, those beyond two standard
    deviations drawn again."""
    def draw(generator, size):
        values = generator.normal(0.0, 1.0, size)
        outside = np.abs(values) > 2
        while outside.any():
            values[outside] = generator.normal(0.0, 1.0, int(outside.sum()))
            outside = np.abs(values) > 2
        return mean + stddev * values
    return _drawn("truncated_normal", draw, shape, dtype, seed)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Keras' random.randint: integers from [minval, maxval) of `shape`."""
    return _drawn("randint", lambda g, s: g.integers(minval, maxval, s), shape, dtype, seed,
                  default="int32")


__all__ = ["SeedGenerator", "normal", "randint", "truncated_normal", "uniform"]
