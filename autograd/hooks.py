"""Gradient hooks on Variables (PyTorch's `register_hook`) and the removable handle that
every `register_*hook` returns."""
import itertools


class RemovableHandle:
    """Unregisters its hook on `.remove()` (removing twice is harmless); usable as a context
    manager that removes the hook on exit."""

    _ids = itertools.count()

    def __init__(self, registry):
        self.id = next(self._ids)
        self._registry = registry

    def remove(self):
        self._registry.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
        return False


class GradWatch:
    """What a Variable asked to be done with its gradient: hooks to call, and whether to keep
    it as `.grad` (`retain_grad`). Most Variables have none, so the engine's check is one
    attribute read."""

    __slots__ = ("hooks", "retain")

    def __init__(self):
        self.hooks = {}
        self.retain = False

    def add(self, hook):
        handle = RemovableHandle(self.hooks)
        self.hooks[handle.id] = hook
        return handle


def run_hooks(var, grad):
    """`grad` after each of `var`'s hooks, in registration order; a hook that returns
    something other than None replaces the gradient (same shape required)."""
    from .variable import as_variable
    for hook in list(var._watch.hooks.values()):
        result = hook(grad)
        if result is None:
            continue
        name = getattr(hook, "__name__", type(hook).__name__)
        result = as_variable(result, who=f"hook {name}", like=grad.data)
        if result.shape != grad.shape:
            raise ValueError(f"hook {name}: returned a gradient of shape {result.shape} for a "
                             f"Variable of shape {grad.shape}")
        grad = result
    return grad

