"""RNN, LSTM and GRU over whole sequences: stacked layers, either direction, PyTorch's API.

Input (L, N, input_size) (or (N, L, input_size) with batch_first, or unbatched
(L, input_size)); output (L, N, D * hidden_size) with D = 2 if bidirectional else 1, and
the final states h_n (and c_n) of shape (D * num_layers, N, hidden_size). A PackedSequence
input (nn.utils.rnn) gives a PackedSequence output, each sequence's states taken at its
own last step.
"""
import functools

import numpy as np

from autograd.arguments import float_dtype, positive_int, probability
from autograd.ops import concatenate, reshape, transpose
from autograd.user_warnings import user_warning
from autograd.variable import as_variable

from ..functional.dropout import dropout
from ..functional.lstm_layer import lstm_layer
from ..functional.projected_lstm import projected_lstm_layer
from ..functional.recurrence import bidirectional_recurrence, recurrence
from ..module import Module
from ..utils.rnn import PackedSequence, padded_in_packed_order, repacked
from .config import init_config
from .rnn_cells import (
    MODES,
    BothSizes,
    add_gate_parameters,
    initial_state,
    pair_state,
    reset_uniform,
    rnn_mode,
)


class _RNNBase(BothSizes, Module):
    """The layers-by-directions stack shared by RNN, LSTM and GRU."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None,
                 proj_size=0):
        super().__init__()
        who = type(self).__name__
        self.mode, self.dtype = mode, float_dtype(dtype, who)
        self.input_size = positive_int(input_size, "input_size", who)
        self.hidden_size = positive_int(hidden_size, "hidden_size", who)
        self.num_layers = positive_int(num_layers, "num_layers", who)
        probability(dropout, "dropout", who)
        if dropout > 0 and num_layers == 1:
            user_warning(f"{who}: dropout={dropout} with num_layers=1 drops nothing: it acts "
                         "between stacked layers only (PyTorch warns likewise)", UserWarning)
        self.bias, self.batch_first = bool(bias), bool(batch_first)
        self.dropout, self.bidirectional = float(dropout), bool(bidirectional)
        # (0 but for LSTM; RNN and GRU keep it too, as PyTorch's)
        self.proj_size = _projection_size(proj_size, self.hidden_size, who)
        gates = MODES[mode][0]
        for layer in range(self.num_layers):
            layer_input = self.input_size if layer == 0 else self._h_size * self.directions
            for suffix in self._suffixes(layer):
                add_gate_parameters(self, suffix, gates, layer_input, self.hidden_size, self.bias,
                                    self.proj_size)
        self.reset_parameters()
        self.to(device=device)

    @property
    def directions(self):
        return 2 if self.bidirectional else 1

    def flatten_parameters(self):
        """PyTorch's call packing cuDNN's weights into one buffer: nothing to do here (the
        weights are used where they are), accepted so that ported code runs."""

    @property
    def _flat_weights_names(self):
        """PyTorch's: the weights' names, layer by layer and direction by direction, each
        w_ih, w_hh, then b_ih, b_hh (with bias), then w_hr (with proj_size)."""
        kinds = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if self.bias else []) + (
            ["weight_hr"] if self.proj_size else [])
        return [f"{kind}{suffix}" for layer in range(self.num_layers)
                for suffix in self._suffixes(layer) for kind in kinds]

    @property
    def all_weights(self):
        """PyTorch's: one list of weights per layer and direction, in _flat_weights_names'
        order."""
        names = self._flat_weights_names
        per = len(names) // (self.num_layers * self.directions)
        return [[getattr(self, name) for name in names[i:i + per]]
                for i in range(0, len(names), per)]

    @property
    def _h_size(self):
        """The size of h, of each direction's outputs: proj_size where there is one."""
        return self.proj_size or self.hidden_size

    def _suffixes(self, layer):
        return _suffixes(layer, self.directions)

    def reset_parameters(self):
        reset_uniform(self, self.hidden_size)

    def _run(self, input, state):
        """(output, final state tuple) for a time-major or batch-first input, or a
        PackedSequence, states checked."""
        if isinstance(input, PackedSequence):
            return self._run_packed(input, state)
        x, batched = self._time_major(input)
        x, final = self._stack(x, self._layer_states(state, x.shape[1], batched))
        if self.batch_first and batched:
            x = transpose(x, (1, 0, 2))
        if not batched:
            x = x.reshape(x.shape[0], x.shape[2])
            final = tuple(s.reshape(s.shape[0], s.shape[2]) for s in final)
        return x, final

    def _stack(self, x, states, mask=None):
        """Run the layers over x (L, N, F) from each one's initial state tuple: the last
        layer's outputs (L, N, D*H) and the final state tuple, each (D * num_layers, N, H)."""
        finals = []
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0:
                x = dropout(x, self.dropout, training=self.training)
            x, last = self._layer(x, states[layer], layer, mask)
            finals.append(last)
        return x, finals[0] if len(finals) == 1 else tuple(
            concatenate([f[k] for f in finals]) for k in range(len(finals[0])))

    def _run_packed(self, packed, state):
        """PyTorch's packed input: run on the padded batch in packed order with the mask
        t < length (a padding step keeps a sample's state, so the reverse direction starts
        at each sample's own last step), the states in the caller's batch order."""
        who = type(self).__name__
        if packed.data.ndim != 2 or packed.data.shape[1] != self.input_size:
            raise ValueError(f"{who}: expected a PackedSequence whose data is (sum of lengths, "
                             f"{self.input_size}), got {tuple(packed.data.shape)}")
        x, lengths = padded_in_packed_order(packed, who=who)
        mask = np.arange(x.shape[0])[:, None] < lengths[None, :]
        order, restore = packed.sorted_indices, packed.unsorted_indices
        states = self._layer_states(state, x.shape[1], True)
        if order is not None:  # (zeros too: cheaper than telling them apart)
            states = [tuple(s[:, order] for s in layer) for layer in states]
        x, final = self._stack(x, states, mask)
        if restore is not None:
            final = tuple(s[:, restore] for s in final)
        return repacked(x, packed), final

    def _layer(self, x, state, layer, mask=None):
        """Run one layer, in each direction, over x (L, N, F) from its initial state tuple
        (each (D, N, H)): the outputs (L, N, D*H) and the final state tuple, each (D, N, H).
        mask (L, N) or None: a False step leaves a sample's state as it was."""
        weights_ih, weights_hh, biases_ih, biases_hh, weights_hr = (
            [getattr(self, name, None) for name in names]
            for names in _parameter_names(layer, self.directions))
        reverse = (False, True)[:self.directions]
        if self.proj_size:  # step by step, each h projected
            return projected_lstm_layer(x, weights_ih, weights_hh, biases_ih, biases_hh,
                                        weights_hr, state, reverse, mask)
        if self.mode == "LSTM":  # the layer's directions as one LSTMLayer
            return lstm_layer(x, weights_ih, weights_hh, biases_ih, biases_hh, state, reverse,
                              mask)
        if self.bidirectional:
            return bidirectional_recurrence(self.mode, x, weights_ih, weights_hh, biases_ih,
                                            biases_hh, state, mask)
        h_seq, last = recurrence(self.mode, x, weights_ih[0], weights_hh[0], biases_ih[0],
                                 biases_hh[0], tuple(s[0] for s in state), steps_mask=mask)
        return h_seq, tuple(reshape(s, (1,) + s.shape) for s in last)

    def _time_major(self, input):
        """The input as (L, N, F) and whether it had a batch axis."""
        who = type(self).__name__
        x = as_variable(input)
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            layout = "(N, L, {0})" if self.batch_first else "(L, N, {0})"
            raise ValueError(f"{who}: expected an input of shape "
                             f"{layout.format(self.input_size)} or (L, {self.input_size}), got "
                             f"{tuple(x.shape)}")
        given = tuple(x.shape)
        if x.ndim == 2:
            x, batched = x.reshape(x.shape[0], 1, x.shape[1]), False
        else:
            x, batched = (transpose(x, (1, 0, 2)) if self.batch_first else x), True
        if x.shape[0] == 0:  # (a batch of 0 runs, as PyTorch's: empty outputs and states)
            raise ValueError(f"{who}: the input of shape {given} is a sequence of "
                             "length 0 (PyTorch refuses it too)")
        return x, batched

    def _layer_states(self, state, batch, batched):
        """Each layer's initial state tuple, each (D, N, H) (h (D, N, P) with a projection):
        its rows of the states given (each (D * num_layers, N, H)), or zeros, one array of
        each shape for all layers (rows of zeros would cost an op a layer for nothing; no op
        writes into an input)."""
        who = type(self).__name__
        dirs, rows = self.directions, self.directions * self.num_layers
        columns, zeros = [], {}
        for s, name, size in zip(state, ("h_0", "c_0"), (self._h_size, self.hidden_size)):
            if s is None:
                if size not in zeros:
                    zeros[size] = initial_state(None, (dirs, batch, size), self.weight_hh_l0,
                                                who, name)
                columns.append([zeros[size]] * self.num_layers)
                continue
            shape = (rows, batch, size) if batched else (rows, size)
            s = initial_state(s, shape, self.weight_hh_l0, who, name)
            s = s if batched else s.reshape(rows, 1, size)
            columns.append([s[dirs * layer:dirs * (layer + 1)]
                            for layer in range(self.num_layers)])
        return list(zip(*columns))

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            text += f", proj_size={self.proj_size}"
        for name, default in (("num_layers", 1), ("bias", True), ("batch_first", False),
                              ("dropout", 0.0), ("bidirectional", False)):
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        return text


class RNN(_RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).
    forward(input, hx=None) -> (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        super().__init__(rnn_mode(nonlinearity, "RNN"), input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        output, (h_n,) = self._run(input, (_single_state(hx, type(self).__name__),))
        return output, h_n


class LSTM(_RNNBase):
    """Long short-term memory (gates i, f, g, o).
    forward(input, hx=None) with hx = (h_0, c_0) -> (output, (h_n, c_n))."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device, dtype, proj_size)

    def forward(self, input, hx=None):
        hx = (None, None) if hx is None else pair_state(hx, "LSTM", "(h_0, c_0)")
        output, (h_n, c_n) = self._run(input, hx)
        return output, (h_n, c_n)


class GRU(_RNNBase):
    """Gated recurrent unit (gates r, z, n; n = tanh(W_in x + b_in + r * (W_hn h + b_hn))).
    forward(input, hx=None) -> (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device, dtype)

    def forward(self, input, hx=None):
        output, (h_n,) = self._run(input, (_single_state(hx, type(self).__name__),))
        return output, h_n


def _suffixes(layer, directions):
    return [f"_l{layer}", f"_l{layer}_reverse"][:directions]


@functools.cache
def _parameter_names(layer, directions):
    """The names of a layer's weight_ih, weight_hh, bias_ih, bias_hh and weight_hr, each a
    tuple over the directions (made once: a step reads them for every layer)."""
    return tuple(tuple(kind + suffix for suffix in _suffixes(layer, directions))
                 for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"))


def _projection_size(proj_size, hidden_size, who):
    """LSTM's proj_size checked (0: none; else 1 to hidden_size - 1, PyTorch's rule)."""
    if not hasattr(proj_size, "__index__") or isinstance(proj_size, bool) or proj_size < 0:
        raise ValueError(f"{who}: proj_size must be 0 (no projection) or a positive int, got "
                         f"{proj_size!r}")
    if proj_size >= hidden_size:
        raise ValueError(f"{who}: proj_size ({proj_size}) must be smaller than hidden_size "
                         f"({hidden_size})")
    return int(proj_size)


def _single_state(hx, who):
    """RNN's and GRU's hx: one state, never LSTM's pair."""
    if isinstance(hx, (tuple, list)):
        raise TypeError(f"{who}: hx must be one state h_0 (an array or Variable), got a "
                        f"{type(hx).__name__}; only LSTM takes a pair (h_0, c_0)")
    return hx


__all__ = ["RNN", "LSTM", "GRU"]
