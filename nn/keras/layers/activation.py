"""Keras' activation layers, with Keras' arguments and defaults: Softmax(axis), ReLU
(max_value, negative_slope, threshold), LeakyReLU (negative_slope 0.3, Keras'; PyTorch's is
0.01) and ELU."""

import numpy as np

from autograd.ops import clip, greater, where
from autograd.user_warnings import user_warning
from autograd.variable import as_variable

from ... import functional as F
from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer, scalar_like


class _Activation(Module, KerasLayer):
    """A parameterless Keras activation layer: name= and input_shape=, saved by config."""

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def __init__(self, name=None, input_shape=None):
        super().__init__()
        self._keras_arguments(name, input_shape)

    get_config = init_config  # Keras' get_config: the constructor's arguments


class Softmax(_Activation):
    """softmax over `axis` (the last by default): what turns a model's logits into
    probabilities (`keras.Sequential([model, layers.Softmax()])`)."""

    def __init__(self, axis=-1, *, name=None, input_shape=None):
        super().__init__(name, input_shape)
        self.axis = axis

    def forward(self, x, mask=None):
        """With Keras' mask (True, or above 0.5, where an entry counts; broadcasting over
        x), as Keras 3's: the masked entries get Keras' large negative before the softmax
        (probability 0) and 0 after it, so an axis masked whole gives zeros, not 1/n each."""
        if mask is None:
            return F.softmax(x, axis=self.axis)
        x = as_variable(x, who="Softmax")
        counts = as_variable(mask, who="Softmax: the mask")
        if counts.dtype != bool:
            counts = greater(counts, 0.5)
        zero = scalar_like(0.0, x.dtype, x)
        kept = where(counts, x, scalar_like(_large_negative(x.dtype), x.dtype, x))
        return where(counts, F.softmax(kept, axis=self.axis), zero)


def _large_negative(dtype):
    """Keras' large negative of `dtype` for masked scores: -1e9, -3e4 for float16."""
    return -3e4 if dtype == np.float16 else -1e9


def masked_out(mask, dtype, hidden=None):
    """0 where the boolean `mask` holds, else `hidden` (Keras' large negative of `dtype` by
    default): added to scores before a softmax, a masked entry gets probability 0."""
    hidden = _large_negative(dtype) if hidden is None else hidden
    return where(mask.astype(bool), scalar_like(0.0, dtype, mask),
                 scalar_like(hidden, dtype, mask))


class ReLU(_Activation):
    """Keras' ReLU: x where x > threshold (at most max_value), negative_slope (x -
    threshold) elsewhere (at x = threshold 0, as Keras computes it; its docstring's
    `threshold <= x` says otherwise)."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, *, name=None,
                 input_shape=None):
        super().__init__(name, input_shape)
        if max_value is not None and max_value < 0:
            raise ValueError(f"ReLU: max_value must be >= 0, got {max_value!r}")
        if negative_slope < 0:
            raise ValueError(f"ReLU: negative_slope must be >= 0, got {negative_slope!r}")
        if threshold < 0:
            raise ValueError(f"ReLU: threshold must be >= 0, got {threshold!r}")
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def forward(self, x):
        x = self._input(x, range(0, 33), "(...)")
        if self.threshold == 0 and self.negative_slope == 0:
            y = F.relu(x)
        else:
            y = where(greater(x, self.threshold), x,  # (an op: a captured step
                      (x - self.threshold) * self.negative_slope)  # compares each batch)
        return y if self.max_value is None else clip(y, None, self.max_value)


class LeakyReLU(_Activation):
    """x for x >= 0, negative_slope x below (Keras' default slope 0.3)."""

    def __init__(self, negative_slope=0.3, *, name=None, input_shape=None, alpha=None):
        super().__init__(name, input_shape)
        if alpha is not None:  # (tf.keras 2's name, which Keras 3 takes with this warning)
            user_warning("LeakyReLU: argument `alpha` is deprecated. Use `negative_slope` "
                         "instead.", UserWarning)
            negative_slope = alpha
        self.negative_slope = negative_slope

    def get_config(self):
        config = init_config(self, alpha=None)
        del config["alpha"]  # (negative_slope holds it)
        return config

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)


class ELU(_Activation):
    """x for x > 0, alpha (e^x - 1) below."""

    def __init__(self, alpha=1.0, *, name=None, input_shape=None):
        super().__init__(name, input_shape)
        self.alpha = alpha

    def forward(self, x):
        return F.elu(x, self.alpha)


__all__ = ["Softmax", "ReLU", "LeakyReLU", "ELU"]
