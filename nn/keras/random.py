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
from autograd.ops.elementwise import where
from autograd.ops.sorting import take_along_axis
from autograd.variable import Variable, as_variable

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


def gamma(shape, alpha, dtype=None, seed=None):
    """Keras' random.gamma: Gamma(alpha, scale 1) draws of `shape`."""
    _check_positive("gamma", alpha=alpha)
    return _drawn("gamma", lambda g, s: g.gamma(alpha, 1.0, s), shape, dtype, seed)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Keras' random.beta: Beta(alpha, beta) draws of `shape` (alpha and beta numbers or
    arrays broadcastable to it)."""
    _check_positive("beta", alpha=alpha, beta=beta)
    return _drawn("beta", lambda g, s: g.beta(*np.broadcast_arrays(alpha, beta, np.empty(s))[:2]),
                  shape, dtype, seed)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Keras' random.binomial: the successes in `counts` trials of probability
    `probabilities` (numbers or arrays broadcastable to `shape`), as floats by default."""
    p = np.asarray(probabilities, dtype=float)
    if np.any((p < 0) | (p > 1)) or np.any(np.asarray(counts) < 0):
        raise ValueError(f"keras.random.binomial: counts must be >= 0 and probabilities in "
                         f"[0, 1], got counts={counts!r}, probabilities={probabilities!r}")
    return _drawn("binomial", lambda g, s: g.binomial(*np.broadcast_arrays(
        np.asarray(counts, dtype=np.int64), p, np.empty(s))[:2]), shape, dtype, seed)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Keras' random.categorical: `num_samples` class indices per row of the 2-D `logits`
    (batch, classes; unnormalized log-probabilities), drawn with replacement."""
    logits = np.asarray(logits.data if isinstance(logits, Variable) else logits,
                        dtype=np.float64)
    if logits.ndim != 2:
        raise ValueError(f"keras.random.categorical: logits must be 2-D (batch_size, "
                         f"num_classes), got shape {logits.shape}")
    probs = np.exp(logits - logits.max(axis=-1, keepdims=True))
    cumulative = np.cumsum(probs / probs.sum(axis=-1, keepdims=True), axis=-1)

    def draw(generator, size):
        u = generator.random(size)[..., None]  # inverse CDF, one row per batch entry
        found = (u >= cumulative[:, None, :]).sum(axis=-1)
        return np.minimum(found, logits.shape[-1] - 1)  # (u past a rounded-down total)
    return _drawn("categorical", draw, (logits.shape[0], int(num_samples)), dtype, seed,
                  default="int32")


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Keras' random.dropout: each entry (or each of noise_shape's, broadcast; None in it is
    the input's size) zeroed with probability `rate`, the others divided by 1 - rate;
    differentiable in `inputs`."""
    x = as_variable(inputs, who="keras.random.dropout")
    if not 0 <= rate <= 1:
        raise ValueError(f"keras.random.dropout: rate must be in [0, 1], got {rate!r}")
    if rate == 0:
        return x
    keep = 1.0 - rate
    shape = x.shape if noise_shape is None else tuple(
        n if m is None else m for n, m in zip(x.shape, noise_shape))
    kept = _drawn("dropout", lambda g, s: g.random(s) < keep, shape, "bool", seed)
    # Keras' where(mask, x / keep, 0): x / keep exactly, 0 even where x is inf or NaN
    return where(kept, x if rate == 1 else x / keep, 0.0)


def shuffle(x, axis=0, seed=None):
    """Keras' random.shuffle: x with its entries along `axis` permuted at random, each
    position of the axes before it with a permutation of its own (Keras'); differentiable."""
    x = as_variable(x, who="keras.random.shuffle")
    if x.ndim == 0 or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"keras.random.shuffle: axis {axis} is out of range for an input of "
                         f"shape {x.shape}")
    axis %= x.ndim

    def draw(generator, size):
        order = generator.random(x.shape[:axis + 1]).argsort(axis=axis)
        return np.broadcast_to(order.reshape(order.shape + (1,) * (x.ndim - axis - 1)), size)
    order = _drawn("shuffle", draw, x.shape, "int64", seed)
    return take_along_axis(x, order, axis)


def _check_positive(who, **values):
    for name, value in values.items():
        if np.any(np.asarray(value, dtype=float) <= 0):
            raise ValueError(f"keras.random.{who}: {name} must be > 0, got {value!r}")


__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal",
           "randint", "shuffle", "truncated_normal", "uniform"]
