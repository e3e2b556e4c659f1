"""Keras' activation layers, with Keras' arguments and defaults: Softmax(axis), ReLU
(max_value, negative_slope, threshold), LeakyReLU (negative_slope 0.3, Keras'; PyTorch's is
0.01) and ELU."""
import numpy as np

from autograd.ops import clip, greater, where
from autograd.variable import as_variable

from ... import functional as F
from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer


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
        """With Keras' mask (True where an entry counts, broadcasting over x), the masked
        entries get 1e9 less (Keras' large negative), so probability 0."""
        if mask is not None:
            x = as_variable(x, who="Softmax")
            x = x + masked_out(as_variable(mask, who="Softmax: the mask"), x.dtype)
        return F.softmax(x, axis=self.axis)


def masked_out(mask, dtype):
    """0 where the boolean `mask` holds, else Keras' large negative of `dtype` (-1e9, -3e4
    for float16): added to scores before a softmax, a masked entry gets probability 0."""
    hidden = -3e4 if dtype == np.float16 else -1e9
    return where(mask.astype(bool), as_variable(np.zeros((), dtype)),
                 as_variable(np.asarray(hidden, dtype)))


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

    def __init__(self, negative_slope=0.3, *, name=None, input_shape=None):
        super().__init__(name, input_shape)
        self.negative_slope = negative_slope

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
