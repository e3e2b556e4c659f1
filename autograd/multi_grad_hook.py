"""register_multi_grad_hook: one hook over several Variables' gradients in a backward pass
(PyTorch's torch.autograd.graph.register_multi_grad_hook)."""
from .config import backward_running
from .engine import queue_callback
from .hooks import RemovableHandle
from .variable import Variable

_MODES = ("all", "any")


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """Call `fn` once in each backward pass that computes the gradient of any of `tensors`.

    mode="all": fn(grads), a tuple of each tensor's gradient in that pass, None for those
    the pass did not reach; it is called once the pass is over. mode="any": fn(grad), the
    first of their gradients the pass computes. Returns a handle: `handle.remove()`
    unregisters.
    """
    tensors = _checked(tensors)
    if mode not in _MODES:
        raise ValueError(f"register_multi_grad_hook: mode must be 'all' or 'any', got {mode!r}")
    if not callable(fn):
        raise TypeError(f"register_multi_grad_hook: fn must be callable, got "
                        f"{type(fn).__name__}")
    seen = {}  # this pass's state: {"pass": the pass, "grads": so far ("all")}
    collect = _collect_all if mode == "all" else _first
    return _Handles([t.register_hook(collect(seen, i, len(tensors), fn))
                     for i, t in enumerate(tensors)])


def _first_in_pass(seen):
    """Whether the running pass has not met this multi-hook yet (then it is marked; the
    state of a pass that raised before its end is dropped here)."""
    running = backward_running.get()
    if seen.get("pass") is running:
        return False
    seen.clear()
    seen["pass"] = running
    return True


def _collect_all(seen, i, count, fn):
    def hook(grad):
        if _first_in_pass(seen):
            grads = seen["grads"] = [None] * count
            queue_callback(lambda: (seen.clear(), fn(tuple(grads))))
        seen["grads"][i] = grad
    return hook


def _first(seen, i, count, fn):
    def hook(grad):
        if _first_in_pass(seen):
            queue_callback(seen.clear)
            fn(grad)
    return hook


def _checked(tensors):
    tensors = list(tensors)
    if not tensors:
        raise ValueError("register_multi_grad_hook: no tensors given")
    for i, t in enumerate(tensors):
        if not isinstance(t, Variable):
            raise TypeError(f"register_multi_grad_hook: tensors[{i}] is a "
                            f"{type(t).__name__}, not a Variable")
        if not t.requires_grad:
            raise RuntimeError(f"register_multi_grad_hook: tensors[{i}] does not require "
                               f"grad, so no gradient will be computed for it")
    return tensors


class _Handles(RemovableHandle):
    """The handles of the per-tensor hooks, removed together."""

    def __init__(self, handles):
        super().__init__({})
        self.handles = handles

    def remove(self):
        for handle in self.handles:
            handle.remove()
