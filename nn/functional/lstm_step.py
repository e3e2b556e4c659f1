"""One LSTM time step as one Function (PyTorch's gate order i, f, g, o).

`LSTMStep.step_on_arrays` / `LSTMStep.grad_on_arrays` are the step and its gradient on plain
arrays: the step Function, its grad Function and the whole-sequence Recurrence all run them
(see RecurrentStep), so the math lives here once. The grad Function's own backward is
written with differentiable ops, so second (and higher) derivatives work.
"""
import functools

import numpy as np

from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import concatenate, split, tanh

from .activation import sigmoid, sigmoid_array
from .recurrent_step import RecurrentStep


@functools.lru_cache(maxsize=64)
def _slope_offset(xp, hidden, dtype):
    """Per-column offset k for the 4H gate columns (0 for the sigmoid gates i, f, o, 1 for
    the tanh gate g): each gate's derivative from its output y is (k + y)(1 - y), i.e.
    y (1 - y) for a sigmoid and 1 - y^2 for tanh, in one pass over the block."""
    offset = np.zeros(4 * hidden, dtype=dtype)
    offset[2 * hidden:3 * hidden] = 1
    offset = xp.asarray(offset)
    if isinstance(offset, np.ndarray):
        offset.flags.writeable = False  # cached and shared: nobody may edit it
    return offset


def _gates(block, hidden):
    """The i, f, g, o column blocks of a (..., 4H) array (views)."""
    return (block[..., :hidden], block[..., hidden:2 * hidden],
            block[..., 2 * hidden:3 * hidden], block[..., 3 * hidden:])


def lstm_arrays(gx, gh, direct):
    """((h', c'), cache) from gx, gh (N, 4H) and direct = (c,), c (N, H) (h enters only
    through gh): a = gx + gh; i, f, o = sigmoid, g = tanh of a's blocks; c' = f c + i g;
    h' = o tanh(c')."""
    c = direct[0]
    xp = get_array_module(gx)
    hidden = c.shape[-1]
    act = gx + gh
    # one sigmoid over the whole block (faster than three strided ones), the tanh gate's
    # pre-activation taken out first and put back
    g = xp.tanh(act[..., 2 * hidden:3 * hidden])
    sigmoid_array(act, out=act)
    act[..., 2 * hidden:3 * hidden] = g
    i, f, g, o = _gates(act, hidden)
    c_new = f * c
    c_new += i * g
    t = xp.tanh(c_new)
    return (o * t, c_new), (act, t, c)


def lstm_grad_arrays(cache, grads, out=None):
    """(d_gx, d_gh, (d_c,)) from the step's cache and the gradients (g_h', g_c'):
    s = g_c' + g_h' o (1 - t^2) with t = tanh(c'); d_a = (s g, s c, s i, g_h' t) times each
    gate's slope; d_c = s f. d_gx and d_gh are the same array, written into `out` when
    given."""
    act, t, c = cache
    g_h, g_c = grads
    xp = get_array_module(act)
    hidden = t.shape[-1]
    slope_offset = _slope_offset(xp, hidden, act.dtype)
    i, f, g, o = _gates(act, hidden)
    s = t * t
    xp.subtract(1, s, out=s)
    s *= o
    s *= g_h
    s += g_c
    d = xp.empty_like(act) if out is None else out
    d_i, d_f, d_g, d_o = _gates(d, hidden)
    xp.multiply(s, g, out=d_i)
    xp.multiply(s, c, out=d_f)
    xp.multiply(s, i, out=d_g)
    xp.multiply(g_h, t, out=d_o)
    slope = act + slope_offset
    slope *= 1 - act
    d *= slope
    return d, d, (s * f,)


class LSTMStep(RecurrentStep):
    """(h', c') = LSTM step of gx = x W_ih^T + b_ih, gh = h W_hh^T + b_hh (N, 4H) and the
    state h, c (N, H): i, f, o = sigmoid, g = tanh of (gx + gh); c' = f c + i g;
    h' = o tanh(c')."""

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
