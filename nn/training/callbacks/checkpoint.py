"""ModelCheckpoint: save the weights after epochs (all of them, or the best ones)."""
import os

from .base import Callback
from .monitor import Monitor


class ModelCheckpoint(Callback):
    """Write the model's weights (`save_weights`: an .npz, atomically) at each epoch end.

    filepath may hold the epoch (1-based) and any log value, formatted as Python's
    str.format does: "ckpt-{epoch:02d}-{val_loss:.3f}.npz". With save_best_only, write
    only when `monitor` improves on the best so far (`best`; `initial_value_threshold`
    sets its starting value). The best is kept across `fit` calls, as Keras keeps it: a
    second fit that continues training never overwrites a better file with a worse epoch.
    Missing folders are created. After each write, `last_saved` is (epoch, path) (epoch
    0-based; None before the first write).
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 mode="auto", initial_value_threshold=None):
        self.filepath = os.fspath(filepath)
        self.monitor = Monitor(monitor, mode, 0.0, "ModelCheckpoint")
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.initial_value_threshold = initial_value_threshold
        self.best = (self.monitor.worst if initial_value_threshold is None
                     else float(initial_value_threshold))
        self.last_saved = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.save_best_only:
            current = self.monitor.value(logs)
            if current is None or not self.monitor.improves(current, self.best):
                return
            if self.verbose:
                print(f"Epoch {epoch + 1}: {self.monitor.name} improved from {self.best:.5f} "
                      f"to {current:.5f}, saving weights")
            self.best = current
        path = self.format_path(epoch, logs)
        self._save(path)
        self.last_saved = (epoch, path)

    def format_path(self, epoch, logs):
        """The file name for `epoch` (0-based; shown 1-based as Keras does)."""
        try:
            return self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as exc:
            raise ValueError(f"ModelCheckpoint: filepath {self.filepath!r} names {exc.args[0]!r}, "
                             f"which the epoch's logs lack (have: epoch, "
                             f"{', '.join(logs)})") from None

    def _save(self, path):
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        self.model.save_weights(path)


__all__ = ["ModelCheckpoint"]
