"""Keras' ActivityRegularization: the input passed on unchanged, its L1/L2 penalty added to
the loss that fit minimizes (the layer's `losses`, the model's `model.losses`)."""
from autograd.variable import as_variable

from ... import regularizers
from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer


class ActivityRegularization(Module, KerasLayer):
    """y = x; each call's penalty (l1 sum |x| + l2 sum x^2) / batch size (Keras': per sample)
    is the layer's `losses` until the next call, and fit and evaluate add it to the loss."""

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def __init__(self, l1=0.0, l2=0.0, *, name=None, input_shape=None):
        super().__init__()
        # (get: marks a regularizer in use, so that fit looks for the layers' penalties)
        self._regularizer = regularizers.get(regularizers.L1L2(l1, l2), "ActivityRegularization")
        self._keras_arguments(name, input_shape)
        self._last = None

    l1 = property(lambda self: self._regularizer.l1, doc="the L1 factor")
    l2 = property(lambda self: self._regularizer.l2, doc="the L2 factor")

    def forward(self, x):
        x = as_variable(x, who=self.who)
        self._last = regularizers.activity_penalty(self._regularizer, x)
        return x

    @property
    def losses(self):
        """Keras' layer.losses: the penalty of the last call's input (none before a call)."""
        return self.penalties()

    def penalties(self):
        return [] if self._last is None else [self._last]

    get_config = init_config  # Keras' get_config: the constructor's arguments


__all__ = ["ActivityRegularization"]
