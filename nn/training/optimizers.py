"""Keras' optimizer names for `Model.compile(optimizer='adam')`: Keras' own optimizers.

rungrad's optimizers follow PyTorch (`optim`); a name given to `compile` builds the
optimizer of nn.keras.optimizers for it, so `compile(optimizer='rmsprop')` trains as Keras'
does: Keras' defaults (learning rates: SGD 0.01, the others 0.001; RMSprop rho 0.9,
Adadelta rho 0.95, Adagrad's initial accumulator 0.1, AdamW weight decay 0.004, epsilon
1e-7) and Keras' update rules (where epsilon goes, decoupled weight decay).

This is the only file of `nn` that imports `optim` (`import nn` never loads it); the
callbacks ask it what an `optim.lr_scheduler` object is.
"""
import optim
from optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

from ..keras import optimizers as keras_optimizers
from ..keras.optimizers import LossScaleOptimizer

_BY_NAME = {"sgd": keras_optimizers.SGD, "adam": keras_optimizers.Adam,
            "adamw": keras_optimizers.AdamW, "rmsprop": keras_optimizers.RMSprop,
            "adagrad": keras_optimizers.Adagrad, "adadelta": keras_optimizers.Adadelta,
            "nadam": keras_optimizers.Nadam, "adamax": keras_optimizers.Adamax,
            "lion": keras_optimizers.Lion, "adafactor": keras_optimizers.Adafactor,
            "ftrl": keras_optimizers.Ftrl, "muon": keras_optimizers.Muon,
            "schedulefreeadamw": keras_optimizers.ScheduleFreeAdamW}  # (Lamb has no name)
OPTIMIZER_NAMES = tuple(_BY_NAME)


def make_optimizer(name, lr=None, weight_decay=None):
    """A fresh, unbound optimizer for a Keras name (case-insensitive); `lr` and Keras'
    (decoupled) `weight_decay` override its defaults when given."""
    key = name.lower() if isinstance(name, str) else name
    if key not in _BY_NAME:
        raise ValueError(f"unknown optimizer {name!r}; use an optim.Optimizer or one of "
                         f"{', '.join(OPTIMIZER_NAMES)}")
    given = {"learning_rate": lr, "weight_decay": weight_decay}
    return _BY_NAME[key](**{key: value for key, value in given.items() if value is not None})


def resolve_optimizer(optimizer):
    """An optim.Optimizer from a Keras name or an Optimizer (bound or not)."""
    if isinstance(optimizer, optim.Optimizer):
        return optimizer
    if isinstance(optimizer, str):
        return make_optimizer(optimizer)
    raise TypeError(f"compile: optimizer must be a name ({', '.join(OPTIMIZER_NAMES)}) or "
                    f"an optim.Optimizer, got {type(optimizer).__name__}")


def is_scheduler(obj):
    """Whether `obj` is an `optim.lr_scheduler` object (fit takes those as callbacks)."""
    return isinstance(obj, LRScheduler)


def is_plateau_scheduler(obj):
    """Whether `obj` is `optim.lr_scheduler.ReduceLROnPlateau` (stepped on a metric)."""
    return isinstance(obj, ReduceLROnPlateau)


__all__ = ["make_optimizer", "resolve_optimizer", "is_scheduler", "is_plateau_scheduler",
           "OPTIMIZER_NAMES", "LossScaleOptimizer"]


def holds_parameters(optimizer):
    """Whether the optimizer was given (or has been bound to) any parameters."""
    return any(group["params"] for group in optimizer.param_groups)
