"""A whole LSTM layer, every direction and time step, as one Function (cuDNN's idea).

Each step is one matrix product, of the rows [h | x_t | 1] (N, H + I + 1) by all of a
direction's weights, held gate-major (4, H + I + 1, H): the input projection and the bias
ride in the recurrent product rather than in a product of their own over all steps plus an
addition a step (at these sizes BLAS runs both at the same rate, so the step's wider product
costs less than the addition it saves and the (L, N, 4H) projection it never writes). The
rows of every step live in one buffer (D, L+1, N, H + I + 1): a step writes its h into the
next step's rows, and the weight gradients read the same buffer back in one product each.

The weights' gate blocks are held in the order i, f, o, g (the three sigmoid gates one
block) and negated for e^-a, a copy of the weights rather than of any activation, and each
step's product lands gate-major in z[k] (4, D, N, H), so the elementwise calls read
contiguous blocks (NumPy runs a strided view of 64-number rows two to three times slower).
The sigmoid gates are held as u = 1 + e^-a, their reciprocals, and the cell divides by them:
c' = g / u_i + c / u_f (one call for the pairs (g, c) and (u_i, u_f), side by side in
e[k] = (g, c, tanh c')) and h' = tanh(c') / u_o: a reciprocal call a step fewer, taken once
for all steps by the first backward, which turns what the forward kept into the factors of
the gradient and keeps those instead (_Kept): it allocates seven gate blocks' worth (L, D,
N, H) each, where it took twelve, and the forward's arrays are freed (the arrays a step
touches decide how much of the interpreter's own data the caches keep, which costs the
Python around the Function as much as the arrays' work). The gradients run in PyTorch's
gate order (i, f, g, o), in which the three gates that take the cell's gradient are one
block (_step_grad), so the weight gradients need no reordering. Under create_graph=True
the backward is the differentiable replay of the same layer as step Functions
(Recurrence's).

Where autograd/cpu_kernels.py has built its kernels (autograd/csrc/lstm_cell.c, on first
use: x86-64 Linux with glibc 2.35+ and a C compiler), a step's gate math is one call
instead: the same math in one pass over the step's numbers, which also writes the
gradient's factors over z and e as it goes (step-major: the compiled backward reads them a
step at a time), so no backward turns them, and the backward's step is one call too
(Keras' masking included). GPU arrays keep the array code.

The loops take their per-step views from zip over the step axis (made in C, not indexed in
Python each step) and pass outputs by position: at 16 x 64 numbers a call, NumPy's own
overhead is a third of each elementwise call.

Keras' masking (a mask (L, N), the last input): a padding step restores a sample's cell and
h after computing them (two copyto calls a step; the kernels copy the row instead), and the
backward masks its coefficients once (no gate gradient there, the cell's passing as it is;
the kernels write those coefficients in the forward) and carries the sample's h gradient
past the step (one call a step).
"""
import threading
from itertools import repeat

import numpy as np

from autograd.backend import dense, get_array_module, matmul_into
from autograd.config import Config
from autograd.cpu_kernels import kernels_for, lstm_backward_step, lstm_forward_step
from autograd.cuda_kernels import fused, lstm_cell_, lstm_cell_grad_
from autograd.function import Function
from autograd.ops import astype, matmul, reshape, stack, sum, transpose
from autograd.spec import Choice, Spec
from autograd.variable import wrap

from .linear import folded_bias, linear
from .lstm_step import LSTMStep, _grad_factors, _step_grad, _to_held_order


def _step_rows(x, h0, reverse, with_bias, dtype, xp):
    """(D, L+1, N, H + I [+1]): per direction and step the rows [h | x_t | 1] its product
    reads, x in the direction's processing order (time reversed where it runs backwards),
    h given for step 0 only (each step writes the next one's); step L holds only h_n."""
    length, batch, features = x.shape
    dirs, hidden = len(reverse), h0.shape[-1]
    rows = xp.empty((dirs, length + 1, batch, hidden + features + with_bias), dtype)
    for d, backwards in enumerate(reverse):
        rows[d, :length, :, hidden:hidden + features] = x[::-1] if backwards else x
    if with_bias:
        rows[:, :length, :, -1] = 1
    rows[:, 0, :, :hidden] = h0
    return rows


def _held_weights(weights_ih, weights_hh, biases, width, xp):
    """(D, 4, H + I [+1], H): per direction and gate the transposed [W_hh | W_ih | b], gate
    blocks in the held order and negated but for g (see _to_held_order), so that the rows
    [h | x_t | 1] times it are a step's pre-activations gate-major."""
    dirs, hidden = len(weights_hh), weights_hh[0].shape[1]
    features, dtype = weights_ih[0].shape[1], weights_hh[0].dtype
    transposed = xp.empty((dirs, 4, width, hidden), dtype)  # in PyTorch's gate order
    for d in range(dirs):
        transposed[d, :, :hidden] = weights_hh[d].reshape(4, hidden, hidden).swapaxes(1, 2)
        transposed[d, :, hidden:hidden + features] = weights_ih[d].reshape(
            4, hidden, features).swapaxes(1, 2)
        if biases[d] is not None:
            transposed[d, :, -1] = biases[d].reshape(4, hidden)
    # reordered over contiguous blocks (through a transposed view it costs twice as much)
    return _to_held_order(transposed, xp.empty_like(transposed), axis=1)


def lstm_layer_arrays(x, weights_ih, weights_hh, biases, h0, c0, reverse, mask=None):
    """(outputs (L, N, D*H), h_n, c_n (D, N, H), cache) of D directions of one LSTM layer.

    x (L, N, I); per direction d: weights_ih[d] (4H, I), weights_hh[d] (4H, H), biases[d]
    (4H,) or None (all or none); h0, c0 (D, N, H); reverse[d]: whether d runs from
    t = L-1 down to 0. The outputs hold each direction's h in time order, side by side.
    mask (L, N) booleans or None: Keras' masking, a False step leaving a sample's h and c
    as they were (its output repeats the last one)."""
    xp = get_array_module(weights_hh[0])
    dirs, dtype = len(reverse), weights_hh[0].dtype
    length, batch, _ = x.shape
    hidden = weights_hh[0].shape[1]
    rows = _step_rows(x, h0, reverse, biases[0] is not None, dtype, xp)
    held = _held_weights(weights_ih, weights_hh, biases, rows.shape[-1], xp)
    z = xp.empty((length, 4, dirs, batch, hidden), dtype)  # pre-activations, then u_i, u_f, u_o
    e = xp.empty((length + 1, 3, dirs, batch, hidden), dtype)  # g, the cell c read, tanh c'
    e[0, 1] = c0
    if dirs == 1:
        into, step_rows, weights = z[:, :, 0], rows[0, :length], held[0]
    else:
        into, step_rows = z.swapaxes(1, 2), rows[:, :length, None].swapaxes(0, 1)
        weights = held
    dropped = None if mask is None else _dropped_steps(mask, reverse, xp)
    compiled = kernels_for(z)
    if compiled is not None:  # C (autograd/cpu_kernels.py): z and e are left holding the
        step = lstm_forward_step(compiled, z, e, rows, dropped)  # factors
        for k, (into_k, rows_k) in enumerate(zip(into, step_rows)):
            matmul_into(rows_k, weights, into_k)
            step(k)
    else:
        _array_steps(into, step_rows, weights, z, e, rows, dropped)
    outputs = xp.empty((length, batch, dirs * hidden), dtype)
    for d, backwards in enumerate(reverse):
        hs = rows[d, :, :, :hidden]
        outputs[..., d * hidden:(d + 1) * hidden] = hs[:0:-1] if backwards else hs[1:]
    return (outputs, rows[:, length, :, :hidden].copy(), e[length, 1].copy(),
            _Kept(z, e, rows, dropped, compiled))


def _array_steps(into, step_rows, weights, z, e, rows, dropped):
    """The steps' products and gate math in array calls (lstm_layer_arrays' layouts); on GPU
    arrays a step's gate math is one kernel (autograd/cuda_kernels.py)."""
    xp = get_array_module(z)
    length, _, dirs, batch, hidden = z.shape
    products = xp.empty((2, dirs, batch, hidden), z.dtype)
    h_next = rows[:, 1:, :, :hidden].swapaxes(0, 1)
    # (with a mask: each step's dropped samples and the h they keep)
    kept = repeat(None) if dropped is None else zip(
        dropped, rows[:, :length, :, :hidden].swapaxes(0, 1))
    steps = zip(into, step_rows, z[:, :3], z[:, 3], e[:length, 0], e[:length, :2], z[:, :2],
                e[1:, 1], e[:length, 2], z[:, 2], h_next, kept)
    add, exp, tanh, divide = xp.add, xp.exp, xp.tanh, xp.divide
    one = xp.ones((), z.dtype)  # (a 0-d array: NumPy adds it faster than a scalar)
    g_over_i, c_over_f = products
    in_kernels = dropped is None and fused(z)
    with np.errstate(over="ignore"):  # e^-a = inf: the gate's limit 0 (x / inf = 0)
        for into_k, rows_k, u, a_g, g, pairs, u_pairs, cell, t, u_o, h, masked in steps:
            if in_kernels:  # (the product read where it lands: CuPy's matmul has no out=)
                gates = rows_k @ weights
                lstm_cell_(gates[:, None] if dirs == 1 else gates.swapaxes(0, 1), pairs[1], u,
                           g, cell, t, h)
                continue
            matmul_into(rows_k, weights, into_k)
            exp(u, u)
            add(u, one, u)
            tanh(a_g, g)
            divide(pairs, u_pairs, products)  # (g / u_i, c / u_f)
            add(g_over_i, c_over_f, cell)
            if masked is not None:  # the padding's cell stays as it was
                xp.copyto(cell, pairs[1], where=masked[0])
            divide(tanh(cell, t), u_o, h)
            if masked is not None:
                xp.copyto(h, masked[1], where=masked[0])


class _Kept:
    """What the forward keeps for the backward: z (L, 4, D, N, H), e (L+1, 3, D, N, H),
    rows and the mask's dropped steps. The first backward turns z and e into the factors
    of the gradient (_factors), which take their place: the step-major arrays are freed,
    and a second backward through the same graph finds the factors. `compiled`: the C
    kernels (autograd/cpu_kernels.py) that ran the steps and left the factors in z and e,
    step-major (lstm_cell.c), for the backward to run too; None for the array code."""

    __slots__ = ("z", "e", "rows", "dropped", "compiled", "_turned", "_lock")

    def __init__(self, z, e, rows, dropped, compiled=None):
        self.z, self.e, self.rows, self.dropped = z, e, rows, dropped
        self.compiled, self._turned, self._lock = compiled, False, threading.Lock()

    def factors(self):
        """(A, B_cell, B_h, f) of every step: A, B_h and f (L, D, N, H), B_cell
        (3, L, D, N, H) (see _grad_factors); with a mask, 0, 0, 0 and 1 at a padding step
        (no gate gradient, the cell's passing as it is)."""
        with self._lock:  # (two threads' backward through one graph turn them once)
            if not self._turned:
                self.z, self.e = _factors(self.z, self.e, self.dropped)
                self._turned = True
        z, e = self.z, self.e
        return z[3], z[:3], e[2], e[0]


def _factors(z, e, dropped):
    """(z, e) turned gate-major, (4, L, D, N, H) and (3, L, D, N, H), and into the factors
    of the gradient (_grad_factors): NumPy runs a call over a whole sequence two to three
    times slower on a step-major array's interleaved views, so each is read across once."""
    xp = get_array_module(z)
    length = z.shape[0]
    gates = xp.empty((4,) + z.shape[:1] + z.shape[2:], z.dtype)
    xp.reciprocal(z[:, :3].swapaxes(0, 1), out=gates[:3])  # i, f, o from u = 1 + e^-a
    # a copy even where the swap is already contiguous (L = 1: ascontiguousarray would give
    # e itself): _grad_factors writes over it, and a backward it raises in (an underflow
    # under np.errstate) must leave e whole for the next one
    rest = e[:length].swapaxes(0, 1).copy()
    _grad_factors(*gates, *rest)
    if dropped is not None:  # (set, not multiplied: a NaN computed there is no gradient)
        xp.copyto(gates, 0, where=dropped)
        xp.copyto(rest[2], 0, where=dropped)
        xp.copyto(rest[0], 1, where=dropped)
    return gates, rest


def _dropped_steps(mask, reverse, xp):
    """(L, D, N, 1): True where step k of direction d (in its processing order) is padding,
    from Keras' mask (L, N), False there."""
    length, batch = mask.shape
    dropped = xp.empty((length, len(reverse), batch, 1), bool)
    for d, backwards in enumerate(reverse):
        xp.logical_not(mask[::-1] if backwards else mask, out=dropped[:, d, :, 0])
    return dropped


def lstm_layer_grad_arrays(cache, weights_ih, weights_hh, g_outputs, g_hn, g_cn, reverse,
                           needs):
    """(g_x, per direction (g_w_ih, g_w_hh, g_bias), g_h0, g_c0) from lstm_layer_arrays'
    cache and the gradients of its outputs (L, N, D*H), h_n and c_n (D, N, H). `needs`:
    whether to compute (g_x, the weights', g_h0); what is not needed is None. g_bias is
    None without a bias."""
    rows, dropped = cache.rows, cache.dropped
    xp = get_array_module(rows)
    dirs, length, batch = rows.shape[0], rows.shape[1] - 1, rows.shape[2]
    hidden = weights_hh[0].shape[1]
    width = 4 * hidden
    need_x, need_weights, need_h0 = needs
    d = xp.empty((dirs, length, batch, width), rows.dtype)  # PyTorch's gate order
    g_steps = _in_processing_order(g_outputs, reverse, hidden, xp)
    if dirs == 1:
        w_hh, product = weights_hh[0], xp.dot
    else:
        w_hh, product = xp.stack(weights_hh), matmul_into
    steps_grad = _array_steps_grad if cache.compiled is None else _compiled_steps_grad
    g_h, g_c = steps_grad(cache, d, g_steps, g_hn, g_cn, w_hh, product)
    g_h0 = xp.matmul(d[:, 0], w_hh) if need_h0 else None
    if need_h0 and dropped is not None:
        xp.copyto(g_h0, g_h, where=dropped[0])
    d_rows = d.reshape(dirs, length * batch, width)
    weights = [None] * dirs
    if need_weights:
        step_rows = rows[:, :length].reshape(dirs, length * batch, rows.shape[-1])
        for k in range(dirs):
            end = hidden + weights_ih[k].shape[1]
            # one product a part of the rows [h | x_t | 1]: contiguous gradients, as
            # PyTorch's (an optimizer walks them in blocks), with no (4H, H + I + 1) between
            d_t, parts = d_rows[k].T, step_rows[k]
            bias = d_t @ parts[:, end] if parts.shape[1] > end else None
            weights[k] = (d_t @ parts[:, hidden:end], d_t @ parts[:, :hidden], bias)
    g_x = None
    if need_x:
        for k, backwards in enumerate(reverse):
            part = (d_rows[k] @ weights_ih[k]).reshape(length, batch, weights_ih[k].shape[1])
            part = part[::-1] if backwards else part
            g_x = part if g_x is None else g_x + part
    return g_x, weights, g_h0, g_c


def _array_steps_grad(cache, d, g_steps, g_hn, g_cn, w_hh, product):
    """(g_h, g_c) after the steps' gradients, written into d (D, L, N, 4H), in array calls
    from the factors (_Kept.factors); g_steps (L, D, N, H) the outputs' gradient; product:
    the (N, 4H) by w_hh product into an (N, H) view (D = 1) or the stacked one. On GPU
    arrays a step's math is one kernel (autograd/cuda_kernels.py)."""
    a, b_cells, b_hs, f = cache.factors()
    dropped = cache.dropped
    xp = get_array_module(a)
    length, dirs, batch, hidden = a.shape
    d_gates = d.reshape(dirs, length, batch, 4, hidden).transpose(1, 3, 0, 2, 4)
    g_h = g_hn + g_steps[length - 1]  # buffers of our own, updated in place each step
    g_c = g_cn.astype(a.dtype, copy=True)
    s = xp.empty_like(g_c)
    d_steps = d[0] if dirs == 1 else d.swapaxes(0, 1)
    into = g_h[0] if dirs == 1 else g_h  # (the products' view of g_h)
    if dropped is not None:  # a second buffer and its view, traded with g_h's each step
        spare = xp.empty_like(g_h)
        spare = (spare, spare[0] if dirs == 1 else spare)
    multiply, add = xp.multiply, xp.add
    # before step k < L-1: the gradient of h_k from step k+1's rows, plus the output's (and
    # with a mask, for a sample padded at step k+1, the gradient its h passed on unchanged)
    later = [None] + list(zip(d_steps[:0:-1], g_steps[length - 2::-1],
                              repeat(None) if dropped is None else dropped[:0:-1]))
    steps = zip(a[::-1], b_cells.swapaxes(0, 1)[::-1], b_hs[::-1], d_gates[::-1, :3],
                d_gates[::-1, 3], f[::-1], later)
    in_kernels = dropped is None and fused(a)  # GPU arrays: a step's math in one kernel
    for a_k, b_cell, b_h, d_cell, d_h, f_k, after in steps:
        if in_kernels:
            if after is not None:
                product(after[0], w_hh, into)
            lstm_cell_grad_(g_h, None if after is None else after[1], g_c, a_k, b_cell, b_h,
                            f_k, d_cell, d_h)
            continue
        if after is not None:
            d_later, g_out, padded = after
            if padded is None:
                product(d_later, w_hh, into)
            else:  # into the spare buffer, then the padded samples' from the current one
                product(d_later, w_hh, spare[1])
                xp.copyto(spare[0], g_h, where=padded)
                (g_h, into), spare = spare, (g_h, into)
            add(g_h, g_out, g_h)
        _step_grad(a_k, b_cell, b_h, g_h, g_c, d_cell, d_h, s)
        multiply(s, f_k, g_c)
    return g_h, g_c


def _compiled_steps_grad(cache, d, g_steps, g_hn, g_cn, w_hh, product):
    """_array_steps_grad's (g_h, g_c) and d, a C kernel a step (autograd/csrc/lstm_cell.c)
    after the product of the next step's gradient: the factors are the forward's."""
    dirs, length = d.shape[:2]
    g_h = np.array(g_hn, d.dtype, order="C")  # h_n's, then each step's product lands here
    g_c = np.array(g_cn, d.dtype, order="C")
    carry = np.empty_like(g_h)  # each step's gradient of its h (a padded sample's passes on)
    size = g_steps.itemsize  # (the kernel reads whole numbers, the units side by side)
    if g_steps.strides[-1] != size or any(s % size for s in g_steps.strides) or \
            not g_steps.flags.aligned:
        g_steps = g_steps.copy()
    step = lstm_backward_step(cache.compiled, cache.z, cache.e, d, g_h, g_c, carry,
                              cache.dropped, g_steps)
    into, d_steps = (g_h[0], d[0]) if dirs == 1 else (g_h, d.swapaxes(0, 1))
    step(length - 1)
    for k in range(length - 2, -1, -1):
        product(d_steps[k + 1], w_hh, into)
        step(k)
    return carry, g_c


def _in_processing_order(g_outputs, reverse, hidden, xp):
    """The outputs' gradient (L, N, D*H) as (L, D, N, H), step k of each direction in its
    processing order (a view for one direction, else a copy). A broadcast view (a sum's
    gradient) is made dense first: each step adds its part, and NumPy adds a zero-strided
    operand at half the speed of a contiguous one."""
    length, batch = g_outputs.shape[:2]
    dirs = len(reverse)
    by_direction = g_outputs.reshape(length, batch, dirs, hidden)
    if dirs == 1:
        steps = dense(by_direction).transpose(0, 2, 1, 3)
        return steps[::-1] if reverse[0] else steps
    steps = xp.empty((length, dirs, batch, hidden), g_outputs.dtype)
    for d, backwards in enumerate(reverse):
        steps[:, d] = by_direction[::-1, :, d] if backwards else by_direction[:, :, d]
    return steps


class LSTMLayer(Function):
    """(outputs, h_n, c_n) of one LSTM layer in D directions (see lstm_layer_arrays).

    Inputs: x (L, N, I), h0, c0 ((D, N, H), or (N, H) for one direction, the shape h_n and
    c_n take), then per direction W_ih (4H, I), W_hh (4H, H) and `biases` bias vectors
    (4H,) (0, 1 or 2: b_ih and b_hh simply add), and `masked`: Keras' mask (L, N) last
    (booleans, an input so that a captured step takes each batch's). reverse: a flag per
    direction."""

    input_specs = (Spec(shape=("L", "N", "I"), sides={"L": (1, 3), "N": (1, 2), "I": (1, 2),
                                                      "H": (1, 2)}),
                   Spec(shape=("N", "H")), Spec(shape=("N", "H")), Spec(shape=("4H", "I")),
                   Spec(shape=("4H", "H")), Spec(shape=("4H",)), Spec(shape=("4H",)))
    arg_specs = {"reverse": Choice(False, True), "directions": Choice(1, 2)}
    apply = "autograd.testing.op_arguments:lstm_layer"

    def __init__(self, reverse=(False,), biases=2, masked=False):
        self.reverse, self.biases, self.masked = tuple(reverse), biases, masked

    def _params(self, params):
        """Per direction (w_ih, w_hh, [biases])."""
        per = 2 + self.biases
        return [params[d * per:(d + 1) * per] for d in range(len(self.reverse))]

    def forward(self, x, h0, c0, *params):
        if x.shape[0] == 0:  # (as PyTorch's LSTM: a sequence has steps)
            raise ValueError(f"LSTMLayer: the input of shape {tuple(x.shape)} has no time "
                             "steps; a sequence needs at least one")
        mask = params[-1] if self.masked else None
        if mask is not None and tuple(mask.shape) != tuple(x.shape[:2]):
            raise ValueError(f"LSTMLayer: the mask has shape {tuple(mask.shape)}, expected "
                             f"(steps, batch) = {tuple(x.shape[:2])}")
        dirs, per = len(self.reverse), self._params(params)
        state_shape = (dirs,) + tuple(x.shape[1:2]) + tuple(h0.shape[-1:])
        biases = [folded_bias(*p[2:]) for p in per]
        outputs, h_n, c_n, self.cache = lstm_layer_arrays(
            x, [p[0] for p in per], [p[1] for p in per], biases, h0.reshape(state_shape),
            c0.reshape(state_shape), self.reverse, None if mask is None else mask.astype(bool))
        return outputs, h_n.reshape(h0.shape), c_n.reshape(c0.shape)

    def backward(self, g_outputs, g_hn, g_cn):
        if Config.enable_backprop:  # create_graph=True: a differentiable replay
            return self._replayed_backward(g_outputs, g_hn, g_cn)
        grads = self.backward_data(g_outputs.data, g_hn.data, g_cn.data)
        return tuple(None if g is None else wrap(g, False) for g in grads)

    def backward_data(self, g_outputs, g_hn, g_cn):
        """The first-order gradients on arrays (the engine's path: no Variable per term)."""
        x, h0, c0, *params = self.inputs
        needs = self.needs_input_grad
        per = self._params([p.data for p in params])
        dirs, shape = len(self.reverse), h0.shape
        state_shape = (dirs, x.shape[1], h0.shape[-1])
        g_x, weights, g_h0, g_c0 = lstm_layer_grad_arrays(
            self.cache, [p[0] for p in per], [p[1] for p in per], g_outputs,
            g_hn.reshape(state_shape), g_cn.reshape(state_shape), self.reverse,
            (needs[0], any(needs[3:len(needs) - self.masked]), needs[1]))
        grads = [g_x, g_h0 if g_h0 is None else g_h0.reshape(shape), g_c0.reshape(shape)]
        for w_ih, w_hh, g_bias in weights if weights[0] is not None else [(None,) * 3] * dirs:
            grads += [w_ih, w_hh] + [g_bias, None if g_bias is None else g_bias.copy()][
                :self.biases]
        return tuple([g if need else None for g, need in zip(grads, needs)])  # (mask: None)

    def _replayed_backward(self, g_outputs, g_hn, g_cn):
        """Each direction's gradients from its projection (linear) and the differentiable
        replay of its steps (Recurrence of LSTMStep): every gradient a function of the
        inputs, so higher orders work."""
        from .recurrence import Recurrence  # (recurrence imports this module)
        x, h0, c0, *params = self.inputs
        keep = None
        if self.masked:
            *params, mask = params
            keep = astype(mask, bool)
        one, hidden = h0.ndim == 2, h0.shape[-1]
        rows_shape = (x.shape[0] * x.shape[1], 4 * hidden)
        x_rows = reshape(x, (rows_shape[0], x.shape[2]))
        g_x, grads, states = None, [], []
        for d, (w_ih, w_hh, *biases) in enumerate(self._params(params)):
            if not any(v.requires_grad for v in (x, h0, c0, w_ih, w_hh, *biases)):
                grads += [None] * (2 + len(biases))  # (a frozen direction of constant
                continue  # inputs: its replay would record no step to run backward on)
            bias = folded_bias(*biases)
            state = (h0, c0) if one else (h0[d], c0[d])
            g_state = (g_hn, g_cn) if one else (g_hn[d], g_cn[d])
            d_gates, g_w_hh, g_h, g_c = Recurrence(LSTMStep, self.reverse[d])._replayed_backward(
                g_outputs[..., d * hidden:(d + 1) * hidden], g_state,
                [linear(x, w_ih, bias), w_hh, *state], keep)
            rows = reshape(d_gates, rows_shape)
            part = reshape(matmul(rows, w_ih), x.shape)
            g_x = part if g_x is None else g_x + part
            g_bias = [sum(rows, axis=0)] * len(biases)
            grads += [matmul(transpose(rows), x_rows), g_w_hh, *g_bias]
            states.append((g_h, g_c))
        g_states = (None, None) if len(states) < len(self.reverse) else (
            states[0] if one else [stack(list(g)) for g in zip(*states)])
        return tuple(g if need else None for g, need in zip(
            [g_x, *g_states, *grads], self.needs_input_grad))


def lstm_layer(x, weights_ih, weights_hh, biases_ih, biases_hh, state, reverse, mask=None):
    """Run one LSTM layer over x (L, N, I) in the directions `reverse` (a flag each):
    the outputs (L, N, D*H) and (h_n, c_n) shaped as the state (h0, c0) given ((D, N, H),
    or (N, H) for one direction). Weights and biases: one per direction, PyTorch's layout;
    the biases either all None or all present on each side. mask: Keras' (L, N) booleans
    or None (see lstm_layer_arrays)."""
    kept = [b for b in (biases_ih, biases_hh) if b[0] is not None]
    params = []
    for d in range(len(reverse)):
        params += [weights_ih[d], weights_hh[d]] + [b[d] for b in kept]
    masked = () if mask is None else (mask,)
    outputs = LSTMLayer(reverse, len(kept), bool(masked))(x, *state, *params, *masked)
    return outputs[0], tuple(outputs[1:])


__all__ = ["LSTMLayer", "lstm_layer"]
