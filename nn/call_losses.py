"""Losses a layer adds while it is called (Keras' call-time `add_loss`, as
ActivityRegularization's penalty): they belong to the current top-level call, the outermost
model (or layer) call in progress. A new top-level call starts them afresh, so that a layer
not called in it (one a subclassed model calls only in training) adds nothing, and a layer
called twice in it (shared) adds both calls' losses."""
import threading


class _ThreadState(threading.local):
    depth = 0  # the calls in progress
    call = 0  # the number of the latest top-level call


_this_thread = _ThreadState()


class _TopLevelCall:
    """Scope of a model's (or a layer's) call: the outermost one starts a new top-level call.
    A class rather than a generator context manager: every model call enters one, and this
    costs a fraction of contextlib's."""

    __slots__ = ("_depth",)

    def __enter__(self):
        self._depth = depth = _this_thread.depth
        if depth == 0:
            _this_thread.call += 1
        _this_thread.depth = depth + 1

    def __exit__(self, *exc_info):
        _this_thread.depth = self._depth


top_level_call = _TopLevelCall  # `with top_level_call():`


def _current_call():
    return _this_thread.call


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
