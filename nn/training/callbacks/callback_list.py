"""CallbackList: the callbacks of one `fit` call, called in order.

It lives apart from `Callback` because it knows the concrete callbacks (it wraps schedulers
in `SchedulerStep`), which themselves build on `Callback`: imports point one way only.
"""
from ..optimizers import is_scheduler
from .base import Callback
from .lr import SchedulerStep


class CallbackList:
    """The callbacks of one `fit` call, each told the model and the run's parameters.

    `optim.lr_scheduler` objects are accepted as they are and wrapped in `SchedulerStep`.
    """

    def __init__(self, callbacks, model, params):
        self.callbacks = [_as_callback(c) for c in callback_items(callbacks)]
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params(params)

    def listens(self, hook):
        """Whether some callback does anything on `hook` (a method of its own, or a function
        LambdaCallback set; on_train_batch_* also through Keras' older on_batch_*): logs
        nobody reads need not be computed."""
        return defines_hook(self.callbacks, hook)

    def call(self, hook, *args):
        """Run `hook` (e.g. "on_epoch_end") on every callback, in order."""
        for callback in self.callbacks:
            getattr(callback, hook)(*args)


def defines_hook(callbacks, hook):
    """Whether one of `callbacks` does anything on `hook` (see CallbackList.listens)."""
    hooks = (hook, _OLDER_NAMES[hook]) if hook in _OLDER_NAMES else (hook,)
    return any(getattr(getattr(c, name), "__func__", None) is not getattr(Callback, name)
               for c in callbacks for name in hooks)


# the hooks Callback's own on_train_batch_* call (Keras' older names)
_OLDER_NAMES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def callback_items(callbacks):
    """fit's `callbacks` as a list: None, one callback (or scheduler), or a list of them
    (nested lists flattened, as Keras does)."""
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        return [c for item in callbacks for c in callback_items(item)]
    return [callbacks]


def _as_callback(obj):
    if isinstance(obj, Callback):
        return obj
    if is_scheduler(obj):
        return SchedulerStep(obj)
    raise TypeError(f"fit: callbacks must be nn.callbacks.Callback or optim.lr_scheduler "
                    f"objects, got {type(obj).__name__}")


__all__ = ["CallbackList", "callback_items", "defines_hook"]
