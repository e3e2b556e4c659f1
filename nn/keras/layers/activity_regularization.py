"""Keras' ActivityRegularization: the input passed on unchanged, its L1/L2 penalty added to
the loss that fit minimizes (the layer's `losses`, the model's `model.losses`)."""
from autograd.variable import as_variable

from ... import regularizers
from ...call_losses import CallLosses, top_level_call
from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer


class ActivityRegularization(Module, KerasLayer):
    """y = x; each call's penalty (l1 sum |x| + l2 sum x^2) / batch size (Keras': per sample)
    is in the layer's `losses` for the current top-level call (every call of a shared layer;
    none once the model is called without it: nn.call_losses), and fit and evaluate add it
    to the loss."""

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)
    adds_call_losses = True  # its penalties are its calls' (evaluate reads them per batch)

    def __init__(self, l1=0.0, l2=0.0, *, name=None, input_shape=None):
        super().__init__()
        # (get: marks a regularizer in use, so that fit looks for the layers' penalties)
        self._regularizer = regularizers.get(regularizers.L1L2(l1, l2), "ActivityRegularization")
        self._keras_arguments(name, input_shape)
        self._call_losses = CallLosses()

    l1 = property(lambda self: self._regularizer.l1, doc="the L1 factor")
    l2 = property(lambda self: self._regularizer.l2, doc="the L2 factor")

    def forward(self, x):
        x = as_variable(x, who=self.who)
        with top_level_call():  # (called on its own, the layer's call is the top-level one)
            self._call_losses.add(regularizers.activity_penalty(self._regularizer, x))
        return x

    @property
    def losses(self):
        """Keras' layer.losses: the penalties of its calls in the current top-level call."""
        return self.penalties()

    def penalties(self):
        return self._call_losses.current()

    get_config = init_config  # Keras' get_config: the constructor's arguments


__all__ = ["ActivityRegularization"]
