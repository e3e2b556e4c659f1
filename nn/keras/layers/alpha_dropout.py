"""Keras' AlphaDropout: dropout that keeps the mean 0 and the variance 1 of SELU's
activations, for self-normalizing networks (Dense(activation='selu') with 'lecun_normal')."""
from autograd.arguments import probability
from autograd.variable import as_variable

from ...functional.channel_dropout import AlphaDropout as AlphaDropoutOp
from ...layers.dropout import Dropout
from ._base import floating


class AlphaDropout(Dropout):
    """While training, each element is dropped with probability `rate` to SELU's negative
    limit alpha' = -1.7581 and then all are moved by a x + b, a = ((1 - rate)(1 + rate
    alpha'^2))^-1/2, b = -a alpha' rate (PyTorch's alpha dropout); x itself in inference.
    noise_shape and seed as Dropout's (a mask of that shape broadcast over x; a generator
    of the layer's own)."""

    op = AlphaDropoutOp

    def __init__(self, rate, noise_shape=None, seed=None, *, name=None):
        if probability(rate, "rate", "AlphaDropout") == 1:
            raise ValueError("AlphaDropout: rate must be below 1 (the scale a is "
                             "((1 - rate)(1 + rate alpha'^2))^-1/2)")
        super().__init__(rate, noise_shape=noise_shape, seed=seed, name=name)

    def forward(self, x):
        x = as_variable(x, who="AlphaDropout")
        if self.training and self.p > 0:
            x = floating(x)  # (Keras' compute dtype: the moved values are not ints)
        return super().forward(x)

    def extra_repr(self):
        return f"rate={self.p}"


__all__ = ["AlphaDropout"]
