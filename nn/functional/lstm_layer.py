"""A whole LSTM layer, every direction and time step, as one Function (cuDNN's idea).

The layer owns its input projection, so the gates are laid out once for the loop rather
than converted after it: the weights' gate blocks are reordered (i, f, o, g: the three
sigmoid gates one block) and negated for e^-a, which costs a copy of the weights, not of
the (L, N, 4H) projection, and the projection is computed gate-major, so a step's gates
are contiguous blocks (NumPy runs a strided view of 64-number rows two to three times
slower). The bias rides in the projection's product as a column of ones beside x, and its
gradient comes out of the weight gradient's product.

Per step a direction's state lives in slots of one block z[k] (5, D, N, H): the gates,
then the cell c the step reads. The sigmoid gates are held as u = 1 + e^-a, their
reciprocals, and the cell divides by them, c' = g / u_i + c / u_f (one call for the pairs
(g, c) and (u_i, u_f)) and h' = tanh(c') / u_o: a reciprocal call a step fewer, taken once
for all steps in backward. The gradients run in PyTorch's gate order (i, f, g, o), in
which the three gates that take the cell's gradient are one block (_step_grad), so the
weight gradients need no reordering. Under create_graph=True the backward is the
differentiable replay of the same layer as step Functions (Recurrence's).
"""
import numpy as np

from autograd.backend import get_array_module
from autograd.config import Config
from autograd.function import Function
from autograd.ops import matmul, reshape, stack, sum, transpose
from autograd.spec import Choice, Spec
from autograd.variable import wrap

from .linear import folded_bias, linear
from .lstm_step import LSTMStep, _grad_coefficients, _step_grad, _to_held_order


def _held_projection(w_ih, bias, hidden, dtype, xp):
    """(4H, I [+1]): W_ih's gate blocks in the held order, negated but for g (see
    _to_held_order), with the folded bias as a last column when there is one."""
    width, features = w_ih.shape
    out = xp.empty((width, features + (bias is not None)), dtype)
    _to_held_order(w_ih.reshape(4, hidden, features), out[:, :features].reshape(
        4, hidden, features))
    if bias is not None:
        _to_held_order(bias.reshape(4, hidden), out[:, features].reshape(4, hidden))
    return out


def _held_recurrent(w_hh, out):
    """W_hh's gate blocks transposed, (4, H, H), in the held order and negated but for g,
    into `out` (a C-contiguous copy: BLAS multiplies by a transposed view 2-3x slower), so
    that h times it is a step's recurrent term gate-major."""
    hidden = w_hh.shape[1]
    return _to_held_order(w_hh.reshape(4, hidden, hidden).swapaxes(1, 2), out)


def _inputs_in_order(x, reverse, with_ones, dtype, xp):
    """Each direction's input rows (L*N, I [+1]) in its processing order (time reversed
    where it runs backwards), with a column of ones for the bias when asked."""
    length, batch, features = x.shape
    if not with_ones and not any(reverse) and x.dtype == dtype:
        return [x.reshape(length * batch, features)] * len(reverse)  # no copy needed
    rows = []
    for backwards in reverse:
        buffer = xp.empty((length, batch, features + with_ones), dtype)
        buffer[..., :features] = x[::-1] if backwards else x
        if with_ones:
            buffer[..., features] = 1
        rows.append(buffer.reshape(length * batch, features + with_ones))
    return rows


def lstm_layer_arrays(x, weights_ih, weights_hh, biases, h0, c0, reverse):
    """(outputs (L, N, D*H), h_n, c_n (D, N, H), cache) of D directions of one LSTM layer.

    x (L, N, I); per direction d: weights_ih[d] (4H, I), weights_hh[d] (4H, H), biases[d]
    (4H,) or None (all or none); h0, c0 (D, N, H); reverse[d]: whether d runs from
    t = L-1 down to 0. The outputs hold each direction's h in time order, side by side."""
    xp = get_array_module(weights_hh[0])
    dirs, dtype = len(reverse), weights_hh[0].dtype
    length, batch, _ = x.shape
    hidden = weights_hh[0].shape[1]
    with_bias = biases[0] is not None
    rows = _inputs_in_order(x, reverse, with_bias, dtype, xp)
    # the projection gate-major, (D, 4, L*N, H): each step's gate blocks are contiguous
    projection = xp.empty((dirs, 4, length * batch, hidden), dtype)
    for d in range(dirs):
        held = _held_projection(weights_ih[d], biases[d], hidden, dtype, xp)
        xp.matmul(rows[d], held.reshape(4, hidden, -1).transpose(0, 2, 1), out=projection[d])
    projected = projection.reshape(dirs, 4, length, batch, hidden).transpose(2, 1, 0, 3, 4)
    recurrent = xp.empty((dirs, 4, hidden, hidden), dtype)
    for d in range(dirs):
        _held_recurrent(weights_hh[d], recurrent[d])
    z = xp.empty((length + 1, 5, dirs, batch, hidden), dtype)  # z[L] holds only c_n
    hs = xp.empty((dirs, length + 1, batch, hidden), dtype)  # hs[:, k]: h before step k
    ts = xp.empty((length, dirs, batch, hidden), dtype)  # tanh of the cell after step k
    products = xp.empty((2, dirs, batch, hidden), dtype)
    hs[:, 0], z[0, 4] = h0, c0
    one = recurrent[0] if dirs == 1 else None  # one direction: the gates of z[k, :4, 0]
    with np.errstate(over="ignore"):  # e^-a = inf: the gate's limit 0 (x / inf = 0)
        for k in range(length):
            gates = z[k]
            if one is not None:
                xp.matmul(hs[0, k], one, out=gates[:4, 0])
            else:
                xp.matmul(hs[:, k, None], recurrent, out=gates[:4].swapaxes(0, 1))
            gates[:4] += projected[k]
            # the sigmoid gates held as u = 1 + e^-a (their reciprocals), so that the
            # cell divides by them: no reciprocal call a step (backward takes it once)
            u = gates[:3]
            xp.exp(u, out=u)
            u += 1
            xp.tanh(gates[3], out=gates[3])
            xp.divide(gates[3:], gates[:2], out=products)  # (g / u_i, c / u_f)
            cell = xp.add(products[0], products[1], out=z[k + 1, 4])
            xp.divide(xp.tanh(cell, out=ts[k]), gates[2], out=hs[:, k + 1])
    outputs = xp.empty((length, batch, dirs * hidden), dtype)
    for d, backwards in enumerate(reverse):
        outputs[..., d * hidden:(d + 1) * hidden] = hs[d, :0:-1] if backwards else hs[d, 1:]
    return outputs, hs[:, length].copy(), z[length, 4].copy(), (z, hs, ts, rows)


def lstm_layer_grad_arrays(cache, weights_ih, weights_hh, g_outputs, g_hn, g_cn, reverse,
                           needs):
    """(g_x, per direction (g_w_ih, g_w_hh, g_bias), g_h0, g_c0) from lstm_layer_arrays'
    cache and the gradients of its outputs (L, N, D*H), h_n and c_n (D, N, H). `needs`:
    whether to compute (g_x, the weights', g_h0); what is not needed is None. g_bias is
    None without a bias."""
    z, hs, ts, rows = cache
    xp = get_array_module(z)
    length, _, dirs, batch, hidden = ts.shape[:1] + z.shape[1:]
    width = 4 * hidden
    need_x, need_weights, need_h0 = needs
    gates = z[:length]
    sigmoids = xp.empty((3, length, dirs, batch, hidden), z.dtype)
    xp.reciprocal(gates[:, :3].swapaxes(0, 1), out=sigmoids)  # i, f, o from u = 1 + e^-a
    a, b, f = _grad_coefficients(sigmoids, gates[:, 3], ts, gates[:, 4])
    b = b.swapaxes(0, 1)  # step-major views: an integer index per step is the cheap one
    d = xp.empty((dirs, length, batch, width), z.dtype)  # PyTorch's gate order
    d_gates = d.reshape(dirs, length, batch, 4, hidden).transpose(1, 3, 0, 2, 4)
    g_steps = _in_processing_order(g_outputs, reverse, hidden, xp)
    g_h = g_hn + g_steps[length - 1]  # buffers of our own, updated in place each step
    g_c = g_cn.astype(z.dtype, copy=True)
    s = xp.empty_like(g_c)
    w_hh = weights_hh[0] if dirs == 1 else xp.stack(weights_hh)
    for k in range(length - 1, -1, -1):
        _step_grad(a[k], b[k], g_h, g_c, d_gates[k], s)
        xp.multiply(s, f[k], out=g_c)
        if k:
            if dirs == 1:
                xp.dot(d[0, k], w_hh, out=g_h[0])
            else:
                xp.matmul(d[:, k], w_hh, out=g_h)
            g_h += g_steps[k - 1]
    g_h0 = xp.matmul(d[:, 0], w_hh) if need_h0 else None
    d_rows = d.reshape(dirs, length * batch, width)
    weights = [None] * dirs
    if need_weights:
        h_rows = hs[:, :length].reshape(dirs, length * batch, hidden)
        for k in range(dirs):
            projection = d_rows[k].T @ rows[k]  # (4H, I [+1]): the bias's is the last column
            features = weights_ih[k].shape[1]
            bias = projection[:, features].copy() if projection.shape[1] > features else None
            # contiguous gradients, as PyTorch's (an optimizer walks them in blocks)
            weights[k] = (xp.ascontiguousarray(projection[:, :features]),
                          d_rows[k].T @ h_rows[k], bias)
    g_x = None
    if need_x:
        for k, backwards in enumerate(reverse):
            part = (d_rows[k] @ weights_ih[k]).reshape(length, batch, weights_ih[k].shape[1])
            part = part[::-1] if backwards else part
            g_x = part if g_x is None else g_x + part
    return g_x, weights, g_h0, g_c


def _in_processing_order(g_outputs, reverse, hidden, xp):
    """The outputs' gradient (L, N, D*H) as (L, D, N, H), step k of each direction in its
    processing order (a view for one direction, else a copy)."""
    length, batch = g_outputs.shape[:2]
    dirs = len(reverse)
    by_direction = g_outputs.reshape(length, batch, dirs, hidden)
    if dirs == 1:
        steps = by_direction.transpose(0, 2, 1, 3)
        return steps[::-1] if reverse[0] else steps
    steps = xp.empty((length, dirs, batch, hidden), g_outputs.dtype)
    for d, backwards in enumerate(reverse):
        steps[:, d] = by_direction[::-1, :, d] if backwards else by_direction[:, :, d]
    return steps


class LSTMLayer(Function):
    """(outputs, h_n, c_n) of one LSTM layer in D directions (see lstm_layer_arrays).

    Inputs: x (L, N, I), h0, c0 ((D, N, H), or (N, H) for one direction, the shape h_n and
    c_n take), then per direction W_ih (4H, I), W_hh (4H, H) and `biases` bias vectors
    (4H,) (0, 1 or 2: b_ih and b_hh simply add). reverse: a flag per direction."""

    input_specs = (Spec(shape=("L", "N", "I"), sides={"L": (1, 3), "N": (1, 2), "I": (1, 2),
                                                      "H": (1, 2)}),
                   Spec(shape=("N", "H")), Spec(shape=("N", "H")), Spec(shape=("4H", "I")),
                   Spec(shape=("4H", "H")), Spec(shape=("4H",)), Spec(shape=("4H",)))
    arg_specs = {"reverse": Choice(False, True), "directions": Choice(1, 2)}
    apply = "autograd.testing.op_arguments:lstm_layer"

    def __init__(self, reverse=(False,), biases=2):
        self.reverse, self.biases = tuple(reverse), biases

    def _params(self, params):
        """Per direction (w_ih, w_hh, [biases])."""
        per = 2 + self.biases
        return [params[d * per:(d + 1) * per] for d in range(len(self.reverse))]

    def forward(self, x, h0, c0, *params):
        dirs, per = len(self.reverse), self._params(params)
        state_shape = (dirs,) + tuple(x.shape[1:2]) + tuple(h0.shape[-1:])
        biases = [folded_bias(*p[2:]) for p in per]
        outputs, h_n, c_n, self.cache = lstm_layer_arrays(
            x, [p[0] for p in per], [p[1] for p in per], biases, h0.reshape(state_shape),
            c0.reshape(state_shape), self.reverse)
        return outputs, h_n.reshape(h0.shape), c_n.reshape(c0.shape)

    def backward(self, g_outputs, g_hn, g_cn):
        if Config.enable_backprop:  # create_graph=True: a differentiable replay
            return self._replayed_backward(g_outputs, g_hn, g_cn)
        x, h0, c0, *params = self.inputs
        needs = self.needs_input_grad
        per = self._params([p.data for p in params])
        dirs, shape = len(self.reverse), h0.shape
        state_shape = (dirs, x.shape[1], h0.shape[-1])
        g_x, weights, g_h0, g_c0 = lstm_layer_grad_arrays(
            self.cache, [p[0] for p in per], [p[1] for p in per], g_outputs.data,
            g_hn.data.reshape(state_shape), g_cn.data.reshape(state_shape), self.reverse,
            (needs[0], any(needs[3:]), needs[1]))
        grads = [g_x, g_h0 if g_h0 is None else g_h0.reshape(shape), g_c0.reshape(shape)]
        for w_ih, w_hh, g_bias in weights if any(needs[3:]) else [(None,) * 3] * dirs:
            grads += [w_ih, w_hh] + [g_bias, None if g_bias is None else g_bias.copy()][
                :self.biases]
        return tuple(None if g is None or not need else wrap(g, False)
                     for g, need in zip(grads, needs))

    def _replayed_backward(self, g_outputs, g_hn, g_cn):
        """Each direction's gradients from its projection (linear) and the differentiable
        replay of its steps (Recurrence of LSTMStep): every gradient a function of the
        inputs, so higher orders work."""
        from .recurrence import Recurrence  # (recurrence imports this module)
        x, h0, c0, *params = self.inputs
        one, hidden = h0.ndim == 2, h0.shape[-1]
        rows_shape = (x.shape[0] * x.shape[1], 4 * hidden)
        x_rows = reshape(x, (rows_shape[0], x.shape[2]))
        g_x, grads, states = None, [], []
        for d, (w_ih, w_hh, *biases) in enumerate(self._params(params)):
            bias = folded_bias(*biases)
            state = (h0, c0) if one else (h0[d], c0[d])
            g_state = (g_hn, g_cn) if one else (g_hn[d], g_cn[d])
            d_gates, g_w_hh, g_h, g_c = Recurrence(LSTMStep, self.reverse[d])._replayed_backward(
                g_outputs[..., d * hidden:(d + 1) * hidden], g_state,
                [linear(x, w_ih, bias), w_hh, *state])
            rows = reshape(d_gates, rows_shape)
            part = reshape(matmul(rows, w_ih), x.shape)
            g_x = part if g_x is None else g_x + part
            g_bias = [sum(rows, axis=0)] * len(biases)
            grads += [matmul(transpose(rows), x_rows), g_w_hh, *g_bias]
            states.append((g_h, g_c))
        g_states = states[0] if one else [stack(list(g)) for g in zip(*states)]
        return tuple(g if need else None for g, need in zip(
            [g_x, *g_states, *grads], self.needs_input_grad))


def lstm_layer(x, weights_ih, weights_hh, biases_ih, biases_hh, state, reverse):
    """Run one LSTM layer over x (L, N, I) in the directions `reverse` (a flag each):
    the outputs (L, N, D*H) and (h_n, c_n) shaped as the state (h0, c0) given ((D, N, H),
    or (N, H) for one direction). Weights and biases: one per direction, PyTorch's layout;
    the biases either all None or all present on each side."""
    kept = [b for b in (biases_ih, biases_hh) if b[0] is not None]
    params = []
    for d in range(len(reverse)):
        params += [weights_ih[d], weights_hh[d]] + [b[d] for b in kept]
    outputs = LSTMLayer(reverse, len(kept))(x, *state, *params)
    return outputs[0], tuple(outputs[1:])


__all__ = ["LSTMLayer", "lstm_layer"]
