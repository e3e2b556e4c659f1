"""Losses a layer adds while it is called (Keras' call-time `add_loss`, as
ActivityRegularization's penalty): they belong to the current top-level call, the outermost
model (or layer) call in progress. A new top-level call starts them afresh, so that a layer
not called in it (one a subclassed model calls only in training) adds nothing, and a layer
called twice in it (shared) adds both calls' losses."""
import threading

import numpy as np

from autograd import Variable
from autograd.backend import array_of, get_array_module


class _ThreadState(threading.local):
    depth = 0  # the calls in progress
    call = 0  # the number of the latest top-level call
    xp = np  # the array module of the top-level call's inputs (NumPy, or CuPy on a GPU)


_this_thread = _ThreadState()


class _TopLevelCall:
    """Scope of a model's (or a layer's) call on `args` and `kwargs`: the outermost one
    starts a new top-level call, whose inputs' array module is the one its draws and
    constants are made on (keras.random, keras.ops.zeros; read only there, not at every
    nested call). A class rather than a generator context manager: every model call enters
    one, and this costs a fraction of contextlib's."""

    __slots__ = ("_depth", "_args", "_kwargs", "_before")

    def __init__(self, args=(), kwargs=None):
        self._args, self._kwargs = args, kwargs

    def __enter__(self):
        self._depth = depth = _this_thread.depth
        self._before = _this_thread.xp
        if depth == 0:
            _this_thread.call += 1
            xp = _array_module_of(self._args, self._kwargs)
            if xp is not None:
                _this_thread.xp = xp
        _this_thread.depth = depth + 1

    def __exit__(self, *exc_info):
        _this_thread.depth = self._depth
        _this_thread.xp = self._before  # (after the call, draws are NumPy's again)


top_level_call = _TopLevelCall  # `with top_level_call(args, kwargs):`


def _array_module_of(args, kwargs):
    """The array module of a call's first argument (given by keyword too; its first item for
    a list or a dict's first value): NumPy, or CuPy for GPU arrays."""
    first = args[0] if args else next(iter(kwargs.values()), None) if kwargs else None
    if isinstance(first, dict):
        first = next(iter(first.values()), None)
    if isinstance(first, (list, tuple)):
        first = first[0] if first else None
    return None if first is None else get_array_module(array_of(first))


def call_array_module():
    """The array module of the latest top-level call's inputs (NumPy before any call)."""
    return _this_thread.xp


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


def outside_any_call():
    """Whether no model (or layer) call is in progress in this thread: a layer called on its
    own then makes its call the top-level one."""
    return _this_thread.depth == 0


class AddsLosses:
    """Keras' `add_loss` of a layer (mixed into Module): losses its call computes (a VAE's KL
    term) that fit and evaluate add to the compiled loss, as Keras does."""

    def add_loss(self, loss):
        """Add `loss` (a scalar Variable: the graph to train it through; a non-scalar one is
        summed, as Keras sums it; or a list of them) to this call's losses: fit and evaluate
        add them to the compiled loss, and `losses` lists them until the next top-level
        call. Call it inside `forward` (Keras' call)."""
        added = self.__dict__.get("_added_losses")
        if added is None:  # (made at the first: most layers never add one)
            added = self.__dict__["_added_losses"] = CallLosses()
            note_call_losses()
        for item in loss if isinstance(loss, (list, tuple)) else (loss,):
            added.add(_scalar_loss(item, type(self).__name__))

    def added_losses(self):
        """The losses add_loss added in the current top-level call (Variables)."""
        added = self.__dict__.get("_added_losses")
        return [] if added is None else added.current()


def _scalar_loss(loss, who):
    """An added loss as a scalar Variable: summed if it has axes, a number or array made a
    constant (a number as float32, which keeps a float32 loss float32, on the call's array
    module); anything else refused, named."""
    if isinstance(loss, (int, float, np.generic)) and not isinstance(loss, bool):
        loss = Variable(_this_thread.xp.asarray(loss, dtype=np.float32))
    elif not isinstance(loss, Variable):
        if not hasattr(loss, "__array__") and not hasattr(loss, "__cuda_array_interface__"):
            raise TypeError(f"{who}.add_loss: a loss is a Variable computed in the call (or a "
                            f"number), got {type(loss).__name__}")
        loss = Variable(loss)
    if loss.dtype.kind != "f":
        raise TypeError(f"{who}.add_loss: a loss of dtype {loss.dtype}; a loss is a float")
    return loss.sum() if loss.ndim else loss


class CallLossesInUse:
    """Whether any layer has added a loss of its calls (add_loss), or has an activity
    regularizer: until then a plain module's call opens no top-level call (Module.__call__
    reads `CallLossesInUse.any`: an attribute, not a call, on every module call), and fit
    looks for no such loss."""
    any = False


def note_call_losses():
    CallLossesInUse.any = True


def call_losses_in_use():
    return CallLossesInUse.any


WEIGHT_PENALTIES = ("penalties",)  # a layer's regularizers' penalties of its weights
CALL_LOSSES = ("activity_penalties", "added_losses")  # those of its current call


def held_losses(modules, kinds=WEIGHT_PENALTIES + CALL_LOSSES):
    """The losses `modules` hold now, in their order (Keras' layer.losses): each one's
    weight penalties, then its calls' (activity_regularizer's, add_loss's); `kinds`: those
    only."""
    return [loss for module in modules for kind in kinds
            for loss in getattr(module, kind, list)()]


__all__ = ["AddsLosses", "CALL_LOSSES", "CallLosses", "CallLossesInUse", "WEIGHT_PENALTIES",
           "call_array_module", "call_losses_in_use", "held_losses",
           "note_call_losses", "outside_any_call", "top_level_call"]
