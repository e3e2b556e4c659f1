"""Strategies for the keyword arguments of rungrad's own Functions, and the few `apply`
functions too long for a line, which the op modules name by string
('autograd.testing.op_arguments:NAME'), so they never import hypothesis or this module.
Each strategy maker takes (st, shapes, dims): see autograd.spec.Draw."""
import math


def clip_bounds(st, shapes, dims):
    """(a_min, a_max) on the 0.1 grid, one of them possibly None (an open side)."""
    ends = st.tuples(st.integers(-15, 15), st.integers(-15, 15)).map(sorted)
    return st.tuples(ends, st.sampled_from([None, 0, 1])).map(
        lambda drawn: tuple(None if drawn[1] == k else 0.1 * end
                            for k, end in enumerate(drawn[0])))


def shape_it_broadcasts_from(st, shapes, dims):
    """A shape that input 0's shape is a broadcast of (sum_to's target)."""
    shape = shapes[0]
    sides = st.tuples(*[st.sampled_from([1, n]) for n in shape])
    return sides.flatmap(lambda t: st.integers(0, len(t)).map(lambda k: t[k:]))


def shape_it_broadcasts_to(st, shapes, dims):
    """A shape input 0 broadcasts to (broadcast_to's target): 1-sides grown, an axis added."""
    shape = shapes[0]
    sides = st.tuples(*[st.integers(1, 3) if n == 1 else st.just(n) for n in shape])
    return st.tuples(st.lists(st.integers(1, 3), max_size=1), sides).map(
        lambda drawn: tuple(drawn[0]) + drawn[1])


def new_shape(st, shapes, dims):
    """A shape with input 0's number of elements (-1 included)."""
    shape, size = shapes[0], math.prod(shapes[0])
    return st.sampled_from([(size,), (1, size), (size, 1), shape + (1,), (-1,)])


def permutation(st, shapes, dims):
    """None (reverse the axes) or a permutation of input 0's axes."""
    return st.one_of(st.none(), st.permutations(range(len(shapes[0]))).map(tuple))


def split_cuts(st, shapes, dims):
    """(indices_or_sections, axis) for input 0: a number of equal sections, or indices,
    sorted or not (unsorted ones make parts overlap or leave gaps)."""
    shape = shapes[0]

    def along(axis):
        n = shape[axis]
        sections = st.sampled_from([k for k in range(1, n + 1) if n % k == 0])
        cuts = st.one_of(sections, st.lists(st.integers(0, n), max_size=3))
        return st.tuples(cuts, st.just(axis))

    return st.integers(0, len(shape) - 1).flatmap(along)


def window(st, shapes, dims):
    """An im2col Window: kernel 1-2, stride 1-2, padding 0-1."""
    from nn.functional.im2col import make_window
    return st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(0, 1)).map(
        lambda w: make_window(w[0], w[1], w[2], "im2col"))


def recurrence(gates_x, weight_hh, h, c, bias_hh, mode, reverse):
    """Recurrence of `mode` on inputs drawn for the widest step (LSTM's 4 gates): the others
    take the first G gate blocks, the state they need, and GRU its recurrent bias."""
    from nn.functional.recurrence import STEPS, Recurrence
    step = STEPS[mode]
    width = step.num_gates * h.shape[-1]
    state = (h, c) if step.num_states == 2 else (h,)
    extra = (bias_hh[:width],) if step.separate_recurrent_bias else ()
    return Recurrence(step, reverse)(gates_x[..., :width], weight_hh[:width], *state, *extra)


def lstm_layer(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse, directions):
    """LSTMLayer on inputs drawn for one direction; with two, the reverse direction's state
    and parameters are made from the same inputs by differentiable ops (so the check
    reaches the stacked loop through them)."""
    from autograd.ops import stack
    from nn.functional.lstm_layer import LSTMLayer
    if directions == 1:
        return LSTMLayer((reverse,))(x, h0, c0, w_ih, w_hh, b_ih, b_hh)
    return LSTMLayer((False, True))(x, stack([h0, c0 * 0.5]), stack([c0, h0 * -0.5]),
                                    w_ih, w_hh, b_ih, b_hh, w_ih * -0.7, w_hh * 0.9, b_hh,
                                    b_ih * 0.5)


# ----- indexing, scatter and reductions -----
def scatter_dim_and_index(st, shapes, dims):
    """(dim, index) for scatter_reduce on input 0: an index of input 0's shape whose entries
    name positions along dim (repeats included: several sources reduced into one)."""
    shape = shapes[0]

    def along(dim):
        entries = st.integers(0, shape[dim] - 1)
        return st.tuples(st.just(dim), st.lists(entries, min_size=math.prod(shape),
                                                max_size=math.prod(shape)).map(
            lambda values: _int_array(values, shape)))

    return st.integers(0, len(shape) - 1).flatmap(along)


def _int_array(values, shape):
    import numpy as np
    return np.array(values, np.int64).reshape(shape)
