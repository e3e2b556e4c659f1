"""Keras' 'compile_metrics': the metrics given to compile as one metric object, for the
steps a model writes itself (nn.training.custom_steps)."""
from ..keras.metrics.metric import Metric
from .batches import host_arrays
from .custom_steps import loss_inputs, loss_targets
from .masking import model_output_mask


class CompileMetrics(Metric):
    """Keras' 'compile_metrics': the metrics given to compile, as one metric whose result is
    their {name: value}. Fed the model's outputs (or the logits behind them, see
    loss_inputs), it scores them as fit's own loop does."""

    def __init__(self, model):
        super().__init__(name="compile_metrics")
        self._model = model
        self._tracker = self._new_tracker()

    def _new_tracker(self):
        model = self._model
        return model.compiled_loss.accumulator(model.compiled_metrics)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Scores of y_pred, over the real steps of its Keras mask where it has one (Keras'
        metrics read the mask y_pred carries)."""
        mask = model_output_mask(self._model, y_pred)
        inputs = loss_inputs(self._model, y_pred, "compute_metrics")
        self._tracker.add(host_arrays(loss_targets(self._model, y_true)), host_arrays(inputs),
                          sample_weight, mask)

    def result(self):
        return self._tracker.results()

    def reset_state(self):
        self._tracker = self._new_tracker()


__all__ = ["CompileMetrics"]
