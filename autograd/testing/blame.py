"""Blame: which Function of a composite has the wrong backward?

`localize(f, *inputs)` runs f once, recording its graph and, for every op, the user's line
that created it (anomaly mode's record of call sites), then re-checks each Function of the
graph on its own inputs from that pass, in backward order (outputs first), and blames the
first whose backward disagrees with numerical differentiation. Ops elsewhere in f are
not involved in that check, so broadcasting, indexing or reuse around the faulty
Function cannot hide it or move the blame.
"""
import copy

from ..anomaly import _describe_site, detect_anomaly
from ..arguments import as_list
from ..numerical import GradcheckError, gradcheck, gradgradcheck
from ..variable import Variable
from ..walk import functions_behind


class Blame:
    """The outcome of localize: `function` (the Function object blamed, or None when each
    one agrees at its inputs), `site` ((file, line, code) of the user's line that created
    it, or None), `error` (the GradcheckError of its own check: `.entries` are the worst
    entries), `checked` (how many Functions were re-checked)."""

    def __init__(self, function, site, error, checked):
        self.function, self.site, self.error, self.checked = function, site, error, checked

    def __str__(self):
        if self.function is None:
            return (f"localize: each of the {self.checked} Functions in f's graph agrees with "
                    "numerical differentiation at its own inputs, so the mismatch comes from f "
                    "itself: a step that leaves the graph (.data, NumPy on arrays, a detached "
                    "value) or that is not differentiable at these inputs")
        cls = _class_of(self.function)
        shapes = ", ".join(f"{tuple(x.shape)} {x.dtype}" for x in self.function.inputs)
        detail = str(self.error).split("\n", 1)[-1]
        return (f"localize: the first Function in backward order whose backward disagrees "
                f"with numerical differentiation at its own inputs is {cls.__name__} "
                f"(class {cls.__module__}.{cls.__qualname__}), {_describe_site(self.site)}\n"
                f"  its inputs (shape dtype): {shapes}\n{detail}")


def _class_of(func):
    """The class the user wrote: a PyTorch-style Function's own (its `definition`), not
    the TorchStyleCall that runs it."""
    return getattr(func, "definition", None) or type(func)


def localize(f, *inputs, order=1, **gradcheck_kwargs):
    """The Blame for f at `inputs` (Variables or arrays): see the module docstring.
    order=2 re-checks each Function's second order (gradgradcheck) instead."""
    outputs = _recorded_outputs(f, inputs)
    functions = sorted(functions_behind(outputs), key=lambda func: -func.generation)
    check = gradcheck if order == 1 else gradgradcheck
    checked = 0
    for func in functions:
        positions = [i for i, (x, need) in enumerate(zip(func.inputs, func.needs_input_grad))
                     if need and x.dtype.kind == "f"]
        if not positions:
            continue
        checked += 1
        try:
            check(_replay(func, positions), *[func.inputs[i].data for i in positions],
                  **gradcheck_kwargs)
        except GradcheckError as error:
            return Blame(func, getattr(func, "_anomaly_site", None), error, checked)
    return Blame(None, None, None, checked)


def _recorded_outputs(f, inputs):
    """f's outputs at fresh leaves, with each op's creating line recorded when possible."""
    arrays = [x.data if isinstance(x, Variable) else x for x in inputs]

    def run():
        leaves = [Variable(a.copy(), requires_grad=a.dtype.kind == "f") for a in arrays]
        return [y for y in as_list(f(*leaves)) if isinstance(y, Variable)]

    try:
        with detect_anomaly():
            return run()
    except FloatingPointError:  # NaN/Inf on the way: run again, without the call sites
        return run()


def _replay(func, positions):
    """g(*xs): func on its recorded inputs with those at `positions` replaced by xs. Each
    call goes to a shallow copy, so the recorded Function keeps its state."""
    constants = [Variable(x.data, requires_grad=False) for x in func.inputs]

    def g(*xs):
        args = list(constants)
        for i, x in zip(positions, xs):
            args[i] = x
        return copy.copy(func)(*args)

    g.__name__ = _class_of(func).__name__  # (what its check's report calls f)
    return g


__all__ = ["Blame", "localize"]
