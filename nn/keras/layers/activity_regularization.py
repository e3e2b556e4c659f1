"""Keras' ActivityRegularization: the input passed on unchanged, its L1/L2 penalty added to
the loss that fit minimizes (the layer's `losses`, the model's `model.losses`): as in Keras 3,
a layer whose activity_regularizer is that L1L2 (nn.activity_regularizer)."""
from autograd.variable import as_variable

from ... import regularizers
from ...activity_regularizer import ActivityRegularized
from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer


class ActivityRegularization(ActivityRegularized, Module, KerasLayer):
    """y = x; each call's penalty (l1 sum |x| + l2 sum x^2) / batch size (Keras': per sample)
    is in the layer's `losses` for the current top-level call (every call of a shared layer;
    none once the model is called without it: nn.call_losses), and fit and evaluate add it
    to the loss."""

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def __init__(self, l1=0.0, l2=0.0, *, name=None, input_shape=None):
        super().__init__()
        self._set_activity_regularizer(regularizers.L1L2(l1, l2))
        self._keras_arguments(name, input_shape)

    l1 = property(lambda self: self.activity_regularizer.l1, doc="the L1 factor")
    l2 = property(lambda self: self.activity_regularizer.l2, doc="the L2 factor")

    def forward(self, x):
        return as_variable(x, who=self.who)

    get_config = init_config  # Keras' get_config: the constructor's arguments


__all__ = ["ActivityRegularization"]
