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
from autograd.variable import as_variable

from .dropout import Dropout, _drawn_from_seed


def checked_stddev(stddev, who):
    """`stddev` as a float, refused where it is not a number >= 0."""
    stddev = real_scalar(stddev, "stddev", who)
    if not stddev >= 0:
        raise ValueError(f"{who}: stddev must be >= 0, got {stddev!r}")
    return stddev


def checked_rate(rate, who):
    """`rate` as a probability below 1 (the noise's variance is rate / (1 - rate))."""
    rate = probability(rate, "rate", who)
    if rate == 1:
        raise ValueError(f"{who}: rate must be below 1 (the noise's variance is "
                         "rate / (1 - rate))")
    return rate


class _Drawing:
    """Mixin: `generator`, a NumPy Generator of the op's own, or None for the backend's
    global one; only the latter's draws are the op's `draws_random` (a captured step
    accounts for them)."""

    def _use(self, generator):
        self.generator = generator
        self.draws_random = generator is None

    def _standard_normal(self, x):
        """Standard normal draws of x's shape and (floating) dtype, on x's backend."""
        xp = get_array_module(x)
        draws = (xp.random.standard_normal(x.shape) if self.generator is None
                 else xp.asarray(self.generator.standard_normal(x.shape)))
        return draws.astype(x.dtype if x.dtype.kind == "f" else "float64", copy=False)


class GaussianNoise(_Drawing, Function):
    """y = x + stddev n, n ~ N(0, 1) drawn at each call (the gradient passes unchanged)"""

    draws_random = True
    input_specs = (Spec(),)
    arg_specs = {"stddev": Choice(0.1, 1.0)}
    apply = staticmethod(lambda x, stddev: _drawn_from_seed(0, lambda: GaussianNoise(stddev)(x)))

    def __init__(self, stddev, generator=None):
        self.stddev = stddev
        self._use(generator)

    def forward(self, x):
        return x + self.stddev * self._standard_normal(x)

    def backward(self, gy):
        return gy


class GaussianDropout(_Drawing, Dropout):
    """y = x m, m = 1 + sqrt(p / (1 - p)) n, n ~ N(0, 1) drawn at each call: noise of mean
    1 multiplied in, as Keras' GaussianDropout (dy/dx = m, Dropout's backward)"""

    arg_specs = {"p": Choice(0.2, 0.5)}
    apply = staticmethod(lambda x, p: _drawn_from_seed(0, lambda: GaussianDropout(p)(x)))
    reference = None  # (Dropout's draws a keep-mask; tests check the noise's moments)

    def __init__(self, p, generator=None):
        super().__init__(p)
        self._use(generator)

    def forward(self, x):
        self.mask = 1 + math.sqrt(self.p / (1.0 - self.p)) * self._standard_normal(x)
        return x * self.mask


def _training(training):
    return train_mode.get() if training is None else training


def gaussian_noise(x, stddev, training=None, generator=None):
    """x plus Gaussian noise of standard deviation `stddev` while training (training None:
    this thread's mode, as dropout's), x itself otherwise. generator: a NumPy Generator to
    draw from (default NumPy's global generator)."""
    stddev = checked_stddev(stddev, "gaussian_noise")
    x = as_variable(x, who="gaussian_noise")
    if not _training(training) or stddev == 0:
        return x
    return GaussianNoise(stddev, generator)(x)


def gaussian_dropout(x, rate, training=None, generator=None):
    """x times Gaussian noise of mean 1 and variance rate / (1 - rate) while training, x
    itself otherwise (see gaussian_noise)."""
    rate = checked_rate(rate, "gaussian_dropout")
    x = as_variable(x, who="gaussian_dropout")
    if not _training(training) or rate == 0:
        return x
    return GaussianDropout(rate, generator)(x)


__all__ = ["gaussian_noise", "gaussian_dropout"]
