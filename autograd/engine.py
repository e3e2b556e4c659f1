"""Reverse-mode backprop: walk the graph by generation, apply each Function's backward.

The algorithm is DeZero's (book step 32), kept plainly in `autograd/engine_reference.py`
and held to this one by tests: run the scheduled Function of the latest generation, give it
its outputs' gradients, add what it returns into its inputs' gradients, schedule their
creators. `_backprop` is the hot path of training, so it differs in bookkeeping only:
- gradients wait in a dict (`pending`) until their Function runs, instead of on `.grad`, so
  intermediate gradients are freed as soon as they are used (unless retained);
- the schedule (`Schedule`) is a heap ordered by generation, but a Function that becomes
  runnable while nothing else waits (every step of a chain) is held aside and never touches
  the heap;
- first-order backprop (no create_graph, no anomaly checks, no recorder) passes arrays, not
  Variables, and calls each Function's `backward_data`: the ops on the hot path give their
  math on arrays there (about a fifth of a scalar chain's instructions); gradients become
  Variables only where a hook, a retained gradient or a leaf's `.grad` needs one;
- single-output Functions skip the multi-output bookkeeping of `_take_output_grads`;
- the loop reads locals (a global or attribute read costs more), and calls the schedule's
  bound `push`/`pop` (about 1% of a chain step's instructions; the loop reads as the
  algorithm does in return).
"""
import functools
import itertools
import threading
import weakref
from heapq import heappop, heappush

import numpy as np

from .arguments import TorchValueError
from .backend import as_array, get_array_module
from .backward_trace import recorder
from .capture import recording
from .config import anomaly_detection_on, backward_running, grad_mode
from .hooks import GradWatch, hooked_leaf_uses, run_hooks
from .variable import Mutations, Variable, as_variable, wrap

_ndarray = np.ndarray
_float64, _asarray = np.float64, np.asarray


def backward(outputs, grad_outputs=None, retain_grad=False, create_graph=False):
    """Accumulate gradients of `outputs` into the `.grad` of every leaf behind them."""
    record, order = recording(), None
    if record is not None:  # a capture records (autograd/capture.py): the order to replay
        order = record.backward(outputs, grad_outputs, retain_grad, create_graph)
    _as_a_pass(_into_leaves, outputs, grad_outputs, retain_grad, create_graph, order)
    if record is not None:
        record.backward_done()


def backward_into(outputs, grad_outputs, inputs, create_graph):
    """PyTorch's backward(inputs=...): the gradients of `outputs` accumulate into the
    `.grad` of `inputs` only (Variables that require grad, leaves or not)."""
    record = recording()
    if record is not None:
        raise record.refuse("backward(inputs=...)")
    inputs = [inputs] if isinstance(inputs, Variable) else list(inputs)
    if not inputs:
        raise ValueError("backward: inputs=, when given, must name at least one Variable")
    # one Variable named twice takes its gradient once, as PyTorch's (not twice the sum)
    inputs = list({id(x): x for x in inputs}.values())
    grads = grad(outputs, inputs, grad_outputs, create_graph, allow_unused=True)
    taken = _user_arrays(grad_outputs)  # (no .grad shares memory with another, or a seed)
    for x, g in zip(inputs, grads):
        if g is None:
            continue
        if x.creator is None:
            store_leaf_grad(x, g, taken, create_graph)
        elif not x.retains_grad:  # (one that retains its gradient was given it by the pass)
            # a non-leaf's .grad, as PyTorch's: its own array; locked as a leaf's
            with _ACCUMULATING:
                x.grad = _owned(g, taken, create_graph, x) if x.grad is None else _accumulate(
                    x.grad, g, create_graph)
                note_filled(x)


def queue_callback(callback):
    """Call `callback()` once the backward pass running now is over, every `.grad` set
    (PyTorch's `Variable._execution_engine.queue_callback`): for a hook that must act
    after the whole pass, e.g. to check that every gradient it waits for came. Callbacks
    run in the order queued, in the thread that called backward."""
    if not callable(callback):
        raise TypeError(f"queue_callback: expected a callable, got {type(callback).__name__}")
    callbacks = getattr(backward_running.get(), "callbacks", None)
    if callbacks is None:
        raise RuntimeError("queue_callback: no backward pass is running in this thread (call "
                           "it from a hook that backward runs)")
    callbacks.append(callback)


class _Pass:
    """What backward_running holds while a backward pass runs in this context: the
    callbacks queued for its end."""
    __slots__ = ("callbacks", "__weakref__")  # (a multi-grad hook keeps state per pass)

    def __init__(self):
        self.callbacks = []

    def run_callbacks(self):
        """Once the pass is over (not when it raised): those queued, in order; one may
        queue another, run in turn, as the pass is still the one running (PyTorch's)."""
        if not self.callbacks:
            return
        token = backward_running.set(self)
        try:
            for callback in self.callbacks:  # (a list grows under its loop)
                callback()
        finally:
            backward_running.reset(token)


def _as_a_pass(run, *args):
    """run(*args) as a backward pass (backward_running holds it), then the callbacks queued
    meanwhile (none if it raised)."""
    running = _Pass()
    token = backward_running.set(running)
    try:
        result = run(*args)
    finally:
        backward_running.reset(token)
    running.run_callbacks()
    return result


def _into_leaves(outputs, grad_outputs, retain_grad, create_graph, order=None):
    grads = _backprop(outputs, grad_outputs, retain_grad, create_graph, None, order)
    store_leaf_grads(grads.values(), _user_arrays(grad_outputs), create_graph)


# Backward passes in several threads may meet at one leaf (a shared model, Hogwild): its
# .grad (and a retained or backward(inputs=...) non-leaf's) is read, added to and set
# under this lock, so that no pass's sum is lost (PyTorch
# locks its accumulation too). Uncontended, it costs a leaf some 0.1 us a pass.
_ACCUMULATING = threading.Lock()


def store_leaf_grads(grads, taken, create_graph):
    """Add each (var, g) of a leaf requiring grad into var.grad (g a Variable); `taken`: the
    memory of arrays a .grad must not share (see _owned)."""
    for var, g in grads:
        store_leaf_grad(var, g, taken, create_graph)


def store_leaf_grad(var, g, taken, create_graph=False):
    """Add g (a Variable) into var.grad when var is a leaf requiring grad."""
    if var.creator is None and var.requires_grad:
        if var.data.dtype.kind != "f":  # requires_grad set by hand on integer data
            raise _integer_leaf_error("backward", var)
        with _ACCUMULATING:
            add_to_grad(var, g, taken, create_graph)
        watch = var._watch
        if watch is not None and watch.post:  # (after the sum: they read .grad)
            for hook in list(watch.post.values()):
                if hook(var) is not None:
                    raise RuntimeError("a post-accumulate-grad hook returned a value; it "
                                       "must return None (it acts on the leaf's .grad "
                                       "itself, as PyTorch's)")


def _integer_leaf_error(who, var):
    return TypeError(f"{who}: a Variable of dtype {var.dtype} (shape {var.shape}) requires "
                     "grad; only floating-point data can have a gradient")


def add_to_grad(var, g, taken, create_graph=False):
    """var.grad = g, or var.grad + g (g a Variable), for a leaf known to take it; the
    caller holds _ACCUMULATING."""
    if var.grad is None:
        var.grad = _owned(g, taken, create_graph, var)
    else:
        held = var.grad
        if getattr(held, "shape", None) != var.shape or held.dtype != var.dtype:  # (by hand)
            raise _foreign_grad_error(var)
        # (an array assigned by hand: the sum is a Variable, as every .grad)
        var.grad = _accumulate(held if isinstance(held, Variable) else wrap(held, False), g,
                               create_graph)


def _foreign_grad_error(var):
    """A leaf's .grad, set by hand, that no gradient can be added to: another shape, or no
    array at all (a number)."""
    held = var.grad
    if not hasattr(held, "shape"):
        return TypeError(f"backward: the .grad of a leaf of shape {var.shape} is a "
                         f"{type(held).__name__}, not an array or Variable; set .grad to "
                         "None, or to an array of the leaf's shape")
    if held.shape != var.shape:
        return RuntimeError(f"backward: the .grad of a leaf of shape {var.shape} has shape "
                            f"{held.shape}; gradients cannot accumulate into it (set .grad "
                            "to None, or to an array of the leaf's shape)")
    return TypeError(f"backward: the .grad of a leaf of dtype {var.dtype} has dtype "
                     f"{held.dtype}; gradients cannot accumulate into it (set .grad to None, "
                     "or to an array of the leaf's dtype)")


def _user_arrays(grad_outputs):
    """The memory of the arrays the caller passed as seeds: a leaf's .grad must never be it."""
    taken = set()
    if grad_outputs is None:
        return taken
    for g in grad_outputs if isinstance(grad_outputs, (list, tuple)) else [grad_outputs]:
        taken.add(_memory(g.data if isinstance(g, Variable) else g))
    return taken


def _memory(array):
    """Identifies the buffer an array (or a view of it) lives in."""
    base = getattr(array, "base", None)
    return id(array if base is None else base)


def _owned(g, taken, create_graph, var):
    """`g`, or a copy when its array is not `var`'s .grad's own: a read-only broadcast view
    (a sum's gradient), memory that is already another gradient's or the caller's (Add's
    backward hands one array to both inputs), or var's values themselves. Editing one .grad
    must change nothing else."""
    return g if claimed(g.data, taken, var.data) else _copy(g, create_graph)


def claimed(data, taken, values):
    """Whether a .grad may hold the array `data`, which then claims its memory in `taken`:
    not while that memory is another gradient's or the caller's, nor the Variable's own
    `values` (a backward handing on its input's array: an update would change the .grad),
    nor when read-only. (A captured step's replay stores a leaf's first gradient so,
    autograd/replay_backward.py.)"""
    base = data.base  # (_memory, inlined: once per leaf and step)
    memory = id(data if base is None else base)
    # CuPy's flags have no `writeable` (its arrays always are)
    if memory not in taken and memory != _memory(values) and \
            getattr(data.flags, "writeable", True):
        taken.add(memory)
        return True
    return False


def _copy(g, create_graph):
    return g * 1 if create_graph else wrap(g.data.copy(), False)


def grad(outputs, inputs, grad_outputs=None, create_graph=False, allow_unused=False, *,
         retain_graph=None, only_inputs=True, is_grads_batched=False,
         materialize_grads=False):
    """Gradients of `outputs` w.r.t. `inputs`, returned as a tuple; `.grad` is not touched.
    PyTorch's keywords too: retain_graph and only_inputs are accepted (rungrad keeps a
    graph as long as its outputs live; only the inputs' gradients are computed);
    materialize_grads gives zeros, not None, for an input the outputs do not use.

    >>> import numpy as np
    >>> from autograd import Variable, grad
    >>> x = Variable(np.array(3.0))
    >>> y = x ** 3
    >>> dx, = grad(y, x, create_graph=True)   # 3x^2, itself a graph (create_graph)
    >>> dx
    Variable(27.0)
    >>> grad(dx, x)                            # the second derivative, 6x
    (Variable(18.0),)
    >>> x.grad is None
    True
    """
    record = recording()
    if record is not None:
        raise record.refuse("autograd.grad")
    if is_grads_batched:
        raise NotImplementedError("grad: is_grads_batched=True (vmap over grad_outputs) is "
                                  "not supported; loop over the grad_outputs")
    allow_unused = allow_unused or materialize_grads
    listed = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    for y in listed:
        if not isinstance(y, Variable):
            raise TypeError(f"grad: outputs must be Variables, got {type(y).__name__}")
    outputs = _output_list(outputs)
    single = isinstance(inputs, Variable)
    inputs = [inputs] if single else list(inputs)
    if not inputs:  # (PyTorch refuses it too: an empty tuple back would hide a mistake)
        raise ValueError("grad: inputs is empty; name the Variables to differentiate with "
                         "respect to")
    for x in inputs:
        if not isinstance(x, Variable):
            raise TypeError(f"grad: inputs must be Variables, got {type(x).__name__}")
        if x.requires_grad and x.data.dtype.kind != "f":
            raise _integer_leaf_error("grad", x)
    found = _as_a_pass(_backprop, outputs, grad_outputs, False, create_graph,
                       {id(x) for x in inputs})
    result = []
    for i, x in enumerate(inputs):
        entry = found.get(id(x))
        if entry is None and not allow_unused:
            why = "does not require grad" if not x.requires_grad and x.creator is None else \
                "is not used to compute the outputs"
            raise RuntimeError(f"grad: input {i} (shape {x.shape}) {why}; pass "
                               "allow_unused=True to get None for it")
        if entry is None and materialize_grads:  # (with create_graph, a part of the graph
            # of gradients as PyTorch's: it requires grad)
            zeros = get_array_module(x.data).zeros_like(x.data)
            result.append(Variable(zeros, requires_grad=True) if create_graph else
                          wrap(zeros, False))
        else:
            result.append(None if entry is None else entry[1])
    return tuple(result)


class QuietTargets(frozenset):
    """The ids of an inner pass's targets (a checkpoint's backward: see grad_inside): it
    stops at them, and leaves their hooks (and retained gradients) to the outer pass that
    goes on from them."""


def _hooked_here(var, targets):
    """Whether this pass runs var's hooks: not for a target of an inner pass."""
    return targets.__class__ is not QuietTargets or id(var) not in targets


def grad_inside(outputs, inputs, grad_outputs, create_graph):
    """autograd.grad(..., allow_unused=True) for a pass inside another one's backward (a
    checkpointed block's): each input's gradient along the paths that end there, not
    through another input (the outer pass goes on from each); not final, so their hooks
    and retained gradients are left to the outer pass, which runs them once."""
    found = _as_a_pass(_backprop, _output_list(outputs), grad_outputs, False, create_graph,
                       QuietTargets(id(x) for x in inputs))
    return tuple(None if id(x) not in found else found[id(x)][1] for x in inputs)


def _output_list(xs):
    """One output Variable, or several, as a list (unlike arguments.as_list, a Variable is
    one item, never iterated)."""
    return [xs] if isinstance(xs, Variable) else list(xs)


def ones_seed(data):
    """Ones shaped as an output's array: backward's default seed."""
    if data.ndim == 0 and data.__class__ is np.ndarray:  # the usual scalar loss, fast
        return np.array(1, dtype=data.dtype)
    return get_array_module(data).ones_like(data)


def _seed(y, g, on_arrays=False):
    """The gradient output `y` starts from (ones when `g` is None): a Variable, or its array
    `on_arrays` (first-order backprop)."""
    data = y.data
    if g is None:
        g = ones_seed(data)
        return g if on_arrays else wrap(g, False)
    if g.__class__ is _ndarray and g.dtype is data.dtype and g.shape == data.shape:
        return g if on_arrays else wrap(g, False)  # an array seed that fits: the usual case
    if not isinstance(g, Variable):
        g = wrap(_seed_array(g, y), False)
    elif g.dtype != y.dtype:  # as an array seed is: the gradient takes the output's dtype
        # (recorded where the seed is part of a graph or a leaf wanting a gradient)
        g = g.astype(y.dtype) if g.requires_grad else wrap(g.data.astype(y.dtype), False)
    if g.shape != y.shape:
        raise TorchValueError(f"backward: gradient of shape {g.shape} given for an output of "
                              f"shape {y.shape}")
    return g.data if on_arrays else g


# Non-leaf gradients backward itself stored (a retained one, backward(inputs=)): no seed of
# a later y.backward(), which only a gradient set by hand is (DeZero's steps 7 and 8)
_FILLED = {}  # id(var) -> weak references to var and to the .grad stored (neither kept alive)


def note_filled(var):
    key = id(var)
    _FILLED[key] = (weakref.ref(var, lambda _, key=key: _FILLED.pop(key, None)),
                    weakref.ref(var.grad))


def filled_by_backward(var):
    """Whether var.grad is the gradient a backward pass stored there."""
    entry = _FILLED.get(id(var))
    return entry is not None and entry[0]() is var and entry[1]() is var.grad


def _retain(y, g, create_graph):
    """A retained gradient accumulates over backward calls, as a leaf's does (PyTorch). It is
    a copy: the same array flows on and may become a leaf's .grad."""
    g = _as_grad(g)
    with _ACCUMULATING:
        y.grad = _copy(g, create_graph) if y.grad is None else _accumulate(y.grad, g,
                                                                             create_graph)
        note_filled(y)


def _finish_leaves(func, uses, pending, finished):
    """Run the hooks of `func`'s hooked leaf inputs whose last user has now run."""
    for x, needed in zip(func.inputs, func.needs_input_grad):
        if not needed or id(x) not in uses:
            continue
        uses[id(x)] -= 1
        if uses[id(x)] == 0 and id(x) in pending:
            entry = pending.pop(id(x))
            entry[1] = _after_hooks(x, entry[1])
            finished[id(x)] = entry


def _watched(y, g, create_graph, retain=False):
    """`g` after y's hooks; kept as y.grad when y retains its gradient."""
    g = _after_hooks(y, g)
    if retain or y._watch.retain:
        _retain(y, g, create_graph)
    return g


def _after_hooks(var, g):
    """`g` after var's hooks, which are given a Variable (first-order `g` is an array). A
    leaf's gradient is final here: it stays the Variable a hook may have returned, which
    becomes the leaf's .grad; any other flows on as an array."""
    if isinstance(g, Variable):
        return run_hooks(var, g)
    handed = wrap(g, False)
    g = run_hooks(var, handed)
    if var.creator is not None:
        return g.data
    # A leaf's gradient becomes its .grad, which an optimizer may change in place: what a
    # hook was handed (and may have kept) must not change with it (PyTorch copies too)
    return wrap(handed.data.copy(), False) if g is handed else g


def _as_grad(g):
    """A gradient as a Variable (first-order backprop passes arrays until the end)."""
    return g if isinstance(g, Variable) else wrap(g, False)


def _observe(func, gys, gxs, anomaly, trace):
    """Anomaly checks and recording, off the hot path: gradients sent to inputs are fitted
    to their shapes here, so a recorded step shows exactly what each input receives."""
    if anomaly:
        from .anomaly import check_backward
        check_backward(func, gxs)
    if trace is None:
        return gxs
    gxs = tuple(None if gx is None or not needed else _fit_grad(gx, x, False, func)
                for x, gx, needed in zip(func.inputs, gxs, func.needs_input_grad))
    trace.record(func, gys, gxs)
    return gxs


def _seed_array(g, y):
    """The gradient given for output `y` as an array of y's dtype (checked by as_variable)."""
    return as_variable(g, who="backward: the gradient", like=y.data).data.astype(y.dtype,
                                                                               copy=False)


def _accumulate(old, new, create_graph):
    """old + new: recorded with create_graph, else on arrays (Variables or arrays given)."""
    if create_graph:
        return old + new
    if isinstance(old, Variable):
        return wrap(_add_arrays(old.data, new.data), False)
    return _add_arrays(old, new)


def _add_arrays(a, b):
    total = a + b
    if total.__class__ is not np.ndarray and total.ndim == 0:  # 0-d + 0-d: a NumPy scalar
        total = as_array(total, like=a)
    return total


def _backprop(outputs, grad_outputs, retain_grad, create_graph, targets, order=None):
    """Run backward; returns {id(var): (var, grad)} for leaves (and `targets` when given);
    `order`, a list, receives the Functions in the order they ran (for autograd.capture).

    The loop is the hot path of training: locals only, and single-output functions (almost
    all of them) skip the general multi-output bookkeeping.
    """
    outputs = _output_list(outputs)
    seeds = _seeds_for(outputs, grad_outputs)
    anomaly, trace = anomaly_detection_on(), recorder.get()
    if trace is not None:  # (a pass run inside one of this pass's steps is numbered apart)
        trace = trace.new_pass()
    observe = anomaly or trace is not None
    # First order runs on arrays (`backward_data`); the checks and the recorder see the
    # Variables of `backward`, as a graph built for higher orders does.
    on_arrays = not (create_graph or observe)
    grad_class = _ndarray if on_arrays else Variable
    pending = {}   # id(var) -> [var, grad] while gradients are still arriving
    finished = {}  # leaves, and targets whose gradient is complete
    schedule = Schedule() if order is None else LoggedSchedule(order)
    push, pop = schedule.push, schedule.pop
    leading = None  # (not `needed`: the loop below names each input's flag so)
    if targets is not None:  # grad(): run only what leads to the inputs asked for (PyTorch)
        leading = _leading_to(outputs, targets)
        push = _only(push, leading)

    for i, (y, g) in enumerate(zip(outputs, seeds)):
        if not y.requires_grad:
            raise _no_grad_error(y, "backward" if targets is None else "grad",
                                 f" {i}" if len(outputs) > 1 else "")
        entry = pending.setdefault(id(y), [y, None])  # an output may be listed twice
        g = _seed(y, g, on_arrays)
        entry[1] = g if entry[1] is None else _accumulate(entry[1], g, create_graph)
        if y.creator is not None:
            push(y.creator)

    early = hooked_leaf_uses(outputs) if GradWatch.hooked_leaves and targets is None and \
        GradWatch.still_hooked() else None
    keep_all = retain_grad or targets is not None
    saved = grad_mode.set(create_graph)
    try:
        while (func := pop()) is not None:
            refs = func.outputs
            if len(refs) == 1 and not keep_all:
                y = refs[0]()
                entry = pending.pop(id(y), None) if y is not None else None
                if entry is None:
                    raise _called_twice(func)  # its output is not the one we came from
                if y._watch is not None and _hooked_here(y, targets):
                    entry[1] = _watched(y, entry[1], create_graph)
                if func.recorded_at != Mutations.count:
                    func.check_saved()
                gxs = func.backward_data(entry[1]) if on_arrays else func.backward(entry[1])
            else:
                gys = _take_output_grads(func, pending, finished, targets, retain_grad,
                                        create_graph, on_arrays)
                if gys is None:
                    raise _called_twice(func)
                if func.recorded_at != Mutations.count:
                    func.check_saved()
                gxs = func.backward_data(*gys) if on_arrays else func.backward(*gys)
            if gxs.__class__ is not tuple:
                gxs = tuple(gxs) if gxs.__class__ is list else (gxs,)  # (a list: as a tuple)
            if len(gxs) != len(func.inputs) and _miscounted(func, gxs):
                raise _count_error(func, gxs)
            if observe:
                gys = (entry[1],) if len(refs) == 1 and not keep_all else gys
                gxs = _observe(func, gys, gxs, anomaly, trace)
            for x, gx, needed in zip(func.inputs, gxs, func.needs_input_grad):
                if gx is None or not needed:
                    continue
                if gx.__class__ is not grad_class or gx.shape != x.data.shape \
                        or gx.dtype != x.data.dtype:
                    gx = _fit_grad(gx, x, on_arrays, func)
                key = id(x)
                entry = pending.get(key)
                if entry is None:
                    pending[key] = [x, gx]
                else:
                    entry[1] = _accumulate(entry[1], gx, create_graph)
                if x.creator is not None:
                    push(x.creator)
            if early is not None:
                _finish_leaves(func, early, pending, finished)
        # the leaves' hooks under the same grad mode as the others' (a hook's ops record a
        # graph only with create_graph)
        for key, entry in pending.items():  # what is left has no creator: the leaves
            creator = entry[0].creator  # none, unless it ran for a later call (or was pruned)
            if creator is not None and (leading is None or id(creator) in leading):
                raise _called_twice(creator)
            watch = entry[0]._watch if _hooked_here(entry[0], targets) else None
            if watch is not None and (targets is None or key in targets):
                entry[1] = _after_hooks(entry[0], entry[1])
            if watch is not None and watch.retain and creator is not None and (
                    key in targets or any(key == id(y) for y in outputs)):  # where grad()
                _retain(entry[0], entry[1], create_graph)  # stopped: PyTorch fills it
            finished[key] = entry
    finally:
        grad_mode.reset(saved)
    if on_arrays:
        for entry in finished.values():
            g = entry[1]
            entry[1] = wrap(g, False) if g.__class__ is _ndarray else _as_grad(g)
    return finished


def _leading_to(outputs, targets):
    """The ids of the Functions behind `outputs` through which some target (an id of a
    Variable) receives a gradient: those with a target among their inputs, or an input
    whose creator is one. Walked without recursion, each Function once. An inner pass's
    targets (QuietTargets) are where it stops: the outer pass goes on from them, so
    nothing behind one is run twice."""
    stops = targets if targets.__class__ is QuietTargets else ()
    leads, stack = {}, [y.creator for y in outputs if y.creator is not None]
    while stack:
        func = stack[-1]
        if id(func) in leads:
            stack.pop()
            continue
        below = [x.creator for x in func.inputs if x.creator is not None
                 and id(x.creator) not in leads and id(x) not in stops]
        if below:
            stack.extend(below)
            continue
        stack.pop()
        leads[id(func)] = any(id(x) in targets or (x.creator is not None and id(x) not in stops
                                                   and leads[id(x.creator)])
                              for x in func.inputs)
    return {key for key, lead in leads.items() if lead}


def _only(push, needed):
    """`push` for the Functions in `needed` only."""
    def pruned_push(func):
        if id(func) in needed:
            push(func)
    return pruned_push


class Schedule:
    """The Functions waiting to run, latest generation first (DeZero keeps a sorted list).

    Each Function is scheduled once. A Function pushed while nothing else waits is held aside
    and popped next without touching the heap: nothing still waiting can send its outputs a
    gradient. Every step of a chain is such a Function, so chains never pay for the heap.
    """
    __slots__ = ("heap", "held", "seen", "tie")

    def __init__(self):
        self.heap, self.held, self.seen, self.tie = [], None, set(), itertools.count()

    def push(self, func):
        key, seen = id(func), self.seen
        if key in seen:
            return
        seen.add(key)
        if self.held is None and not self.heap:
            self.held = func
        else:
            self._queue(func)

    def pop(self):
        """The next Function to run, or None when the pass is over."""
        func = self.held
        if func is None:
            return heappop(self.heap)[2] if self.heap else None
        self.held = None
        return func

    def _queue(self, func):
        if self.held is not None:
            heappush(self.heap, (-self.held.generation, next(self.tie), self.held))
            self.held = None
        heappush(self.heap, (-func.generation, next(self.tie), func))


class LoggedSchedule(Schedule):
    """A Schedule that appends each Function it hands out to `log`."""
    __slots__ = ("log",)

    def __init__(self, log):
        super().__init__()
        self.log = log

    def pop(self):
        func = super().pop()
        if func is not None:
            self.log.append(func)
        return func


def _seeds_for(outputs, grad_outputs):
    if grad_outputs is None:
        seeds = [None] * len(outputs)
    elif isinstance(grad_outputs, (list, tuple)):
        seeds = list(grad_outputs)
    else:
        seeds = [grad_outputs]
    if len(seeds) != len(outputs):
        raise ValueError(f"backward: {len(seeds)} gradients given for {len(outputs)} outputs")
    return seeds


def _take_output_grads(func, pending, finished, targets, retain_grad, create_graph, on_arrays):
    """The complete gradients of `func`'s outputs, or None when none of them got one; arrays
    `on_arrays` (first-order backprop), else Variables."""
    gys, any_grad, missing = [], False, False
    for ref in func.outputs:
        y = ref()
        entry = pending.pop(id(y), None) if y is not None else None
        if entry is None:
            gys.append(None)
            missing = True
            continue
        any_grad = True
        g = entry[1]
        if y._watch is not None and _hooked_here(y, targets):
            g = entry[1] = _watched(y, g, create_graph, retain_grad)
        elif retain_grad:
            _retain(y, g, create_graph)
        if targets is not None and id(y) in targets:
            finished[id(y)] = entry
        gys.append(g)
    if not any_grad:
        return None
    if missing and len(gys) > 1 and not func.takes_missing_grads:  # (not `None in gys`)
        xp = get_array_module(func.inputs[0].data)
        for i, (shape, dtype) in enumerate(func.output_specs):
            if gys[i] is None:
                zero = xp.zeros(shape, dtype)
                gys[i] = zero if on_arrays else wrap(zero, False)
    return gys


def _fit_grad(gx, x, on_arrays, func=None):
    """Bring a gradient to its input's shape and dtype, as an array (first-order backprop)
    or as a Variable (recorded with create_graph): broadcasting is undone here, once. A
    gradient the input does not broadcast to is the backward's mistake (of `func`)."""
    if gx.__class__ is _float64 and on_arrays and x.data.__class__ is _ndarray:
        # NumPy's 0-d results are scalars: in a chain of scalars (DeZero's examples)
        # nearly every gradient comes here, and needs only to become an array again
        gx = _asarray(gx)
        if x.data.shape == () and x.data.dtype == _float64:
            return gx
    data = gx.data if isinstance(gx, Variable) else as_array(gx, like=x.data)
    if on_arrays:  # (a backward_data may hand back a Variable that backward gave it)
        gx = data
    elif not isinstance(gx, Variable):
        gx = wrap(data, False)
    call_op, sum_to, as_type = _fitting_ops()
    if data.shape != x.data.shape:
        if not _broadcasts_to(x.data.shape, data.shape):
            from .function import op_title
            who = "a backward" if func is None else f"the backward of {op_title(func)}"
            raise ValueError(f"{who} gave a gradient of shape {data.shape} for an input of "
                             f"shape {x.data.shape} (a gradient has its input's shape, or one "
                             "the input broadcasts to)")
        gx = call_op(sum_to(x.data.shape), gx)
    if gx.dtype != x.data.dtype:
        gx = call_op(as_type(x.data.dtype), gx)
    return gx


def _miscounted(func, gxs):
    """More gradients than inputs, or fewer where a left-out input needs one (rungrad's
    ops leave out trailing inputs without a gradient: class labels, indices)."""
    return len(gxs) > len(func.inputs) or any(func.needs_input_grad[len(gxs):])


def _count_error(func, gxs):
    from .function import op_title
    return RuntimeError(f"the backward of {op_title(func)} returned {len(gxs)} "
                        f"gradient(s) for its {len(func.inputs)} input(s): one per input, "
                        "None for an input without one")


def _broadcasts_to(shape, target):
    return len(shape) <= len(target) and all(
        n == 1 or n == m for n, m in zip(reversed(shape), reversed(target)))


@functools.cache
def _fitting_ops():
    """(call_op, SumTo, AsType), imported on first use, as the engine is imported before
    them (function -> variable -> ops -> function)."""
    from .function import call_op
    from .ops.elementwise import AsType
    from .ops.reduction import SumTo
    return call_op, SumTo, AsType


def _no_grad_error(y, who, which):
    """The error of output `which` (' 2' of several, '' of one) that requires no grad."""
    if y.dtype.kind in "biu":
        return RuntimeError(
            f"{who}: the output{which} has integer dtype {y.dtype}, and integer arrays get no "
            f"gradient (a derivative needs values in between). Start from floats, e.g. "
            f"Variable(np.array([1, 2]).astype(float)) or x.astype(float).")
    return RuntimeError(
        f"{who}: output{which} does not require grad (it was computed under no_grad, from "
        "inputs that do not require grad, or from integer arrays, which get no gradient: use "
        ".astype(float) on them; or it is a captured step's result, which every call returns "
        "detached: run backward inside the step). Differentiating a gradient again "
        "(x.grad.backward(), higher-order derivatives) needs the first "
        "backward(create_graph=True), and each Function's backward written with Variables "
        "(x, = self.inputs), not with .data")


def _called_twice(func, who="backward"):
    """Backward met an output whose Function was called again since (its record now holds
    the later call): the earlier call's gradient would be lost."""
    return RuntimeError(
        f"{who}: a {func.name} Function instance was called more than once while "
        f"recording; each call overwrites its record, so the earlier calls' gradients would "
        f"be lost. Create a new instance per call (e.g. `{type(func).__name__}()(x)`).")
