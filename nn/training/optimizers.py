"""Keras' optimizer names for `Model.compile(optimizer='adam')`, with Keras' defaults.

rungrad's optimizers follow PyTorch (`optim`); a name given to `compile` builds one with
the hyperparameters Keras uses for that name, so `compile(optimizer='rmsprop')` trains as
Keras' does: learning rates (SGD 0.01, the others 0.001), RMSprop rho 0.9, Adadelta rho
0.95, Adagrad's initial accumulator 0.1, AdamW weight decay 0.004, epsilon 1e-7.

This is the only file of `nn` that imports `optim` (`import nn` never loads it); the
callbacks ask it what an `optim.lr_scheduler` object is.
"""
import optim
from optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

_KERAS_DEFAULTS = {
    "sgd": (optim.SGD, dict(lr=0.01)),
    "adam": (optim.Adam, dict(lr=0.001, eps=1e-7)),
    "adamw": (optim.AdamW, dict(lr=0.001, weight_decay=0.004, eps=1e-7)),
    "rmsprop": (optim.RMSprop, dict(lr=0.001, alpha=0.9, eps=1e-7)),
    "adagrad": (optim.Adagrad, dict(lr=0.001, initial_accumulator_value=0.1, eps=1e-7)),
    "adadelta": (optim.Adadelta, dict(lr=0.001, rho=0.95, eps=1e-7)),
}
OPTIMIZER_NAMES = tuple(_KERAS_DEFAULTS)


def make_optimizer(name, lr=None):
    """A fresh, unbound optimizer for a Keras name (case-insensitive); `lr` overrides."""
    key = name.lower() if isinstance(name, str) else name
    if key not in _KERAS_DEFAULTS:
        raise ValueError(f"unknown optimizer {name!r}; use an optim.Optimizer or one of "
                         f"{', '.join(OPTIMIZER_NAMES)}")
    cls, defaults = _KERAS_DEFAULTS[key]
    kwargs = dict(defaults) if lr is None else dict(defaults, lr=lr)
    return cls(**kwargs)


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
           "OPTIMIZER_NAMES"]


def holds_parameters(optimizer):
    """Whether the optimizer was given (or has been bound to) any parameters."""
    return any(group["params"] for group in optimizer.param_groups)
