"""Learning-rate callbacks: Keras' LearningRateScheduler and ReduceLROnPlateau, and
SchedulerStep, which runs an `optim.lr_scheduler` object during `fit`."""
import math
from numbers import Real

from ...layers.keras_settings import print_msg
from ..optimizers import is_plateau_scheduler
from .base import BatchesRun, Callback
from .monitor import Monitor, checked_patience


def get_lrs(model, who):
    """The learning rates of the model's optimizer, one per param group."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise RuntimeError(f"{who}: the model has no optimizer; call compile() first")
    return [float(group["lr"]) for group in optimizer.param_groups]


def set_lrs(model, lrs, who):
    """Set each param group's learning rate (finite numbers >= 0, one per group)."""
    for lr in lrs:
        if isinstance(lr, bool) or not isinstance(lr, Real) or not math.isfinite(lr) or lr < 0:
            raise ValueError(f"{who}: the learning rate must be a finite number >= 0, "
                             f"got {lr!r}")
    if getattr(model.optimizer, "_schedule", None) is not None:  # (Keras' rule, and error)
        raise TypeError(f"{who}: the optimizer was made with a learning-rate schedule, so its "
                        "learning rate is not settable; make it with a number to change the "
                        "rate from a callback, or let the schedule set it")
    for group, lr in zip(model.optimizer.param_groups, lrs):
        group["lr"] = float(lr)


def log_learning_rate(model, logs):
    """Put the rate the epoch trained with in its logs as `learning_rate` (the first param
    group's), as Keras 3's learning-rate callbacks do: fit logs none by itself. A Keras
    optimizer's schedule gives its rate at the optimizer's iterations, as Keras' logs: the
    rate of the next step."""
    if logs is None:
        return
    optimizer = getattr(model, "optimizer", None)
    if getattr(optimizer, "_schedule", None) is not None:
        logs["learning_rate"] = float(optimizer.learning_rate)
    else:
        logs["learning_rate"] = get_lrs(model, "fit")[0]


def _shown(lrs):
    return lrs[0] if len(lrs) == 1 else lrs


class LearningRateScheduler(Callback):
    """At each epoch start, set the lr to `schedule(epoch, lr)` (0-based epoch, current
    lr), called for each param group; a one-argument `schedule(epoch)` gives the first
    group's lr, and the other groups keep their ratio to it from the start of training.
    Each epoch's logs get its `learning_rate`, as Keras 3's."""

    def __init__(self, schedule, verbose=0):
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule must be callable, got "
                            f"{type(schedule).__name__}")
        self.schedule = schedule
        self.verbose = verbose
        self._with_lr = _accepts_two_arguments(schedule)
        self._ratios = None

    def on_train_begin(self, logs=None):
        first, *rest = get_lrs(self.model, "LearningRateScheduler")
        self._ratios = [1.0] + [lr / first if first else 1.0 for lr in rest]

    def on_epoch_begin(self, epoch, logs=None):
        lrs = get_lrs(self.model, "LearningRateScheduler")
        if self._with_lr:
            new = [_number(self.schedule(epoch, lr)) for lr in lrs]
        else:
            if self._ratios is None:  # (called outside fit)
                self.on_train_begin()
            new = _number(self.schedule(epoch))
            new = [new * ratio for ratio in self._ratios] if _is_number(new) else [new]
        set_lrs(self.model, new, f"LearningRateScheduler (epoch {epoch})")
        if self.verbose:
            print_msg(f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                      f"{_shown(new)}.")

    def on_epoch_end(self, epoch, logs=None):
        log_learning_rate(self.model, logs)


def _number(value):
    return value.item() if hasattr(value, "item") else value  # a NumPy scalar or 0-d array


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _accepts_two_arguments(fn):
    try:
        import inspect  # lazily: it costs `import nn` ~20 ms

        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some builtins have none: assume Keras' form
        return True
    try:
        signature.bind(0, 0.1)
        return True
    except TypeError:
        return False


class ReduceLROnPlateau(Callback):
    """Multiply the lr by `factor` once `monitor` has not improved by more than
    `min_delta` for `patience` epochs (Keras' semantics: an absolute min_delta, the cut
    comes on the `patience`-th bad epoch); then wait `cooldown` epochs; never below `min_lr`.
    Each epoch's logs get the `learning_rate` it trained with (before a cut), as Keras 3's.
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        if not 0 <= factor < 1:
            raise ValueError(f"ReduceLROnPlateau: factor must be in [0, 1), got {factor!r}")
        self.monitor = Monitor(monitor, mode, min_delta, "ReduceLROnPlateau")
        self.factor, self.verbose = float(factor), verbose
        self.patience = checked_patience(patience, "ReduceLROnPlateau")
        self.cooldown, self.min_lr = int(cooldown), float(min_lr)
        self._reset()

    def _reset(self):
        self.best = self.monitor.worst
        self.wait = 0
        self.cooldown_counter = 0

    def on_train_begin(self, logs=None):
        self.monitor.settle(self.model)
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        log_learning_rate(self.model, logs)
        current = self.monitor.value(logs)
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor.improves(current, self.best):
            self.best, self.wait = current, 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)
                self.cooldown_counter, self.wait = self.cooldown, 0

    def _reduce(self, epoch):
        """Each param group's lr times `factor`, never below min_lr (PyTorch's plateau
        scheduler, group by group)."""
        old = get_lrs(self.model, "ReduceLROnPlateau")
        new = [max(lr * self.factor, self.min_lr) for lr in old]
        if any(n < o for n, o in zip(new, old)):
            set_lrs(self.model, [min(n, o) for n, o in zip(new, old)], "ReduceLROnPlateau")
            if self.verbose:
                print_msg(f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to "
                          f"{_shown(new)}.")


class SchedulerStep(Callback):
    """Run an `optim.lr_scheduler` object during fit: `step()` after every epoch (or
    every batch with interval="batch"). `optim.lr_scheduler.ReduceLROnPlateau` is fed the
    epoch's `monitor` value (default: `val_loss` when there is validation data, else
    `loss`). Passing a scheduler itself in `fit(callbacks=[...])` wraps it in this. Each
    epoch's logs get the `learning_rate` it ended with (before the epoch's step), as Keras
    3's learning-rate callbacks log it.
    """

    def __init__(self, scheduler, interval="epoch", monitor=None):
        if interval not in ("epoch", "batch"):
            raise ValueError(f"SchedulerStep: interval must be 'epoch' or 'batch', "
                             f"got {interval!r}")
        self.scheduler, self.interval, self.monitor_name = scheduler, interval, monitor
        self.on_plateau = is_plateau_scheduler(scheduler)
        if self.on_plateau and interval == "batch":
            raise ValueError("SchedulerStep: ReduceLROnPlateau steps once per epoch, on a "
                             "monitored value; use interval='epoch'")
        self._monitor = None
        self._run = BatchesRun()

    def on_train_begin(self, logs=None):
        if self.scheduler.optimizer is not getattr(self.model, "optimizer", None):
            raise ValueError(f"{type(self.scheduler).__name__}: the scheduler was made for "
                             "another optimizer than the model's; make it with the optimizer "
                             "passed to compile() (model.optimizer)")

    def on_epoch_begin(self, epoch, logs=None):
        self._run.start()

    def on_train_batch_end(self, batch, logs=None):
        if self.interval == "batch":  # (once per batch of a steps_per_execution group too)
            for _ in range(self._run.since_last(batch)):
                self.scheduler.step()

    def on_epoch_end(self, epoch, logs=None):
        log_learning_rate(self.model, logs)
        if self.interval != "epoch":
            return
        if not self.on_plateau:
            self.scheduler.step()
            return
        if self._monitor is None:  # (val_loss also where validation_freq skips an epoch)
            validates = (self.params or {}).get("do_validation") or "val_loss" in (logs or {})
            name = self.monitor_name or ("val_loss" if validates else "loss")
            self._monitor = Monitor(name, who="ReduceLROnPlateau scheduler")
        current = self._monitor.value(logs)
        if current is not None:
            self.scheduler.step(current)


__all__ = ["LearningRateScheduler", "ReduceLROnPlateau", "SchedulerStep", "get_lrs",
           "set_lrs", "log_learning_rate"]
