"""Callback: the hooks into Model.fit, with Keras' names."""

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
          "on_train_batch_begin", "on_train_batch_end")


class Callback:
    """Base class: override the hooks you need; each receives a `logs` dict.

    `on_epoch_end(epoch, logs)`: logs hold the epoch's `loss`, metrics, `val_*` values and
    `lr`; batch hooks get the batch index and the running `loss` (plus running metrics a
    few times per epoch). `self.model` is the model being trained (set by `set_model`);
    setting `self.model.stop_training = True` ends training after the current batch.
    `self.params` holds `epochs`, `steps` (batches per epoch), `batch_size`, `samples`
    and `verbose`.
    """

    model = None
    params = None

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = dict(params)

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass


__all__ = ["Callback"]
