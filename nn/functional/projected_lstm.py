"""One layer of PyTorch's LSTM with projections (proj_size > 0), in every direction: each
step's h = (o * tanh(c)) W_hr^T, of size P < H, is what the next step reads and what the layer
returns, while the cell c keeps size H. It runs step by step (stepwise_recurrence: the
differentiable LSTM step and one product a step), so every order of gradient follows; the
fused LSTMLayer has no room for the projection."""
from autograd.ops import concatenate, stack

from .stepwise_recurrence import stepwise_recurrence


def projected_lstm_layer(x, weights_ih, weights_hh, biases_ih, biases_hh, weights_hr, state,
                         reverse, mask=None):
    """(outputs (L, N, D*P), (h_n (D, N, P), c_n (D, N, H))) of D directions over x (L, N, I).

    Per direction d, PyTorch's layout: weights_ih[d] (4H, I), weights_hh[d] (4H, P),
    weights_hr[d] (P, H), biases (4H,) or None; state (h0 (D, N, P), c0 (D, N, H));
    reverse[d]: whether d runs from the last step; mask (L, N) or None (a False step keeps
    a sample's state, as Keras' masking and packed sequences need)."""
    outputs, finals = [], []
    for d, backwards in enumerate(reverse):
        steps, final = stepwise_recurrence(
            "LSTM", x, weights_ih[d], weights_hh[d], biases_ih[d], biases_hh[d],
            (state[0][d], state[1][d]), reverse=backwards, steps_mask=mask,
            weight_hr=weights_hr[d])
        outputs.append(steps[::-1] if backwards else steps)  # (in time order)
        finals.append(final)
    output = outputs[0] if len(outputs) == 1 else concatenate(outputs, axis=-1)
    return output, tuple(stack(list(states)) for states in zip(*finals))


__all__ = ["projected_lstm_layer"]
