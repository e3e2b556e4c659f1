"""Losses a layer adds while it is called (Keras' call-time `add_loss`, as
ActivityRegularization's penalty). As Keras' layers do, a layer keeps them until it, or a
model (or layer) holding it, is called again from outside any call (a top-level call): that
call clears its own and its sublayers' losses before it runs, so that a layer it does not
call (one a subclassed model calls only in training) holds none, a layer called twice in it
(shared) holds both calls' losses, and calling some other layer on its own clears nothing
else. Each thread's calls keep their own losses."""
import sys
import threading
import weakref

import numpy as np

from autograd import Variable
from autograd.backend import array_of, get_array_module


class _ThreadState(threading.local):
    depth = 0  # the calls in progress
    xp = np  # the array module of the top-level call's inputs (NumPy, or CuPy on a GPU)
    # the outermost module call running when the first loss of a call turned scoping on
    # (it opened no top-level call: the calls inside it must not clear each other's losses)
    unscoped = None

    def __init__(self):
        # this thread's CallLosses that hold losses: a top-level call looks for its own
        # among its sublayers only while there are some
        self.holding = weakref.WeakSet()


_this_thread = _ThreadState()


class _TopLevelCall:
    """Scope of the call of `module` (a model or a layer) on `args` and `kwargs`: the
    outermost one is a top-level call, which clears the losses of the module and its
    sublayers (every loss this thread holds when `module` is None), and whose inputs' array
    module is the one its draws and constants are made on (keras.random, keras.ops.zeros;
    read only there, not at every nested call). A class rather than a generator context
    manager: every model call enters one, and this costs a fraction of contextlib's."""

    __slots__ = ("_depth", "_args", "_kwargs", "_module", "_before")

    def __init__(self, args=(), kwargs=None, module=None):
        self._args, self._kwargs, self._module = args, kwargs, module

    def __enter__(self):
        self._depth = depth = _this_thread.depth
        self._before = _this_thread.xp
        if depth == 0:
            if _this_thread.holding and not _within_unscoped_call():
                _clear_losses_of(self._module)
            xp = _array_module_of(self._args, self._kwargs)
            if xp is not None:
                _this_thread.xp = xp
        _this_thread.depth = depth + 1

    def __exit__(self, *exc_info):
        _this_thread.depth = self._depth
        _this_thread.xp = self._before  # (after the call, draws are NumPy's again)


top_level_call = _TopLevelCall  # `with top_level_call(args, kwargs, module):`


def _clear_losses_of(module):
    """Clear the losses this thread's calls left in `module` and its sublayers (all of them
    for None)."""
    holding = _this_thread.holding
    if module is None:
        for losses in list(holding):
            losses.clear()
        return
    for layer in module.modules():
        for losses in (layer.__dict__.get(kind) for kind in _HELD_IN):
            if losses is not None and losses in holding:
                losses.clear()


def losses_held_in(module):
    """What `module` and its sublayers hold now (this thread's): [(CallLosses, losses)], to be
    held again by hold_again."""
    if not _this_thread.holding:
        return []
    return [(losses, losses.current()) for layer in module.modules()
            for losses in (layer.__dict__.get(kind) for kind in _HELD_IN)
            if losses is not None and losses in _this_thread.holding]


def hold_again(module, held):
    """Make `module`'s layers hold `held` (losses_held_in's) as their latest call's losses. A
    captured step's replay runs no Python: the losses its recording held are the Variables it
    refreshes, while a call in between (a callback's) left its own in their place."""
    if _holds(held):
        return
    _clear_losses_of(module)
    for losses, kept in held:
        losses.hold(kept)


def _holds(held):
    """Whether this thread holds exactly `held` already (the usual case: nothing was called
    between two replays)."""
    if len(_this_thread.holding) != len(held):
        return False
    return all(len(losses._losses) == len(kept) and all(
        a is b for a, b in zip(losses._losses, kept)) for losses, kept in held)


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


class CallLosses(threading.local):
    """One layer's losses of its calls since the latest top-level call that cleared them
    (its own, or one of a model holding it); each thread's their own."""

    def __init__(self):
        self._losses = []

    def add(self, loss):
        """Record `loss`; call it within `top_level_call()` (the layer's own call at least)."""
        if not self._losses:
            _this_thread.holding.add(self)
        self._losses.append(loss)

    def current(self):
        return list(self._losses)

    def clear(self):
        self._losses = []
        _this_thread.holding.discard(self)

    def hold(self, losses):
        """Hold `losses` (a list of Variables) as the latest call's, in place of any."""
        self._losses = list(losses)
        if losses:
            _this_thread.holding.add(self)

    # A copy (copy.deepcopy of a layer, pickle) starts with no losses, as a layer not yet
    # called: the losses belong to the original's calls (and a thread-local cannot be copied)
    def __deepcopy__(self, memo):
        return type(self)()

    def __reduce__(self):
        return type(self), ()


_HELD_IN = ("_added_losses", "_activity_losses")  # a layer's CallLosses attributes


def outside_any_call():
    """Whether no model (or layer) call is in progress in this thread: a layer called on its
    own then makes its call the top-level one."""
    return _this_thread.depth == 0


class AddsLosses:
    """Keras' `add_loss` of a layer (mixed into Module): losses its call computes (a VAE's KL
    term) that fit and evaluate add to the compiled loss, as Keras does."""

    def __init_subclass__(cls, **kwargs):
        # a module with a method that calls add_loss turns call-loss scoping on when its
        # class is made: a container's first call then keeps its sublayers' losses together (turned
        # on at the first add_loss, the container's call had opened no scope)
        super().__init_subclass__(**kwargs)
        if any("add_loss" in getattr(getattr(method, "__code__", None), "co_names", ())
               for method in vars(cls).values()):  # (forward, or a helper it calls)
            note_call_losses()

    def add_loss(self, loss):
        """Add `loss` (a scalar Variable: the graph to train it through; a non-scalar one is
        summed, as Keras sums it; or a list of them) to the layer's call losses: fit and evaluate
        add them to the compiled loss, and `losses` lists them until the layer, or a model
        holding it, is called again. Call it inside `forward` (Keras' call)."""
        added = self.__dict__.get("_added_losses")
        if added is None:  # (made at the first: most layers never add one)
            added = self.__dict__["_added_losses"] = CallLosses()
            note_call_losses()
        for item in loss if isinstance(loss, (list, tuple)) else (loss,):
            added.add(_scalar_loss(item, type(self).__name__))

    def added_losses(self):
        """The losses add_loss added since the layer's losses were last cleared (its latest
        top-level call's; Variables)."""
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
    """Turn call-loss scoping on (at the first layer class, or call, that adds a loss). Where
    it is turned on inside module calls that therefore opened no top-level call, the
    outermost of them is remembered: until it returns, the calls inside it clear nothing
    (the second call of a shared module keeps the first one's loss)."""
    if not CallLossesInUse.any:
        CallLossesInUse.any = True
        _this_thread.unscoped = _outermost_module_call()


_MODULE_CALLS = set()  # the code of Module.__call__ (nn.module registers it)


def counts_as_module_call(code):
    """Register the code object of a module's __call__ (found on the stack by
    note_call_losses)."""
    _MODULE_CALLS.add(code)


def _outermost_module_call():
    """The identity of the frame of the outermost module call running in this thread: its
    id and its height from the bottom of the stack (no reference, which would keep the
    call's inputs alive), or None."""
    frames = _stack()
    for index in range(len(frames) - 1, -1, -1):
        if frames[index].f_code in _MODULE_CALLS:
            return id(frames[index]), len(frames) - index
    return None


def _within_unscoped_call():
    """Whether this top-level call runs inside the module call remembered by
    note_call_losses: its frame (that identity at that height) is still there, with this
    call's own module call above it. Once it has returned (or where a new call stands in its
    place, whose own scope then holds the calls inside it), it is forgotten."""
    unscoped = _this_thread.unscoped
    if unscoped is None:
        return False
    frames = _stack()
    key, height = unscoped
    index = len(frames) - height
    if 0 <= index < len(frames) and id(frames[index]) == key and \
            frames[index].f_code in _MODULE_CALLS and any(
                frame.f_code in _MODULE_CALLS for frame in frames[:index]):
        return True
    _this_thread.unscoped = None
    return False


def _stack():
    """The frames of this thread's stack, innermost first."""
    frames, frame = [], sys._getframe(1)
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


def call_losses_in_use():
    return CallLossesInUse.any


WEIGHT_PENALTIES = ("penalties",)  # a layer's regularizers' penalties of its weights
CALL_LOSSES = ("added_losses", "activity_penalties")  # those of its calls (Keras' order)


def held_losses(modules, kinds=CALL_LOSSES + WEIGHT_PENALTIES):
    """The losses `modules` hold now, in Keras' order of layer.losses: every module's call
    losses (add_loss's, then the activity regularizer's), then every module's weight
    penalties; `kinds`: those only."""
    modules = list(modules)
    calls = [kind for kind in kinds if kind in CALL_LOSSES]
    weights = [kind for kind in kinds if kind not in CALL_LOSSES]
    return [loss for group in (calls, weights) for module in modules for kind in group
            for loss in getattr(module, kind, list)()]


__all__ = ["AddsLosses", "CALL_LOSSES", "CallLosses", "CallLossesInUse", "WEIGHT_PENALTIES",
           "call_array_module", "call_losses_in_use", "counts_as_module_call", "held_losses",
           "hold_again", "losses_held_in", "note_call_losses", "outside_any_call", "top_level_call"]
