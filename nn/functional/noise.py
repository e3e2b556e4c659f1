"""Gaussian noise as a regularizer while training (Keras' GaussianNoise and GaussianDropout
layers): noise added to, or multiplied into, the activations, drawn at each call from
NumPy's global generator (CuPy's for GPU arrays) or from a generator of the layer's own."""
import math

from autograd.arguments import probability
from autograd.backend import get_array_module
from autograd.config import train_mode
from autograd.function import Function
from autograd.ops.validation import real_scalar
from autograd.spec import Choice, Spec
from autograd.variable import as_variable, wrap

from .dropout import _drawn_from_seed, _dropped


def _standard_normal(x, generator):
    """Standard normal draws of x's shape and (floating) dtype, on x's backend."""
    xp = get_array_module(x)
    draws = (xp.random.standard_normal(x.shape) if generator is None
             else xp.asarray(generator.standard_normal(x.shape)))
    return draws.astype(x.dtype if x.dtype.kind == "f" else "float64", copy=False)


class GaussianNoise(Function):
    """y = x + stddev n, n ~ N(0, 1) drawn at each call (the gradient passes unchanged)"""

    draws_random = True
    input_specs = (Spec(),)
    arg_specs = {"stddev": Choice(0.1, 1.0)}
    apply = staticmethod(lambda x, stddev: _drawn_from_seed(0, lambda: GaussianNoise(stddev)(x)))

    def __init__(self, stddev, generator=None):
        self.stddev, self.generator = stddev, generator

    def forward(self, x):
        return x + self.stddev * _standard_normal(x, self.generator)

    def backward(self, gy):
        return gy


class GaussianDropout(Function):
    """y = x m, m = 1 + sqrt(rate / (1 - rate)) n, n ~ N(0, 1) drawn at each call: noise of
    mean 1 multiplied in, as Keras' GaussianDropout (dy/dx = m)"""

    draws_random = True
    input_specs = (Spec(),)
    arg_specs = {"rate": Choice(0.2, 0.5)}
    apply = staticmethod(lambda x, rate: _drawn_from_seed(0, lambda: GaussianDropout(rate)(x)))

    def __init__(self, rate, generator=None):
        self.rate, self.generator = rate, generator

    def forward(self, x):
        spread = math.sqrt(self.rate / (1.0 - self.rate))
        self.mask = 1 + spread * _standard_normal(x, self.generator)
        return x * self.mask

    def backward(self, gy):
        return gy * wrap(self.mask, False)

    def backward_data(self, gy):
        return gy * self.mask


def gaussian_noise(x, stddev, training=None, generator=None):
    """x plus Gaussian noise of standard deviation `stddev` while training (training None:
    this thread's mode, as dropout's), x itself otherwise. generator: a NumPy Generator to
    draw from (default NumPy's global generator)."""
    stddev = real_scalar(stddev, "stddev", "gaussian_noise")
    if not stddev >= 0:
        raise ValueError(f"gaussian_noise: stddev must be >= 0, got {stddev!r}")
    x = as_variable(x, who="gaussian_noise")
    if not (train_mode.get() if training is None else training) or stddev == 0:
        return x
    return GaussianNoise(stddev, generator)(x)


def gaussian_dropout(x, rate, training=None, generator=None):
    """x times Gaussian noise of mean 1 and variance rate / (1 - rate) while training, x
    itself otherwise (see gaussian_noise)."""
    rate = probability(rate, "rate", "gaussian_dropout")
    if rate == 1:
        raise ValueError("gaussian_dropout: rate must be below 1 (the noise's variance is "
                         "rate / (1 - rate))")
    return _dropped(x, rate, training, "gaussian_dropout",
                    lambda r: GaussianDropout(r, generator))


__all__ = ["gaussian_noise", "gaussian_dropout"]
