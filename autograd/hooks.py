"""Gradient hooks on Variables (PyTorch's `register_hook`) and the removable handle that
every `register_*hook` returns."""
import itertools
import threading
from collections import OrderedDict

from .config import python_state_changed
from .weak_identity import WeakIdentitySet


class RemovableHandle:
    """Unregisters its hook on `.remove()` (removing twice is harmless); usable as a context
    manager that removes the hook on exit."""

    _ids = itertools.count()

    def __init__(self, registry):
        self.id = next(self._ids)
        self._registry = registry
        self.flags = ()  # sets of hook ids marking how it was registered (with_kwargs=...)

    def remove(self):
        if self._registry.pop(self.id, None) is not None:
            GradWatch.removals += 1  # (a leaf may have lost its last hook: see still_hooked)
        for flagged in self.flags:  # (else they grow with every hook registered and removed)
            flagged.discard(self.id)

    def runs_first(self):
        """Whether its hook is in place and runs before every other in its registry."""
        return next(iter(self._registry), None) == self.id

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
        return False


class Handles(RemovableHandle):
    """Several hooks' handles removed as one; `then()`, if given, runs after."""

    def __init__(self, handles, then=None):
        super().__init__({})
        self.handles, self.then = handles, then

    def remove(self):
        for handle in self.handles:
            handle.remove()
        if self.then is not None:
            self.then()


_MAKING = threading.Lock()


def registry_of(owner, name, make):
    """`owner.<name>`, a hook registry made at the first registration (None until then):
    made by `make()` if still None. Under a lock, as two threads registering the first
    hooks on one object at once would each make one, and the hooks put in the registry
    the other replaced would be lost without a word."""
    registry = getattr(owner, name, None)
    if registry is None:
        with _MAKING:
            registry = getattr(owner, name, None)
            if registry is None:
                registry = make()
                object.__setattr__(owner, name, registry)  # (past Module's __setattr__)
    return registry


def add_hook(registry, hook, who, prepend=False):
    """Store `hook` in `registry` (a dict; an OrderedDict where hooks may be prepended) under
    a new handle's id, last, or first with `prepend` (PyTorch's prepend=); returns the
    handle."""
    if not callable(hook):
        raise TypeError(f"{who}: hook must be callable, got {type(hook).__name__}")
    if prepend and not isinstance(registry, OrderedDict):
        raise TypeError(f"{who}: prepend=True needs an OrderedDict registry, got "
                        f"{type(registry).__name__}")
    handle = RemovableHandle(registry)
    registry[handle.id] = hook
    if prepend:
        # One C call, in place (the handle removes from this very dict): emptying the dict
        # and filling it again would let another thread's call run none of its hooks.
        registry.move_to_end(handle.id, last=False)
    python_state_changed(f"registered a hook ({who})")  # captured steps record again
    return handle


class GradWatch:
    """What a Variable asked to be done with its gradient: hooks to call, and whether to keep
    it as `.grad` (`retain_grad`). Most Variables have none, so the engine's check is one
    attribute read."""

    __slots__ = ("hooks", "last", "retain", "post")
    # Leaves that were given a hook (weakly held: a dead leaf drops out). While any live,
    # backward finds them beforehand, so it can run their hooks as soon as their gradient is
    # complete (PyTorch does the same; data-parallel training starts its allreduce there,
    # overlapping the rest of backward).
    hooked_leaves = WeakIdentitySet()
    removals, _pruned_at = 0, 0  # hooks removed anywhere; and when hooked_leaves was pruned

    def __init__(self):
        self.hooks = {}
        self.last = {}  # register_final_hook's: after every hook of `hooks`
        self.retain = False
        self.post = {}  # register_post_accumulate_grad_hook's

    def add(self, hook, last=False):
        return add_hook(self.last if last else self.hooks, hook, "register_hook")

    def add_post(self, hook):
        return add_hook(self.post, hook, "register_post_accumulate_grad_hook")

    @classmethod
    def still_hooked(cls):
        """Whether a leaf has hooks; those whose hooks were all removed leave hooked_leaves
        first (else every backward would go on finding them beforehand, for nothing)."""
        if cls.removals != cls._pruned_at:
            cls._pruned_at = cls.removals
            for var in list(cls.hooked_leaves):
                watch = var._watch
                if watch is None or not (watch.hooks or watch.last):
                    cls.hooked_leaves.discard(var)
        return bool(cls.hooked_leaves)


def hooked_leaf_uses(outputs):
    """{id(leaf): number of Functions behind `outputs` that take it} for each leaf with hooks:
    when that many have run, the leaf's gradient is complete. None when there are none."""
    from .walk import functions_behind
    uses = {}
    for func in functions_behind(outputs):
        for x, needed in zip(func.inputs, func.needs_input_grad):
            if needed and x.creator is None and x._watch is not None and (
                    x._watch.hooks or x._watch.last):
                uses[id(x)] = uses.get(id(x), 0) + 1
    return uses or None


def register_final_hook(var, hook):
    """Like `var.register_hook(hook)`, but `hook` runs after every hook registered with
    register_hook, earlier or later: a wrapper that must see the gradient the user's hooks
    made (data-parallel averaging, as PyTorch's reducer runs after tensor hooks) uses it."""
    handle = var._watched("register_final_hook").add(hook, last=True)
    if var.creator is None:
        GradWatch.hooked_leaves.add(var)
    return handle


def run_hooks(var, grad):
    """`grad` after each of `var`'s hooks, in registration order (the final hooks last); a
    hook that returns something other than None replaces the gradient (same shape and dtype
    required)."""
    watch = var._watch
    given = grad
    grad = _through(watch.hooks.values(), grad)
    if grad is not given:
        # A replaced gradient becomes a leaf's .grad (its own, or, passed on unchanged by
        # an Add or a reshape, a leaf's below), which must not be what the hook returned (a
        # Variable or an array the user keeps, a parameter): an optimizer's in-place change
        # of .grad would change it too (PyTorch copies it as well). The final hooks' results
        # are kept as they are: DDP's average is filled in later.
        from .ops import clone  # (recorded where grad mode is on: create_graph)
        grad = clone(grad)
    return _through(watch.last.values(), grad)


def _through(hooks, grad):
    """`grad` after each of `hooks`."""
    from .variable import as_variable
    for hook in list(hooks):
        result = hook(grad)
        if result is None:
            continue
        name = getattr(hook, "__name__", type(hook).__name__)
        result = as_variable(result, who=f"hook {name}", like=grad.data)
        if result.shape != grad.shape or result.dtype != grad.dtype:
            raise ValueError(f"hook {name}: returned a gradient of shape {result.shape} and "
                             f"dtype {result.dtype} for one of shape {grad.shape} and dtype "
                             f"{grad.dtype} (a hook may change the values only)")
        grad = result
    return grad

