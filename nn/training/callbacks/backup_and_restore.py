"""BackupAndRestore: back up the training state as fit goes, and resume an interrupted fit."""
import os

from autograd.arguments import positive_int

from .base import BatchesRun, Callback, writes_files
from .training_state import UnreadableState, read_state, write_state

_LATEST = "latest.rungrad-state"
_PREVIOUS = _LATEST + ".bkp"  # (Keras' suffix for double_checkpoint's older copy)


class BackupAndRestore(Callback):
    """Keras' fault-tolerance callback. It writes the model's weights, its optimizer's state
    and the epoch reached into `backup_dir` at each epoch's end (save_freq="epoch") or after
    every `save_freq` batches (an int; False: never, as Keras'), each write atomic and
    replacing the last. A fit that starts with a backup in the folder first loads it into
    the model and its optimizer and resumes at the epoch it records: a fit that was stopped
    by an exception, Ctrl-C or a killed process, run again with the same arguments, ends
    with the weights an uninterrupted one would have (given the same order of batches, as
    shuffle=False or a seeded sampler gives). A backup written inside an epoch resumes that
    epoch from its first batch with the weights it had (Keras' rule: the batches already
    seen in it are trained on again).

    double_checkpoint: keep the previous backup too, and fall back to it where the latest
    cannot be read. delete_checkpoint: remove the backup (and the folder, if that leaves it
    empty) when fit ends normally. The folder must serve this training run alone. Loading
    reads arrays and JSON only, never pickles or runs code. The model must be built before
    fit (Keras' rule), so that there are weights to load into."""

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        if not backup_dir:
            raise ValueError("BackupAndRestore: backup_dir is empty; name the folder that "
                             "holds the backup")
        self.backup_dir = os.fspath(backup_dir)
        if save_freq not in ("epoch", False):
            save_freq = positive_int(save_freq, "save_freq", "BackupAndRestore",
                                     hint=' (or "epoch", or False)')
        self.save_freq = save_freq
        self.double_checkpoint = bool(double_checkpoint)
        self.delete_checkpoint = bool(delete_checkpoint)
        self._latest = os.path.join(self.backup_dir, _LATEST)
        self._previous = os.path.join(self.backup_dir, _PREVIOUS)
        self._epoch, self._unsaved, self._run = 0, 0, BatchesRun()

    def on_train_begin(self, logs=None):
        self._epoch, self._unsaved = 0, 0
        restored = self._restore()
        if restored is not None:
            self._epoch = restored
            # where fit's loop starts (Keras' attribute), past Module.__setattr__
            object.__setattr__(self.model, "_initial_epoch", restored)

    def _restore(self):
        """Load the latest backup (the previous one where it is damaged and kept); the
        epoch to resume at, or None without a backup."""
        candidates = [p for p in (self._latest, self._previous) if os.path.isfile(p)]
        if not candidates:
            return None
        if not self.model.built:
            raise ValueError(f"BackupAndRestore: {type(self.model).__name__} is not built, so "
                             f"the backup in {self.backup_dir!r} has no weights to load into; "
                             "build it first (call it on a batch, or model.build(shape))")
        for path in candidates:
            try:
                epoch, _ = read_state(path, self.model)
                return epoch
            except UnreadableState:
                if path == candidates[-1] or not self.double_checkpoint:
                    raise
        return None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._run.start()

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq in ("epoch", False):
            return
        self._unsaved += self._run.since_last(batch)
        if self._unsaved >= self.save_freq:
            self._unsaved = 0
            self._save(self._epoch, batch + 1)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0)

    def _save(self, epoch, batch):
        """Back up the state of training that resumes at `epoch` (batch: those of it done)."""
        if not writes_files():
            return
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.isfile(self._latest):
            os.replace(self._latest, self._previous)  # (atomic: the latest stays whole)
        write_state(self._latest, self.model, epoch, batch)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and writes_files():
            for path in (self._latest, self._previous):
                if os.path.isfile(path):
                    os.remove(path)
            if os.path.isdir(self.backup_dir) and not os.listdir(self.backup_dir):
                os.rmdir(self.backup_dir)


__all__ = ["BackupAndRestore"]
