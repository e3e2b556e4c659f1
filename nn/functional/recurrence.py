"""A recurrent layer's time loop as one Function (cuDNN's idea, on NumPy).

x W_ih^T + b_ih does not depend on h, so it is one matrix product over every time step
before the loop (`linear`); `Recurrence` then runs the loop: one Function call forward and,
in first-order backprop, one fused backward pass through time (the weight gradient is one
product over all steps). Under create_graph=True its backward instead replays the steps as
step Functions (LSTMStep, GRUStep, ...), whose grad Functions are differentiable, and
backpropagates through them with differentiable ops: higher orders work.
"""
from autograd.backend import get_array_module
from autograd.config import Config
from autograd.function import Function
from autograd.ops import (
    astype,
    concatenate,
    matmul,
    reshape,
    split,
    stack,
    sum,
    transpose,
    where,
)
from autograd.spec import Choice, Spec
from autograd.variable import wrap

from .elman_step import ReLURNNStep, TanhRNNStep
from .gru_step import GRUStep
from .linear import _column_sums, folded_bias, linear
from .lstm_layer import lstm_layer
from .lstm_step import LSTMStep

# mode (PyTorch's names) -> the step Function (a RecurrentStep); its `num_gates` and
# `num_states` size the layer
STEPS = {"RNN_TANH": TanhRNNStep, "RNN_RELU": ReLURNNStep, "LSTM": LSTMStep, "GRU": GRUStep}


class Recurrence(Function):
    """(outputs, *final_state) of one layer in one direction.

    Inputs: gates_x (L, N, G*H) = x W_ih^T + biases for every step, weight_hh (G*H, H), the
    initial state arrays (N, H) (h, or h and c), for GRU bias_hh (G*H,), and with
    masked=True Keras' mask (L, N) last (booleans: a False step leaves a sample's state as
    it was, its output repeating the last one).
    Outputs: every step's h (L, N, H) in time order, then the final state, each (N, H).
    With reverse=True the steps run from t = L-1 down to 0. (nn's LSTM layers run as one
    LSTMLayer instead, which owns its projection; this serves every step Function, the
    LSTM's replay under create_graph included.)
    """

    # gates_x, weight_hh, h, c, bias_hh drawn for LSTM's 4 gates; each mode takes what it needs
    input_specs = (Spec(shape=("L", "N", "4H"), sides={"L": (1, 2), "N": (1, 2), "H": (1, 2)}),
                   Spec(shape=("4H", "H")), Spec(shape=("N", "H")), Spec(shape=("N", "H")),
                   Spec(shape=("4H",)))
    arg_specs = {"mode": Choice("RNN_TANH", "LSTM", "GRU"), "reverse": Choice(False, True)}
    apply = "autograd.testing.op_arguments:recurrence"

    def __init__(self, step, reverse=False, masked=False):
        self.step, self.reverse, self.masked = step, reverse, masked

    def _split(self, rest):
        """(state, bias_hh or None, mask or None) from the inputs after weight_hh."""
        states = self.step.num_states
        mask = rest[-1] if self.masked else None
        rest = rest[:len(rest) - self.masked]
        return tuple(rest[:states]), (rest[states] if len(rest) > states else None), mask

    def _order(self, length):
        return range(length - 1, -1, -1) if self.reverse else range(length)

    def forward(self, gates_x, weight_hh, *rest):
        direct = self.step.direct_state_indices
        state, bias, mask = self._split(rest)
        self.kept = None if mask is None else mask.astype(bool)[..., None]  # (L, N, 1)
        step_on_arrays = self.step.step_on_arrays
        xp = get_array_module(gates_x)
        # BLAS multiplies a small h by a transposed view 2-3x slower than by a copy
        w_t = xp.ascontiguousarray(weight_hh.T)
        length = gates_x.shape[0]
        outputs = xp.empty(gates_x.shape[:2] + w_t.shape[:1], dtype=gates_x.dtype)
        caches, h_prev = [None] * length, [None] * length
        for t in self._order(length):
            h = state[0]
            gh = h @ w_t
            if bias is not None:
                gh += bias
            new, caches[t] = step_on_arrays(gates_x[t], gh, [state[i] for i in direct])
            state = new if self.kept is None else tuple(
                xp.where(self.kept[t], n, s) for n, s in zip(new, state))
            h_prev[t] = h
            outputs[t] = state[0]
        self.caches, self.h_prev = caches, h_prev
        return (outputs, *state)

    def backward(self, g_outputs, *g_state):
        if Config.enable_backprop:  # create_graph=True: the gradient must be differentiable
            return self._replayed_backward(g_outputs, g_state)
        return self._fused_backward(g_outputs.data, [g.data for g in g_state])

    def _fused_backward(self, g_outputs, grads):
        """Backprop through time on arrays: every step's gate gradients in one (L, N, G*H)
        array, then the weight and bias gradients as one product and one sum."""
        needs = self.needs_input_grad[:len(self.inputs) - self.masked]  # (the mask: none)
        weight = self.inputs[1].data
        has_bias = len(needs) > 2 + self.step.num_states
        need_weights = needs[1] or has_bias and needs[-1]
        d_gates, rows, h_prev, grads = self._backward_through_time(
            g_outputs, grads, weight, need_weights)
        result = [d_gates, None, *grads] + [None] * has_bias
        if need_weights:
            result[1] = rows.T @ h_prev.reshape(-1, h_prev.shape[-1])
            if has_bias:
                result[-1] = _column_sums(rows)
        return tuple([None if g is None or not need else wrap(g, False)
                      for g, need in zip(result, needs)] + [None] * self.masked)

    def _backward_through_time(self, g_outputs, grads, weight, need_weights):
        """(d_gates, the gh gradients as rows (L*N, G*H), every step's h (L, N, H), the
        initial state's gradients), one step gradient at a time; rows and h are None
        unless need_weights."""
        grad_on_arrays, needs = self.step.grad_on_arrays, self.needs_input_grad
        gates_x = self.inputs[0].data
        length = gates_x.shape[0]
        xp = get_array_module(gates_x)
        d_gates = xp.empty_like(gates_x)
        d_recurrent = [None] * length
        order = self._order(length)[::-1]
        for t in order:
            grads[0] = grads[0] + g_outputs[t]
            carried = None
            if self.kept is not None:  # a padded sample's gradient passes the step unchanged
                carried = [xp.where(self.kept[t], 0, g) for g in grads]
                grads = [xp.where(self.kept[t], g, 0) for g in grads]
            d_x, d_h, direct = grad_on_arrays(self.caches[t], grads, out=d_gates[t])
            d_recurrent[t] = d_h
            g_h = None
            if t != order[-1] or needs[2] or carried is not None:  # (h_0's, if it needs it)
                g_h = d_h @ weight
            grads = self._previous_state_grads(g_h, direct)
            if carried is not None:
                grads = [g + c for g, c in zip(grads, carried)]
        if not need_weights:
            return d_gates, None, None, grads
        rows = self._recurrent_rows(d_gates, d_recurrent, shared=d_x is d_h)
        return d_gates, rows, xp.stack(self.h_prev), grads

    def _previous_state_grads(self, g_h, direct):
        """The gradient of the previous state tuple (arrays or Variables alike): g_h, which
        came through gh, plus the gradients of the entries the step read directly."""
        grads = [g_h] + [None] * (self.step.num_states - 1)
        for i, g in zip(self.step.direct_state_indices, direct):
            grads[i] = g if grads[i] is None else grads[i] + g
        return grads

    @staticmethod
    def _recurrent_rows(d_gates, d_recurrent, shared):
        """The gradients of every step's gh as rows (L*N, G*H): the gate gradients
        themselves where gx and gh enter alike (LSTM, Elman), else GRU's own."""
        d = d_gates if shared else get_array_module(d_gates).stack(d_recurrent)
        return d.reshape(-1, d.shape[-1])

    def _replayed_backward(self, g_outputs, g_state, inputs=None, keep=None):
        """The same backprop through time built from step Functions and differentiable ops:
        the steps are replayed from the inputs (this call's, or `inputs` given in their
        order), so every gradient is a function of them. keep: Keras' mask (L, N) of
        booleans or None: a False step leaves a sample's state as it was (LSTMLayer's)."""
        step = self.step
        direct = step.direct_state_indices
        gates_x, weight, *rest = self.inputs if inputs is None else inputs
        state, bias, mask = self._split(rest)
        if mask is not None:
            keep = astype(mask, bool)
        length = gates_x.shape[0]
        xs, gys = _unstack(gates_x), _unstack(g_outputs)
        steps, h_prev = [None] * length, [None] * length
        keep = None if keep is None else _unstack(reshape(keep, tuple(keep.shape) + (1,)))
        for t in self._order(length):
            h_prev[t], steps[t] = state[0], step()
            new = steps[t](xs[t], linear(state[0], weight, bias), *[state[i] for i in direct])
            new = new if isinstance(new, tuple) else (new,)
            state = new if keep is None else tuple(where(keep[t], n, s)
                                                   for n, s in zip(new, state))
        grads = list(g_state)
        d_gates, d_recurrent = [None] * length, [None] * length
        for t in self._order(length)[::-1]:
            grads[0] = grads[0] + gys[t]
            carried = None
            if keep is not None:  # a padded sample's gradient passes the step unchanged
                carried = [where(keep[t], 0.0, g) for g in grads]
                grads = [where(keep[t], g, 0.0) for g in grads]
            d_gates[t], d_recurrent[t], *read = steps[t].backward(*grads)
            grads = self._previous_state_grads(matmul(d_recurrent[t], weight), read)
            if carried is not None:
                grads = [g + c for g, c in zip(grads, carried)]
        rows = reshape(stack(d_recurrent), (-1, weight.shape[0]))
        g_weight = matmul(transpose(rows), reshape(stack(h_prev), (-1, weight.shape[1])))
        bias_grad = () if bias is None else (sum(rows, axis=0),)
        mask_grad = (None,) * (self.masked and inputs is None)
        return (stack(d_gates), g_weight, *grads, *bias_grad, *mask_grad)


def _unstack(x):
    """x (L, ...) as a list of L Variables x[t] (one split: no per-step indexing)."""
    return [reshape(part, part.shape[1:]) for part in split(x, x.shape[0], axis=0)]


def recurrence(mode, x, weight_ih, weight_hh, bias_ih, bias_hh, state, reverse=False,
               steps_mask=None):
    """Run one recurrent layer in one direction over x (L, N, F): returns the outputs
    (L, N, H) and the final state tuple ((h,) or (h, c), each (N, H)).

    mode: 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'; weights and biases in PyTorch's layout,
    either bias None for none (Keras' layers have no recurrent bias but GRU's);
    state: the initial state tuple. The input projection runs once for all steps; where the
    recurrent bias simply adds (all but GRU) it joins it there. LSTM runs as one LSTMLayer.
    steps_mask: Keras' mask (L, N) or None (see Recurrence).
    """
    step = _checked_step(mode, weight_hh, state, x.shape[1:-1], "recurrence")
    _check_length(x)
    if step is LSTMStep:
        return lstm_layer(x, [weight_ih], [weight_hh], [bias_ih], [bias_hh], state, (reverse,),
                          steps_mask)
    extra = ()
    if step.separate_recurrent_bias:
        gates_x = linear(x, weight_ih, bias_ih)
        extra = () if bias_hh is None else (bias_hh,)
    else:
        gates_x = linear(x, weight_ih, folded_bias(bias_ih, bias_hh))
    masked = () if steps_mask is None else (steps_mask,)
    outputs = Recurrence(step, reverse, bool(masked))(gates_x, weight_hh, *state, *extra, *masked)
    return outputs[0], tuple(outputs[1:])


def bidirectional_recurrence(mode, x, weights_ih, weights_hh, biases_ih, biases_hh, state,
                             steps_mask=None):
    """Run one recurrent layer in both directions over x (L, N, F): returns the outputs
    (L, N, 2H), the forward direction's features then the reverse one's (PyTorch's), and the
    final state tuple, each (2, N, H). weights_ih, weights_hh, biases_ih, biases_hh: pairs
    (forward, reverse) in PyTorch's layout (biases None for none); state: the initial state
    tuple, each (2, N, H); steps_mask as in recurrence (a sample's trailing masked steps:
    its reverse direction starts at its last step, as PyTorch's packed sequences). LSTM runs
    both directions stacked in one LSTMLayer (each time step one NumPy call per op for
    both); the others one Recurrence each."""
    if mode == "LSTM":
        for d in range(2):
            _checked_step(mode, weights_hh[d], tuple(s.data[d] for s in state), x.shape[1:-1],
                          "recurrence")
        _check_length(x)
        return lstm_layer(x, weights_ih, weights_hh, biases_ih, biases_hh, state, (False, True),
                          steps_mask)
    runs = [recurrence(mode, x, weights_ih[d], weights_hh[d], biases_ih[d], biases_hh[d],
                       tuple(s[d] for s in state), reverse=d == 1, steps_mask=steps_mask)
            for d in range(2)]
    outputs = concatenate([run[0] for run in runs], axis=-1)
    return outputs, tuple(stack(pair) for pair in zip(*(run[1] for run in runs)))


def recurrent_step(mode, gates_x, state, weight_hh, bias_hh=None):
    """One step of a recurrent cell: the new state tuple from gates_x = x W_ih^T + b_ih
    (N, G*H), the state tuple ((h,) or (h, c), each (N, H)) and the recurrent weights."""
    step = _checked_step(mode, weight_hh, state, gates_x.shape[:-1], "recurrent_step")
    new = step()(gates_x, linear(state[0], weight_hh, bias_hh),
                 *[state[i] for i in step.direct_state_indices])
    return new if isinstance(new, tuple) else (new,)


def _check_length(x):
    if x.shape[0] == 0:  # PyTorch's recurrent layers refuse it too
        raise ValueError(f"recurrence: expected a sequence of length at least 1, got an input "
                         f"of shape {tuple(x.shape)}")


def _checked_step(mode, weight_hh, state, batch_shape, who, weight_hr=None):
    """The step Function of `mode`, once weight_hh is (G*H, H) and every state (*batch, H);
    with LSTM's projection weight_hr (P, H), weight_hh is (4*H, P) and h (*batch, P)."""
    if mode not in STEPS:
        raise ValueError(f"{who}: mode must be one of {sorted(STEPS)}, got {mode!r}")
    step = STEPS[mode]
    out = weight_hh.shape[-1]  # h's size: H, or P with a projection
    hidden = out if weight_hr is None else weight_hr.shape[-1]
    if hidden == 0:  # PyTorch's recurrent layers refuse it too
        raise ValueError(f"{who}: {mode} needs a hidden size of at least 1, got weight_hh of "
                         f"shape {tuple(weight_hh.shape)}")
    if weight_hr is not None and (mode != "LSTM" or tuple(weight_hr.shape) != (out, hidden)):
        raise ValueError(f"{who}: a projection weight_hr of shape {tuple(weight_hr.shape)} "
                         f"needs LSTM and weight_hh of shape (4 * H, P), got {mode} and "
                         f"{tuple(weight_hh.shape)}")
    if tuple(weight_hh.shape) != (step.num_gates * hidden, out):
        raise ValueError(f"{who}: {mode} needs weight_hh of shape ({step.num_gates} * H, "
                         f"{'H' if weight_hr is None else 'P'}), got {tuple(weight_hh.shape)}")
    expected = [tuple(batch_shape) + (size,) for size in (out, hidden)[:step.num_states]]
    if len(state) != step.num_states or [tuple(s.shape) for s in state] != expected:
        raise ValueError(f"{who}: {mode} needs {step.num_states} state array(s) of shape "
                         f"{' and '.join(map(str, sorted(set(expected))))}, got "
                         f"{[tuple(s.shape) for s in state]}")
    return step


__all__ = ["recurrence", "bidirectional_recurrence", "recurrent_step", "Recurrence", "STEPS"]
