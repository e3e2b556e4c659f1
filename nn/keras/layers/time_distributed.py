"""Keras' TimeDistributed wrapper: one layer applied to every time step of a sequence."""
from autograd.ops import reshape, stack
from autograd.variable import as_variable

from ...module import Module
from ._base import KerasLayer


class TimeDistributed(Module, KerasLayer):
    """`TimeDistributed(Dense(10))` on (N, T, ...) applies the layer to each of the T slices
    (N, ...), with the same weights, giving (N, T, ...): the steps folded into the batch for
    one call, the same numbers; a layer of batch statistics (BatchNormalization) is called
    once per step, as Keras' loop calls it, each step normalized by its own batch (and the
    moving statistics moved T times). A mask (Keras') passes on unchanged."""

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def __init__(self, layer, *, name=None, input_shape=None):
        super().__init__()
        if not isinstance(layer, Module):
            raise TypeError(f"TimeDistributed: layer must be a layer (a Module), got "
                            f"{type(layer).__name__}")
        self.layer = layer
        self._keras_arguments(name, input_shape)

    def forward(self, x):
        x = as_variable(x, who="TimeDistributed")
        if x.ndim < 3:
            raise ValueError(f"{self.who}: expected a sequence (batch, steps, ...), got shape "
                             f"{tuple(x.shape)}")
        batch, steps = x.shape[:2]
        if _batch_statistics(self.layer):
            return stack([self.layer(x[:, t]) for t in range(steps)], axis=1)
        y = self.layer(reshape(x, (batch * steps,) + tuple(x.shape[2:])))
        return reshape(y, (batch, steps) + tuple(y.shape[1:]))

    def get_config(self):
        """The constructor's arguments (Keras' get_config)."""
        return {"layer": self.layer, "name": self.name, "input_shape": self.input_shape}


def _batch_statistics(layer):
    """Whether the layer (or one inside it) normalizes by its batch's statistics: folding
    the steps into the batch would mix them."""
    return any(hasattr(module, "running_mean") or hasattr(module, "moving_mean")
               for module in layer.modules())


__all__ = ["TimeDistributed"]
