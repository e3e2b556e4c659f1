"""One LSTM time step as one Function (PyTorch's gate order i, f, g, o).

`LSTMStep.step_on_arrays` / `LSTMStep.grad_on_arrays` are the step and its gradient on plain
arrays, run by the step Function and its grad Function (see RecurrentStep); the whole-layer
LSTMLayer (lstm_layer.py) computes the gradient of every step of a sequence with the same
helpers (_grad_factors, _step_grad), so that math lives here once. The grad Function's own
backward is written with differentiable ops, so second (and higher) derivatives work.

The activated gates are held gate-major, (4, ..., H): one contiguous block per gate. NumPy
runs a column block of an (N, 4H) array row by row, several times slower than a
contiguous pass when H is small, and the forward's elementwise ops read the gates one by
one. They are held in the order i, f, o, g, so that the three sigmoid gates are one block
(one call per op); the gradients stay (..., 4H) in PyTorch's order, the layout of the
products that read them.
"""
import numpy as np

from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import concatenate, split, tanh
from autograd.spec import Spec

from .activation import sigmoid
from .recurrent_step import RecurrentStep


def _to_held_order(blocks, out, axis=0):
    """PyTorch's gate blocks (i, f, g, o along `axis` of the view `blocks`) into `out` in
    the held order i, f, o, g, negated but for g: _activate takes e^-a of the sigmoid gates
    from one exp over their block (negation is exact)."""
    xp = get_array_module(blocks)
    src, dst = blocks.swapaxes(axis, 0), out.swapaxes(axis, 0)  # axis 0 or 1: a move
    # times -1, not np.negative: NumPy 2.4's negative with out= writes wrong values into a
    # one-column view of rows 16 (float32) or 64 (float64) bytes apart (H = 1, N = 1 here)
    xp.multiply(src[:2], -1, out=dst[:2])
    xp.multiply(src[3], -1, out=dst[2])
    dst[3] = src[2]
    return out


def _activate(act):
    """The gates, in place on the gate-major act (4, ..., H) holding -a_i, -a_f, -a_o, a_g
    (see _to_held_order): i, f, o = 1 / (1 + e^-a) as sigmoid_array computes it,
    g = tanh(a), each to full relative precision (a gate near 0 stays a small number, not 0;
    tanh(a/2)/2 + 1/2 would be faster by about 3 us a step but flushes a sigmoid below
    e^-17 to 0 in float32, and 2 sigmoid(2a) - 1 loses a small tanh). The caller silences
    overflow: e^x = inf gives the limit 0 exactly."""
    xp = get_array_module(act)
    sigmoids, g = act[:3], act[3]
    xp.exp(sigmoids, out=sigmoids)
    sigmoids += 1
    xp.reciprocal(sigmoids, out=sigmoids)
    xp.tanh(g, out=g)
    return act


def _cell(act, c, c_out=None, t_out=None, h_out=None):
    """(h', c', t) from the gate-major gates act (held order) and the cell c:
    c' = f c + i g, t = tanh(c'), h' = o t, each written into its `out` array when given."""
    xp = get_array_module(act)
    i, f, o, g = act
    c_out = xp.multiply(f, c, out=c_out)
    t_out = xp.multiply(i, g, out=t_out)  # t_out holds i g until it takes tanh(c')
    c_out += t_out
    xp.tanh(c_out, out=t_out)
    return xp.multiply(o, t_out, out=h_out), c_out, t_out


def lstm_arrays(gx, gh, direct):
    """((h', c'), cache) from gx, gh (N, 4H) and direct = (c,), c (N, H) (h enters only
    through gh): a = gx + gh; i, f, o = sigmoid, g = tanh of a's blocks; c' = f c + i g;
    h' = o tanh(c')."""
    c = direct[0]
    xp = get_array_module(gx)
    a = gx + gh
    act = _to_held_order(_gate_major(a), xp.empty((4,) + c.shape, a.dtype))
    with np.errstate(over="ignore"):  # see _activate
        _activate(act)
    h, c_new, t = _cell(act, c)
    return (h, c_new), (act, t, c)


def _grad_factors(i, f, o, spare, g, c, t):
    """In place, the factors of an LSTM step's gradient (of every step of a sequence at
    once: views of any shape (..., H)), from the sigmoid gates i, f, o, the cell's input
    g = tanh(a_g), the cell c read and t = tanh(c'). With the slopes y (1 - y) of a sigmoid
    and 1 - y^2 of tanh, the pre-activations' factors (g i', c f', i g') land in (i, f, o),
    PyTorch's gates i, f, g, so that _step_grad multiplies them by s in one broadcast
    product where they are one block; t o' in t, A = o (1 - t^2) in spare and the forget
    gate f in g. From the gradients g_h', g_c' of the step's output, s = g_c' + g_h' A is
    the gradient of c', (s g i', s c f', s i g', g_h' t o') that of the pre-activations and
    s f that of c.

    Written over the inputs so that a backward over a whole sequence allocates nothing
    more for them (see lstm_layer._factors)."""
    xp = get_array_module(i)
    xp.multiply(t, t, out=spare)
    xp.subtract(1, spare, out=spare)
    spare *= o  # A
    t *= o
    xp.subtract(1, o, out=o)
    t *= o  # t o'
    xp.multiply(g, g, out=o)
    xp.subtract(1, o, out=o)
    o *= i  # i g'
    g *= i
    xp.subtract(1, i, out=i)
    i *= g  # g i'
    c *= f
    xp.copyto(g, f)  # f, kept
    xp.subtract(1, f, out=f)
    f *= c  # c f'


def _step_grad(a, b_cell, b_h, g_h, g_c, d_cell, d_h, s=None):
    """s = g_c + g_h a (the gradient of c', into `s` when given), with the pre-activation
    gradients of the gates that take it, d_cell = s b_cell (i, f, g: (3, N, H), one
    broadcast product), and of o, d_h = g_h b_h, written into their views of the (N, 4H)
    gradient (see _grad_factors)."""
    xp = get_array_module(b_h)
    s = xp.multiply(g_h, a, s)  # (outputs passed by position: NumPy parses out= slower)
    xp.add(s, g_c, s)
    xp.multiply(s, b_cell, d_cell)
    xp.multiply(g_h, b_h, d_h)
    return s


def _gate_major(x, axis=0):
    """A (..., 4H) array as a view with one gate per index of `axis`: (4, ..., H) by
    default, (L, 4, N, H) from (L, N, 4H) with axis=1."""
    blocks = x.reshape(x.shape[:-1] + (4, x.shape[-1] // 4))
    order = list(range(blocks.ndim - 2))
    order.insert(axis, blocks.ndim - 2)  # a transpose: NumPy's moveaxis costs microseconds
    return blocks.transpose(order + [blocks.ndim - 1])


def lstm_grad_arrays(cache, grads, out=None):
    """(d_gx, d_gh, (d_c,)) from the step's cache and the gradients (g_h', g_c'):
    s = g_c' + g_h' o (1 - t^2) with t = tanh(c'); d_a = (s g, s c, s i, g_h' t) times each
    gate's slope; d_c = s f. d_gx and d_gh are the same array, written into `out` when
    given."""
    act, t, c = cache
    g_h, g_c = grads
    xp = get_array_module(act)
    gates, rest = act.copy(), xp.stack([act[3], c, t])  # (the cache stays as it is)
    _grad_factors(*gates, *rest)
    d = xp.empty(c.shape[:-1] + (4 * c.shape[-1],), act.dtype) \
        if out is None else out  # (..., 4H) in PyTorch's order, unlike the gate-major act
    d_gates = _gate_major(d)
    s = _step_grad(gates[3], gates[:3], rest[2], g_h, g_c, d_gates[:3], d_gates[3])
    return d, d, (s * rest[0],)


class LSTMStep(RecurrentStep):
    """(h', c') = LSTM step of gx = x W_ih^T + b_ih, gh = h W_hh^T + b_hh (N, 4H) and the
    state h, c (N, H): i, f, o = sigmoid, g = tanh of (gx + gh); c' = f c + i g;
    h' = o tanh(c')."""

    input_specs = (Spec(shape=("N", "4H")), Spec(shape=("N", "4H")), Spec(shape=("N", "H")))

    num_gates, num_states = 4, 2
    direct_state_indices = (1,)  # c
    step_on_arrays = staticmethod(lstm_arrays)
    grad_on_arrays = staticmethod(lstm_grad_arrays)

    def backward(self, g_h, g_c):
        d_a, d_c = LSTMStepGrad(self.cache)(g_h, g_c, *self.inputs)
        return d_a, d_a, d_c


class LSTMStepGrad(Function):
    """(d_a, d_c) of the LSTM step from (g_h', g_c') (see lstm_grad_arrays), with gx, gh, c
    as inputs too so that its own backward reaches them (second order)."""

    checked_through = "LSTMStep"

    def __init__(self, cache):
        self.cache = cache

    def forward(self, g_h, g_c, gx, gh, c):
        d_a, _, (d_c,) = lstm_grad_arrays(self.cache, (g_h, g_c))
        return d_a, d_c

    def backward(self, u_a, u_c):
        """With p = g_h', q = g_c', s = q + p o (1 - t^2) and the forward-mode change of c'
        along the upstream, k = u_i g i' + u_f c f' + u_g i (1 - g^2) + u_c f
        (x' the sigmoid slope x (1 - x)), and phi = (1 - t^2) p (u_o o' - 2 o t k):
        d/dq = k, d/dp = o (1 - t^2) k + u_o t o', d/dc = s u_f f' + phi f,
        d/da_i = i' (s (u_i g (1 - 2i) + u_g (1 - g^2)) + phi g),
        d/da_f = f' (s (u_f c (1 - 2f) + u_c) + phi c),
        d/da_g = (1 - g^2) (s (u_i i' - 2 g i u_g) + phi i),
        d/da_o = o' p ((1 - t^2) k + u_o t (1 - 2o))."""
        p, q, gx, gh, c = self.inputs
        a_i, a_f, a_g, a_o = split(gx + gh, 4, axis=-1)
        i, f, g, o = sigmoid(a_i), sigmoid(a_f), tanh(a_g), sigmoid(a_o)
        t = tanh(f * c + i * g)
        i_slope, f_slope, o_slope = i * (1 - i), f * (1 - f), o * (1 - o)
        g_slope, t_slope = 1 - g * g, 1 - t * t
        u_i, u_f, u_g, u_o = split(u_a, 4, axis=-1)
        s = q + p * o * t_slope
        k = u_i * g * i_slope + u_f * c * f_slope + u_g * i * g_slope + u_c * f
        phi = t_slope * p * (u_o * o_slope - 2 * o * t * k)
        d_a = concatenate([
            i_slope * (s * (u_i * g * (1 - 2 * i) + u_g * g_slope) + phi * g),
            f_slope * (s * (u_f * c * (1 - 2 * f) + u_c) + phi * c),
            g_slope * (s * (u_i * i_slope - 2 * g * i * u_g) + phi * i),
            o_slope * p * (t_slope * k + u_o * t * (1 - 2 * o)),
        ], axis=-1)
        d_p = o * t_slope * k + u_o * t * o_slope
        d_c = s * u_f * f_slope + phi * f
        return d_p, k, d_a, d_a, d_c


__all__ = ["LSTMStep", "LSTMStepGrad"]
