"""Derivatives of whole functions: jacobian, hessian, vector-Jacobian and Jacobian-vector
products (vjp, jvp), Hessian-vector products (hvp, vhp); torch.autograd.functional's.

Each takes `f` (Variables -> Variable) and a point `x` (an array or Variable, or a tuple of
them: several inputs, f(*x)). The point is copied into a fresh leaf, so the caller's
Variables and their `.grad` are left untouched. Results are plain arrays of x's backend
(NumPy or CuPy) with the keywords' defaults, and with PyTorch's keywords:

- `create_graph=True`: Variables carrying their graph, to be differentiated again (a
  penalty on a Jacobian's norm, a gradient penalty on weights f closes over); an x that
  is a Variable requiring grad is read through a differentiable copy, so the results
  depend on it too (and on a Variable v).
- `strict=True`: a RuntimeError naming the output and input where torch raises one: an
  output that does not depend on an input, or requires no grad at all; in hessian, hvp and
  vhp a gradient that does not depend on the inputs (the Hessian would be silently zero);
  under create_graph, a result whose derivative would be silently zero.
"""
from functools import wraps

from .arguments import one_of
from .config import enable_grad
from .engine import grad
from .functional_io import (
    Strict,
    as_result,
    dot,
    finished,
    input_name,
    output_name,
    outputs,
    points,
    refuse,
    scalar_output,
    vectors,
    zeros,
)
from .jacobian_passes import STRATEGIES, jacobian_blocks
from .variable import Variable


def _recording(helper):
    """Run `helper` in grad mode, as PyTorch's: f's graph and the recorded gradients are
    needed even inside a no_grad block, and create_graph's results carry a graph there."""
    @wraps(helper)
    def recorded(*args, **kwargs):
        with enable_grad():
            return helper(*args, **kwargs)
    return recorded


@_recording
def jacobian(f, x, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """Dense Jacobian dy/dx of `y = f(x)`, shape `y.shape + x.shape`. As PyTorch's: x a tuple
    of arrays is several inputs (f(*x)), and a tuple of outputs or of inputs gives a tuple
    of Jacobians (outputs outside, inputs inside).

    strategy "reverse-mode": one backward pass per output entry (rows, for all inputs at
    once); "forward-mode": one pass per input entry (columns, by the double-backward trick;
    fewer passes when outputs have more entries than inputs). vectorize=True is accepted
    and computes the same values by the same passes (rungrad has no vmap to batch them);
    unlike PyTorch, it combines with strict, and forward-mode with create_graph.
    """
    one_of(strategy, STRATEGIES, "strategy", "jacobian")
    xs, several_inputs, ys, several_outputs = _called(f, x, "jacobian", create_graph, strict)
    checks = Strict("jacobian", strict, create_graph, "{} is independent of {}",
                    "the Jacobian of {} with respect to {} does not depend on the inputs")
    blocks = jacobian_blocks(ys, xs, strategy, checks, _names(ys, several_outputs, output_name),
                             _names(xs, several_inputs, input_name))
    return _nested(blocks, several_outputs, several_inputs, create_graph)


@_recording
def hessian(f, x, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """Dense Hessian of scalar-valued `f` at `x`, shape `x.shape + x.shape`; for x a tuple
    of k inputs, the k x k blocks as a tuple of tuples (H[i][j] of shape
    x[i].shape + x[j].shape), as PyTorch's.

    The gradient is recorded once; then one double-backward pass per input entry gives
    that entry's row of every block (outer_jacobian_strategy "reverse-mode"). With
    "forward-mode" the outer Jacobian is taken by columns, by the double-backward trick on
    the gradient: a third-order pass each, the same values at a higher cost here (H is
    symmetric, so rows are columns). vectorize as jacobian's.
    """
    one_of(outer_jacobian_strategy, STRATEGIES, "outer_jacobian_strategy", "hessian")
    xs, several = points(x, "hessian", create_graph)
    gs = _gradient(scalar_output(f, xs, "hessian", strict), xs, "hessian", strict, several)
    gs = [Variable(zeros(x.shape, x), requires_grad=False) if g is None else g
          for g, x in zip(gs, xs)]
    checks = Strict("hessian", strict, create_graph,
                    "the gradient for {} is independent of {} (a zero block of the Hessian)",
                    "the Hessian block of {} and {} does not depend on the inputs")
    names = _names(xs, several, input_name)
    blocks = jacobian_blocks(gs, xs, outer_jacobian_strategy, checks, names, names)
    return _nested(blocks, several, several, create_graph)


@_recording
def vjp(f, x, v=None, create_graph=False, strict=False):
    """`(f(x), v^T J)`: the output and the vector-Jacobian product, shaped like x (a tuple
    for a tuple of inputs); for a tuple of outputs, v is a tuple of one vector per output.

    `v` has the output's shape; it may be omitted when the output has a single entry.
    """
    xs, several_inputs, ys, several_outputs = _called(f, x, "vjp", create_graph, strict)
    vs = vectors(v, ys, several_outputs, "vjp", output_name, create_graph)
    gs = _pulled_back(ys, vs, xs, create_graph)
    checks = Strict("vjp", strict, create_graph, "f's output is independent of {}",
                    "v^T J for {} does not depend on the inputs")
    return _finished(ys, several_outputs, checks.check_all(
        gs, _names(xs, several_inputs, input_name)), xs, several_inputs, create_graph)


@_recording
def jvp(f, x, v=None, create_graph=False, strict=False):
    """`(f(x), J v)`: the output and the Jacobian-vector product, shaped like the output (a
    tuple for a tuple of outputs); `v` shaped like x (a tuple for a tuple of inputs; it may
    be omitted for one input of a single entry). By two vector-Jacobian products, as
    PyTorch's: J v is the gradient of (u^T J) . v with respect to u."""
    xs, several_inputs, ys, several_outputs = _called(f, x, "jvp", create_graph, strict)
    vs = vectors(v, xs, several_inputs, "jvp", input_name, create_graph)
    us = [Variable(zeros(y.shape, y)) for y in ys]  # (a float one requires grad)
    pulled = _pulled_back(ys, us, xs, create_graph=True)  # u^T J, linear in u
    for j, g in enumerate(pulled):
        if strict and g is None:
            refuse("jvp", f"f's output is independent of {input_name(j, several_inputs)}")
    checks = Strict("jvp", strict, create_graph, "{} is independent of the inputs",
                    "J v of {} does not depend on the inputs")
    products = checks.check_all(_gradient_of_dot(pulled, vs, us, create_graph),
                                _names(ys, several_outputs, output_name))
    return _finished(ys, several_outputs, products, ys, several_outputs, create_graph)


@_recording
def hvp(f, x, v=None, create_graph=False, strict=False):
    """`(f(x), H v)` for scalar-valued f: the Hessian times `v` (shaped like x, a tuple for
    a tuple of inputs) without forming H: the gradient of (grad f) . v."""
    return _hessian_product(f, x, v, create_graph, strict, "hvp")


@_recording
def vhp(f, x, v=None, create_graph=False, strict=False):
    """`(f(x), v^T H)`: hvp's, H being symmetric (PyTorch's vhp)."""
    return _hessian_product(f, x, v, create_graph, strict, "vhp")


def _hessian_product(f, x, v, create_graph, strict, who):
    xs, several = points(x, who, create_graph)
    vs = vectors(v, xs, several, who, input_name, create_graph)
    y = scalar_output(f, xs, who, strict)
    products = _gradient_of_dot(_gradient(y, xs, who, strict, several), vs, xs, create_graph)
    Strict(who, strict, create_graph,
           "the gradient of f is independent of {}, so its part of the product would be zero",
           "the product's part for {} does not depend on the inputs").check_all(
        products, _names(xs, several, input_name))
    return _finished([y], False, products, xs, several, create_graph)


def _called(f, x, who, create_graph, strict):
    """(the point's Variables, whether x is a tuple, f's outputs, whether f gave a tuple)."""
    xs, several_inputs = points(x, who, create_graph)
    return (xs, several_inputs) + tuple(outputs(f, xs, who, strict))


def _names(items, several, name):
    return [name(k, several) for k in range(len(items))]


def _finished(ys, several_outputs, products, likes, several, create_graph):
    """(f's outputs, the products shaped like `likes`) as the caller gets them."""
    return (finished(ys, ys, several_outputs, create_graph),
            finished(products, likes, several, create_graph))


def _pulled_back(ys, seeds, xs, create_graph):
    """The sum over f's outputs of seed^T J, per input (None for one no output uses): one
    backward pass from the outputs that require grad."""
    live = [(y, seed) for y, seed in zip(ys, seeds) if y.requires_grad]
    if not live:
        return [None] * len(xs)
    return grad([y for y, _ in live], xs, grad_outputs=[seed for _, seed in live],
                create_graph=create_graph, allow_unused=True)


def _gradient_of_dot(gs, vs, wrt, create_graph):
    """d (sum of g . v) / d wrt, per item of wrt (None for one it does not depend on)."""
    total = dot(gs, vs)
    if total is None or not total.requires_grad:
        return [None] * len(wrt)
    return grad(total, wrt, create_graph=create_graph, allow_unused=True)


def _gradient(y, xs, who, strict, several):
    """grad f, recorded to be differentiated again (None for an input f does not use)."""
    gs = [None] * len(xs)
    if y.requires_grad:
        gs = grad(y, xs, create_graph=True, allow_unused=True)
    for j, g in enumerate(gs):
        if strict and (g is None or not g.requires_grad):
            refuse(who, f"the gradient of f with respect to {input_name(j, several)} does not "
                        "depend on the inputs (f does not use it, or is linear in it), so "
                        "the Hessian would be zero")
    return gs


def _nested(blocks, several_outputs, several_inputs, create_graph):
    """The blocks as PyTorch nests them: outputs outside, inputs inside."""
    rows = [tuple(as_result(b, create_graph) for b in row) for row in blocks]
    rows = [row if several_inputs else row[0] for row in rows]
    return tuple(rows) if several_outputs else rows[0]


__all__ = ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"]
