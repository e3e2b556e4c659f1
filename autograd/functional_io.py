"""What autograd.functional's helpers take and give, as torch.autograd.functional's.

The point: fresh leaves, so the caller's Variables and their `.grad` are left untouched;
under create_graph a Variable that requires grad is read through a differentiable copy,
so the results can be differentiated with respect to it. The results: arrays, or under
create_graph Variables carrying their graph. strict: torch's refusals of a derivative that
is structurally zero.
"""
from .arguments import TorchValueError
from .backend import get_array_module
from .ops.copy import clone
from .variable import Variable, as_variable


def points(x, who, create_graph):
    """(one Variable per input, whether x was a tuple of several inputs: f(*x))."""
    several = isinstance(x, tuple)
    items = x if several else (x,)
    return [_point(item, who, input_name(i, several), create_graph)
            for i, item in enumerate(items)], several


def input_name(i, several):
    return f"x[{i}]" if several else "x"


def output_name(i, several):
    return f"f's output {i}" if several else "f's output"


def _point(x, who, name, create_graph):
    if isinstance(x, list) and any(isinstance(v, Variable) or hasattr(v, "shape") for v in x):
        raise TypeError(f"{who}: {name} is a list of arrays; give several inputs as a tuple, "
                        "one input as one array")
    data = x.data if isinstance(x, Variable) else get_array_module(x).asarray(x)
    if data.dtype.kind != "f":
        raise TypeError(f"{who}: {name} must be a floating-point array, got dtype {data.dtype}")
    if create_graph and isinstance(x, Variable) and x.requires_grad:
        return clone(x)  # (the helpers run in grad mode, so this copy is recorded)
    return Variable(data.copy(), requires_grad=True)


def outputs(f, xs, who, strict, several_allowed=True):
    """(f(*xs) as a list of Variables, whether f returned a tuple)."""
    ys = f(*xs)  # in grad mode (functional's helpers): the derivative needs f's graph
    if isinstance(ys, list):  # (torch's refusal: several outputs come as a tuple)
        raise TypeError(f"{who}: f must return a Variable or a tuple of Variables, got a "
                        f"list of {len(ys)}")
    several = isinstance(ys, tuple)
    if several and not several_allowed:
        raise TypeError(f"{who}: f must return one Variable or array, got a tuple of "
                        f"{len(ys)} (jacobian takes several outputs)")
    ys = [_as_output(y, who) for y in (ys if several else (ys,))]
    for i, y in enumerate(ys):
        if strict and not y.requires_grad:
            refuse(who, f"{output_name(i, several)} does not require grad: it is not computed "
                        "from the inputs by differentiable operations")
    return ys, several


def scalar_output(f, xs, who, strict):
    """f(*xs), which must be one Variable with a single entry (hessian, hvp, vhp)."""
    (y,), _ = outputs(f, xs, who, strict, several_allowed=False)
    if y.size != 1:
        raise TorchValueError(f"{who}: f must return a scalar, got an output of shape {y.shape}")
    return y


def _as_output(y, who):
    try:
        return as_variable(y)
    except TypeError:
        raise TypeError(f"{who}: f must return a Variable or an array, "
                        f"got {type(y).__name__}") from None


def vectors(v, likes, several, who, names, create_graph):
    """One vector per item of `likes` (the inputs, or f's outputs), of its shape; ones for
    a single entry when v is None. Under create_graph a Variable v stays one, so that the
    product can be differentiated with respect to it too."""
    if several and not (isinstance(v, tuple) and len(v) == len(likes)):
        raise TorchValueError(f"{who}: v must be a tuple of {len(likes)} arrays, one per "
                         f"{'input' if names is input_name else 'output'}")
    return [_vector(item, like, who, names(i, several), create_graph)
            for i, (item, like) in enumerate(zip(v if several else (v,), likes))]


def _vector(v, like, who, name, create_graph):
    xp = get_array_module(like.data)
    if v is None:
        if like.size != 1:
            raise TorchValueError(f"{who}: v is required when {name} is not a scalar "
                             f"(shape {like.shape})")
        return xp.ones_like(like.data)
    kept = create_graph and isinstance(v, Variable)
    v = v if kept else xp.asarray(v.data if isinstance(v, Variable) else v)
    if v.shape != like.shape:
        raise TorchValueError(f"{who}: v has shape {v.shape} but {name} has shape {like.shape}")
    return v


def dot(gs, vs):
    """The sum of (g * v).sum() over the gradients there are (None when there is none)."""
    total = None
    for g, v in zip(gs, vs):
        if g is not None:
            term = (g * v).sum()
            total = term if total is None else total + term
    return total


class Strict:
    """strict=True's checks on a derivative: None means that what was differentiated does
    not depend on that input at all; under create_graph, a result that requires no grad
    would have a silently zero derivative. The two messages are templates whose `{}` take
    the names of what was differentiated and with respect to what."""

    def __init__(self, who, strict, create_graph, independent, constant):
        self.who, self.strict, self.create_graph = who, strict, create_graph
        self.independent, self.constant = independent, constant

    def check(self, g, *names):
        """`g`, or a RuntimeError saying why strict mode refuses it."""
        if self.strict and g is None:
            refuse(self.who, self.independent.format(*names))
        if self.strict and self.create_graph and g is not None and not g.requires_grad:
            refuse(self.who, f"{self.constant.format(*names)}, so its derivative would be "
                             "zero (create_graph=True)")
        return g

    def check_all(self, gs, names):
        """`gs`, each checked under its name."""
        return [self.check(g, name) for g, name in zip(gs, names)]


def refuse(who, what):
    raise RuntimeError(f"{who}: {what}. This is not allowed with strict=True")


def finished(values, likes, several, create_graph):
    """Results as the caller gets them: arrays, or Variables under create_graph; None (an
    input the output does not use) as zeros of its like's shape."""
    done = [as_result(zeros(like.shape, like) if value is None else value, create_graph)
            for value, like in zip(values, likes)]
    return tuple(done) if several else done[0]


def as_result(value, create_graph):
    """An array or Variable as the caller gets it: a Variable under create_graph."""
    if create_graph:
        return as_variable(value)
    return value.data if isinstance(value, Variable) else value


def zeros(shape, like):
    return get_array_module(like.data).zeros(shape, dtype=like.dtype)
