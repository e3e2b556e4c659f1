"""The blocks d ys[i] / d xs[j] of a Jacobian, by rows or by columns.

Reverse mode: one backward pass per output entry, each giving that entry's row for every
input at once. Forward mode: one pass per input entry, each giving that entry's column for
every output at once; rungrad has no dual numbers, so a column J e is the double-backward
trick's (one recorded backward u -> J^T u, linear in u, then the gradient of
(J^T u) . e with respect to u). A Jacobian taller than wide (more output entries than
input entries) needs fewer passes by columns.
"""
from .backend import get_array_module
from .config import enable_grad
from .engine import grad
from .functional_io import zeros
from .ops.shape import stack
from .variable import Variable

STRATEGIES = ("reverse-mode", "forward-mode")


def jacobian_blocks(ys, xs, strategy, checks, y_names, x_names):
    """blocks[i][j] of shape ys[i].shape + xs[j].shape: arrays, or Variables where
    checks.create_graph gave parts carrying a graph. `checks` (functional_io.Strict)
    checks each part, naming ys[i] and xs[j] by y_names[i] and x_names[j]."""
    create_graph = checks.create_graph
    live = [i for i, y in enumerate(ys) if y.requires_grad]
    found = _BY[strategy]([ys[i] for i in live], xs, create_graph)
    blocks = [[zeros(y.shape + x.shape, x) for x in xs] for y in ys]
    for i, parts in zip(live, found):
        for j, x in enumerate(xs):
            parts[j] = [checks.check(p, y_names[i], x_names[j]) for p in parts[j]]
            blocks[i][j] = _assembled(parts[j], ys[i], x, strategy, create_graph)
    return blocks


def _rows(ys, xs, create_graph):
    """parts[i][j]: d ys[i].flat[e] / d xs[j] for every entry e (None where unconnected)."""
    parts = []
    for y in ys:
        per_input = [[] for _ in xs]
        for seed in unit_seeds(y):
            for j, g in enumerate(grad(y, xs, grad_outputs=seed, create_graph=create_graph,
                                       allow_unused=True)):
                per_input[j].append(g)
        parts.append(per_input)
    return parts


def _columns(ys, xs, create_graph):
    """parts[i][j]: d ys[i] / d xs[j].flat[e] for every entry e (None where unconnected)."""
    us = [Variable(get_array_module(y.data).zeros_like(y.data)) for y in ys]  # (float: grad)
    with enable_grad():  # J^T u recorded: its gradient in u gives the columns
        pulled = grad(ys, xs, grad_outputs=us, create_graph=True, allow_unused=True)
    parts = [[[] for _ in xs] for _ in ys]
    for j, (g, x) in enumerate(zip(pulled, xs)):
        for seed in unit_seeds(x):
            columns = [None] * len(ys)
            if g is not None and g.requires_grad:
                columns = grad(g, us, grad_outputs=seed, create_graph=create_graph,
                               allow_unused=True)
            for i, column in enumerate(columns):
                parts[i][j].append(column)
    return parts


_BY = {"reverse-mode": _rows, "forward-mode": _columns}


def unit_seeds(like):
    """The one-hot arrays of `like`'s shape, one per entry."""
    xp = get_array_module(like.data)
    for e in range(like.size):
        seed = xp.zeros(like.size, dtype=like.dtype)
        seed[e] = 1
        yield seed.reshape(like.shape)


def _assembled(parts, y, x, strategy, create_graph):
    """Rows (each x's shape) or columns (each y's shape) stacked into y.shape + x.shape."""
    by_rows = strategy == "reverse-mode"
    like = x if by_rows else y
    stacked = _stacked(parts, like, create_graph)
    if not by_rows:  # the input's entries come first: move them behind the output's
        order = tuple(range(1, stacked.ndim)) + (0,)
        stacked = stacked.transpose(order)
    return stacked.reshape(y.shape + x.shape)


def _stacked(parts, like, create_graph):
    """The parts (Variables, or None for zeros, each of like's shape) on a new first axis:
    a Variable when create_graph and some part carries a graph, else an array."""
    if create_graph and any(p is not None for p in parts):
        return stack([Variable(zeros(like.shape, like), requires_grad=False) if p is None
                      else p for p in parts])
    out = zeros((len(parts),) + like.shape, like)
    for e, p in enumerate(parts):
        if p is not None:
            out[e] = p.data
    return out

