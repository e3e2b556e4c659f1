"""The backward algorithm as DeZero writes it (step 32 of the book), kept as an executable
reference: `engine.py` runs the same algorithm with a faster scheduler and bookkeeping, and
`tests/autograd/test_engine_reference.py` holds it to this one on random graphs.

    funcs = [y.creator]                          # to run, sorted by generation
    while funcs:
        f = funcs.pop()                          # the latest generation first
        gxs = f.backward(*[y.grad for y in f.outputs])
        for x, gx in zip(f.inputs, gxs):
            x.grad = gx if x.grad is None else x.grad + gx
            if x.creator is not None: add_func(x.creator)

Gradients are kept in a dict here instead of on `.grad`, so nothing is left behind.
"""
from .config import using_config
from .ops.reduction import sum_to
from .variable import Variable


def reference_grad(output, inputs, create_graph=False):
    """d(output)/d(inputs) (seed: ones), computed the plain way; None for an unused input."""
    grads = {id(output): Variable(output.data * 0 + 1, requires_grad=False)}
    funcs, seen = [], set()

    def add_func(f):
        if id(f) not in seen:
            seen.add(id(f))
            funcs.append(f)
            funcs.sort(key=lambda func: func.generation)

    if output.creator is not None:
        add_func(output.creator)
    while funcs:
        f = funcs.pop()
        gys = [_output_grad(grads, ref(), shape, dtype)
               for ref, (shape, dtype) in zip(f.outputs, _output_specs(f))]
        with using_config("enable_backprop", create_graph):
            gxs = f.backward(*gys)
        if not isinstance(gxs, tuple):
            gxs = (gxs,)
        for x, gx, needed in zip(f.inputs, gxs, f.needs_input_grad):
            if gx is None or not needed:
                continue
            if gx.shape != x.shape:
                gx = sum_to(gx, x.shape)  # undo broadcasting
            grads[id(x)] = gx if id(x) not in grads else grads[id(x)] + gx
            if x.creator is not None:
                add_func(x.creator)
    return tuple(grads.get(id(x)) for x in inputs)


def _output_specs(f):
    if len(f.outputs) == 1:
        y = f.outputs[0]()
        return [(y.shape, y.dtype)]
    return f.output_specs


def _output_grad(grads, y, shape, dtype):
    """The gradient that reached output `y`; zeros for an output nothing depended on."""
    g = grads.get(id(y)) if y is not None else None
    if g is None:
        import numpy as np
        g = Variable(np.zeros(shape, dtype), requires_grad=False)
    return g
