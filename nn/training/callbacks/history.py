"""History: the per-epoch logs of a fit, as Keras' `History.history` dict of lists."""
from .base import Callback


class History(Callback):
    """`history` maps each log key (`loss`, metrics, `val_*`, `lr`) to its per-epoch
    values; `epoch` lists the epoch indices. `fit` returns one (also `model.history`).
    `history["learning_rate"]` (Keras 3's name) reads the `lr` values."""

    def __init__(self):
        self.history = _Logs()
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


class _Logs(dict):
    """The history's dict: Keras 3's key `learning_rate` reads Keras 2's `lr`, which fit logs
    (one column, not two, in the CSV and on screen)."""

    def __missing__(self, key):
        if key == "learning_rate" and "lr" in self:
            return self["lr"]
        raise KeyError(key)

    def __contains__(self, key):
        return super().__contains__(key) or (key == "learning_rate" and "lr" in self)

    def get(self, key, default=None):
        return self[key] if key in self else default


__all__ = ["History"]
