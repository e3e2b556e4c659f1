"""Global switches: gradient recording, train/test mode, anomaly detection."""
import contextlib


class Config:
    enable_backprop = True   # record the graph for backward
    train = True             # layers such as Dropout and BatchNorm read this
    detect_anomaly = False   # check every op's output for NaN/Inf
    in_backward = False      # set by the engine while it runs a backward pass


class _Switch(contextlib.ContextDecorator):
    """Sets one Config attribute for a with-block or a decorated function."""

    def __init__(self, name, value):
        self.name, self.value = name, value
        self._saved = []

    def __enter__(self):
        self._saved.append(getattr(Config, self.name))
        setattr(Config, self.name, self.value)
        return self

    def __exit__(self, *exc):
        setattr(Config, self.name, self._saved.pop())
        return False


def using_config(name, value):
    """Temporarily set `Config.<name>` to `value` (context manager or decorator)."""
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
    """Evaluation behaviour for Dropout/BatchNorm (`Config.train = False`)."""
    return _Switch("train", False)


def is_grad_enabled():
    return Config.enable_backprop


__all__ = ["Config", "using_config", "no_grad", "enable_grad", "test_mode", "is_grad_enabled"]
