"""Keras' `activity_regularizer=` of a layer: the regularizer's penalty of each call's output,
per sample (regularizers.activity_penalty), among the layer's call losses (nn.call_losses),
so in the loss fit and evaluate minimize and report. As Keras' base layer, a Keras layer's
call adds it (nn.module's _keras_layer_call: one attribute read for a layer without one); in
a captured step the penalty's ops are recorded with the rest."""
from autograd import Variable
from autograd.capture import python_state_changed

from . import regularizers
from .call_losses import CallLosses, note_call_losses


class ActivityRegularized:
    """Mixin of the Keras layers that take activity_regularizer= (their __init__ calls
    _set_activity_regularizer; settable later as an attribute)."""

    @property
    def activity_regularizer(self):
        """The penalty callable of the outputs (a Regularizer, a function) or None."""
        return self._activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, value):
        self._set_activity_regularizer(value)

    def _set_activity_regularizer(self, value):
        regularizer = regularizers.get(value, type(self).__name__)
        if "_activity_losses" in self.__dict__:  # a captured step recorded the loss without it
            python_state_changed("changed a layer's activity_regularizer")
        self._activity_losses = CallLosses()
        self._activity_regularizer = regularizer
        if regularizer is not None:
            note_call_losses()

    @property
    def adds_call_losses(self):
        """Whether the layer's penalties depend on its calls (evaluate reads them per batch,
        a data-parallel fit weighs them as ActivityRegularization's)."""
        return self._activity_regularizer is not None

    def activity_penalties(self):
        """The penalties of the layer's calls since its latest top-level call (Variables)."""
        return self._activity_losses.current()

    def add_activity_penalties(self, outputs):
        """Record the penalty of each floating-point output of a call (Keras': every output
        tensor); the Keras layer's call runs it inside its top-level call."""
        for y in outputs if isinstance(outputs, (tuple, list)) else (outputs,):
            if isinstance(y, Variable) and y.dtype.kind == "f":
                self._activity_losses.add(
                    regularizers.activity_penalty(self._activity_regularizer, y))

    def activity_config(self):
        """How model.save keeps the regularizer (None for none)."""
        return regularizers.serialize(self._activity_regularizer, "activity_regularizer")


__all__ = ["ActivityRegularized"]
