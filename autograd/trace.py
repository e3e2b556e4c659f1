"""Recording a backward pass, step by step (`record_backward`), for teaching and debugging.

    with autograd.record_backward() as trace:
        loss.backward()
    for step in trace: print(step.function, step.grad_outputs, step.grad_inputs)

Each step is one Function's backward in the engine's real processing order: the gradients
that arrived for its outputs, and those it sent to its inputs (after broadcasting is undone,
so they add up to the inputs' gradients). When nothing records, the engine pays one check
per Function that it already makes for anomaly detection.
"""
import contextlib
from contextvars import ContextVar

from .backend import to_cpu

recorder = ContextVar("backward_recorder", default=None)
recorder.set(None)  # cached read, as the modes in config.py


class Step:
    """One Function's backward: `grad_outputs` and `grad_inputs` are host arrays or None."""

    __slots__ = ("index", "function", "grad_outputs", "grad_inputs")

    def __init__(self, index, function, grad_outputs, grad_inputs):
        self.index, self.function = index, function
        self.grad_outputs, self.grad_inputs = grad_outputs, grad_inputs

    def __repr__(self):
        return f"<Step {self.index}: {self.function.name}>"


class BackwardTrace:
    """The steps of every backward pass run inside `record_backward()` (a list-like);
    `outer`: the trace of an enclosing record_backward block, which records them too."""

    def __init__(self, outer=None):
        self.steps = []
        self.outer = outer

    def record(self, function, grad_outputs, grad_inputs):
        self.steps.append(Step(len(self.steps), function, _arrays(grad_outputs),
                               _arrays(grad_inputs)))
        if self.outer is not None:
            self.outer.record(function, grad_outputs, grad_inputs)

    def __iter__(self):
        return iter(self.steps)

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, i):
        return self.steps[i]

    def __repr__(self):
        return f"<BackwardTrace of {len(self.steps)} steps>"


def _arrays(grads):
    return tuple(None if g is None else to_cpu(g.data).copy() for g in grads)


@contextlib.contextmanager
def record_backward():
    """Record every backward pass run in this thread inside the block (blocks inside it
    included); yields the trace."""
    trace = BackwardTrace(recorder.get())
    token = recorder.set(trace)
    try:
        yield trace
    finally:
        recorder.reset(token)
