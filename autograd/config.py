"""Switches for one thread: gradient recording, train/test mode, anomaly detection.

Each thread has its own settings (as PyTorch's grad mode): a thread running inference under
`no_grad()` or `test_mode()` never changes what another thread records or how its Dropout
behaves. A new thread starts from the defaults below, not from its parent's settings.
"""
import contextlib
import threading


class _Settings(threading.local):
    # Class attributes are each thread's defaults; assignment changes only the calling thread.
    enable_backprop = True   # record the graph for backward
    train = True             # layers such as Dropout and BatchNorm read this
    detect_anomaly = False   # check every op's output for NaN/Inf
    in_backward = False      # set by the engine while it runs a backward pass


Config = _Settings()


class _Switch(contextlib.ContextDecorator):
    """Sets one Config attribute for a with-block or a decorated function.

    The saved values live per thread too, so one switch object (a decorator, say) can be
    entered by several threads at once and each gets back exactly what it had.
    """

    def __init__(self, name, value):
        self.name, self.value = name, value
        self._saved = threading.local()

    def __enter__(self):
        stack = self._saved.__dict__.setdefault("stack", [])
        stack.append(getattr(Config, self.name))
        setattr(Config, self.name, self.value)
        return self

    def __exit__(self, *exc):
        setattr(Config, self.name, self._saved.stack.pop())
        return False


def using_config(name, value):
    """Temporarily set `Config.<name>` to `value` in this thread (context manager or decorator)."""
    if not hasattr(Config, name):
        raise AttributeError(f"using_config: unknown setting {name!r}")
    return _Switch(name, value)


def no_grad(func=None):
    """Run without recording the graph: `with no_grad():` or `@no_grad`."""
    switch = _Switch("enable_backprop", False)
    return switch(func) if callable(func) else switch


def enable_grad(func=None):
    """Re-enable graph recording inside a `no_grad` block."""
    switch = _Switch("enable_backprop", True)
    return switch(func) if callable(func) else switch


def test_mode():
    """Evaluation behaviour for Dropout/BatchNorm (`Config.train = False`) in this thread."""
    return _Switch("train", False)


def is_grad_enabled():
    return Config.enable_backprop


__all__ = ["Config", "using_config", "no_grad", "enable_grad", "test_mode", "is_grad_enabled"]
