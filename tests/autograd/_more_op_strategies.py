"""Hypothesis strategies shared by the tests of the ops of issue 12 §2 (against PyTorch and
against numerical differentiation)."""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd.testing import arrays

LABELS = "abcd"


def axes_or_none(ndim):
    """None or a non-empty tuple of axes (PyTorch reads dim=() as every axis)."""
    if ndim == 0:
        return st.none()
    return st.one_of(st.none(), hnp.valid_tuple_axes(ndim, min_size=1))


def with_zeros(shape):
    """Arrays with some exact zeros (prod's and cumprod's hard case); the others are drawn
    away from 0 (a product divided by a tiny factor overflows, PyTorch's too)."""
    return hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 0.5, -0.75, 1.25, 2.0]))


@st.composite
def einsum_problems(draw):
    """(subscripts, arrays): 1-3 operands of 0-3 labels each (repeats allowed: diagonals),
    a label of size 1 in some operands (NumPy broadcasts it against the others), some with
    '...' over broadcast axes (sides of 1 among them), implicit or explicit output."""
    sizes = {c: draw(st.integers(1, 3)) for c in LABELS}
    batch = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
    n = draw(st.integers(1, 3))
    ins, shapes = [], []
    for _ in range(n):
        sub = draw(st.text(LABELS, max_size=3))
        ones = {c for c in sub if draw(st.integers(0, 3)) == 0}  # (a diagonal's sides too)
        shape = tuple(1 if c in ones else sizes[c] for c in sub)
        if draw(st.booleans()):  # '...' over a trailing part of batch, some sides 1
            span = batch[draw(st.integers(0, len(batch))):]
            span = tuple(draw(st.sampled_from([1, m])) for m in span)
            sub, shape = "..." + sub, span + shape
        ins.append(sub)
        shapes.append(shape)
    used = sorted(set("".join(ins)) - {"."})
    subscripts = ",".join(ins)
    if draw(st.booleans()):
        out = draw(st.permutations(used).flatmap(
            lambda p: st.integers(0, len(p)).map(lambda k: "".join(p[:k]))))
        subscripts += "->" + ("..." if "..." in subscripts else "") + out
    xs = [draw(arrays(shape)) for shape in shapes]
    return subscripts, xs
