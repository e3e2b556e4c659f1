"""Recurrent cells (RNNCell, LSTMCell, GRUCell) and the one-step updates RNN/LSTM/GRU share.

Each update takes `gates_x` = x W_ih^T + b_ih, the previous state (a tuple: (h,) or (h, c))
and the recurrent weights, and returns the new state: one Linear for h W_hh^T + b_hh and
one fused step Function for the gate math (nn.functional.recurrence). Gate order follows
PyTorch: LSTM i, f, g, o; GRU r, z, n.
"""
import math

import numpy as np

from autograd.arguments import float_dtype, positive_int
from autograd.backend import get_array_module
from autograd.ops import astype
from autograd.variable import Parameter, as_variable, wrap

from .. import init
from ..functional.linear import linear
from ..functional.recurrence import STEPS, recurrent_step
from ..module import Module
from .config import init_config


def rnn_tanh_update(gates_x, state, weight_hh, bias_hh):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)"""
    return recurrent_step("RNN_TANH", gates_x, state, weight_hh, bias_hh)


def rnn_relu_update(gates_x, state, weight_hh, bias_hh):
    """h' = relu(x W_ih^T + b_ih + h W_hh^T + b_hh)"""
    return recurrent_step("RNN_RELU", gates_x, state, weight_hh, bias_hh)


def lstm_update(gates_x, state, weight_hh, bias_hh):
    """i, f, g, o = split(gates_x + h W_hh^T + b_hh); c' = s(f) c + s(i) tanh(g);
    h' = s(o) tanh(c'), s the logistic sigmoid."""
    return recurrent_step("LSTM", gates_x, state, weight_hh, bias_hh)


def gru_update(gates_x, state, weight_hh, bias_hh):
    """r = s(x_r + h_r), z = s(x_z + h_z), n = tanh(x_n + r * h_n), h' = (1 - z) n + z h,
    where x_* = x W_i*^T + b_i* and h_* = h W_h*^T + b_h* (PyTorch's GRU)."""
    return recurrent_step("GRU", gates_x, state, weight_hh, bias_hh)


# mode -> (number of gates, one-step update)
MODES = {
    "RNN_TANH": (STEPS["RNN_TANH"].num_gates, rnn_tanh_update),
    "RNN_RELU": (STEPS["RNN_RELU"].num_gates, rnn_relu_update),
    "LSTM": (STEPS["LSTM"].num_gates, lstm_update),
    "GRU": (STEPS["GRU"].num_gates, gru_update),
}


def rnn_mode(nonlinearity, who):
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"{who}: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    return "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"


def add_gate_parameters(module, suffix, gates, input_size, hidden_size, bias, projection=0):
    """Register weight_ih{suffix} (gates*H, input_size), weight_hh{suffix} (gates*H, H),
    with bias bias_ih{suffix} and bias_hh{suffix} (gates*H,), and with a projection P
    (LSTM's proj_size) weight_hr{suffix} (P, H), weight_hh then (gates*H, P): PyTorch's
    names, shapes and order, in module.dtype."""
    rows = gates * hidden_size
    shapes = [("weight_ih", (rows, input_size)), ("weight_hh", (rows, projection or hidden_size))]
    if bias:
        shapes += [("bias_ih", (rows,)), ("bias_hh", (rows,))]
    if projection:
        shapes.append(("weight_hr", (projection, hidden_size)))
    for name, shape in shapes:
        module.register_parameter(name + suffix, Parameter(np.empty(shape, dtype=module.dtype)))


def reset_uniform(module, hidden_size):
    """Every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
    bound = 1.0 / math.sqrt(hidden_size)
    for param in module.parameters():
        init.uniform_(param, -bound, bound)


class BothSizes:
    """Mixin (before Module) of the recurrent layers: one size alone, DeZero's
    L.RNN(hidden_size), gets rungrad's way named, not only Python's missing argument."""

    def __new__(cls, *args, **kwargs):
        # (a subclass with a constructor of its own, MyLSTM(hidden), takes what it takes)
        own = cls.__init__.__module__.split(".")[0] == __name__.split(".")[0]
        if own and len(args) == 1 and "hidden_size" not in kwargs:
            cell = cls.__name__.removesuffix("Cell")
            raise TypeError(
                f"{cls.__name__}() takes input_size and hidden_size (PyTorch's order); got one "
                f"size. For DeZero's L.RNN(hidden_size) or L.LSTM(hidden_size): "
                f"nn.{cell}Cell(in_size, hidden_size) takes and returns the state (keep it in "
                f"your model), nn.{cell}(in_size, hidden_size) runs whole sequences")
        return super().__new__(cls)


class _Cell(BothSizes, Module):
    """One time step: input (N, input_size) or (input_size,) -> the new state."""

    def __init__(self, input_size, hidden_size, bias, mode, device=None, dtype=None):
        super().__init__()
        who = type(self).__name__
        self.mode, self.dtype = mode, float_dtype(dtype, who)
        self.input_size = positive_int(input_size, "input_size", who)
        self.hidden_size = positive_int(hidden_size, "hidden_size", who)
        self.bias = bool(bias)
        add_gate_parameters(self, "", MODES[self.mode][0], self.input_size, self.hidden_size,
                            self.bias)
        self.reset_parameters()
        self.to(device=device)

    def reset_parameters(self):
        reset_uniform(self, self.hidden_size)

    def _step(self, x, state):
        """The new state (a tuple) from x and the state tuple, batched or not, checked."""
        who = type(self).__name__
        x = as_variable(x)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(f"{who}: expected an input of shape (N, {self.input_size}) or "
                             f"({self.input_size},), got {tuple(x.shape)}")
        batched = x.ndim == 2
        shape = (x.shape[0], self.hidden_size) if batched else (self.hidden_size,)
        state = tuple(initial_state(s, shape, self.weight_hh, who, name)
                      for s, name in zip(state, ("hx", "cx")))
        if not batched:
            x = x.reshape(1, -1)
            state = tuple(s.reshape(1, -1) for s in state)
        gates_x = linear(x, self.weight_ih, self.bias_ih if self.bias else None)
        update = MODES[self.mode][1]
        new = update(gates_x, state, self.weight_hh, self.bias_hh if self.bias else None)
        return new if batched else tuple(s.reshape(-1) for s in new)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        return text if self.bias else text + ", bias=False"


class RNNCell(_Cell):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu); forward(input, hx=None) -> h'."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, rnn_mode(nonlinearity, "RNNCell"),
                         device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        return self._step(input, (hx,))[0]

    def extra_repr(self):
        return super().extra_repr() + f", nonlinearity={self.nonlinearity!r}"


class LSTMCell(_Cell):
    """The LSTM step (gates i, f, g, o); forward(input, hx=None) with hx = (h, c) -> (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, "LSTM", device, dtype)

    def forward(self, input, hx=None):
        return self._step(input, (None, None) if hx is None else
                          pair_state(hx, "LSTMCell", "(h, c)"))


class GRUCell(_Cell):
    """The GRU step (gates r, z, n, PyTorch's formula); forward(input, hx=None) -> h'."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, "GRU", device, dtype)

    def forward(self, input, hx=None):
        return self._step(input, (hx,))[0]


def pair_state(hx, who, names):
    """An LSTM's hx as a tuple: a pair of states, neither None (a forgotten c is an error,
    not silently zeros; hx=None itself starts both at zeros)."""
    pair = isinstance(hx, (tuple, list)) and len(hx) == 2
    if not pair or any(s is None for s in hx):
        got = "a pair holding None" if pair else type(hx).__name__
        raise TypeError(f"{who}: hx must be a pair {names} of states, got {got} (hx=None "
                        "starts both at zeros)")
    return tuple(hx)


def initial_state(state, shape, weight, who, name):
    """`state` checked against `shape` and cast to weight's dtype, or zeros when None."""
    if state is None:
        zeros = get_array_module(weight.data).zeros(shape, dtype=weight.dtype)
        return wrap(zeros, False)
    state = as_variable(state)
    if tuple(state.shape) != tuple(shape):
        raise ValueError(f"{who}: expected {name} of shape {tuple(shape)}, got "
                         f"{tuple(state.shape)}")
    return astype(state, weight.dtype)


__all__ = ["RNNCell", "LSTMCell", "GRUCell", "rnn_tanh_update", "rnn_relu_update",
           "lstm_update", "gru_update"]
