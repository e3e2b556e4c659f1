"""PyTorch's optimizer hooks: calls around every `step()` (of one optimizer, or of all of
them) and around `state_dict()` and `load_state_dict()`.

    opt.register_step_post_hook(lambda opt, args, kwargs: ema.update())

As PyTorch's:
- a step pre-hook `hook(optimizer, args, kwargs)` runs before the step and may return new
  `(args, kwargs)` for it; `args` are the step's positional arguments with the optimizer
  first (PyTorch passes them so). A post-hook `hook(optimizer, args, kwargs)` runs after it,
  given the arguments the step got. The global hooks (`register_optimizer_step_pre_hook`)
  run on every optimizer: their pre-hooks before the optimizer's own, their post-hooks
  after. They wrap every optimizer's step, a subclass's own `step()` and a mixin's included,
  once per call: a step calling `super().step()` runs them once (PyTorch's, patched class by
  class, run twice there once the parent class has made an optimizer).
- `state_dict()`: its pre-hooks `hook(optimizer)`, then the snapshot, then its post-hooks
  `hook(optimizer, state_dict)`, each returning None or a state dict that replaces it;
  `load_state_dict(d)`: its pre-hooks `hook(optimizer, d)` on a shallow copy of `d`, each
  returning None or the dict to load instead, then the load, then its post-hooks
  `hook(optimizer)`. These four take `prepend=True` (run before those registered earlier).
Results of the hooks that return None in PyTorch's API are ignored, as there.

A captured step (autograd.capture) repeats the step with its hooks at every replay, as an
eager loop runs them (an EMA post-hook keeps averaging); registering one makes captures
record again. Copies and pickles of an optimizer leave its hooks behind (PyTorch's too).
While no step hook is registered anywhere, a step pays one attribute check for them.
"""
import functools
from collections import OrderedDict

from autograd.capture import recording
from autograd.hooks import add_hook, registry_of

_KINDS = ("step_pre", "step_post", "state_dict_pre", "state_dict_post",
          "load_state_dict_pre", "load_state_dict_post")
_global_pre, _global_post = {}, {}  # handle id -> hook, for every optimizer


def register_optimizer_step_pre_hook(hook):
    """`hook(optimizer, args, kwargs)` before every optimizer's step (before its own
    pre-hooks); it may return new (args, kwargs). Returns a handle (`handle.remove()`)."""
    return _add_global(_global_pre, hook, "register_optimizer_step_pre_hook")


def register_optimizer_step_post_hook(hook):
    """`hook(optimizer, args, kwargs)` after every optimizer's step (after its own
    post-hooks). Returns a handle (`handle.remove()`)."""
    return _add_global(_global_post, hook, "register_optimizer_step_post_hook")


def _add_global(registry, hook, who):
    handle = add_hook(registry, hook, who)
    OptimizerHooks._step_hooked = True  # (seen by every optimizer without one of its own)
    return handle


def hooked_step(step):
    """`step`, an optimizer's step method, run with the step hooks around it, and repeated
    whole, its hooks included, by a captured step (autograd.capture's `replayed`)."""
    @functools.wraps(step)
    def with_hooks(*args, **kwargs):
        return _step_with_hooks(step, args, kwargs)

    @functools.wraps(step)
    def call(*args, **kwargs):  # (args[0]: the optimizer; unnamed, as naming it costs)
        run = with_hooks if args[0]._step_hooked else step  # (the one check while none)
        record = recording()
        if record is not None:
            return record.effect(run, args, kwargs)
        return run(*args, **kwargs)
    call.hooked = call.replayed = True
    return call


def _step_with_hooks(step, args, kwargs):
    """step(*args, **kwargs), args[0] the optimizer, with its step hooks and the global ones
    around it: once, by the outermost of nested steps (a step calling super().step())."""
    opt = args[0]
    pre = [*_global_pre.values(), *opt._hooks("step_pre")]
    post = [*opt._hooks("step_post"), *_global_post.values()]
    if not (pre or post):
        opt._forget_step_hooks()
    if not (pre or post) or opt._in_hooked_step:
        return step(*args, **kwargs)
    opt.stepped = True  # (before the pre-hooks, as PyTorch's scheduler marks its optimizer)
    for hook in pre:
        result = hook(opt, args, kwargs)
        if result is not None:
            args, kwargs = _new_arguments(opt, hook, result)
    opt._in_hooked_step = True
    try:
        out = step(*args, **kwargs)
    finally:
        opt._in_hooked_step = False
    for hook in post:
        hook(opt, args, kwargs)
    return out


def _new_arguments(opt, hook, result):
    """A step pre-hook's (new_args, new_kwargs), checked."""
    if not (isinstance(result, tuple) and len(result) == 2
            and isinstance(result[0], (tuple, list)) and isinstance(result[1], dict)):
        raise RuntimeError(f"{opt._who}: the step pre-hook {_name(hook)} must return None or "
                           f"a tuple (new_args, new_kwargs) of a tuple and a dict, got "
                           f"{_described(result)}")
    args = tuple(result[0])
    if not args or args[0] is not opt:
        raise RuntimeError(f"{opt._who}: the step pre-hook {_name(hook)} returned new_args "
                           f"{_described(args)} that do not start with the optimizer: the "
                           f"step's args hold it first, as PyTorch passes them (return "
                           f"(args[:1] + (closure,), kwargs), say)")
    return args, result[1]


class OptimizerHooks:
    """The hook registries and the methods registering them, for `optim.Optimizer`."""

    # True where a step hook may be registered: on an instance, its own; on this class,
    # a global one. Steps read it (one attribute check) and pay nothing more while False.
    _step_hooked = False
    _hook_tables = None  # kind -> {handle id: hook}, made at the first registration
    _in_hooked_step = False  # True while its hooked step runs (a nested one runs none)

    def register_step_pre_hook(self, hook):
        """`hook(optimizer, args, kwargs)` before each step (args: the optimizer, then the
        step's positional arguments); it may return new (args, kwargs). Returns a handle."""
        handle = self._add_hook("step_pre", hook, "register_step_pre_hook")
        self._step_hooked = True
        return handle

    def register_step_post_hook(self, hook):
        """`hook(optimizer, args, kwargs)` after each step. Returns a handle."""
        handle = self._add_hook("step_post", hook, "register_step_post_hook")
        self._step_hooked = True
        return handle

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """`hook(optimizer)` before state_dict() reads anything. Returns a handle."""
        return self._add_hook("state_dict_pre", hook, "register_state_dict_pre_hook",
                              prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """`hook(optimizer, state_dict)` on the snapshot state_dict() made; it may change it
        in place or return a new one. Returns a handle."""
        return self._add_hook("state_dict_post", hook, "register_state_dict_post_hook",
                              prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """`hook(optimizer, state_dict)` before load_state_dict() reads it (a shallow copy of
        the dict given); it may change it in place or return the dict to load instead.
        Returns a handle."""
        return self._add_hook("load_state_dict_pre", hook,
                              "register_load_state_dict_pre_hook", prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """`hook(optimizer)` after load_state_dict() has loaded. Returns a handle."""
        return self._add_hook("load_state_dict_post", hook,
                              "register_load_state_dict_post_hook", prepend)

    def _add_hook(self, kind, hook, who, prepend=False):
        tables = registry_of(self, "_hook_tables",
                             lambda: {name: OrderedDict() for name in _KINDS})  # (prepend=)
        return add_hook(tables[kind], hook, f"{self._who}.{who}", prepend)

    def _hooks(self, kind):
        """The hooks of `kind`, in the order they run (a list: a hook may remove itself)."""
        tables = self._hook_tables
        return [] if tables is None else list(tables[kind].values())

    def _forget_step_hooks(self):
        """No step hook is left (all removed): steps go back to the one check (set, not
        deleted: a deletion would slow every attribute read of the instance)."""
        if "_step_hooked" in self.__dict__:
            self._step_hooked = False
        if not (_global_pre or _global_post):
            OptimizerHooks._step_hooked = False

    def _without_hooks(self, saved):
        """`saved` (a copy of the instance's __dict__) without its hooks, for __getstate__."""
        for name in ("_hook_tables", "_step_hooked", "_in_hooked_step"):
            saved.pop(name, None)
        return saved

    def _saved_with_hooks(self, snapshot):
        """state_dict(): `snapshot()` with the state-dict hooks around it."""
        for hook in self._hooks("state_dict_pre"):
            hook(self)
        state_dict = snapshot()
        for hook in self._hooks("state_dict_post"):
            state_dict = self._state_dict_from(hook, hook(self, state_dict), state_dict,
                                               "state_dict post-hook")
        return state_dict

    def _loaded_with_hooks(self, state_dict, load):
        """load_state_dict(): `load(state_dict)` with the load hooks around it."""
        pre = self._hooks("load_state_dict_pre")
        if pre and isinstance(state_dict, dict):
            state_dict = dict(state_dict)  # (PyTorch's shallow copy: the caller's dict stays)
        for hook in pre:
            state_dict = self._state_dict_from(hook, hook(self, state_dict), state_dict,
                                               "load_state_dict pre-hook")
        load(state_dict)
        for hook in self._hooks("load_state_dict_post"):
            hook(self)

    def _state_dict_from(self, hook, result, given, kind):
        """What a hook that may replace the state dict left: `given`, or its `result`."""
        if result is None:
            return given
        if not isinstance(result, dict):
            raise TypeError(f"{self._who}: the {kind} {_name(hook)} must return None or a "
                            f"state dict (a dict), got {_described(result)}")
        return result


def _name(hook):
    return getattr(hook, "__qualname__", None) or repr(hook)


def _described(value):
    text = repr(value)
    return f"{type(value).__name__} {text[:60] + '...' if len(text) > 60 else text}"
