"""A recurrent layer with Keras' recurrent dropout: every gate's view of the input and of
the previous state multiplied by a mask of its own, the same mask at every time step
(Gal and Ghahramani's variational dropout; Keras' `implementation=1`).

The fused loops (Recurrence, LSTMLayer) have one input projection and one recurrent
product for all gates, so this runs step by step through the step Functions (LSTMStep,
GRUStep, ...), which are differentiable to any order. Only training with
recurrent_dropout takes it: at inference no mask applies and the fused loops run.
"""
from autograd.ops import matmul, reshape, stack, transpose

from .linear import folded_bias, linear
from .recurrence import _check_length, _checked_step


def recurrence_with_dropout(mode, x, weight_ih, weight_hh, bias_ih, bias_hh, state,
                            input_masks, recurrent_masks, reverse=False):
    """Run one recurrent layer over x (L, N, F) with a mask per gate: returns the outputs
    (L, N, H) in the order the steps ran (time reversed where `reverse`) and the final
    state tuple ((h,) or (h, c), each (N, H)).

    Gate g's pre-activation is (x_t * input_masks[g]) W_ih[g]^T + b_ih[g]
    + (h * recurrent_masks[g]) W_hh[g]^T + b_hh[g], W[g] the g-th block of H rows in
    PyTorch's layout and gate order. input_masks (G, N, F) or None (no input dropout),
    recurrent_masks (G, N, H); mode, weights, biases (either None) and state as
    `recurrence` takes them. The state carried on (GRU's h, LSTM's c) is not masked."""
    step = _checked_step(mode, weight_hh, state, x.shape[1:-1], "recurrence_with_dropout")
    _check_length(x)
    gates, hidden = step.num_gates, weight_hh.shape[-1]
    recurrent_bias = bias_hh if step.separate_recurrent_bias else None
    input_bias = bias_ih if recurrent_bias is not None else folded_bias(bias_ih, bias_hh)
    gates_x = _masked_product(x, weight_ih, input_masks, gates, input_bias)
    weight = _gate_blocks(weight_hh, gates)
    length, batch = x.shape[0], x.shape[1]
    outputs = []
    for t in (range(length - 1, -1, -1) if reverse else range(length)):
        h = state[0]
        # (G, N, H) @ (G, H, H): each gate's masked state times its block
        gh = reshape(transpose(matmul(h * recurrent_masks, weight), (1, 0, 2)),
                     (batch, gates * hidden))
        if recurrent_bias is not None:
            gh = gh + recurrent_bias
        new = step()(gates_x[t], gh, *[state[i] for i in step.direct_state_indices])
        state = new if isinstance(new, tuple) else (new,)
        outputs.append(state[0])
    return stack(outputs), state


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


__all__ = ["recurrence_with_dropout"]
