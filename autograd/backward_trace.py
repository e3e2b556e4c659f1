"""Recording a backward pass, step by step (`record_backward`), for teaching and debugging.

    with autograd.record_backward() as trace:
        loss.backward()
    for step in trace: print(step.function, step.grad_outputs, step.grad_inputs)

Each step is one Function's backward in the engine's real processing order: the gradients
that arrived for its outputs, and those it sent to its inputs (after broadcasting is undone,
so they add up to the inputs' gradients). When nothing records, the engine pays one check
per Function that it already makes for anomaly detection.

A backward pass can run inside a step of another: a checkpointed block's backward computes
the block again and differentiates it with `grad`, as may a Function's own backward or a
hook. Those steps are recorded too, before the step that ran them; `step.pass_index` tells
the passes apart (0 for the first one begun inside the block).
"""
import contextlib
from contextvars import ContextVar

from .backend import to_cpu

recorder = ContextVar("backward_recorder", default=None)
recorder.set(None)  # cached read, as the modes in config.py


class Step:
    """One Function's backward: `grad_outputs` and `grad_inputs` are host arrays or None;
    `pass_index` numbers the backward pass it belongs to (in the order the passes began)."""

    __slots__ = ("index", "function", "grad_outputs", "grad_inputs", "pass_index")

    def __init__(self, index, function, grad_outputs, grad_inputs, pass_index=0):
        self.index, self.function = index, function
        self.grad_outputs, self.grad_inputs = grad_outputs, grad_inputs
        self.pass_index = pass_index

    def __repr__(self):
        return f"<Step {self.index}: {self.function.name}>"


class BackwardTrace:
    """The steps of every backward pass run inside `record_backward()` (a list-like);
    `outer`: the trace of an enclosing record_backward block, which records them too."""

    def __init__(self, outer=None):
        self.steps = []
        self.outer = outer
        self.passes = 0  # backward passes begun inside the block so far

    def new_pass(self):
        """What the engine records a backward pass's steps with, called as the pass begins."""
        return _Pass(self)

    def _add(self, function, grad_outputs, grad_inputs, pass_index):
        self.steps.append(Step(len(self.steps), function, grad_outputs, grad_inputs,
                               pass_index))

    def __iter__(self):
        return iter(self.steps)

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, i):
        return self.steps[i]

    def __repr__(self):
        return f"<BackwardTrace of {len(self.steps)} steps>"


class _Pass:
    """One backward pass's recorder: numbers the pass in the trace and in every enclosing
    one (each counts the passes begun inside its own block), then records its steps."""

    def __init__(self, trace):
        self.numbered = []
        while trace is not None:
            self.numbered.append((trace, trace.passes))
            trace.passes += 1
            trace = trace.outer

    def record(self, function, grad_outputs, grad_inputs):
        grad_outputs, grad_inputs = _arrays(grad_outputs), _arrays(grad_inputs)
        for trace, number in self.numbered:
            trace._add(function, grad_outputs, grad_inputs, number)


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
