"""Which leaves a drawn graph repeats at each use: those read by many ops far apart (a
weight shared by every step of an unrolled loop).

Drawn once, such a leaf sends a bundle of edges down the whole picture, and Graphviz's
dot turns each edge into one node per rank it crosses: its layout time grew steeply with
them (an RNN written with ops, h = tanh(x_t W_x + h W_h + b), drew as PNG in 0.7 s over
10 steps, 7 s over 20, 50 s over 30, and ran out of time beyond). Drawn next to each op
that reads it, the steps line up as a textbook draws an unrolled RNN. Such a graph's
longest chain of ops (the recurrence) is then kept straight: without that, dot let each
step drift a node's width sideways, and a 100-step picture grew 15,000 points wide.

Not covered: a variable made by an op and read far below (a loss per step gathered by one
stack, encoder states read by every decoder step) still makes long edges.

Imports nothing: it reads only `.creator` and `.inputs`.
"""

FAR = 8  # levels (ops on the longest path to the graph's end) from a leaf's first reader
MANY = 3  # far readers a leaf may have and still be drawn once (a tied weight has one)


def far_read_leaves(order):
    """The leaves (Variables without a creator) that more than MANY of the Functions `order`
    (readers_first's) read more than FAR levels below the leaf's first reader; a Function
    reading a leaf twice (x * x) counts twice, as it draws two edges."""
    levels = _levels(order)
    reads = {}
    for func in order:
        for x in func.inputs:
            if x.creator is None:
                reads.setdefault(id(x), (x, []))[1].append(levels[id(func)])
    return [x for x, at in reads.values() if _far_readers(at) > MANY]


def longest_chain(order):
    """The ids of the Functions, and the Variables between them, on the longest chain of
    ops among `order` (readers_first's: an unrolled loop's recurrence), found from its last
    op back."""
    depth = {}
    for func in reversed(order):  # (makers first)
        depth[id(func)] = 1 + max((depth[id(x.creator)] for x in _made_inputs(func, depth)),
                                  default=-1)
    chain, func = set(), max(order, key=lambda f: depth[id(f)], default=None)
    while func is not None:
        chain.add(id(func))
        x = max(_made_inputs(func, depth), key=lambda x: depth[id(x.creator)], default=None)
        if x is None:
            break
        chain.add(id(x))
        func = x.creator
    return chain


def _made_inputs(func, ids):
    """`func`'s inputs made by a Function whose id is in `ids`."""
    return [x for x in func.inputs if x.creator is not None and id(x.creator) in ids]


def _far_readers(levels):
    first = max(levels)  # (levels count up towards the graph's inputs)
    return sum(first - level > FAR for level in levels)


def _levels(order):
    """Each Function's level: the most ops on a path from it to the end of the graph (0
    for one whose outputs nothing in `order` reads), as dot ranks the picture."""
    level = {id(func): 0 for func in order}
    for func in order:
        for x in _made_inputs(func, level):
            level[id(x.creator)] = max(level[id(x.creator)], level[id(func)] + 1)
    return level


def readers_first(functions):
    """`functions` ordered so that each comes after every Function reading its outputs.
    Iterative (Kahn's algorithm), so deep graphs cannot hit the recursion limit."""
    waiting = {id(func): 0 for func in functions}  # reads of its outputs not ordered yet
    for func in functions:
        for x in _made_inputs(func, waiting):
            waiting[id(x.creator)] += 1
    ready = [func for func in functions if waiting[id(func)] == 0]
    order = []
    while ready:
        func = ready.pop()
        order.append(func)
        for x in _made_inputs(func, waiting):
            waiting[id(x.creator)] -= 1
            if waiting[id(x.creator)] == 0:
                ready.append(x.creator)
    return order
