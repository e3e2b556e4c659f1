"""A captured backward pass (autograd/capture.py): the engine's walk, written out once.

The engine (`engine._backprop`) discovers the graph as it goes: a schedule ordered by
generation, a dict of pending gradients keyed by Variable. In a captured step the graph is
the same at every replay, so the order is fixed at capture and the replay's code
(autograd/replay_code.py) calls each Function's `backward_data` in it, keeps each pending
gradient in a local and adds the gradients up as the engine's first-order path does, then
stores the leaves' gradients with the engine's own helpers (`claimed` and `add_to_grad`
under its lock; `store_leaf_grad` for a leaf with replayable hooks).
"""

from .backend import as_array, get_array_module
from .config import backward_running, grad_mode
from .engine import (
    _ACCUMULATING,
    _add_arrays,
    _after_hooks,
    _fit_grad,
    _Pass,
    _seed,
    _user_arrays,
    add_to_grad,
    claimed,
    ones_seed,
    store_leaf_grad,
)
from .variable import Variable, wrap


def write_backward(code, outputs, grad_outputs, order):
    """Write into `code` (a replay_code.CodeWriter) the lines running backward(outputs,
    grad_outputs) on the captured graph; `order`: the Functions in the order the engine ran
    them at capture. Each pending gradient is a local; one that never arrives stays None."""
    _check_replayable(order)
    seeds = _seed_sources(grad_outputs, len(outputs))
    writer = _BackwardWriter(code)
    code.namespace.update(_HELPERS)
    # as the engine's pass: callbacks queued by hooks (DDP's check) run once it is over
    code.line("t_pass = new_pass()")
    code.line("t_grad, t_running = grad_mode.set(False), backward_running.set(t_pass)")
    code.line("try:")  # as the engine runs backward: no graph, and ops know they are in it
    start = len(code.lines)
    given = [writer.seed(y, source) for y, source in zip(outputs, seeds)]
    user_seeds = [g for g, source in zip(given, seeds) if source is not None]
    code.line(f"taken = user_arrays([{', '.join(user_seeds)}])" if user_seeds
              else "taken = set()", 2)
    for func in order:
        writer.backward_of(func)
    writer.store_leaf_grads(_leaves(order, outputs))
    code.lines[start:start] = ["        " + f"{g} = None" for g in writer.slots.values()]
    code.line("finally:")
    code.line("grad_mode.reset(t_grad)", 2)
    code.line("backward_running.reset(t_running)", 2)
    code.line("t_pass.run_callbacks()")


class _BackwardWriter:
    """The lines of one backward pass: pending gradients as locals `g…`."""

    def __init__(self, code):
        self.code = code
        self.slots = {}       # id(Variable) -> the local of its pending gradient
        self.written = set()  # ids whose slot some line may have set

    def slot(self, var):
        if id(var) not in self.slots:
            self.slots[id(var)] = self.code.local("g")
        return self.slots[id(var)]

    def add(self, var, g, indent):
        """Add gradient `g` (a local) into var's slot."""
        slot = self.slot(var)
        if id(var) in self.written:
            self.code.line(f"{slot} = {g} if {slot} is None else add({slot}, {g})", indent)
        else:
            self.code.line(f"{slot} = {g}", indent)
            self.written.add(id(var))

    def store_leaf_grads(self, leaves):
        """Each leaf's gradient into its .grad, as the engine's store_leaf_grad (a call of the
        captured step checked the leaves: each still wants its gradient, of the dtype then).
        Those without hooks under one hold of the engine's lock, a first gradient set
        directly; those with replayable hooks through the hooks and store_leaf_grad."""
        code = self.code
        reached = [x for x in leaves if id(x) in self.written]
        plain = [x for x in reached if x._watch is None]
        if plain:
            code.line("with accumulating:", 2)
        for x in plain:
            g, v = self.slot(x), code.name(x, "v")
            code.line(f"if {g} is None: pass", 3)
            code.line(f"elif {v}.grad is None: {v}.grad = wrap({g} if claimed({g}, taken, "
                      f"{v}.data) else {g}.copy())", 3)
            code.line(f"else: add_to_grad({v}, wrap({g}), taken)", 3)
        for x in reached:
            if x._watch is not None:
                g, v = self.slot(x), code.name(x, "v")
                code.line(f"if {g} is not None: store({v}, after_hooks({v}, {g}), taken)", 2)

    def seed(self, y, source):
        """The seed of output y: ones, or the source Variable's current array, which a
        replay uses as it is when it has y's shape and dtype. Returns its local."""
        code, g = self.code, self.code.local("seed")
        y_data = code.array_of(y)
        if source is None:
            code.line(f"{g} = ones_seed({y_data})", 2)
        else:
            code.line(f"{g} = {code.name(source, 'v')}.data", 2)
            code.line(f"if {g}.__class__ is not ndarray or {g}.dtype != {y_data}.dtype "
                      f"or {g}.shape != {y_data}.shape: "
                      f"{g} = seed({code.name(y, 'v')}, {g}).data", 2)
        self.add(y, g, 2)
        return g

    def backward_of(self, func):
        """func.backward_data on its outputs' pending gradients, when one arrived; its
        inputs' gradients brought to their shapes and added into their slots."""
        code = self.code
        outs = [ref() for ref in func.outputs]
        pending = [self.slots[id(y)] if y is not None and id(y) in self.written else "None"
                   for y in outs]
        if all(g == "None" for g in pending):
            return  # nothing ever reaches this op
        backward = code.name(func.backward_data, "b")
        if len(outs) == 1:
            code.line(f"if {pending[0]} is not None:  # {func.name}", 2)
            code.line(f"r = {backward}({pending[0]})", 3)
        else:
            code.line(f"if {' or '.join(f'{g} is not None' for g in pending)}:  # {func.name}",
                      2)
            if func.takes_missing_grads:  # None for an output none reached, as the engine
                code.line(f"r = {backward}({', '.join(pending)})", 3)
            else:
                code.line(f"r = {backward}(*with_zeros({code.name(func, 'func')}, "
                          f"[{', '.join(pending)}]))", 3)
        code.line(f"{' = '.join(g for g in pending if g != 'None')} = None", 3)  # (freed)
        single = len(func.inputs) == 1
        if not single:
            code.line("if r.__class__ is not tuple: r = as_tuple(r)", 3)
        for i, (x, needed) in enumerate(zip(func.inputs, func.needs_input_grad)):
            if needed:
                x_data = code.array_of(x)
                # (one input: its gradient as most backwards return it, an array, unpacked)
                code.line("gx = r if r.__class__ is ndarray else r[0] if r.__class__ is tuple "
                          "else as_tuple(r)[0]" if single else f"gx = r[{i}]", 3)
                code.line("if gx is not None:", 3)
                # (dtypes by identity: NumPy's are one object each; fit_grad sees to others)
                code.line(f"if gx.__class__ is not ndarray or gx.shape != {x_data}.shape or "
                          f"gx.dtype is not {x_data}.dtype: gx = fit_grad(gx, "
                          f"{code.name(x, 'v')}, True, {code.name(func, 'func')})", 4)
                self.add(x, "gx", 4)


def _as_tuple(grads):
    return tuple(grads) if grads.__class__ is list else (grads,)


def _seed_sources(grad_outputs, n):
    """None (ones) or the Variable whose current array is each output's gradient."""
    if grad_outputs is None:
        return [None] * n
    seeds = list(grad_outputs) if isinstance(grad_outputs, (list, tuple)) else [grad_outputs]
    return [None if g is None else g if isinstance(g, Variable) else wrap(as_array(g), False)
            for g in seeds]


def _check_replayable(order):
    """Refuse hooks on what this graph reaches: they are Python, run by the engine, not by a
    replay."""
    from .capture import CaptureError
    for func in order:
        for x in func.inputs:
            if x.creator is None and x._watch is not None and not _replayable_watch(x._watch):
                raise CaptureError(f"capture: an input of {func.name} (a leaf of shape "
                                   f"{x.shape}) has a gradient hook; hooks cannot be "
                                   f"replayed")
        for ref in func.outputs:
            y = ref()
            if y is not None and y._watch is not None:
                raise CaptureError(f"capture: an output of {func.name} has a gradient hook or "
                                   f"retains its gradient; hooks cannot be replayed")


def _replayable_watch(watch):
    """Whether a leaf's hooks are all final hooks marked `replayable` (DDP's averaging):
    Python that a replay calls as the engine does, on the leaf's complete gradient."""
    return not watch.hooks and not watch.retain and not watch.post and all(
        getattr(hook, "replayable", False) for hook in watch.last.values())


def _leaves(order, outputs):
    """The Variables without a creator that receive a gradient (parameters, mostly)."""
    found, seen = [], set()
    for var in list(outputs) + [x for func in order for x in func.inputs]:
        if var.creator is None and var.requires_grad and id(var) not in seen:
            seen.add(id(var))
            found.append(var)
    return found


def _with_zeros(func, gys):
    """The gradients of a multi-output op's outputs, zeros for those that got none."""
    xp = get_array_module(func.inputs[0].data)
    for i, (ref, spec) in enumerate(zip(func.outputs, func.output_specs)):
        if gys[i] is None:  # zeros of this call's output (its shape may follow the values)
            y = ref()
            gys[i] = xp.zeros(*((y.data.shape, y.data.dtype) if y is not None else spec))
    return gys


_HELPERS = {"grad_mode": grad_mode, "backward_running": backward_running, "add": _add_arrays,
            "fit_grad": _fit_grad, "seed": _seed, "ones_seed": ones_seed,
            "user_arrays": _user_arrays, "store": store_leaf_grad, "wrap": wrap,
            "as_tuple": _as_tuple, "with_zeros": _with_zeros, "after_hooks": _after_hooks,
            "new_pass": _Pass, "accumulating": _ACCUMULATING, "claimed": claimed,
            "add_to_grad": add_to_grad}
