"""A random program: leaves, then steps that each assign one line of rungrad code.

The same text runs in every framework: it is executed with `ag` bound to rungrad, to a
PyTorch namespace of the same names (torch_runner.py), or to NumPy (the forward reference),
so what fails is exactly what the snippet prints.
"""
import contextlib
from dataclasses import dataclass

import numpy as np


@dataclass
class Leaf:
    name: str
    array: np.ndarray  # float64; a program's dtype is applied when it runs
    requires_grad: bool


@dataclass
class Step:
    targets: tuple  # names assigned
    expr: str
    modes: tuple = ()  # grad modes entered around it, outermost first: ("no_grad", "enable_grad")
    unpack: bool = False  # expr gives a list (split): `v0_0, v0_1 = ...`

    @property
    def no_grad(self):
        """Whether the innermost mode turns recording off."""
        return self.modes[-1:] == ("no_grad",)

    def line(self):
        comma = "," if self.unpack and len(self.targets) == 1 else ""
        return f"{', '.join(self.targets)}{comma} = {self.expr}"


class Program:
    """Leaves, steps and outputs; its repr is the runnable snippet (what hypothesis prints)."""

    def __init__(self, leaves, dtype="float64"):
        self.leaves = leaves
        self.steps = []
        self.outputs = []  # names
        self.needs_grad = {}  # name -> requires grad (PyTorch's rule)
        self.shapes = {}  # name -> shape
        self.dtype = dtype

    def names(self):
        return [leaf.name for leaf in self.leaves] + [t for s in self.steps for t in s.targets]

    def intermediates(self):
        """Non-leaf values that require grad: what retain_grad and grad(..., h) may name."""
        return [t for s in self.steps for t in s.targets if self.needs_grad[t]]

    def grad_leaves(self):
        return [leaf.name for leaf in self.leaves if leaf.requires_grad]

    def run(self, fw, frozen=None, replace=None):
        """Execute the program in framework `fw`; returns {name: value}.

        replace maps leaf names to ready values (functional transforms); frozen maps names
        to values forced after their step (the numerical reference holds detached and
        no_grad values fixed, as backprop does)."""
        replace = replace or {}
        env = {"ag": fw.ns, "np": np}
        for leaf in self.leaves:
            env[leaf.name] = replace[leaf.name] if leaf.name in replace else fw.leaf(
                leaf.array, leaf.requires_grad, self.dtype)
        for step in self.steps:
            code = _compiled(fw.line(step.line()))
            with contextlib.ExitStack() as modes:
                for mode in step.modes:
                    modes.enter_context(getattr(fw, mode)())
                exec(code, env)
            for t in step.targets:
                env[t] = fw.post(env[t], step.no_grad)
                if frozen is not None and t in frozen:
                    env[t] = frozen[t]
        return {name: env[name] for name in self.names()}

    def frozen_names(self):
        """Values that backprop treats as constants: detached or computed under no_grad."""
        return [t for s in self.steps if s.no_grad or s.expr.endswith(".detach()")
                for t in s.targets]

    def source(self):
        """The program as a runnable rungrad snippet."""
        lines = ["import numpy as np", "import autograd as ag", "from autograd import Variable",
                 ""]
        for leaf in self.leaves:
            lines.append(f"{leaf.name} = Variable(np.array({leaf.array.tolist()!r}, "
                         f"dtype=np.{self.dtype}).reshape({leaf.array.shape}), "
                         f"requires_grad={leaf.requires_grad})")
        for step in self.steps:
            lines += [f"{'    ' * k}with ag.{mode}():" for k, mode in enumerate(step.modes)]
            lines.append("    " * len(step.modes) + step.line())
        lines.append(f"outputs = [{', '.join(self.outputs)}]")
        return "\n".join(lines)

    def __repr__(self):
        return "\n# ----- rungrad snippet -----\n" + self.source() + "\n# -----\n"


_cache = {}


def _compiled(line):
    code = _cache.get(line)
    if code is None:
        if len(_cache) > 50_000:  # long runs: keep memory bounded
            _cache.clear()
        code = _cache[line] = compile(line, "<program>", "exec")
    return code
