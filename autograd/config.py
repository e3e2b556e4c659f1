"""Switches for one thread: gradient recording, train/test mode, anomaly detection.

Each thread (and each asyncio task) has its own settings, as PyTorch's grad mode: a thread
running inference under `no_grad()` or `test_mode()` never changes what another thread
records or how its Dropout behaves. A new thread starts from the defaults.

The settings are `contextvars`: reading one costs about as much as a class attribute,
which matters because every op reads the grad mode.
"""
import contextlib
from contextvars import ContextVar

grad_mode = ContextVar("enable_backprop", default=True)      # record the graph for backward
train_mode = ContextVar("train", default=True)               # Dropout/BatchNorm read this
anomaly_mode = ContextVar("detect_anomaly", default=False)   # check ops for NaN/Inf
backward_running = ContextVar("in_backward", default=False)  # set by the engine

_SETTINGS = {var.name: var for var in (grad_mode, train_mode, anomaly_mode, backward_running)}
for _var in _SETTINGS.values():
    # A variable that holds a value in the context is read from a cache; one that was
    # never set is looked up each time. Threads started later begin from the defaults.
    _var.set(_var.get())


def _setting(var):
    return property(lambda self: var.get(), lambda self, value: var.set(value),
                    doc=f"this thread's `{var.name}` setting")


class _Settings:
    """`Config.<name>` reads or sets the calling thread's setting."""

    __slots__ = ()
    enable_backprop = _setting(grad_mode)
    train = _setting(train_mode)
    detect_anomaly = _setting(anomaly_mode)
    in_backward = _setting(backward_running)


Config = _Settings()


class _Switch(contextlib.ContextDecorator):
    """Sets one setting for a with-block or a decorated function; leaving restores exactly
    what this thread had."""

    def __init__(self, var, value):
        self.var, self.value = var, value
        self._tokens = []

    def _recreate_cm(self):
        # A decorated function may run in several threads at once: one switch per call.
        return _Switch(self.var, self.value)

    def __enter__(self):
        self._tokens.append(self.var.set(self.value))
        return self

    def __exit__(self, *exc):
        self.var.reset(self._tokens.pop())
        return False


def using_config(name, value):
    """Temporarily set `Config.<name>` to `value` in this thread (context manager or decorator)."""
    if name not in _SETTINGS:
        raise AttributeError(f"using_config: unknown setting {name!r} "
                             f"(known: {', '.join(sorted(_SETTINGS))})")
    return _Switch(_SETTINGS[name], value)


def no_grad(func=None):
    """Run without recording the graph: `with no_grad():` or `@no_grad`."""
    switch = _Switch(grad_mode, False)
    return switch(func) if callable(func) else switch


def enable_grad(func=None):
    """Re-enable graph recording inside a `no_grad` block."""
    switch = _Switch(grad_mode, True)
    return switch(func) if callable(func) else switch


def test_mode():
    """Evaluation behaviour in this thread (`Config.train = False`): `Module.training` reads
    False, so nn.Dropout and nn.BatchNorm* evaluate, and `F.dropout(x)` with its default
    `training=None` returns x; an explicit `F.dropout(x, training=True)` still drops."""
    return _Switch(train_mode, False)


def is_grad_enabled():
    return grad_mode.get()


__all__ = ["Config", "using_config", "no_grad", "enable_grad", "test_mode", "is_grad_enabled"]
