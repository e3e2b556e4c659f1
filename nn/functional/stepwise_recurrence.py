"""A recurrent layer run step by step through the step Functions (LSTMStep, GRUStep, ...),
differentiable to any order, for what the fused loops (Recurrence, LSTMLayer: one input
projection and one recurrent product for all gates and steps) cannot do:

- Keras' recurrent dropout: every gate's view of the input and of the previous state
  multiplied by a mask of its own, the same at every time step (Gal and Ghahramani's
  variational dropout; Keras' `implementation=1`);
- Keras' masking: a sample's masked steps (padding) leave its state as it was, so that its
  final state is the one after its last real step;
- PyTorch's LSTM projections (proj_size): each step's h projected, h W_hr^T, before it is
  carried on and returned;
- Keras' activation= and recurrent_activation= other than tanh and sigmoid: each step the
  cell's math written with ops (ComposedStep).

Only the calls that need one of them come here (training with recurrent_dropout, or a
mask); the others run the fused loops.
"""
from autograd.ops import astype, matmul, reshape, split, stack, transpose, where

from .linear import folded_bias, linear
from .recurrence import _check_length, _checked_step


def or_identity(function):
    """`function`, or the identity for None (Keras' activation=None: linear)."""
    return function if function is not None else _identity


def _identity(v):
    return v


class ComposedStep:
    """The step of `mode`'s cell (a RecurrentStep class's math: LSTM, GRU as PyTorch's,
    Elman) written with ops, `activation` where the cell has tanh (its Elman activation)
    and `gate` where it has sigmoid (each a function of a Variable, None for the identity):
    Keras' activation= and recurrent_activation=. Called as a step Function is:
    `ComposedStep(...)()(gx, gh, *direct_state)`."""

    def __init__(self, step, activation, gate):
        self.activation, self.gate = or_identity(activation), or_identity(gate)
        self.num_gates, self.num_states = step.num_gates, step.num_states
        self.direct_state_indices = step.direct_state_indices
        self.separate_recurrent_bias = step.separate_recurrent_bias

    def __call__(self):
        return {1: self._elman, 3: self._gru, 4: self._lstm}[self.num_gates]

    def _elman(self, gx, gh):
        return self.activation(gx + gh)

    def _lstm(self, gx, gh, c):
        i, f, g, o = split(gx + gh, 4, axis=-1)  # (PyTorch's gate order)
        c = self.gate(f) * c + self.gate(i) * self.activation(g)
        return self.gate(o) * self.activation(c), c

    def _gru(self, gx, gh, h):
        x_r, x_z, x_n = split(gx, 3, axis=-1)
        h_r, h_z, h_n = split(gh, 3, axis=-1)
        r, z = self.gate(x_r + h_r), self.gate(x_z + h_z)
        n = self.activation(x_n + r * h_n)
        return (1 - z) * n + z * h


def stepwise_recurrence(mode, x, weight_ih, weight_hh, bias_ih, bias_hh, state,
                        input_masks=None, recurrent_masks=None, reverse=False, steps_mask=None,
                        weight_hr=None, activations=None):
    """Run one recurrent layer over x (L, N, F) step by step: returns the outputs (L, N, H)
    in the order the steps ran (time reversed where `reverse`) and the final state tuple
    ((h,) or (h, c), each (N, H)). mode, weights, biases (either None) and state as
    `recurrence` takes them.

    Recurrent dropout: gate g's pre-activation is (x_t * input_masks[g]) W_ih[g]^T + b_ih[g]
    + (h * recurrent_masks[g]) W_hh[g]^T + b_hh[g], W[g] the g-th block of H rows in
    PyTorch's layout and gate order; input_masks (G, N, F), recurrent_masks (G, N, H), each
    None for none. The state carried on (GRU's h, LSTM's c) is not masked.

    Masking: steps_mask (L, N) (booleans, or 0/1), None for none. Where a sample's entry is
    False its state stays as it was, and its output is that h (the last real step's, or
    the initial state's before any).

    Projection (LSTM): weight_hr (P, H) makes each step's h (N, P), h W_hr^T; weight_hh is
    then (4H, P) and the state's h (N, P), its c (N, H).

    activations: (activation, gate) functions in place of the cell's tanh and sigmoid
    (ComposedStep), None for the cell's own."""
    step = _checked_step(mode, weight_hh, state, x.shape[1:-1], "stepwise_recurrence",
                         weight_hr)
    if activations is not None:
        step = ComposedStep(step, *activations)
    _check_length(x)
    gates = step.num_gates
    recurrent_bias = bias_hh if step.separate_recurrent_bias else None
    input_bias = bias_ih if recurrent_bias is not None else folded_bias(bias_ih, bias_hh)
    gates_x = _masked_product(x, weight_ih, input_masks, gates, input_bias)
    recurrent = _recurrent_term(weight_hh, recurrent_masks, gates, recurrent_bias)
    keep = None if steps_mask is None else _keep(steps_mask, x)
    outputs = []
    for t in (range(len(gates_x) - 1, -1, -1) if reverse else range(len(gates_x))):
        new = step()(gates_x[t], recurrent(state[0]),
                     *[state[i] for i in step.direct_state_indices])
        new = new if isinstance(new, tuple) else (new,)
        if weight_hr is not None:
            new = (linear(new[0], weight_hr),) + new[1:]
        if keep is not None:  # (where, not a blend: a kept state stays exactly as it was)
            new = tuple(where(keep[t], n, old) for n, old in zip(new, state))
        state = new
        outputs.append(state[0])
    return stack(outputs), state


def _keep(steps_mask, x):
    """The mask as booleans (L, N, 1), checked against x (L, N, F)."""
    mask = astype(steps_mask, bool)
    if tuple(mask.shape) != tuple(x.shape[:2]):
        raise ValueError(f"stepwise_recurrence: steps_mask has shape {tuple(mask.shape)}, "
                         f"expected (steps, batch) = {tuple(x.shape[:2])}")
    return reshape(mask, tuple(mask.shape) + (1,))


def _recurrent_term(weight_hh, masks, gates, bias):
    """h -> its term of a step's pre-activations (N, G*H): h W_hh^T + b_hh, or with masks
    each gate's masked state times its block."""
    if masks is None:
        return lambda h: linear(h, weight_hh, bias)
    blocks = _gate_blocks(weight_hh, gates)

    def masked(h):
        batch, hidden = h.shape[0], weight_hh.shape[-1]
        # (G, N, H) @ (G, H, H): each gate's masked state times its block
        term = reshape(transpose(matmul(h * masks, blocks), (1, 0, 2)),
                       (batch, gates * hidden))
        return term if bias is None else term + bias
    return masked


def _gate_blocks(weight, gates):
    """W (G*H, K) as its gate blocks transposed, (G, K, H): a masked (G, ..., K) input times
    it is each gate's term."""
    rows, width = weight.shape
    return transpose(reshape(weight, (gates, rows // gates, width)), (0, 2, 1))


def _masked_product(x, weight, masks, gates, bias):
    """Every step's input term x W^T + bias (L, N, G*H), gate g's from x * masks[g]."""
    if masks is None:
        return linear(x, weight, bias)
    length, batch, features = x.shape
    masked = reshape(x, (1, length, batch, features)) * reshape(
        masks, (gates, 1, batch, features))
    per_gate = matmul(reshape(masked, (gates, length * batch, features)),
                      _gate_blocks(weight, gates))  # (G, L*N, H)
    hidden = per_gate.shape[-1]
    y = reshape(transpose(per_gate, (1, 0, 2)), (length, batch, gates * hidden))
    return y if bias is None else y + bias


__all__ = ["stepwise_recurrence"]
