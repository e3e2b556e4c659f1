"""Losses a layer adds while it is called (Keras' call-time `add_loss`, as
ActivityRegularization's penalty): they belong to the current top-level call, the outermost
model (or layer) call in progress. A new top-level call starts them afresh, so that a layer
not called in it (one a subclassed model calls only in training) adds nothing, and a layer
called twice in it (shared) adds both calls' losses."""
import contextlib
import threading

_this_thread = threading.local()  # .depth: calls in progress; .call: the top-level call's number


@contextlib.contextmanager
def top_level_call():
    """Scope of a model's (or a layer's) call: the outermost one starts a new top-level call."""
    depth = getattr(_this_thread, "depth", 0)
    if depth == 0:
        _this_thread.call = _current_call() + 1
    _this_thread.depth = depth + 1
    try:
        yield
    finally:
        _this_thread.depth = depth


def _current_call():
    return getattr(_this_thread, "call", 0)


class CallLosses:
    """One layer's losses of the current top-level call (an empty list after a newer one)."""

    def __init__(self):
        self._call = None  # the top-level call the losses belong to
        self._losses = []

    def add(self, loss):
        """Record `loss`; call it within `top_level_call()` (the layer's own call at least)."""
        if self._call != _current_call():
            self._call, self._losses = _current_call(), []
        self._losses.append(loss)

    def current(self):
        return list(self._losses) if self._call == _current_call() else []


__all__ = ["CallLosses", "top_level_call"]
