"""LambdaCallback: a callback made of functions, for the one-liners (Keras' name)."""
from .base import _HOOKS, Callback

_NAMES = _HOOKS + ("on_batch_begin", "on_batch_end")


class LambdaCallback(Callback):
    """Each keyword names a hook and gives the function it runs, with the hook's
    arguments: `on_epoch_end=lambda epoch, logs: print(logs["loss"])`,
    `on_train_begin=lambda logs: ...`, `on_train_batch_end=lambda batch, logs: ...`.
    Hooks not given (or given None) do nothing."""

    def __init__(self, **hooks):
        for name, fn in hooks.items():
            if name not in _NAMES:
                raise TypeError(f"LambdaCallback: {name!r} is not a callback hook; the hooks "
                                f"are {', '.join(_NAMES)}")
            if fn is None:  # (Keras' default for every hook)
                continue
            if not callable(fn):
                raise TypeError(f"LambdaCallback: {name} must be callable, got "
                                f"{type(fn).__name__}")
            setattr(self, name, fn)
