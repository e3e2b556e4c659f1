"""ModelCheckpoint: save the model or its weights after epochs (all of them, or the best)."""
import os

from autograd.arguments import positive_int

from ...layers.keras_settings import print_msg
from ...serialization import is_safetensors
from .base import BatchesRun, Callback
from .monitor import Monitor


class ModelCheckpoint(Callback):
    """Write the model at each epoch end, atomically: the whole model (`model.save`, which
    `nn.load_model` reads back) or, with save_weights_only, its weights (`save_weights`).
    save_weights_only=None (the default) goes by the file name: weights for a `.npz`,
    `.safetensors` or Keras' `.weights.h5` path, the whole model for any other (`.rungrad`;
    Keras' `.keras`).

    filepath may hold the epoch (1-based) and any log value, formatted as Python's
    str.format does: "ckpt-{epoch:02d}-{val_loss:.3f}.npz". save_freq: "epoch" (Keras'
    default) writes at each epoch's end; an int n, after every n batches (counted across
    epochs, as Keras counts them), judged by the batch's logs, and filepath may then hold
    the batch too (1-based: "{epoch}-{batch}.rungrad"). With save_best_only, write
    only when `monitor` improves on the best so far (`best`; `initial_value_threshold`
    sets its starting value). The best is kept across `fit` calls, as Keras keeps it: a
    second fit that continues training never overwrites a better file with a worse epoch.
    Missing folders are created. After each write, `last_saved` is (epoch, path) (epoch
    0-based; None before the first write).
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 mode="auto", initial_value_threshold=None, save_weights_only=None,
                 save_freq="epoch"):
        self.filepath = _checked_template(os.fspath(filepath))
        weights_name = _weights_file(self.filepath)
        if save_weights_only is None:
            save_weights_only = weights_name
        elif not save_weights_only and weights_name:
            raise ValueError(f"ModelCheckpoint: {self.filepath!r} names a weights file; use "
                             "save_weights_only=True, or a name such as 'best.rungrad' for "
                             "the whole model")
        elif save_weights_only and self.filepath.lower().endswith((".keras", ".rungrad")):
            # (a model file's name holding weights only: load_model would refuse it later;
            # Keras 3 refuses it here too)
            raise ValueError(f"ModelCheckpoint: {self.filepath!r} names a whole-model file, "
                             "but save_weights_only=True writes weights: name it "
                             "'....weights.h5', '....npz' or '....safetensors'")
        self.save_weights_only = bool(save_weights_only)
        self.monitor = Monitor(monitor, mode, 0.0, "ModelCheckpoint")
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.initial_value_threshold = initial_value_threshold
        self.best = (self.monitor.worst if initial_value_threshold is None
                     else float(initial_value_threshold))
        self.last_saved = None
        self.save_freq = save_freq if save_freq == "epoch" else positive_int(
            save_freq, "save_freq", "ModelCheckpoint", hint=' (or "epoch")')
        self._epoch, self._batches_unsaved, self._run = 0, 0, BatchesRun()

    def on_train_begin(self, logs=None):
        """Make the file's folder now (its part before any {field}): a path that cannot be
        written fails here, not after the first epoch has trained."""
        if self.save_best_only:  # (only then is the monitored value compared)
            self.monitor.settle(self.model)
            if self.best is None:  # (the mode settled only now)
                self.best = self.monitor.worst
        folder = os.path.dirname(self.filepath.split("{", 1)[0])
        if folder:
            _make_folder(folder, self.filepath)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._run.start()

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_unsaved += self._run.since_last(batch)
        if self._batches_unsaved >= self.save_freq:
            self._batches_unsaved = 0
            self._checkpoint(self._epoch, logs, batch=batch)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._checkpoint(epoch, logs)

    def _checkpoint(self, epoch, logs, batch=None):
        """Write the file for this epoch (and batch), unless save_best_only and no better."""
        logs = logs or {}
        path = self.format_path(epoch, logs, batch)
        said = f"saving model to {path}"  # (Keras' words, whatever is saved)
        if self.save_best_only:
            current = self.monitor.value(logs)
            if current is None or not self.monitor.improves(current, self.best):
                if self.verbose and current is not None:
                    print_msg(f"Epoch {epoch + 1}: {self.monitor.name} did not improve from "
                              f"{self.best:.5f}")
                return
            said = (f"{self.monitor.name} improved from {self.best:.5f} to {current:.5f}, "
                    f"{said}")
            self.best = current
        if self.verbose:
            print_msg(f"Epoch {epoch + 1}: {said}")
        self._save(path)
        self.last_saved = (epoch, path)

    def format_path(self, epoch, logs, batch=None):
        """The file name for `epoch` (and `batch`; 0-based, shown 1-based as Keras does)."""
        counts = {"epoch": epoch + 1, **({} if batch is None else {"batch": batch + 1})}
        try:
            return self.filepath.format(**counts, **logs)
        except KeyError as exc:
            raise ValueError(f"ModelCheckpoint: filepath {self.filepath!r} names {exc.args[0]!r}, "
                             f"which the epoch's logs lack (have: epoch, "
                             f"{', '.join(logs)})") from None
        except (ValueError, IndexError, AttributeError, TypeError) as exc:
            raise ValueError(f"ModelCheckpoint: cannot fill in filepath {self.filepath!r} "
                             f"({exc})") from None

    def _save(self, path):
        folder = os.path.dirname(path)
        if folder:
            _make_folder(folder, path)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


def _make_folder(folder, path):
    """os.makedirs(folder), its failure named as ModelCheckpoint's (a file where a folder
    should be, no permission)."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        reason = "a file is there" if os.path.isfile(folder) else (exc.strerror or exc)
        raise OSError(f"ModelCheckpoint: cannot make the folder {folder!r} for {path!r} "
                      f"({reason})") from None


def _checked_template(filepath):
    """filepath, once its fields are named ({epoch}, {val_loss:.3f}) and their formats fit
    an int epoch and float log values: a mistake shows here, not after the first epoch."""
    import string
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(filepath) if f is not None]
        if any(f == "" or f.split(".")[0].split("[")[0].isdigit() for f in fields):
            raise ValueError("its fields must be named, as {epoch} or {val_loss:.3f}")
        names = {f.split(".")[0].split("[")[0] for f in fields} - {"epoch", "batch"}
        filepath.format(epoch=1, batch=1, **{name: 0.5 for name in names})
    except (ValueError, IndexError, AttributeError, TypeError) as exc:
        raise ValueError(f"ModelCheckpoint: filepath {filepath!r} is not a valid template "
                         f"({exc}); double a brace meant literally: {{{{ }}}}") from None
    return filepath


def _weights_file(path):
    """Whether the name is a weights file's: rungrad's, or Keras 3's `.weights.h5` (which
    save_weights writes as rungrad's .npz archive; no HDF5 is read or written)."""
    return path.lower().endswith((".npz", ".weights.h5")) or is_safetensors(path)


__all__ = ["ModelCheckpoint"]
