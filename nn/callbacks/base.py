"""Callback: hooks into Model.fit (Keras' names); CallbackList: calls them in order."""

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


class CallbackList:
    """The callbacks of one `fit` call, each told the model and the run's parameters.

    `optim.lr_scheduler` objects are accepted as they are and wrapped in `SchedulerStep`.
    """

    def __init__(self, callbacks, model, params):
        self.callbacks = [_as_callback(c) for c in callbacks]
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)

    def call(self, hook, *args):
        """Run `hook` (e.g. "on_epoch_end") on every callback, in order."""
        for callback in self.callbacks:
            getattr(callback, hook)(*args)


def _as_callback(obj):
    from optim.lr_scheduler import LRScheduler

    from .lr import SchedulerStep
    if isinstance(obj, Callback):
        return obj
    if isinstance(obj, LRScheduler):
        return SchedulerStep(obj)
    raise TypeError(f"fit: callbacks must be nn.callbacks.Callback or optim.lr_scheduler "
                    f"objects, got {type(obj).__name__}")


__all__ = ["Callback", "CallbackList"]
