"""Hooks around calls (PyTorch's module hooks): before forward, after it, and on the
gradients that cross the call's boundary in backward. `nn.Module` keeps one CallHooks once a
hook is registered; modules without hooks pay one attribute check per call."""
import contextlib
import contextvars
import itertools
from collections import OrderedDict

from .capture import CaptureError, capturing
from .function import Function
from .hooks import add_hook
from .user_warnings import user_warning
from .variable import Variable


class GradientTap(Function):
    """Identity on its inputs; in backward, `on_backward(grads)` sees the gradients of its
    outputs and may return replacements. Marks where a call begins or ends in the graph, so
    that a hook can see the gradients that cross that boundary and no others."""

    takes_missing_grads = True  # (an output the loss did not use: None to the hooks, as
    # PyTorch's grad_output has; passed on as no gradient)

    def __init__(self, on_backward):
        self.on_backward = on_backward

    def forward(self, *xs):
        return tuple(x.view() for x in xs)

    def backward(self, *gys):
        replaced = self.on_backward(gys)
        return gys if replaced is None else tuple(replaced)


class CallHooks:
    """Hooks around calls of `owner.forward` (PyTorch's module hooks): `pre(owner, args)`,
    `forward(owner, args, output)`, `backward_pre(owner, grad_output)` (before the
    gradients of the call's inputs are computed) and `backward(owner, grad_input,
    grad_output)`; a hook that returns something other than None replaces what it was
    given. Registered with_kwargs,
    the forward ones take the keyword arguments too: `pre(owner, args, kwargs)` returning
    None or (args, kwargs), `forward(owner, args, kwargs, output)`; always_call: a forward
    hook run even when forward raised (given output None)."""

    shared = None  # the hooks every owner's calls run first (nn's global module hooks)

    def __init__(self):
        # (OrderedDicts: prepend= moves a hook first in one step, see hooks.add_hook)
        self.pre, self.forward = OrderedDict(), OrderedDict()
        self.backward, self.backward_pre = OrderedDict(), OrderedDict()
        self.with_kwargs, self.always_call = set(), set()  # the ids of hooks so registered

    def add(self, kind, hook, who, prepend=False, with_kwargs=False, always_call=False):
        """Register `hook` as a `kind` ('pre', 'forward', 'backward', 'backward_pre') hook,
        first with `prepend`; `who` names the registering method in errors."""
        registry = getattr(self, kind)
        handle = add_hook(registry, hook, who, prepend)
        handle.flags = [flagged for flagged, on in ((self.with_kwargs, with_kwargs),
                                                    (self.always_call, always_call)) if on]
        for flagged in handle.flags:
            flagged.add(handle.id)
        return handle

    def any(self):
        return bool(self.pre or self.forward or self.backward or self.backward_pre)

    def call(self, owner, args, kwargs):
        shared = CallHooks.shared
        if shared is None or _PAUSED.get() or not shared.any():
            return owner.forward(*args, **kwargs) if self is shared else \
                self._call(owner, args, kwargs)
        return (self if self is shared else _Joined(shared, self))._call(owner, args, kwargs)

    def _call(self, owner, args, kwargs):
        if (self.pre or self.forward or self._on_backward()) and capturing() and \
                not self._replayable():
            raise CaptureError(f"capture: {type(owner).__name__} has module hooks, Python that "
                               f"a replay would not run; remove them (handle.remove()) or "
                               f"call the step without capture")
        output, forward_hooks, ran = None, None, 0
        try:  # (whatever raises in here, a pre-hook included, runs the always_call hooks)
            for key, hook in list(self.pre.items()):
                args, kwargs = self._pre(key, hook, owner, args, kwargs)
            crossing = _Crossing(self, owner) if self._on_backward() else None
            if crossing is not None:
                args = crossing.enter(args)
            output = owner.forward(*args, **kwargs)
            forward_hooks = list(self.forward.items())  # (after forward, which may add one)
            for key, hook in forward_hooks:
                ran += 1
                result = (hook(owner, args, kwargs, output) if key in self.with_kwargs
                          else hook(owner, args, output))
                if result is not None:
                    output = result
        except Exception:
            self._after_failure(owner, args, kwargs, output, list(self.forward.items())
                                if forward_hooks is None else forward_hooks[ran:])
            raise
        return output if crossing is None else crossing.leave(output)

    def _pre(self, key, hook, owner, args, kwargs):
        """(args, kwargs) after the pre-hook `hook`."""
        if key not in self.with_kwargs:
            result = hook(owner, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
            return args, kwargs
        result = hook(owner, args, kwargs)
        if result is None:
            return args, kwargs
        if not (isinstance(result, tuple) and len(result) == 2):
            raise RuntimeError(f"{type(owner).__name__}: a forward pre-hook registered "
                               f"with_kwargs=True returns None or (args, kwargs), got "
                               f"{type(result).__name__}")
        return tuple(result[0]), dict(result[1])

    def _after_failure(self, owner, args, kwargs, output, hooks):
        """The always_call forward hooks among `hooks` (those not run yet), once a pre-hook,
        forward or a forward hook raised, given the output so far (None when forward gave
        none), as PyTorch's; one that raises too is reported as a warning, the first error
        going on."""
        for key, hook in hooks:
            if key in self.always_call:
                try:
                    (hook(owner, args, kwargs, output) if key in self.with_kwargs
                     else hook(owner, args, output))
                except Exception as exc:  # noqa: BLE001 (the call's error is the one raised)
                    user_warning(f"{type(owner).__name__}: a forward hook with always_call="
                                 f"True raised {type(exc).__name__}: {exc} while the call's "
                                 f"error was raised", RuntimeWarning)

    def _on_backward(self):
        return bool(self.backward or self.backward_pre)

    def _replayable(self):
        """Whether a captured step may run these hooks: only forward pre-hooks that say
        their work is ops alone (`replayable = True`: weight_norm's, whose weight a replay
        computes again by those ops)."""
        return not (self.forward or self._on_backward()) and all(
            getattr(hook, "replayable", False) for hook in self.pre.values())


_PAUSED = contextvars.ContextVar("rungrad_shared_hooks_paused", default=False)


@contextlib.contextmanager
def shared_hooks_paused():
    """Calls made in this block (in this context) run no shared hooks: a model's sizing
    trial is no call of the user's."""
    token = _PAUSED.set(True)
    try:
        yield
    finally:
        _PAUSED.reset(token)


def _both(kind):
    return property(lambda self: OrderedDict(itertools.chain(
        getattr(self.first, kind).items(), getattr(self.own, kind).items())))


class _Joined(CallHooks):
    """`first`'s hooks (the shared ones) followed by `own`'s, read afresh at each use: a
    hook may add or remove one during the call, as PyTorch reads its lists."""

    def __init__(self, first, own):  # (no registries of its own: views of the two)
        self.first, self.own = first, own

    pre, forward, backward, backward_pre = map(_both, ("pre", "forward", "backward",
                                                       "backward_pre"))
    with_kwargs = property(lambda self: self.first.with_kwargs | self.own.with_kwargs)
    always_call = property(lambda self: self.first.always_call | self.own.always_call)


class _Crossing:
    """One call's boundary for backward hooks: the outputs' gradients are caught on the way
    in (GradientTap after forward), the inputs' on the way out (GradientTap before it)."""

    def __init__(self, hooks, owner):
        self.hooks, self.owner = hooks, owner
        self.grad_output, self.slots, self.n_args = None, [], 0
        self.output_slots, self.n_outputs = [], 0

    def enter(self, args):
        self.n_args = len(args)
        args, self.slots = _tap(args, self._inputs_done)
        return args

    def leave(self, output):
        outputs = output if isinstance(output, tuple) else (output,)
        self.n_outputs = len(outputs)
        outputs, self.output_slots = _tap(outputs, self._outputs_done)
        return outputs if isinstance(output, tuple) else outputs[0]

    def _outputs_done(self, grads):
        """The gradients of the outputs that need one arrived: grad_output has one entry
        per output (None for those that need none, as PyTorch's), which backward pre-hooks
        may replace."""
        full = [None] * self.n_outputs
        for i, g in zip(self.output_slots, grads):
            full[i] = g
        self.grad_output = tuple(full)
        for hook in list(self.hooks.backward_pre.values()):
            result = hook(self.owner, self.grad_output)
            if result is not None:
                self.grad_output = _entries(self.owner, result, self.n_outputs,
                                            "a backward pre-hook", "grad_output", "outputs",
                                            self.grad_output)
        grad_output = self.grad_output
        if not self.slots:  # nothing flows back into the call's inputs: report now
            self._call_hooks(())
        if not self.hooks.backward_pre:
            return None
        return [grad_output[i] for i in self.output_slots]

    def _inputs_done(self, grads):
        if self.grad_output is None:  # (see _call_hooks)
            return None
        return self._call_hooks(grads)

    def _call_hooks(self, grads):
        """The full backward hooks, once per gradient that crossed the outputs: a gradient
        reaching the inputs by another way (differentiating a first gradient, whose graph
        reads the inputs) passes unseen, as PyTorch's (it ran the hooks again, and a hook
        that scales grad_input scaled a second derivative twice)."""
        grad_input = [None] * self.n_args
        for i, g in zip(self.slots, grads):
            grad_input[i] = g
        grad_input, grad_output, self.grad_output = tuple(grad_input), self.grad_output, None
        for hook in list(self.hooks.backward.values()):
            result = hook(self.owner, grad_input, grad_output)
            if result is not None:
                grad_input = _entries(self.owner, result, self.n_args, "a full backward hook",
                                      "grad_input", "inputs", grad_input)
        return [grad_input[i] for i in self.slots] if self.slots else None


def _entries(owner, result, count, hook, name, of, given):
    """A hook's returned gradients as a tuple of `count` (one per input or output), or a
    RuntimeError naming the module and both counts, or the entry whose shape is not the
    one it was given (PyTorch's 'hook has changed the size of value')."""
    result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
    if len(result) != count:
        raise RuntimeError(f"{type(owner).__name__}: {hook} returned {len(result)} {name} "
                           f"entries for {count} {of} (one each, None for none)")
    for i, (new, old) in enumerate(zip(result, given)):
        if new is not None and old is not None and tuple(new.shape) != tuple(old.shape):
            raise RuntimeError(f"{type(owner).__name__}: {hook} returned {name}[{i}] of shape "
                               f"{tuple(new.shape)} for one of shape {tuple(old.shape)} (a "
                               f"hook may change the values only)")
    return result


def _tap(values, on_backward):
    """`values` (a tuple) with its Variables that require grad passed through one
    GradientTap calling `on_backward`, and the positions of those Variables."""
    slots = [i for i, v in enumerate(values) if isinstance(v, Variable) and v.requires_grad]
    if not slots:
        return values, slots
    tapped = GradientTap(on_backward)(*[values[i] for i in slots])
    given, values = values, list(values)
    for i, t in zip(slots, tapped if isinstance(tapped, tuple) else (tapped,)):
        values[i] = t
    # a namedtuple (a model's Output(logits, aux)) rebuilt as itself, as PyTorch's
    return (type(given)(*values) if hasattr(given, "_fields") else tuple(values)), slots
