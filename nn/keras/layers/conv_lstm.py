"""Keras' convolutional LSTMs: ConvLSTM1D, ConvLSTM2D and ConvLSTM3D over batch-first
sequences of frames.

Input (N, T, *spatial, C) (channels_last, Keras' default) or (N, T, C, *spatial)
(channels_first). Each step is an LSTM whose products are convolutions: the frame x_t by
`kernel` (strides, padding, dilation_rate as Keras' Conv layers take them) and the state
h_{t-1} by `recurrent_kernel` (stride 1, 'same'); gates i, f, c, o (Keras' order):
c_t = f c_{t-1} + i tanh(c~), h_t = o tanh(c_t). Output the last h (N, *out_spatial,
filters), every step's (N, T, *out_spatial, filters) with return_sequences, then [h, c]
with return_state. The weights are Keras' arrays, in Keras' order: kernel (*kernel_size, C,
4 filters), recurrent_kernel (*kernel_size, filters, 4 filters), bias (4 filters,).

The time loop, masks, initial and stateful states and the return modes are SequenceRun's,
as the LSTM layer's. SequenceRun runs over (N, T, F) sequences, so frames and states travel
through it flattened (F their size) and `_run` gives them their shape back. The input
convolution of every step runs at once; the recurrence, in nn's channels-first layout, a
step at a time.
"""
import contextvars
import math

import numpy as np

from autograd.arguments import float_dtype, positive_int, probability
from autograd.backend import get_array_module
from autograd.ops import concatenate, reshape, split, stack, where
from autograd.variable import wrap

from ... import regularizers
from ...activity_regularizer import ActivityRegularized
from ...functional.conv import conv2d
from ...functional.conv3d import conv3d
from ...functional.dropout import dropout
from ...initializers import checked, draw, fill
from ...layers.activation import resolve_activation
from ...layers.config import init_config
from ...layers.constrained import WeightConstraint, constraint_configs
from ...layers.lazy_build import SizedByChannels, check_fit
from ...layers.rnn_cells import initial_state
from ...module import Module
from ._base import (
    CHANNELS_FIRST,
    KerasLayer,
    back_from_channels_first,
    channels_first,
    data_format_name,
    functional_dims,
    functional_for,
    functional_weight,
    lifted,
    output_sizes,
    padding_name,
    padding_pairs,
    split_padding,
)
from .conv import Penalty, set_window
from .recurrent import activation_name
from .sequence_run import SequenceRun, refuse_missing_states

_WEIGHTS = ("kernel", "recurrent_kernel", "bias")
_GATES = 4  # i, f, c, o
_AXES = {1: ("W",), 2: ("H", "W"), 3: ("D", "H", "W")}
# The (input frame, output frame) shapes of each call under way, by layer: per context, not
# on the layer, so that threads sharing a model do not read each other's calls' shapes.
_CALLS = contextvars.ContextVar("conv_lstm_calls", default=None)


class _ConvLSTM(ActivityRegularized, SequenceRun, SizedByChannels, KerasLayer, Module):
    """What ConvLSTM1D, 2D and 3D share; `dims` spatial axes. Keras' arguments and
    meanings; besides them: unroll (a speed hint: no effect), zero_output_for_mask (as
    LSTM's), name, input_shape (one sample's (T, *spatial, C)), dtype. dropout and
    recurrent_dropout draw Keras' four masks (one per gate) of the input frame and of the
    state, the same at every step of a call, from NumPy's global generator (seed is only
    kept for the config). stateful keeps the final states between calls (SequenceRun)."""

    keras_weight_scope = "conv_lstm_cell"  # (Keras' weights are its cell's: w.path)

    dims = None
    weight_name, extra_weights = "kernel", ("recurrent_kernel",)  # (SizedByChannels')
    carried_state = ("states",)  # (what a stateful call carries on: Module.plot restores it)
    kernel_regularizer, recurrent_regularizer, bias_regularizer = (
        Penalty(), Penalty(), Penalty())
    kernel_constraint, recurrent_constraint, bias_constraint = (
        WeightConstraint(name) for name in _WEIGHTS)

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, *, unroll=False,
                 zero_output_for_mask=False, name=None, input_shape=None, dtype="float32"):
        super().__init__()
        self._keras_arguments(name, input_shape)
        self._set_geometry(filters, kernel_size, strides, padding, data_format, dilation_rate)
        self._set_cell(activation, recurrent_activation, use_bias, unit_forget_bias,
                       dropout, recurrent_dropout, seed)
        self.kernel_initializer = checked(kernel_initializer, "kernel_initializer", self.who)
        self.recurrent_initializer = checked(recurrent_initializer, "recurrent_initializer",
                                             self.who)
        self.bias_initializer = checked(bias_initializer, "bias_initializer", self.who)
        self.kernel_regularizer, self.recurrent_regularizer, self.bias_regularizer = (
            kernel_regularizer, recurrent_regularizer, bias_regularizer)
        self._set_activity_regularizer(activity_regularizer)
        self.kernel_constraint, self.recurrent_constraint, self.bias_constraint = (
            kernel_constraint, recurrent_constraint, bias_constraint)
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.stateful = bool(go_backwards), bool(stateful)
        self.unroll = bool(unroll)  # (a speed hint only)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.states = None  # with stateful: the last call's final states, flat (N, F)
        self.dtype = float_dtype(dtype, self.who)
        self.unbuild()
        if self.declared_input_shape is not None:
            self.build(self._declared_channels())

    def _set_geometry(self, filters, kernel_size, strides, padding, data_format,
                      dilation_rate):
        who = self.who
        self.filters = positive_int(filters, "filters", who)
        set_window(self, kernel_size, strides, dilation_rate)
        self.padding = padding_name(padding, who)
        self.data_format = data_format_name(data_format, who)

    def _set_cell(self, activation, recurrent_activation, use_bias, unit_forget_bias,
                  dropout, recurrent_dropout, seed):
        who = self.who
        # the attributes keep the config's form (a name); the functions are looked up once
        self.activation = activation_name(activation, "activation", who)
        self.recurrent_activation = activation_name(recurrent_activation,
                                                    "recurrent_activation", who)
        self._activation = resolve_activation(self.activation, who)[1]
        self._recurrent_activation = resolve_activation(self.recurrent_activation, who)[1]
        self.use_bias, self.unit_forget_bias = bool(use_bias), bool(unit_forget_bias)
        self.dropout = probability(dropout, "dropout", who)
        self.recurrent_dropout = probability(recurrent_dropout, "recurrent_dropout", who)
        self.seed = seed

    def _declared_channels(self):
        shape = self.declared_input_shape
        if len(shape) != self.dims + 2 or self._frame_channels(shape[1:]) is None:
            raise ValueError(f"{self.who}: input_shape {shape} is not one sample "
                             f"{self._layout()[len('(batch, '):]} with a known number of "
                             "channels")
        return self._frame_channels(shape[1:])

    # ----- weights (built, build, unbuild: SizedByChannels') -----
    def _shapes(self, in_channels):
        width = _GATES * self.filters
        shapes = {"kernel": self.kernel_size + (in_channels, width),
                  "recurrent_kernel": self.kernel_size + (self.filters, width)}
        if self.use_bias:
            shapes["bias"] = (width,)
        return shapes

    def size_from_state(self, shapes):
        """The input channels that loading arrays of `shapes` into this unbuilt layer
        implies; a ValueError when they do not fit it."""
        kernel = tuple(shapes.get("kernel") or ())
        if len(kernel) != self.dims + 2 or kernel[:self.dims] != self.kernel_size or \
                kernel[-1] != _GATES * self.filters or kernel[-2] < 1:
            raise ValueError(f"{self.who}: a kernel of shape {kernel} does not fit (expected "
                             f"{self.kernel_size + ('in_channels', _GATES * self.filters)})")
        check_fit(self, shapes, self._shapes(kernel[-2]))
        return kernel[-2]

    def reset_parameters(self):
        """Keras' initialisation; with unit_forget_bias the forget gate's bias starts at 1."""
        fill(self.kernel, self.kernel_initializer)
        fill(self.recurrent_kernel, self.recurrent_initializer)
        if self.bias is not None:
            fill(self.bias, self._forget_bias_initializer if self.unit_forget_bias
                 else self.bias_initializer)

    def _forget_bias_initializer(self, shape, dtype):
        """Keras': the initializer's draws for gate i (filters,) and gates c, o (2 filters,)
        around the forget gate's ones (drawn apart: a fan-scaled initializer sees those
        shapes)."""
        n, initializer = self.filters, self.bias_initializer
        return np.concatenate([  # (NumPy's draws: fill moves them to the bias' device)
            draw(initializer, (n,), dtype), draw("ones", (n,), dtype),
            draw(initializer, (2 * n,), dtype)])

    def penalties(self):
        """The regularizers' penalties of kernel, recurrent_kernel and bias (Keras'
        layer.losses), which fit and evaluate add to the loss."""
        return regularizers.penalties(zip(
            (self.kernel_regularizer, self.recurrent_regularizer, self.bias_regularizer),
            (self.kernel, self.recurrent_kernel, self.bias)))

    # ----- shapes -----
    def _layout(self):
        inner = ("channels",) + _AXES[self.dims] if self.data_format == CHANNELS_FIRST \
            else _AXES[self.dims] + ("channels",)
        return "(batch, time, " + ", ".join(inner) + ")"

    def _frame_channels(self, frame):
        return frame[0] if self.data_format == CHANNELS_FIRST else frame[-1]

    def _frame_sizes(self, frame):
        return tuple(frame[1:]) if self.data_format == CHANNELS_FIRST else tuple(frame[:-1])

    def _output_frame(self, frame, shape):
        """One output frame's shape (one state's, without the batch) for input frames of
        shape `frame`; a ValueError naming the layer and `shape` when the window does not
        fit."""
        sizes = self._frame_sizes(frame)
        pairs = padding_pairs(self.padding, sizes, self.kernel_size, self.strides,
                              self.dilation_rate)
        out = output_sizes(sizes, pairs, self.kernel_size, self.strides, self.dilation_rate,
                           self.who, shape)
        return (self.filters,) + out if self.data_format == CHANNELS_FIRST \
            else out + (self.filters,)

    def compute_output_shape(self, input_shape):
        """Keras': the output's shape for inputs of `input_shape` (N, T, *frame), and with
        return_state the two states' after it (a tuple)."""
        input_shape = tuple(input_shape)
        if len(input_shape) != self.dims + 3:
            raise ValueError(f"{self.who}: expected an input shape {self._layout()}, got "
                             f"{input_shape}")
        batch, steps = input_shape[:2]
        out = self._output_frame(input_shape[2:], input_shape)
        output = (batch, steps) + out if self.return_sequences else (batch,) + out
        return (output, (batch,) + out, (batch,) + out) if self.return_state else output

    # ----- SequenceRun's -----
    def forward(self, sequences, initial_state=None, training=None, mask=None):
        """sequences (N, T, *frame) -> the last output (N, *out), or every step's
        (N, T, *out) with return_sequences, then the final [h, c] (each (N, *out)) with
        return_state; initial_state [h, c] or None (zeros); mask (N, T) as LSTM's."""
        token = _CALLS.set({**(_CALLS.get() or {}), id(self): None})  # (see _checked)
        try:
            result = super().forward(sequences, initial_state, training, mask)
            if self.return_state:
                return [self._framed(y) for y in result]
            return self._framed(result)
        finally:
            _CALLS.reset(token)

    @property
    def _frames(self):
        """(input frame, output frame) shapes of this layer's call under way."""
        return _CALLS.get()[id(self)]

    def _framed(self, y):
        """A flat output or state (..., F) in its frames' shape (..., *out)."""
        return reshape(y, tuple(y.shape[:-1]) + self._frames[1])

    def _checked(self, sequences):
        """sequences (N, T, *frame) checked, the layer built for their channels, as flat
        frames (N, T, F); the frame shapes kept for this call."""
        x = self._input(sequences, (self.dims + 3,), self._layout())
        if x.shape[1] == 0:
            raise ValueError(f"{self.who}: the time axis of the input {self._layout()} is "
                             f"empty, got an input of shape {tuple(x.shape)}")
        frame = tuple(x.shape[2:])
        channels = self._frame_channels(frame)
        if not self.built:
            self.build(channels, like=x.data)
        elif channels != self.in_channels:
            raise ValueError(f"{self.who}: the input of shape {tuple(x.shape)} has {channels} "
                             f"channels, the layer was built for {self.in_channels} (input "
                             f"{self._layout()})")
        _CALLS.get()[id(self)] = (frame, self._output_frame(frame, x.shape))
        return reshape(x, tuple(x.shape[:2]) + (math.prod(frame),))

    def _state_count(self):
        return 2

    def _initial(self, given, batch, like=None):
        """(h, c), each flat (N, F): the given pair checked against (N, *out), or zeros."""
        if given is None:
            given = [None, None]
        else:
            given = list(given) if isinstance(given, (list, tuple)) else [given]
            if len(given) != 2:
                raise ValueError(f"{self.who}: initial_state must be a list of 2 states [h, "
                                 f"c], each of shape (N, *{self._frames[1]}), got "
                                 f"{len(given)}")
            refuse_missing_states(given, self.who)
        shape = (batch,) + self._frames[1]
        return tuple(reshape(initial_state(s, shape, self.kernel, self.who, "initial_state"),
                             (batch, math.prod(self._frames[1]))) for s in given)

    def _kept_states(self, batch):
        """SequenceRun's kept states, checked to fit this call's frames."""
        kept = super()._kept_states(batch)
        out = self._frames[1]
        if kept is not None and kept[0].shape[1] != math.prod(out):
            raise ValueError(f"{self.who}: stateful=True keeps states of "
                             f"{kept[0].shape[1]} values per sample, this input's states are "
                             f"{out}; give frames of the same size, or call reset_state() "
                             "first")
        return kept

    # ----- the run -----
    def _run(self, steps, state, training, steps_mask):
        """(outputs (T, N, F_out) in time order, final (h, c) flat) of the flat frames
        steps (T, N, F) from `state`; steps_mask (T, N) or None: a masked step leaves the
        states as they were."""
        count, batch = steps.shape[:2]
        frame, out = self._frames
        images = channels_first(reshape(steps, (count * batch,) + frame), self.dims,
                                self.data_format)
        inputs = self._input_gates(images, batch, training)
        inputs = reshape(inputs, (count, batch) + tuple(inputs.shape[1:]))
        h, c = (self._unflat(s, batch) for s in state)
        recurrent = self._recurrent_gates(h, training)
        outputs = [None] * count
        for t in (range(count - 1, -1, -1) if self.go_backwards else range(count)):
            new_h, new_c = self._step(inputs[t], h, c, recurrent)
            if steps_mask is not None:
                keep = reshape(steps_mask[t], (batch,) + (1,) * (h.ndim - 1))
                new_h, new_c = where(keep, new_h, h), where(keep, new_c, c)
            outputs[t] = h = new_h
            c = new_c
        flat = self._flat(stack(outputs), count * batch)
        return reshape(flat, (count, batch, flat.shape[-1])), (self._flat(h, batch),
                                                               self._flat(c, batch))

    def _step(self, inputs, h, c, recurrent):
        """One step: inputs (N, 4 filters, *out) (the frame's convolution, bias in) and the
        states h, c (N, filters, *out) -> the new (h, c)."""
        i, f, g, o = split(inputs + recurrent(h), _GATES, axis=1)
        gate, act = self._recurrent_activation, self._activation
        c = _applied(gate, f) * c + _applied(gate, i) * _applied(act, g)
        return _applied(gate, o) * _applied(act, c), c

    def _input_gates(self, images, batch, training):
        """The input convolutions of every frame: images (T N, C, *spatial) in nn's layout
        -> (T N, 4 filters, *out), bias added; with dropout each gate's own mask of the
        frame (Keras'), the same at every step."""
        sizes = tuple(images.shape[-self.dims:])
        pairs = padding_pairs(self.padding, sizes, self.kernel_size, self.strides,
                              self.dilation_rate)
        conv = self._convolver(pairs, self.strides, self.dilation_rate)
        if not (training and 0 < self.dropout < 1):
            return conv(images, self.kernel, self.bias)
        frames = (-1, batch) + tuple(images.shape[1:])
        masks = self._masks(self.dropout, (batch,) + tuple(images.shape[1:]), images)
        kernels = split(self.kernel, _GATES, axis=-1)
        biases = split(self.bias, _GATES) if self.bias is not None else [None] * _GATES
        return concatenate([conv(reshape(reshape(images, frames) * m, images.shape), k, b)
                            for m, k, b in zip(masks, kernels, biases)], axis=1)

    def _recurrent_gates(self, h, training):
        """The function h (N, filters, *out) -> its recurrent convolution (N, 4 filters,
        *out) (stride 1, 'same'); with recurrent_dropout each gate's own mask of h."""
        ones = (1,) * self.dims
        pairs = padding_pairs("same", tuple(h.shape[-self.dims:]), self.kernel_size, ones,
                              ones)
        conv = self._convolver(pairs, ones, ones)
        if not (training and 0 < self.recurrent_dropout < 1):
            weight = functional_weight(self.recurrent_kernel, self.dims)  # (once per call)
            return lambda state: conv(state, weight=weight)
        masks = self._masks(self.recurrent_dropout, tuple(h.shape), h)
        weights = [functional_weight(k, self.dims)
                   for k in split(self.recurrent_kernel, _GATES, axis=-1)]
        return lambda state: concatenate([conv(state * m, weight=w)
                                          for m, w in zip(masks, weights)], axis=1)

    def _convolver(self, pairs, strides, dilation):
        """conv(images, kernel=None, bias=None, weight=None): images (M, C, *sizes) in nn's
        layout convolved with Keras' kernel (or nn's weight), with Keras' padding `pairs`."""
        function = functional_for(self.dims, conv2d, conv3d)
        pairs, strides = lifted(pairs, self.dims, (0, 0)), lifted(strides, self.dims, 1)
        dilation = lifted(dilation, self.dims, 1)

        def conv(images, kernel=None, bias=None, weight=None):
            images, symmetric = split_padding(images, pairs)
            weight = functional_weight(kernel, self.dims) if weight is None else weight
            return function(images, weight, bias, strides, symmetric, dilation)
        return conv

    @staticmethod
    def _masks(rate, shape, like):
        """Keras' four dropout masks (one per gate) of `shape`: 0, or 1 / (1 - rate)."""
        ones = wrap(get_array_module(like.data).ones(shape, dtype=like.dtype), False)
        return [dropout(ones, rate, training=True) for _ in range(_GATES)]

    def _unflat(self, state, batch):
        """A flat state (N, F) in nn's layout (N, filters, *out)."""
        return channels_first(reshape(state, (batch,) + self._frames[1]), self.dims,
                              self.data_format)

    def _flat(self, y, batch):
        """_unflat's inverse, for (N, filters, *out) (or states stacked over time,
        (T, N, filters, *out), batch then T N)."""
        per_sample = functional_dims(self.dims) + 1  # (a 1-D layer's states have a height)
        y = reshape(y, (batch,) + tuple(y.shape[-per_sample:]))
        y = back_from_channels_first(y, self.dims, self.data_format)
        return reshape(y, (batch, math.prod(self._frames[1])))

    # ----- Keras' config -----
    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save."""
        penalties = regularizers.configs(kernel_regularizer=self.kernel_regularizer,
                                         recurrent_regularizer=self.recurrent_regularizer,
                                         bias_regularizer=self.bias_regularizer)
        return init_config(self, dtype=self.dtype.name, **penalties,
                           activity_regularizer=self.activity_config(),
                           **constraint_configs(self))

    def extra_repr(self):
        return (f"filters={self.filters}, kernel_size={self.kernel_size}, "
                f"strides={self.strides}, padding={self.padding!r}, "
                f"return_sequences={self.return_sequences}, in_channels={self.in_channels}")


def _applied(function, x):
    """function(x); None is Keras' linear activation."""
    return x if function is None else function(x)


class ConvLSTM1D(_ConvLSTM):
    """Keras' 1-D convolutional LSTM: (N, T, W, C) -> (N, OW, filters) (every step's
    (N, T, OW, filters) with return_sequences); OW as Conv1D's ('valid' or 'same')."""

    dims = 1


class ConvLSTM2D(_ConvLSTM):
    """Keras' 2-D convolutional LSTM: (N, T, H, W, C) -> (N, OH, OW, filters) (every
    step's (N, T, OH, OW, filters) with return_sequences); OH, OW as Conv2D's."""

    dims = 2


class ConvLSTM3D(_ConvLSTM):
    """Keras' 3-D convolutional LSTM: (N, T, D, H, W, C) -> (N, OD, OH, OW, filters)
    (every step's with return_sequences); OD, OH, OW as Conv3D's."""

    dims = 3


__all__ = ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]
