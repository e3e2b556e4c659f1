"""Dropout layers: elementwise, channel-wise (1d, 2d, 3d) and alpha dropout."""
import numpy as np

from autograd.arguments import probability

from ..functional.channel_dropout import (
    alpha_dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
)
from ..functional.dropout import Dropout as DropoutOp
from ..functional.dropout import _dropped, dropout
from ..module import Module
from .config import init_config
from .keras_name import KerasNamed


class Dropout(Module, KerasNamed):
    """Inverted dropout with probability `p`; active only while the module's `.training` is
    True: not after `.eval()`, and not inside `autograd.test_mode()` (in that thread).
    Keras' `rate=` is p, and `name=` names the layer in its Sequential; Keras' `noise_shape`
    (the mask's shape, None for the input's size there: (None, 1, F) drops a sample's
    features at every step alike) and `seed` (a generator of the layer's own) too.
    PyTorch's `inplace` is accepted and changes nothing: rungrad never writes into its
    input (a new array comes back), as for nn.ReLU."""

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def __init__(self, p=0.5, inplace=False, *, rate=None, noise_shape=None, seed=None,
                 name=None):
        super().__init__()
        if rate is not None:  # Keras' name, Dropout(rate=0.3)
            if p not in (0.5, rate):
                raise ValueError(f"Dropout: p={p} and rate={rate} disagree; give one of them")
            p = rate
        self.p, self.inplace = probability(p, "p", "Dropout"), inplace
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.generator = None if seed is None else np.random.default_rng(seed)
        self._set_name(name)

    @property
    def rate(self):
        """Keras' name for p (settable, as Keras' attribute is; checked as p is)."""
        return self.p

    @rate.setter
    def rate(self, value):
        self.p = probability(value, "rate", "Dropout")

    op = DropoutOp  # the Function that drops (p, generator, mask shape)

    def forward(self, x):
        if self.noise_shape is None and self.generator is None and self.op is DropoutOp:
            return dropout(x, self.p, training=self.training)  # test_mode() is in it
        return _dropped(x, self.p, self.training, type(self).__name__, lambda p: self.op(
            p, self.generator, self._mask_shape(np.shape(x))))

    def _mask_shape(self, shape):
        """noise_shape with its None sizes the input's, checked to broadcast over it."""
        if self.noise_shape is None:
            return None
        if len(self.noise_shape) != len(shape) or any(
                n is not None and n not in (1, size) for n, size in zip(self.noise_shape, shape)):
            raise ValueError(f"{type(self).__name__}: noise_shape {self.noise_shape} does not "
                             f"broadcast over an input of shape {tuple(shape)}")
        return tuple(size if n is None else n for n, size in zip(self.noise_shape, shape))

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class _DropoutKind(Module):
    """A dropout of PyTorch's kinds (`function`: p, training): active only while the
    module's `.training` is True, as Dropout. `inplace` changes nothing (a new array comes
    back)."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p, self.inplace = probability(p, "p", type(self).__name__), inplace

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def forward(self, x):
        return type(self).function(x, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_DropoutKind):
    """Zeroes whole channels of x (N, C, L) or (C, L) with probability p."""

    function = dropout1d


class Dropout2d(_DropoutKind):
    """Zeroes whole channels of x (N, C, H, W) with probability p (PyTorch's rank rules)."""

    function = dropout2d


class Dropout3d(_DropoutKind):
    """Zeroes whole channels of x (N, C, D, H, W) or (C, D, H, W) with probability p."""

    function = dropout3d


class AlphaDropout(_DropoutKind):
    """Alpha dropout, keeping the mean 0 and the variance 1 of SELU's activations."""

    function = alpha_dropout


class FeatureAlphaDropout(_DropoutKind):
    """Alpha dropout of whole channels of x (N, C, *), keeping SELU's mean 0 and variance 1."""

    function = feature_alpha_dropout


__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
           "FeatureAlphaDropout"]
