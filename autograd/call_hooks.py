"""Hooks around calls (PyTorch's module hooks): before forward, after it, and on the
gradients that cross the call's boundary in backward. `nn.Module` keeps one CallHooks once a
hook is registered; modules without hooks pay one attribute check per call."""
from .function import Function
from .hooks import RemovableHandle
from .variable import Variable


class GradientTap(Function):
    """Identity on its inputs; in backward, `on_backward(grads)` sees the gradients of its
    outputs and may return replacements. Marks where a call begins or ends in the graph, so
    that a hook can see the gradients that cross that boundary and no others."""

    def __init__(self, on_backward):
        self.on_backward = on_backward

    def forward(self, *xs):
        return tuple(x.view() for x in xs)

    def backward(self, *gys):
        replaced = self.on_backward(gys)
        return gys if replaced is None else tuple(replaced)


class CallHooks:
    """Hooks around calls of `owner.forward` (PyTorch's module hooks): `pre(owner, args)`,
    `forward(owner, args, output)` and `backward(owner, grad_input, grad_output)`; a hook that
    returns something other than None replaces what it was given."""

    def __init__(self):
        self.pre, self.forward, self.backward = {}, {}, {}

    def add(self, kind, hook):
        if not callable(hook):
            raise TypeError(f"register_{kind}_hook: hook must be callable, got "
                            f"{type(hook).__name__}")
        registry = getattr(self, kind)
        handle = RemovableHandle(registry)
        registry[handle.id] = hook
        return handle

    def call(self, owner, args, kwargs):
        for hook in list(self.pre.values()):
            result = hook(owner, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        crossing = _Crossing(self, owner) if self.backward else None
        if crossing is not None:
            args = crossing.enter(args)
        output = owner.forward(*args, **kwargs)
        for hook in list(self.forward.values()):
            result = hook(owner, args, output)
            if result is not None:
                output = result
        return output if crossing is None else crossing.leave(output)


class _Crossing:
    """One call's boundary for backward hooks: the outputs' gradients are caught on the way
    in (GradientTap after forward), the inputs' on the way out (GradientTap before it)."""

    def __init__(self, hooks, owner):
        self.hooks, self.owner = hooks, owner
        self.grad_output, self.slots, self.n_args = None, [], 0

    def enter(self, args):
        self.n_args = len(args)
        self.slots = [i for i, a in enumerate(args)
                      if isinstance(a, Variable) and a.requires_grad]
        if not self.slots:
            return args
        tapped = _as_tuple(GradientTap(self._inputs_done)(*[args[i] for i in self.slots]))
        args = list(args)
        for i, t in zip(self.slots, tapped):
            args[i] = t
        return tuple(args)

    def leave(self, output):
        outputs = output if isinstance(output, tuple) else (output,)
        tappable = [i for i, y in enumerate(outputs) if isinstance(y, Variable) and y.requires_grad]
        if not tappable:
            return output
        tapped = _as_tuple(GradientTap(self._outputs_done)(*[outputs[i] for i in tappable]))
        outputs = list(outputs)
        for i, t in zip(tappable, tapped):
            outputs[i] = t
        return tuple(outputs) if isinstance(output, tuple) else outputs[0]

    def _outputs_done(self, grads):
        self.grad_output = tuple(grads)
        if not self.slots:  # nothing flows back into the call's inputs: report now
            self._call_hooks(())

    def _inputs_done(self, grads):
        return self._call_hooks(grads)

    def _call_hooks(self, grads):
        grad_input = [None] * self.n_args
        for i, g in zip(self.slots, grads):
            grad_input[i] = g
        grad_input = tuple(grad_input)
        for hook in list(self.hooks.backward.values()):
            result = hook(self.owner, grad_input, self.grad_output)
            if result is not None:
                grad_input = tuple(result)
        return [grad_input[i] for i in self.slots] if self.slots else None


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)
