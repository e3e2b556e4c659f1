"""EarlyStopping: stop when the monitored value stops improving (Keras' semantics)."""
from ...layers.keras_settings import print_msg
from .base import Callback
from .monitor import Monitor, checked_patience


class EarlyStopping(Callback):
    """Stop training after `patience` epochs without an improvement of more than
    `min_delta` in `monitor`.

    baseline: a value the monitored quantity must beat; until it does, the patience
    clock keeps running. restore_best_weights: at the end of training, whether stopped
    early or not (as current Keras), load the weights of the best epoch.
    start_from_epoch: epochs to ignore at the start (warm-up). After training,
    `stopped_epoch` is the epoch it stopped at (0 if it did not) and `best_epoch` the best.
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        self.monitor = Monitor(monitor, mode, min_delta, "EarlyStopping")
        self.patience = checked_patience(patience, "EarlyStopping")
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = int(start_from_epoch)
        self._reset()

    def _reset(self):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = self.monitor.worst
        self.best_epoch = 0
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.monitor.settle(self.model)
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        current = self.monitor.value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # even if nothing ever improves (Keras: this epoch is then the best one)
            self.best_weights, self.best_epoch = self.model.state_dict(), epoch
        self.wait += 1
        if self.monitor.improves(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.state_dict()
            if self.baseline is None or self.monitor.improves(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print_msg("Restoring model weights from the end of the best epoch: "
                          f"{self.best_epoch + 1}.")
            self.model.load_state_dict(self.best_weights)


__all__ = ["EarlyStopping"]
