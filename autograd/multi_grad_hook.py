"""register_multi_grad_hook: one hook over several Variables' gradients in a backward pass
(PyTorch's torch.autograd.graph.register_multi_grad_hook)."""
import threading
import weakref

from .config import backward_running
from .engine import queue_callback
from .hooks import Handles
from .variable import Variable

_MODES = ("all", "any")


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """Call `fn` once in each backward pass that computes the gradient of any of `tensors`.

    mode="all": fn(grads), a tuple of each tensor's gradient in that pass, None for those
    the pass did not reach; it is called once the pass is over. mode="any": fn(grad), the
    first of their gradients the pass computes (tensors that require no grad are skipped,
    as PyTorch's). Each pass keeps its own state: passes in other threads, or run from a
    hook, are apart. Returns a handle: `handle.remove()` unregisters.
    """
    if mode not in _MODES:
        raise ValueError(f"register_multi_grad_hook: mode must be 'all' or 'any', got {mode!r}")
    tensors = _checked(tensors, skip_no_grad=mode == "any")
    if not callable(fn):
        raise TypeError(f"register_multi_grad_hook: fn must be callable, got "
                        f"{type(fn).__name__}")
    passes = _PassStates()
    hook = _collect_all if mode == "all" else _first
    return Handles([t.register_hook(hook(passes, i, len(tensors), fn))
                     for i, t in enumerate(tensors)])


class _PassStates:
    """Each running backward pass's state for one multi-hook, dropped with the pass."""

    def __init__(self):
        self.states, self.lock = weakref.WeakKeyDictionary(), threading.Lock()

    def first(self, make):
        """(this pass's state, whether this call made it with make())."""
        running = backward_running.get()
        with self.lock:
            state = self.states.get(running)
            if state is None:
                state = self.states[running] = make()
                return state, True
        return state, False


def _collect_all(passes, i, count, fn):
    def hook(grad):
        grads, first = passes.first(lambda: [None] * count)
        grads[i] = grad
        if first:
            queue_callback(lambda: fn(tuple(grads)))
    return hook


def _first(passes, i, count, fn):
    def hook(grad):
        if passes.first(lambda: True)[1]:
            fn(grad)
    return hook


def _checked(tensors, skip_no_grad):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("register_multi_grad_hook: no tensors given")
    for i, t in enumerate(tensors):
        if not isinstance(t, Variable):
            raise TypeError(f"register_multi_grad_hook: tensors[{i}] is a "
                            f"{type(t).__name__}, not a Variable")
        if not (t.requires_grad or skip_no_grad):
            raise RuntimeError(f"register_multi_grad_hook: tensors[{i}] does not require "
                               f"grad, so no gradient will be computed for it")
    return [t for t in tensors if t.requires_grad]
