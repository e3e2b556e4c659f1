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

A Function subclass whose forward is a staticmethod is run through TorchStyleCall, a rungrad
Function that is its `ctx`: forward gets Variables (under no_grad: nothing is recorded
inside it) and the other arguments as given; backward gets the outputs' gradients as
Variables and returns one gradient per forward argument (None for a non-array one), written
with ops, so it differentiates again (create_graph). `ctx.saved_tensors` gives the saved
inputs and outputs as the graph's own Variables (higher orders see through them),
`ctx.needs_input_grad` one flag per forward argument.
"""
from .config import no_grad
from .function import Function
from .variable import Variable, wrap


def is_torch_style(cls):
    """Whether a Function class writes PyTorch's static forward(ctx, ...)."""
    return isinstance(cls.__dict__.get("forward"), staticmethod)


def apply(cls, *args):
    """cls.apply(*args): the PyTorch-style Function `cls` on `args` (see the module doc)."""
    return TorchStyleCall(cls, args)(*[arg for arg in args if _is_array(arg)])


def refuse_call(self, *args, **kwargs):
    name = type(self).__name__
    raise TypeError(f"{name} is written in PyTorch's style (a static forward(ctx, ...)): call "
                    f"{name}.apply(...), not {name}()(...)")


class TorchStyleCall(Function):
    """One call of a PyTorch-style Function `definition`, and its ctx."""

    def __init__(self, definition, args):
        self.definition, self.args = definition, args
        self.arrays_at = [k for k, arg in enumerate(args) if _is_array(arg)]
        self.saved, self.given = (), {}
        self.name_shown = definition.__name__

    @property
    def name(self):
        return self.name_shown.lower()

    def save_for_backward(self, *tensors):
        self.saved = tensors

    @property
    def saved_tensors(self):
        """The saved Variables, those given to forward or returned by it as the graph's."""
        outputs = [ref() for ref in self.outputs]
        graph_of = {**{id(v): self.inputs[i] for i, v in self.given.items()},
                    **{id(made): out for made, out in zip(self.made, outputs) if out is not None}}
        return tuple(graph_of.get(id(t), t) for t in self.saved)


    def mark_non_differentiable(self, *tensors):
        """Accepted: an integer output has no gradient here anyway."""

    def set_materialize_grads(self, value):
        """Accepted: a missing output gradient reaches backward as zeros here."""

    def forward(self, *arrays):
        args = list(self.args)
        for i, (k, array) in enumerate(zip(self.arrays_at, arrays)):
            args[k] = self.given[i] = wrap(array, False)
        with no_grad():
            result = self.definition.forward(self, *args)
        self.made = result if isinstance(result, tuple) else (result,)
        data = tuple(_data(y, self.name_shown) for y in self.made)
        return data if isinstance(result, tuple) else data[0]

    def backward(self, *gys):
        # ctx.needs_input_grad has one flag per forward argument (PyTorch's), while the
        # engine reads this Function's, one per input Variable, once backward has returned
        per_input = self.needs_input_grad
        per_argument = [False] * len(self.args)
        for k, needed in zip(self.arrays_at, per_input):
            per_argument[k] = needed
        self.needs_input_grad = tuple(per_argument)
        try:
            grads = self.definition.backward(self, *gys)
        finally:
            self.needs_input_grad = per_input
        grads = grads if isinstance(grads, tuple) else (grads,)
        if len(grads) != len(self.args):
            raise TypeError(f"{self.name_shown}.backward returned {len(grads)} gradients for "
                            f"{len(self.args)} forward arguments (one each, None for a "
                            "non-array one)")
        return tuple(grads[k] for k in self.arrays_at)


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
