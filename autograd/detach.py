"""Detach: a Variable's values cut from the graph, as an op.

`Variable.detach()` calls it under no_grad, so nothing links to it: no gradient flows back,
as before. It is an op rather than a plain wrap so that a captured step (autograd.capture)
sees it and replays it on each call's values (a target computed by another network).
"""
from .function import Function


class Detach(Function):
    """y = x (the same array), outside the graph: no gradient flows back."""

    def forward(self, x):
        return x

    def backward(self, gy):
        raise RuntimeError("detach: no gradient flows back through a detached value")
