"""PyTorch's style of custom Function, for ported code:

    class MyReLU(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * (x > 0)

    y = MyReLU.apply(x)

PyTorch 2's split is taken too: a static `forward(x)` without ctx beside a static
`setup_context(ctx, inputs, output)`, which saves what backward needs.

A Function subclass whose forward is a staticmethod is run through TorchStyleCall, a rungrad
Function, with a Context of its own as `ctx`: forward gets Variables (under no_grad: nothing
is recorded inside it) and the other arguments as given; backward gets the outputs' gradients as
Variables and returns one gradient per forward argument (None for a non-array one), written
with ops, so it differentiates again (create_graph). `ctx.saved_tensors` gives the saved
inputs and outputs as the graph's own Variables (higher orders see through them),
`ctx.needs_input_grad` one flag per forward argument. `ctx.mark_dirty(x)` tells of an
input forward changed in place, and `@once_differentiable` on backward computes it without
a graph (a gradient of it then refuses to be differentiated again).
"""
import functools

import numpy as np

from .config import is_grad_enabled, no_grad
from .function import Function
from .variable import Variable, wrap


def apply(cls, *args):
    """cls.apply(*args): the PyTorch-style Function `cls` on `args` (see the module doc)."""
    return TorchStyleCall(cls, args)(*[arg for arg in args if _is_array(arg)])


def refuse_call(self, *args, **kwargs):
    name = type(self).__name__
    raise TypeError(f"{name} is written in PyTorch's style (a static forward(ctx, ...)): call "
                    f"{name}.apply(...), not {name}()(...)")


class Context:
    """The `ctx` a PyTorch-style Function's forward and backward get: its own namespace, so
    attributes the user sets (ctx.args, ctx.name, ctx.inputs) touch nothing of the call."""

    def __init__(self):
        self.to_save, self.needs_input_grad, self._graph_of = (), (), None
        self.non_differentiable = set()  # ids of the outputs marked so
        self.dirty = set()  # ids of the inputs forward changed in place

    def save_for_backward(self, *tensors):
        self.to_save = tensors

    @property
    def saved_tensors(self):
        """The saved Variables, those given to forward or returned by it as the graph's own
        (higher orders see through them)."""
        graph_of = self._graph_of() if self._graph_of is not None else {}
        return tuple(graph_of.get(id(t), t) for t in self.to_save)

    def mark_non_differentiable(self, *tensors):
        """Outputs (those forward returns) that get no gradient, as PyTorch's: they require
        none, and backward gets zeros for them."""
        self.non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        """Inputs forward changed in place, as PyTorch's: their version moves on, so the
        graphs recorded before whose backward reads them refuse to backpropagate, and a leaf
        that requires grad may not be changed so. A constant, or an input no graph recorded,
        is free to change."""
        self.dirty.update(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        """Accepted: a missing output gradient reaches backward as zeros here."""


class TorchStyleCall(Function):
    """One call of a PyTorch-style Function `definition`, its `ctx` a Context."""

    def __init__(self, definition, args):
        self.definition, self.args = definition, args
        self.arrays_at = [k for k, arg in enumerate(args) if _is_array(arg)]
        self.ctx, self.given, self.made = Context(), {}, ()
        self.ctx._graph_of = self._graph_of
        self.__doc__ = definition.__doc__  # (what a graph's step-through says of the op)

    @property
    def name(self):
        return self.definition.__name__.lower()

    @property
    def label(self):
        """The user's class name, as graphs and anomaly messages show the op."""
        return self.definition.__name__

    def __call__(self, *inputs):
        # (in forward too, as PyTorch's: whether each argument will want a gradient)
        wanted = is_grad_enabled()
        self.ctx.needs_input_grad = self._per_argument(
            [wanted and getattr(x, "requires_grad", False) for x in inputs])
        self._inputs_now = inputs  # (what ctx.mark_dirty's inputs are, outside forward)
        try:
            outputs = super().__call__(*inputs)
        finally:
            del self._inputs_now
        marked = self.ctx.non_differentiable
        if marked:
            for made, out in zip(self.made, outputs if isinstance(outputs, tuple) else
                                 (outputs,)):
                if id(made) in marked:  # (a constant now: no graph leads back through it)
                    out.creator, out.generation, out.requires_grad = None, 0, False
        return outputs

    def saved_inputs(self):
        """The inputs forward gave ctx.save_for_backward (PyTorch checks those only)."""
        saved = {id(t) for t in self.ctx.to_save}
        return [self.inputs[i] for i, given in self.given.items() if id(given) in saved]

    def saved_outputs(self):
        saved = {id(t) for t in self.ctx.to_save}
        return [ref() for ref, made in zip(self.outputs, self.made) if id(made) in saved]

    def _graph_of(self):
        """{id of a Variable forward saw or made: the graph's Variable in its place}."""
        outputs = [ref() for ref in self.outputs]
        return {**{id(v): self.inputs[i] for i, v in self.given.items()},
                **{id(made): out for made, out in zip(self.made, outputs) if out is not None}}

    def forward(self, *arrays):
        args = list(self.args)
        for i, (k, array) in enumerate(zip(self.arrays_at, arrays)):
            args[k] = self.given[i] = wrap(array, False)
        with no_grad():
            if _has_setup_context(self.definition):  # PyTorch 2's split: forward has no ctx
                result = self.definition.forward(*args)
                self.definition.setup_context(self.ctx, tuple(args), result)
            else:
                result = self.definition.forward(self.ctx, *args)
        self.made = result if isinstance(result, tuple) else (result,)
        if self.ctx.dirty:
            self._changed_in_place()
        data = tuple(_data(y, self.definition.__name__) for y in self.made)
        return data if isinstance(result, tuple) else data[0]

    def _changed_in_place(self):
        """The inputs ctx.mark_dirty named: refused if a leaf that requires grad (PyTorch's
        rule), else their version moved on."""
        for i, given in self.given.items():
            if id(given) not in self.ctx.dirty:
                continue
            x = self._inputs_now[i]
            if not isinstance(x, Variable):  # (an array given as it is: nothing to tell)
                continue
            if x.creator is None and x.requires_grad:
                raise RuntimeError(f"{self.definition.__name__}: a leaf Variable that requires "
                                   "grad was changed in place in forward (ctx.mark_dirty); "
                                   "change a copy, or a Variable computed from it")
            x.bump_version()

    def _per_argument(self, flags):
        """ctx.needs_input_grad from one flag per array argument: one per forward argument
        (PyTorch's; False for a non-array one)."""
        per_argument = [False] * len(self.args)
        for k, needed in zip(self.arrays_at, flags):
            per_argument[k] = bool(needed)
        return tuple(per_argument)

    def backward(self, *gys):
        self.ctx.needs_input_grad = self._per_argument(self.needs_input_grad)
        grads = self.definition.backward(self.ctx, *gys)
        grads = grads if isinstance(grads, tuple) else (grads,)
        if len(grads) != len(self.args):
            raise TypeError(f"{self.definition.__name__}.backward returned {len(grads)} "
                            f"gradients for {len(self.args)} forward arguments (one each, None "
                            "for a non-array one)")
        return tuple(grads[k] for k in self.arrays_at)


def once_differentiable(backward):
    """PyTorch's decorator of a backward written on values (NumPy code): it runs without
    recording a graph, and where a graph was asked for (create_graph), the gradients it
    gives refuse to be differentiated again, by name, rather than give a wrong zero."""
    @functools.wraps(backward)
    def run_once(ctx, *grads):
        recording = is_grad_enabled()  # (backward(create_graph=True) records)
        with no_grad():
            grads = backward(ctx, *grads)
        if not recording:
            return grads
        single = not isinstance(grads, tuple)
        # (a leaf that wants a gradient as the op's second input: the op is recorded, so
        # a pass through the gradient reaches its refusal, PyTorch's DelayedError)
        anchor = Variable(np.zeros((), np.float32), requires_grad=True)
        marked = tuple(None if g is None else
                       _OnceDifferentiated(backward.__qualname__)(g, anchor)
                       for g in ((grads,) if single else grads))
        return marked[0] if single else marked
    return run_once


class _OnceDifferentiated(Function):
    """y = x, a gradient from a @once_differentiable backward, whose own backward refuses
    (`anchor`, a leaf that wants a gradient, makes it recorded)"""

    def __init__(self, who):
        self.who = who

    def forward(self, x, anchor):
        return x

    def backward(self, gy):
        raise RuntimeError(f"{self.who} is @once_differentiable: the gradient it gave cannot "
                           "be differentiated again (write its backward with ops for that)")


def _has_setup_context(definition):
    """Whether `definition` gives PyTorch 2's setup_context(ctx, inputs, output), its forward
    then taking no ctx."""
    return callable(getattr(definition, "setup_context", None))


def _is_array(arg):
    return isinstance(arg, Variable) or hasattr(arg, "__array_interface__") or hasattr(
        arg, "__cuda_array_interface__")


def _data(y, who):
    if isinstance(y, Variable):
        return y.data
    if hasattr(y, "shape"):
        return y
    raise TypeError(f"{who}.forward returned a {type(y).__name__}; return a Variable (or a "
                    "tuple of them)")
