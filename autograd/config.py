"""Switches for one thread: gradient recording, train/test mode, anomaly detection.

Each thread (and each asyncio task) has its own settings, as PyTorch's grad mode: a thread
running inference under `no_grad()` or `test_mode()` never changes what another thread
records or how its Dropout behaves. A new thread starts from the defaults.

The settings are `contextvars`: reading one costs about as much as a class attribute,
which matters because every op reads the grad mode.
"""
import contextlib
import functools
import inspect
import threading
from contextvars import ContextVar

grad_mode = ContextVar("enable_backprop", default=True)      # record the graph for backward
train_mode = ContextVar("train", default=True)               # Dropout/BatchNorm read this
# check ops for NaN/Inf (True); while autograd.capture records, its Record, which Function
# calls for each op: the one check every op already makes serves both
anomaly_mode = ContextVar("detect_anomaly", default=False)
# set by the engine (to the pass running: autograd/engine.py) and by a captured replay
backward_running = ContextVar("in_backward", default=False)

_SETTINGS = {var.name: var for var in (grad_mode, train_mode, anomaly_mode, backward_running)}
for _var in _SETTINGS.values():
    # A variable that holds a value in the context is read from a cache; one that was
    # never set is looked up each time. Threads started later begin from the defaults.
    _var.set(_var.get())


class PythonState:
    changes = 0  # how many times Python state that captured steps read has changed


_this_thread = threading.local()  # .changes, .last: the changes this thread made


def python_state_changed(what=None):
    """Note a change of Python state that a captured step may have read (a module switched
    between training and evaluation, a hook registered): captures made before record again
    at their next call (autograd/capture.py), as the step may now run other code. `what`:
    the change as a verb phrase ("registered a hook"), which a refusal names."""
    PythonState.changes += 1
    _this_thread.changes = getattr(_this_thread, "changes", 0) + 1
    _this_thread.last = what or "changed a setting that a captured step reads"


def python_state_changes_here():
    """(how many changes this thread has made, the latest as a verb phrase): a recording
    refuses a step that made one itself; another thread's only makes it record again."""
    return getattr(_this_thread, "changes", 0), getattr(_this_thread, "last", None)


def anomaly_detection_on():
    """Whether detect_anomaly is on in this thread (anomaly_mode holds a truthy value that
    is not a capture's recorder, which is callable)."""
    watch = anomaly_mode.get()
    return bool(watch) and not callable(watch)


def _setting(var):
    return property(lambda self: var.get(), lambda self, value: var.set(value),
                    doc=f"this thread's `{var.name}` setting")


class _Settings:
    """`Config.<name>` reads or sets the calling thread's setting."""

    __slots__ = ()
    enable_backprop = _setting(grad_mode)
    train = _setting(train_mode)
    detect_anomaly = property(lambda self: anomaly_detection_on(),
                              lambda self, value: anomaly_mode.set(value),
                              doc="this thread's `detect_anomaly` setting")
    in_backward = property(lambda self: bool(backward_running.get()),
                           lambda self, value: backward_running.set(value),
                           doc="whether a backward pass runs in this thread")


Config = _Settings()


class SwitchDecorator(contextlib.ContextDecorator):
    """A with-block switch that decorates too: a function runs under a fresh switch per call
    (subclasses give `_recreate_cm`), a generator function at each of its steps."""

    def __call__(self, func):
        if inspect.isgeneratorfunction(func):
            return _each_step_under(self, func)
        return super().__call__(func)


# The values each switch replaced, per thread and asyncio task (a context of its own): a
# chain (switch, value it replaced, the entry below) of the entries still open here, the
# latest first. One switch object (a module-level `no_grad()`) may be entered in several
# threads or tasks at once, each restoring its own value; never changed in place, as a
# task's copy of the context must not share it. Entering and leaving the latest costs one
# step, whatever lies below (an entry never left: a generator closed by another thread).
_open_switches = ContextVar("open_switches", default=None)


def enter_switch(switch, saved):
    """Note that `switch` was entered here, replacing `saved`."""
    _open_switches.set((switch, saved, _open_switches.get()))


def leave_switch(switch):
    """What `switch`'s latest entry open here replaced, forgetting it: (True, value), or
    (False, None) where it was entered elsewhere (a generator closed by another thread)."""
    entry, above = _open_switches.get(), []
    while entry is not None:
        if entry[0] is switch:
            below = entry[2]
            for other, saved in reversed(above):  # (the entries left open above it)
                below = (other, saved, below)
            _open_switches.set(below)
            return True, entry[1]
        above.append(entry[:2])
        entry = entry[2]
    return False, None


class _Switch(SwitchDecorator):
    """Sets one setting for a with-block or a decorated function; leaving restores exactly
    what this thread (or asyncio task) had."""

    def __init__(self, var, value):
        self.var, self.value = var, value

    def _recreate_cm(self):
        # A decorated function may run in several threads at once: one switch per call.
        return type(self)(self.var, self.value)

    def __enter__(self):
        enter_switch(self, self.var.get())
        self.var.set(self._value_now())
        return self

    def _value_now(self):
        return self.value

    def __exit__(self, *exc):
        entered_here, saved = leave_switch(self)
        if entered_here:  # (else this thread's setting was never changed by it)
            self.var.set(saved)
        return False


def _each_step_under(switch, func):
    """A generator function whose body runs under `switch` at every step (PyTorch's rule);
    what the caller does between steps runs under its own settings. Its ending, at the first
    step, after a value thrown in or sent, is the wrapper's (its return value kept)."""
    @functools.wraps(func)
    def steps(*args, **kwargs):
        gen = func(*args, **kwargs)
        try:
            with switch._recreate_cm():
                value = next(gen)
            while True:
                try:
                    sent = yield value
                except GeneratorExit:
                    with switch._recreate_cm():
                        gen.close()
                    raise
                except BaseException as exc:  # thrown in: the body gets it under the switch
                    with switch._recreate_cm():
                        value = gen.throw(exc)
                else:
                    with switch._recreate_cm():
                        value = gen.send(sent)
        except StopIteration as stop:
            return stop.value
    return steps


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


class set_grad_enabled(_Switch):
    """Graph recording on or off (PyTorch's): a call alone switches this thread at once; a
    with-block (or decorated function) restores the previous setting when it ends."""

    def __init__(self, mode):
        super().__init__(grad_mode, bool(mode))
        self._previous = grad_mode.get()
        grad_mode.set(bool(mode))

    def __call__(self, func):  # as a decorator: undo the switch made at once, switch per call
        grad_mode.set(self._previous)
        return super().__call__(func)

    def _recreate_cm(self):
        return _Switch(grad_mode, self.value)

    def __enter__(self):
        # switched already by __init__, but switched again (PyTorch's): a switch entered a
        # second time, or after the mode changed since it was made, still holds in its block
        grad_mode.set(self.value)
        return self

    def __exit__(self, *exc):
        grad_mode.set(self._previous)
        return False


def inference_mode(mode=True):
    """PyTorch's inference_mode: here `no_grad` (mode=True) or `enable_grad` (mode=False);
    rungrad has no separate inference arrays, so nothing made inside differs later. Also a
    decorator, with or without parentheses."""
    if callable(mode):  # @inference_mode
        return no_grad(mode)
    return _Switch(grad_mode, not mode)


def test_mode():
    """Evaluation behaviour in this thread (`Config.train = False`): `Module.training` reads
    False, so nn.Dropout and nn.BatchNorm* evaluate, and `F.dropout(x)` with its default
    `training=None` returns x; an explicit `F.dropout(x, training=True)` still drops."""
    return _Switch(train_mode, False)


FORCED_TRAIN = "forced"  # train_mode's value under train_behaviour()


def train_behaviour():
    """Training behaviour in this thread (Keras' training=True): `Module.training` reads True,
    even for a module put in eval() and inside a test_mode(); not inside inference_pinned()
    (a build's trial call on zeros, which must move no statistics)."""
    return _TrainSwitch(train_mode, FORCED_TRAIN)


class _TrainSwitch(_Switch):
    def _value_now(self):  # (at each entry: a decorator's switch is made long before)
        return False if _inference_pinned.get() else self.value


_inference_pinned = ContextVar("rungrad_inference_pinned", default=False)


def inference_pinned():
    """Evaluation behaviour that a training=True inside cannot switch off (train_behaviour
    gives evaluation too): what a shape trial runs under."""
    return _Switch(_inference_pinned, True)


def is_grad_enabled():
    return grad_mode.get()


__all__ = ["Config", "using_config", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "test_mode", "train_behaviour", "inference_pinned", "FORCED_TRAIN",
           "is_grad_enabled"]
