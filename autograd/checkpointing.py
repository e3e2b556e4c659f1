"""Activation checkpointing (PyTorch's torch.utils.checkpoint): a block of a model keeps for
the backward pass only what enters it, not the results inside it, and computes those again
when the gradient comes back through it. Training then holds one block's intermediate
results at a time, for the price of a second forward pass of each block.

`checkpoint(function, *args)` runs the block once with the graph recorded, to find what its
gradient must reach: its Variable arguments (also inside lists, tuples and dicts),
and the leaves it reads (a module's parameters). The block's graph is then dropped, and one
Function (`_Checkpointed`) stands for it, with those as its inputs. Its backward runs the
block again, under the random generators' states and the train/test mode of the first run
(the same dropout masks), and takes the gradients of the recomputed outputs with
respect to those inputs, along every path inside the block and stopping at each
(engine.grad_inside): a Variable both given as an argument and read by a layer counts both
ways, once; the inputs' hooks are left to the outer backward, which runs them once. With
create_graph=True that gradient is itself a graph, so higher-order derivatives pass
through a checkpoint.

What the block reads must reach it through its arguments or be a leaf: a Variable computed
before the call and read from a closure is refused (its gradient would travel twice, once
inside the block and once around it). A hook or retain_grad the block gives a Variable it
computed is given again by the second run (and a retained gradient handed back to the first
run's Variable); one given from outside, after the block ran, is refused when the gradient
comes back, as that Variable is not in the graph the backward pass runs. An op drawing from
a NumPy Generator of its own (a layer seeded with `seed=`) has its draws repeated too when
the checkpoint can find the generator before the first run (on the block's modules, in
its function's closure, among its arguments); one it cannot find is refused, as its draws
could not be repeated.
"""
from collections import namedtuple

import numpy as np

from .capture import CaptureError, capturing
from .config import enable_grad, grad_mode, train_mode, using_config
from .engine import grad_inside
from .function import Function
from .random_states import RandomStates
from .variable import Variable, new_stamp, own_name


def checkpoint(function, *args, preserve_rng_state=True, use_reentrant=None, **kwargs):
    """function(*args, **kwargs), its intermediate results freed and computed again in the
    backward pass (see the module doc). `function` returns a Variable, or a tuple or list of
    them (other items are passed on as they are). preserve_rng_state=False lets the second
    run draw afresh (no dropout inside). use_reentrant: PyTorch's choice of implementation,
    accepted and ignored (this one supports backward(), grad() and create_graph alike).
    Without grad mode it is function(*args, **kwargs)."""
    if capturing():
        raise CaptureError("checkpoint: a checkpointed block is not replayed by "
                           "autograd.capture; call it outside the captured step, or drop "
                           "the checkpoint there")
    if not callable(function):
        raise TypeError(f"checkpoint: expected a function to run, got {type(function).__name__}")
    if not grad_mode.get():
        return function(*args, **kwargs)
    run = _Run(function, args, kwargs, preserve_rng_state)
    start = new_stamp()
    results = function(*args, **kwargs)
    outputs = _made_inside(results, start)
    if not outputs:  # (nothing recorded: an argument or a constant given back as it is)
        return results
    inside = []  # (weak references to the Variables the block made)
    sources = _sources(outputs, run.variables(), start, run.generators, inside)
    # what the block itself watches (a hook or retain_grad inside it) runs again with it
    inside = [(ref, _watching(ref())) for ref in inside]
    made = _Checkpointed(run, [y.data for y in outputs], inside)(*sources)
    made = made if isinstance(made, tuple) else (made,)
    for y, given in zip(outputs, made):  # (an output the block asked to keep its gradient:
        if y.retains_grad:               # the one handed out keeps it, as PyTorch's)
            given.retain_grad()
    return _rebuilt(results, dict(zip([id(y) for y in outputs], made)))


def checkpoint_sequential(functions, segments, input, preserve_rng_state=True,  # noqa: A002
                          use_reentrant=None):
    """`functions` (a Sequential, or a list of modules or functions) applied to `input` in
    `segments` parts, every part but the last checkpointed (PyTorch's)."""
    functions = list(functions.children()) if hasattr(functions, "children") else list(functions)
    if isinstance(segments, bool) or not isinstance(segments, int) or segments < 1:
        raise ValueError(f"checkpoint_sequential: segments must be a positive integer, got "
                         f"{segments!r}")
    size = -(-len(functions) // segments) if functions else 1
    parts = [functions[i:i + size] for i in range(0, len(functions), size)]
    for k, part in enumerate(parts):
        if k < len(parts) - 1:
            input = checkpoint(_in_turn(part), input, preserve_rng_state=preserve_rng_state)
        else:
            input = _in_turn(part)(input)
    return input


def _in_turn(part):
    def run(x):
        for f in part:
            x = f(x)
        return x
    return run


class _Run:
    """One call of a checkpointed block: the function, its arguments, and the states the
    second run repeats (the random generators', the train/test mode)."""

    def __init__(self, function, args, kwargs, preserve_rng_state):
        self.function, self.args, self.kwargs = function, args, kwargs
        self.train = train_mode.get()
        self.rng = RandomStates.now() if preserve_rng_state else None
        # {id: (generator, its state now)} of the NumPy Generators the block can reach
        self.generators = {} if not preserve_rng_state else {
            key: (g, g.bit_generator.state)
            for key, g in _own_generators(function, args, kwargs).items()}

    def variables(self):
        """The Variables among the arguments (keyword arguments' values too), and inside
        lists, tuples and dicts given as them, however deep."""
        found, stack = [], list(self.args) + list(self.kwargs.values())
        while stack:
            a = stack.pop()
            if isinstance(a, Variable):
                found.append(a)
            elif isinstance(a, (list, tuple, dict)):
                stack += a.values() if isinstance(a, dict) else a
        return found

    def again(self):
        """The block's results computed again; returns (results, the stamp the block's own
        Functions carry)."""
        start = new_stamp()
        saved = RandomStates.now() if self.rng is not None else None
        own = [(g, g.bit_generator.state) for g, _ in self.generators.values()]
        try:
            if self.rng is not None:
                self.rng.restore()
            for g, state in self.generators.values():
                g.bit_generator.state = state
            with enable_grad(), using_config("train", self.train):
                results = self.function(*self.args, **self.kwargs)
        finally:  # (the program's own draws go on as if the backward had drawn nothing)
            if saved is not None:
                saved.restore()
            for g, state in own:
                g.bit_generator.state = state
        return results, start


class _Checkpointed(Function):
    """The outputs of a checkpointed block (their arrays from its first run), from its
    sources: the Variable arguments and the leaves that need a gradient. backward runs the
    block again and differentiates that run."""

    def __init__(self, run, arrays, inside):
        self.run, self.arrays = run, arrays
        self.inside = inside  # (weak reference, what it watched) of the first run's own

    def forward(self, *sources):
        arrays, self.arrays = self.arrays, None  # (not kept: the outputs hold them)
        return tuple(arrays) if len(arrays) > 1 else arrays[0]

    def backward(self, *gys):
        _refuse_watched(self.inside)
        results, start = self.run.again()
        again = _outputs_again(results, start, len(gys))  # (in the first run's order)
        ys = [y for y, gy in zip(again, gys) if gy is not None]
        seeds = [gy for gy in gys if gy is not None]
        if not ys:
            return (None,) * len(self.inputs)
        grads = grad_inside(ys, self.inputs, seeds, create_graph=grad_mode.get())
        self._hand_back_retained(again, start)
        return grads

    def _hand_back_retained(self, again, start):
        """A Variable of the first run that the block asked to retain its gradient (and the
        user kept, `keep.append(h)`) gets the gradient its recomputed twin retained: the
        same walk of both graphs pairs them (PyTorch's checkpoint fills the first run's)."""
        if not any(watched is not None and watched.retain for _, watched in self.inside):
            return
        twins = []
        _sources(again, self.run.variables(), start, self.run.generators, twins)
        if len(twins) != len(self.inside):
            return
        for (ref, watched), twin_ref in zip(self.inside, twins):
            first, twin = ref(), twin_ref()
            if first is None or twin is None or first is twin or twin.grad is None or \
                    watched is None or not watched.retain:
                continue
            first.grad = twin.grad if first.grad is None else first.grad + twin.grad


Watching = namedtuple("Watching", ["hooks", "last", "retain", "post"])


def _watching(var):
    """What is asked of var's gradient: its hooks and whether it retains it (None: nothing)."""
    watch = None if var is None else var._watch
    return None if watch is None else Watching(tuple(watch.hooks), tuple(watch.last),
                                               watch.retain, tuple(watch.post))


def _refuse_watched(inside):
    """Refuse a hook or retain_grad given, after the block ran, to a Variable it computed
    (its first run's): the backward pass runs the block again, so that Variable gets no
    gradient. One the block gave itself is given again by the second run."""
    for ref, watched in inside:
        var = ref()
        if var is not None and _watching(var) != watched:
            who = f"{own_name(var)!r}" if own_name(var) else f"of shape {tuple(var.shape)}"
            raise RuntimeError(
                f"checkpoint: a Variable {who} computed inside the checkpointed block was given "
                f"a hook or retain_grad after the block ran; the backward pass computes the "
                f"block again, so it gets no gradient. Register the hook inside the block (it "
                f"runs again with it), or take that part out of the checkpoint")


def _made_inside(results, start):
    """The Variables among `results` that the block computed (recorded at stamp `start` or
    later) and that need a gradient: an argument or a leaf given back stays as it is."""
    return [y for y in _items(results) if isinstance(y, Variable) and y.requires_grad
            and y.creator is not None and y.creator.recorded_at >= start]


def _outputs_again(results, start, count):
    """_made_inside for a second run's results, as many as the first run gave; a ValueError
    where the block gave others (it must compute the same thing)."""
    outputs = _made_inside(results, start)
    if len(outputs) != count:
        raise ValueError(f"checkpoint: run again for the backward pass, the block gave "
                         f"{len(outputs)} outputs needing a gradient where its first run gave "
                         f"{count}; it must compute the same thing each time")
    return outputs


def _items(results):
    return list(results) if isinstance(results, (tuple, list)) else [results]


def _rebuilt(results, made):
    """`results` with each output replaced by the checkpoint's Variable for it."""
    if isinstance(results, (tuple, list)):
        return type(results)(made.get(id(y), y) if isinstance(y, Variable) else y
                             for y in results)
    return made[id(results)]


def _sources(outputs, arguments, start, generators, inside):
    """What the block's gradient reaches, walking its graph from `outputs` through the
    Functions it recorded (stamped `start` or later): its Variable arguments and the leaves
    needing a gradient, each once; a ValueError for another Variable computed before the
    call, a TypeError for an op drawing from a generator of its own not in `generators`
    (by id: those whose states the second run restores). `inside` receives the weak
    references to the Variables the block made."""
    given = {id(a) for a in arguments}
    sources, seen = {}, set()
    stack = [y.creator for y in outputs if id(y) not in given]
    while stack:
        func = stack.pop()
        if id(func) in seen:
            continue
        seen.add(id(func))
        inside += func.outputs
        _refuse_unknown_generator(func, generators)
        for x in func.inputs:
            if id(x) in given or x.creator is None:
                if x.requires_grad:
                    sources.setdefault(id(x), x)
            elif x.creator.recorded_at < start:
                raise ValueError(
                    f"checkpoint: the block reads a Variable of shape {tuple(x.shape)} made "
                    f"by {x.creator.name} before the call, other than through its arguments; "
                    "pass it as an argument (its gradient would otherwise flow twice)")
            else:
                stack.append(x.creator)
    return list(sources.values())


def _refuse_unknown_generator(func, generators):
    generator = getattr(func, "generator", None)
    if generator is not None and id(generator) not in generators:
        raise TypeError(f"checkpoint: {func.name} inside the block draws from a generator of "
                        "its own that the checkpoint cannot find, so the backward pass cannot "
                        "repeat its draws (with preserve_rng_state=True it looks on the "
                        "block's modules, in its function's closure and among its arguments); "
                        "hold it on a layer of the block, pass it as an argument, or give the "
                        "op none (NumPy's global generator is restored)")


def _own_generators(function, args, kwargs):
    """{id: generator} of the NumPy Generators a block can reach: the function itself or a
    closure cell, a bound method's object, a partial's function, an argument (one level
    into lists and tuples: checkpoint_sequential's parts), and the attributes of every
    module among those (anything with modules(), its submodules included)."""
    found = {}
    for item in _reachable(function, args, kwargs):
        if isinstance(item, np.random.Generator):
            found[id(item)] = item
        elif callable(getattr(item, "modules", None)):
            for module in item.modules():
                for value in getattr(module, "__dict__", {}).values():
                    if isinstance(value, np.random.Generator):
                        found[id(value)] = value
    return found


def _reachable(function, args, kwargs):
    """The objects _own_generators looks at (see there)."""
    wrapped = getattr(function, "func", None)  # (functools.partial)
    items = [function, getattr(function, "__self__", None), wrapped, *args, *kwargs.values()]
    for f in (function, wrapped):
        for cell in getattr(f, "__closure__", None) or ():
            try:
                items.append(cell.cell_contents)
            except ValueError:  # (a cell not yet filled)
                pass
    return items + [x for item in items if isinstance(item, (list, tuple)) for x in item]


__all__ = ["checkpoint", "checkpoint_sequential"]
