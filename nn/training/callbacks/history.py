"""History: the per-epoch logs of a fit, as Keras' `History.history` dict of lists."""
from .base import Callback


class History(Callback):
    """`history` maps each log key (`loss`, metrics, `val_*`, and `learning_rate` where a
    learning-rate callback logs it, as in Keras 3) to its per-epoch values; `epoch` lists
    the epoch indices. `fit` returns one (also `model.history`)."""

    def __init__(self):
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


__all__ = ["History"]
