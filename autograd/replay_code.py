"""A captured step as one generated Python function: what a replay runs (autograd/capture.py).

A replay does what the record says, in order: each op's `forward` on its inputs' current
arrays, the backward pass (autograd/replay_backward.py), the replayable calls. Run as a loop
over closures, a small model's replay spent more time in that loop's bookkeeping than in
NumPy. Written out as straight-line code, each array in a local variable and every decision
that the capture fixed taken once, it is the step one would write by hand (as torch.fx and
`torch.compile` write Python for a traced graph). `CapturedStep.code` shows it:

    def replay(a1, a2):
        s0.data = a1
        s1.data = a2
        e2()  # Optimizer.zero_grad
        a3 = f3(s0.data, v4.data, v5.data)  # linear
        if a3.__class__ is not ndarray: a3 = as_output(a3)
        o6.data = a3
        ...
"""
import numpy as np

from .backend import get_array_module


class CodeWriter:
    """Lines of one function, and the namespace of the objects they use (`f1`: op 1's
    forward, `v0`: a parameter, `e0`: a replayable call)."""

    def __init__(self, stand_ins):
        self.lines = []
        self.namespace = {"ndarray": np.ndarray, "as_output": as_output}
        self.names = {}          # id(object) -> its name in the namespace
        self.arrays = {}         # id(Variable) -> the local holding its current array
        self.count = 0
        arguments = [self.local("a") for _ in stand_ins]
        self.header = f"def replay({', '.join(arguments)}):"
        for stand_in, argument in zip(stand_ins, arguments):
            self.line(f"{self.name(stand_in, 's')}.data = {argument}")
            self.arrays[id(stand_in)] = argument

    def local(self, prefix):
        self.count += 1
        return f"{prefix}{self.count}"

    def name(self, obj, prefix):
        """The namespace name of `obj` (held there: the code reads it at every replay)."""
        key = id(obj)
        if key not in self.names:
            self.names[key] = f"{prefix}{len(self.names)}"
            self.namespace[self.names[key]] = obj
        return self.names[key]

    def line(self, text, indent=1):
        self.lines.append("    " * indent + text)

    def array_of(self, var):
        """The expression for `var`'s current array: a local where this code set it, else
        its `.data` as it is now (a parameter, which the optimizer updates)."""
        return self.arrays.get(id(var)) or f"{self.name(var, 'v')}.data"

    def op(self, func, inputs, outputs):
        """y = func.forward(x...) on the inputs' arrays, stored in the output Variables."""
        forward = self.name(func.forward, "f")
        call = f"{forward}({', '.join(self.array_of(x) for x in inputs)})"
        if outputs.__class__ is not tuple:
            self._store(call, outputs, f"  # {func.name}")
        else:
            results = self.local("r")
            self.line(f"{results} = {call}  # {func.name}")
            for i, y in enumerate(outputs):
                self._store(f"{results}[{i}]", y)
        if getattr(func, "shape_follows_values", False):
            self._guard_shapes(func, outputs if outputs.__class__ is tuple else (outputs,))

    def _guard_shapes(self, func, outputs):
        """After an op whose result's size follows the values (unique's), a line raising
        CaptureError where this call's size differs from the recorded one: what the step
        made of that size (a pad's widths, a slice) is the record's in a replay."""
        check = self.name(_shape_guard(func.name), "c")
        for y in outputs:
            self.line(f"{check}({self.arrays[id(y)]}, {tuple(y.data.shape)!r})")

    def refresh_index(self, func):
        """Before an op indexing with an op's result (get_item of an argmax's indices), the
        line reading that index afresh (GetItem.refresh_index), skipped op or not: its
        backward reads the index too."""
        if getattr(func, "held_index", None) is not None:
            self.line(f"{self.name(func.refresh_index, 'x')}()  # {func.name}'s index")

    def _store(self, value, var, comment=""):
        array = self.local("a")
        self.line(f"{array} = {value}{comment}")
        # NumPy gives scalars for 0-d results: arrays again, as Function.__call__ makes them
        self.line(f"if {array}.__class__ is not ndarray: {array} = as_output({array})")
        self.line(f"{self.name(var, 'o')}.data = {array}")
        self.arrays[id(var)] = array

    def effect(self, call, label, number=None):
        """A replayable call (functools.partial of the recorded one). It may set any
        Variable's array (BatchNorm's buffers): what follows reads `.data` afresh. Its
        result is written into `number` (a 0-d array the step returns) when given."""
        made = f"{self.name(call, 'e')}()"
        if number is None:
            self.line(f"{made}  # {label}")
        else:
            self.line(f"{self.name(number.view(np.ndarray), 'n')}[...] = {made}  # {label}")
        self.arrays.clear()

    def function(self):
        """The generated function, and its source."""
        source = "\n".join([self.header] + self.lines + ["    return None"]) + "\n"
        namespace = dict(self.namespace)
        exec(compile(source, "<captured step>", "exec"), namespace)  # noqa: S102 (our own code)
        return namespace["replay"], source


def as_output(y):
    """NumPy's 0-d results are scalars: arrays again, as Function.__call__ makes them."""
    if y.__class__ is np.ndarray:
        return y
    return np.asarray(y) if isinstance(y, np.generic) else get_array_module(y).asarray(y)


def _shape_guard(name):
    def check(array, recorded):
        if array.shape != recorded:
            from .capture import CaptureError  # (capture imports this module)
            raise CaptureError(
                f"capture: {name} gave a result of shape {array.shape} in this replay where the "
                f"recorded calls gave {recorded}: its size follows the values, and what the step "
                f"made of it would be the record's. The replay stopped there (ops and calls "
                f"before it ran); call such a step without capture")
    return check
