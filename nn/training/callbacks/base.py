"""Callback: the hooks into Model.fit, with Keras' names."""
import contextlib
import os
import warnings

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
          "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
          "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
          "on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    """Base class: override the hooks you need; each receives a `logs` dict.

    `on_epoch_end(epoch, logs)`: logs hold the epoch's `loss`, metrics, `val_*` values and
    `lr`; batch hooks get the batch index, the running `loss`, and the running metrics as
    of their latest computation (each is a pass over the epoch's outputs so far, so fit
    computes them after the first batch, every tenth of the epoch and after the last, not
    after every batch, which would be quadratic in the epoch's length). As in Keras,
    `on_train_batch_begin/end` call `on_batch_begin/end` unless overridden; the `on_test_*`
    hooks run for fit's validation and in `evaluate`, the `on_predict_*` ones in `predict`
    (its batch logs hold the batch's `outputs`). `self.model` is the model being trained
    (set by `set_model`); setting `self.model.stop_training = True` ends training after
    the current batch.
    `self.params` holds `epochs`, `steps` (batches per epoch), `batch_size`, `samples`,
    `verbose` and `do_validation` (whether fit validates; with validation_freq, not after
    every epoch). With compile(steps_per_execution=n), the batch hooks run once per n
    batches, with the first and the last batch's index (see BatchesRun).
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
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)

    def on_batch_begin(self, batch, logs=None):
        """Keras' older name for on_train_batch_begin."""

    def on_batch_end(self, batch, logs=None):
        """Keras' older name for on_train_batch_end."""

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass


class BatchesRun:
    """How many batches each on_train_batch_end stands for: one, or with compile's
    steps_per_execution those since the last call, told by the batch indices (as Keras'
    ModelCheckpoint counts them). `start()` at each epoch's beginning (indices restart)."""

    def __init__(self):
        self.last = -1

    def start(self):
        self.last = -1

    def since_last(self, batch):
        ran, self.last = batch - self.last, batch
        return ran


_quiet = False  # inside `quiet()`


@contextlib.contextmanager
def quiet():
    """What fit runs under on the ranks other than 0 of several (nn.distributed.fit), so that
    only rank 0 prints, warns and writes files: standard output discarded, warnings ignored,
    and `writes_files()` false for callbacks that write a file of their own."""
    global _quiet
    before = _quiet
    with open(os.devnull, "w") as nowhere, contextlib.redirect_stdout(nowhere), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _quiet = True
        try:
            yield
        finally:
            _quiet = before


def writes_files():
    """Whether a callback writes its files here: not inside `quiet()` (a rank other than 0,
    whose file would be rank 0's again)."""
    return not _quiet


__all__ = ["Callback", "BatchesRun", "quiet", "writes_files"]
