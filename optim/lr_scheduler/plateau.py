"""ReduceLROnPlateau: cut the lr when a monitored metric stops improving."""
import math

from autograd.capture import replayed

from .base import LRScheduler, per_group, warn_epoch_argument


class ReduceLROnPlateau(LRScheduler):
    """Multiply each group's lr by `factor` once more than `patience` epochs in a row have
    not improved (PyTorch's rule: patience=2 cuts at the third such epoch).

    `step(metric)` once per epoch. Improvement means `metric < best * (1 - threshold)`
    (mode "min", threshold_mode "rel"), `metric < best - threshold` ("abs"), and the
    mirror images for mode "max". After a cut, `cooldown` epochs pass before bad
    epochs count again. The lr never goes below `min_lr`, and a cut smaller than
    `eps` is skipped.
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0, eps=1e-8):
        if not factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be < 1.0, got {factor}")
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got "
                             f"{threshold_mode!r}")
        self.factor = factor
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        super().__init__(optimizer, last_epoch=0)  # epochs are counted by step(metric)
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.min_lrs = per_group(min_lr, "min_lr", "ReduceLROnPlateau", optimizer)

    def _start(self):
        """No step 0 (step() needs a metric): the lrs stay as they are."""
        self._last_lr = self._group_lrs()
        self._reset()

    def _reset(self):
        self.best = math.inf if self.mode == "min" else -math.inf
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self):
        return self.cooldown_counter > 0

    @replayed
    def step(self, metrics, epoch=None):
        """Record this epoch's metric (a number, or an array / Variable of one element).
        epoch: PyTorch's deprecated argument, the epoch number to take (warned)."""
        current = _metric_value(metrics)
        if epoch is not None:
            warn_epoch_argument(type(self).__name__)
            self.last_epoch = epoch - 1
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._group_lrs()

    def is_better(self, a, best):
        """Whether metric `a` improves on `best` by more than the threshold."""
        if self.threshold_mode == "rel":
            scale = 1.0 - self.threshold if self.mode == "min" else 1.0 + self.threshold
            return a < best * scale if self.mode == "min" else a > best * scale
        if self.mode == "min":
            return a < best - self.threshold
        return a > best + self.threshold

    def _reduce_lr(self):
        groups = self.optimizer.param_groups
        if len(self.min_lrs) != len(groups):
            if self.default_min_lr is None:
                raise RuntimeError(f"ReduceLROnPlateau: the optimizer has {len(groups)} param "
                                   f"groups but min_lr has {len(self.min_lrs)} values")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, floor in zip(groups, self.min_lrs):
            old = float(group["lr"])
            new = max(old * self.factor, floor)
            if old - new > self.eps:
                group["lr"] = new


def _metric_value(metrics):
    """The metric as a float, or a ValueError saying what was given instead."""
    if getattr(metrics, "size", 1) != 1:
        raise ValueError(f"ReduceLROnPlateau: step() takes one metric value (a number), got "
                         f"an array of shape {tuple(metrics.shape)}")
    try:
        return float(metrics.item() if hasattr(metrics, "item") else metrics)
    except (TypeError, ValueError):
        raise TypeError(f"ReduceLROnPlateau: step() takes one metric value (a number), got "
                        f"{metrics!r}") from None
