"""Keras' recurrent layers: SimpleRNN, LSTM and GRU over batch-first sequences.

Input (N, T, F), the input size F taken from the first input unless `input_shape=(T, F)`
is given; output the last output (N, units), or every step's (N, T, units) with
return_sequences=True; with return_state=True a list [output, h] ([output, h, c] for
LSTM). The weights are Keras' own, in Keras' layout: `kernel` (F, G*units),
`recurrent_kernel` (units, G*units) and `bias` (G*units,), one bias, except GRU's (2,
3*units): its input and recurrent biases (reset_after=True). Gate order is Keras': LSTM
i, f, c, o; GRU z, r, h. So get_weights / set_weights and state_dict are Keras' arrays, and
weights move between Keras and rungrad as they are.

The time loop is nn's fused recurrence (nn.functional.recurrence, the engine of nn.RNN /
LSTM / GRU): each forward hands it the weights as PyTorch lays them out (views, and GRU's
gate blocks swapped), the absent recurrent bias as None.
"""
import inspect

import numpy as np

from autograd.arguments import float_dtype, positive_int, probability
from autograd.backend import get_array_module
from autograd.ops import astype, concatenate, split, transpose
from autograd.variable import wrap

from ... import regularizers
from ...activity_regularizer import ActivityRegularized
from ...functional.dropout import dropout
from ...functional.recurrence import recurrence
from ...functional.stepwise_recurrence import stepwise_recurrence
from ...initializers import checked, draw, fill
from ...layers.activation import ACTIVATIONS, activation_config, resolve_activation
from ...layers.config import init_config
from ...layers.constrained import WeightConstraint, constraint_configs
from ...layers.keras_name import KerasNamed, size_from_input_shape
from ...layers.lazy_build import (
    check_fit,
    follow_device,
    hold_placeholders,
    make_parameters,
)
from ...layers.rnn_cells import initial_state
from ...module import Module
from .gru_reset_before import reset_before_run
from .sequence_run import SequenceRun, refuse_missing_states

_WEIGHTS = ("kernel", "recurrent_kernel", "bias")


def activation_name(value, argument, who):
    """The name of an activation given by name or as one of nn.functional's functions."""
    if isinstance(value, str) and value in ACTIVATIONS:
        return value
    if value is None:
        return "linear"
    if not isinstance(value, str) and not callable(value):
        raise ValueError(f"{who}: {argument} must be an activation's name or function, got "
                         f"{value!r}")
    return activation_config(value)


class _Recurrent(ActivityRegularized, SequenceRun, Module, KerasNamed):
    """What SimpleRNN, LSTM and GRU share: Keras' weights, their lazy sizing, the run through
    nn's fused recurrence and Keras' return modes. A subclass sets `num_gates` and
    `_modes` ({(activation, recurrent_activation): nn's recurrence mode}), and passes its
    own arguments in `own` ({name: value}, kept as attributes).

    Keyword options, Keras' (all three take them): kernel_initializer ('glorot_uniform'),
    recurrent_initializer ('orthogonal'), bias_initializer ('zeros') (names of
    nn.initializers, or Keras' callable (shape, dtype) -> array);
    kernel_regularizer, recurrent_regularizer, bias_regularizer (nn.regularizers);
    kernel_constraint, recurrent_constraint, bias_constraint (nn.constraints, on Keras'
    arrays: GRU's bias (2, 3*units) too);
    dropout (the input's, one mask per sequence for every step, as Keras');
    recurrent_dropout (the previous state's, as Keras' implementation 1: each gate its own
    masks of the input and the state, the same at every step; while training the layer
    then runs step by step, nn.functional.stepwise_recurrence); seed (kept in the config; the
    masks come from NumPy's global generator); return_sequences, return_state,
    go_backwards; stateful (each call starts from the last one's final states, kept as
    values in `states` (not in the weights) until reset_state(); the batch size must stay
    the same; not under jit_compile); unroll (a speed hint: no effect); name, input_shape
    ((T, F), T may be None), dtype. activity_regularizer= puts each call's penalty of the
    outputs among the model's losses (nn.activity_regularizer)."""

    carried_state = ("states",)  # (what a stateful call carries on: Module.plot restores it)

    num_gates = None
    _modes = {}
    kernel_constraint, recurrent_constraint, bias_constraint = (
        WeightConstraint(name) for name in _WEIGHTS)  # (nn.constraints), after each step

    def __init__(self, units, activation, recurrent_activation, use_bias, own, *,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, zero_output_for_mask=False,
                 name=None, input_shape=None, dtype="float32"):
        super().__init__()
        who = type(self).__name__
        self.units = positive_int(units, "units", who)
        self.activation = activation_name(activation, "activation", who)
        self.recurrent_activation = activation_name(recurrent_activation,
                                                    "recurrent_activation", who)
        self._mode = self._modes.get((self.activation, self.recurrent_activation))
        self._composed = None  # other activations: the cell's math with them, step by step
        if self._mode is None:
            self._mode = next(iter(self._modes.values()))
            self._composed = (resolve_activation(self.activation, who)[1],
                              resolve_activation(self.recurrent_activation, who)[1])
        self.use_bias = bool(use_bias)
        self.kernel_initializer = checked(kernel_initializer, "kernel_initializer", who)
        self.recurrent_initializer = checked(recurrent_initializer,
                                                       "recurrent_initializer", who)
        self.bias_initializer = checked(bias_initializer, "bias_initializer", who)
        self._regularizers = tuple(regularizers.get(r, who) for r in (
            kernel_regularizer, recurrent_regularizer, bias_regularizer))
        self._set_activity_regularizer(activity_regularizer)
        self.kernel_constraint, self.recurrent_constraint, self.bias_constraint = \
            kernel_constraint, recurrent_constraint, bias_constraint
        self.dropout = probability(dropout, "dropout", who)
        self.recurrent_dropout = probability(recurrent_dropout, "recurrent_dropout", who)
        self.stateful, self.unroll = bool(stateful), bool(unroll)  # unroll: a speed hint only
        self.states = None  # with stateful: the last call's final states (arrays, no graph)
        self.seed = seed  # kept for get_config: masks come from NumPy's global generator
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self._set_name(name)
        self.dtype = float_dtype(dtype, who)
        self.input_shape = None if input_shape is None else tuple(input_shape)
        for key, value in own.items():  # the subclass' own arguments (reset_after, ...)
            setattr(self, key, value)
        self.input_size = None
        hold_placeholders(self, {"kernel": True, "recurrent_kernel": True,
                                 "bias": self.use_bias}, self.dtype)
        if self.input_shape is not None:
            self.build(self._declared_size())

    def _declared_size(self):
        shape = self.input_shape
        if len(shape) != 2 or not isinstance(shape[-1], (int, np.integer)) or shape[-1] < 1:
            raise ValueError(f"{type(self).__name__}: input_shape is one sample's shape "
                             f"(timesteps, features), e.g. (None, 8), got {shape!r}")
        return int(shape[-1])

    # ----- weights -----
    @property
    def built(self):
        return self.input_size is not None

    def _shapes(self, input_size):
        width = self.num_gates * self.units
        shapes = {"kernel": (input_size, width), "recurrent_kernel": (self.units, width)}
        if self.use_bias:
            shapes["bias"] = self._bias_shape()
        return shapes

    def _bias_shape(self):
        return (self.num_gates * self.units,)

    def build(self, input_size, like=None):
        """Make kernel, recurrent_kernel and bias for inputs of `input_size` features (or
        Keras' input_shape, (None, steps, features)) and draw them (Keras' initializers); on
        the GPU when `like` (an input array) is there."""
        self.input_size = int(size_from_input_shape(input_size, -1, type(self).__name__))
        make_parameters(self, self._shapes(self.input_size), self.dtype)
        self.reset_parameters()
        follow_device(self, like)

    def size_from_state(self, shapes):
        """The input size that loading arrays of `shapes` into this unbuilt layer implies."""
        kernel = shapes.get("kernel")
        if kernel is None or len(kernel) != 2 or kernel[0] < 1:
            raise ValueError(f"{type(self).__name__}: a kernel of shape {kernel} does not fit "
                             f"(expected (input features, {self.num_gates * self.units}))")
        check_fit(self, shapes, self._shapes(int(kernel[0])))
        return int(kernel[0])

    def reset_parameters(self):
        fill(self.kernel, self.kernel_initializer)
        fill(self.recurrent_kernel, self.recurrent_initializer)
        if self.bias is not None:
            fill(self.bias, self.bias_initializer)

    def penalties(self):
        """The regularizers' penalties of kernel, recurrent_kernel and bias (Keras'
        layer.losses); fit and evaluate add them to the loss."""
        return regularizers.penalties(zip(self._regularizers,
                                          [getattr(self, name) for name in _WEIGHTS]))

    @staticmethod
    def _torch_gate_order(per_gate):
        """Per-gate arrays (G, ...) in Keras' gate order as PyTorch orders the gates (the
        same but for GRU)."""
        return per_gate

    def _torch_weights(self):
        """(weight_ih, weight_hh, bias_ih, bias_hh) as nn's recurrence takes them."""
        bias = self.bias if self.use_bias else None
        return transpose(self.kernel), transpose(self.recurrent_kernel), bias, None

    # ----- the run (SequenceRun's) -----
    def _run(self, steps, state, training, steps_mask, reverse=None):
        """(outputs (T, N, units) in time order, the final state) of the steps (T, N, F)
        from `state`, run backwards where `reverse` (None: go_backwards): by nn's fused
        recurrence, or step by step while training with recurrent dropout and for
        activations other than the fused cells'."""
        reverse = self.go_backwards if reverse is None else reverse
        stepwise = (self.recurrent_dropout and training) or self._composed is not None
        run = self._run_stepwise if stepwise else self._run_fused
        return run(steps, state, training, steps_mask, reverse)

    def _run_fused(self, steps, state, training, steps_mask, reverse):
        """(outputs (T, N, units) in time order, the final state) from nn's fused
        recurrence; dropout: one input mask for every step; steps_mask: Keras' mask (T, N)
        or None."""
        if self.dropout and training:
            steps = steps * self._dropout_mask("dropout", (1,) + tuple(steps.shape[1:]), steps)
        return recurrence(self._mode, steps, *self._torch_weights(), state,
                          reverse=reverse, steps_mask=steps_mask)

    def _run_stepwise(self, steps, state, training, steps_mask, reverse):
        """_run_fused's result step by step (nn.functional.stepwise_recurrence): while
        training with recurrent dropout, as Keras' implementation 1 (each gate its own masks
        of the input and the state), and for activations other than the fused cells'."""
        _, batch, features = steps.shape
        gates = self.num_gates
        if steps.dtype != self.kernel.dtype:  # (as the fused loops compute: in the weights')
            steps = astype(steps, self.kernel.dtype)
        recurrent_masks = None if not (self.recurrent_dropout and training) else \
            self._torch_gate_order(
                self._dropout_mask("recurrent_dropout", (gates, batch, self.units), steps))
        input_masks = None
        if self.dropout and training and recurrent_masks is not None:  # (implementation 1)
            input_masks = self._torch_gate_order(
                self._dropout_mask("dropout", (gates, batch, features), steps))
        elif self.dropout and training:  # Keras': one mask of the input for every gate
            steps = steps * self._dropout_mask("dropout", (1, batch, features), steps)
        outputs, final = stepwise_recurrence(
            self._mode, steps, *self._torch_weights(), state, input_masks, recurrent_masks,
            reverse=reverse, steps_mask=steps_mask, activations=self._composed)
        return (outputs[::-1] if reverse else outputs), final  # to time order

    def _checked(self, sequences):
        return self._fit_features(self._sequences(sequences))

    def _fit_features(self, x):
        """x (..., F), the layer built for F features at its first input, else checked to
        have the layer's."""
        if not self.built:
            self.build(x.shape[-1], like=x.data)
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{type(self).__name__}: the layer takes {self.input_size} "
                             f"features per step, got an input of shape {tuple(x.shape)}")
        return x

    def _dropout_mask(self, kind, shape, x):
        """The mask of `kind` ('dropout' or 'recurrent_dropout', its rate the attribute of
        that name) for this call: a layer draws one per call, so per sequence."""
        return self._mask(shape, getattr(self, kind), x)

    @staticmethod
    def _mask(shape, rate, x):
        """A dropout mask of `shape` (0, or 1 / (1 - rate)) in x's dtype, drawn inside the
        dropout op (so a captured step draws a new one each time). Keras' masks are one per
        sequence and feature (per gate with recurrent_dropout), the same at every step."""
        ones = get_array_module(x.data).ones(shape, dtype=x.dtype)
        return dropout(wrap(ones, False), rate, training=True)

    def _state_count(self):
        return 2 if self._mode == "LSTM" else 1

    def _initial(self, given, batch, like=None):
        """The initial state tuple, each (N, units): the given list's (one state may come
        alone, as Keras takes it), else zeros (in the weights' dtype)."""
        who = type(self).__name__
        count = self._state_count()
        if given is None:
            given = [None] * count
        else:
            given = list(given) if isinstance(given, (list, tuple)) else [given]
            if len(given) != count:
                raise ValueError(f"{who}: initial_state must be a list of {count} state(s) "
                                 f"of shape (N, {self.units}), got {len(given)}")
            refuse_missing_states(given, who)
        return tuple(initial_state(s, (batch, self.units), self.kernel, who, "initial_state")
                     for s in given)

    # ----- Keras' face -----
    def get_config(self):
        """The constructor's arguments (Keras' get_config), for model.save: the class' own
        and the keyword options all three share."""
        kept = regularizers.configs(**dict(zip(
            ("kernel_regularizer", "recurrent_regularizer", "bias_regularizer"),
            self._regularizers)))
        kept.update(constraint_configs(self), activity_regularizer=self.activity_config(),
                    dtype=self.dtype.name)
        options = {name: kept[name] if name in kept else getattr(self, name)
                   for name in _OPTIONS}
        return {**init_config(self), **options}

    def extra_repr(self):
        text = f"units={self.units}, input_size={self.input_size}"
        for key, default in (("activation", "tanh"), ("use_bias", True),
                             ("return_sequences", False), ("return_state", False),
                             ("go_backwards", False), ("dropout", 0.0)):
            if getattr(self, key) != default:
                text += f", {key}={getattr(self, key)!r}"
        return text


class SimpleRNN(_Recurrent):
    """Keras' fully connected recurrent layer: h_t = activation(x_t kernel + h_{t-1}
    recurrent_kernel + bias), activation 'tanh' (default) or 'relu'."""

    keras_weight_scope = "simple_rnn_cell"  # (Keras' weights are its cell's: w.path)

    num_gates = 1
    _modes = {("tanh", "linear"): "RNN_TANH", ("relu", "linear"): "RNN_RELU"}

    def __init__(self, units, activation="tanh", use_bias=True, **options):
        super().__init__(units, activation, None, use_bias, {}, **options)


class LSTM(_Recurrent):
    """Keras' long short-term memory: gates i, f, c, o of x kernel + h recurrent_kernel +
    bias; c' = f c + i tanh(c_gate), h' = o tanh(c'), the gates through the sigmoid.
    unit_forget_bias=True (Keras' default) starts the forget gate's bias at 1."""

    keras_weight_scope = "lstm_cell"  # (Keras' weights are its cell's: w.path)

    num_gates = 4
    _modes = {("tanh", "sigmoid"): "LSTM"}

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 *, unit_forget_bias=True, use_cudnn="auto", **options):
        super().__init__(units, activation, recurrent_activation, use_bias,
                         {"unit_forget_bias": bool(unit_forget_bias), "use_cudnn": use_cudnn},
                         **options)

    def reset_parameters(self):
        super().reset_parameters()
        if self.bias is not None and self.unit_forget_bias:
            fill(self.bias, self._forget_bias_initializer)

    def _forget_bias_initializer(self, shape, dtype):
        """Keras' bias with unit_forget_bias: the initializer's draws of the input gate's
        (units,) and the other two gates' (2 units,) around the forget gate's ones (drawn
        apart: a fan-scaled initializer scales by those shapes)."""
        units, initializer = self.units, self.bias_initializer
        return np.concatenate([draw(initializer, (units,), dtype), np.ones(units, dtype),
                               draw(initializer, (2 * units,), dtype)])


class GRU(_Recurrent):
    """Keras' gated recurrent unit (reset_after=True, Keras 3's default and cuDNN's): gates
    z, r of x kernel + input_bias + h recurrent_kernel + recurrent_bias through the sigmoid,
    h~ = tanh(x_h + r (h recurrent_kernel_h + recurrent_bias_h)), h' = z h + (1 - z) h~.
    bias is (2, 3*units): the input bias, then the recurrent one.

    reset_after=False (Keras 2's default): h~ = tanh(x_h + (r h) recurrent_kernel_h), one
    bias (3*units,); it runs step by step (nn.keras.layers.gru_reset_before)."""

    keras_weight_scope = "gru_cell"  # (Keras' weights are its cell's: w.path)

    num_gates = 3
    _modes = {("tanh", "sigmoid"): "GRU"}

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 *, reset_after=True, use_cudnn="auto", **options):
        super().__init__(units, activation, recurrent_activation, use_bias,
                         {"reset_after": bool(reset_after), "use_cudnn": use_cudnn}, **options)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _run(self, steps, state, training, steps_mask, reverse=None):
        if self.reset_after:
            return super()._run(steps, state, training, steps_mask, reverse)
        reverse = self.go_backwards if reverse is None else reverse
        if steps.dtype != self.kernel.dtype:  # (in the weights' dtype, as the fused loops)
            steps = astype(steps, self.kernel.dtype)
        _, batch, features = steps.shape
        step_masks = self.recurrent_dropout and training  # (per gate, as _run_stepwise's)
        input_masks = None if not (self.dropout and training) else self._dropout_mask(
            "dropout", ((3 if step_masks else 1), batch, features), steps)
        recurrent_masks = None if not step_masks else self._dropout_mask(
            "recurrent_dropout", (3, batch, self.units), steps)
        outputs, final = reset_before_run(
            steps, state[0], self.kernel, self.recurrent_kernel,
            self.bias if self.use_bias else None, self._composed, input_masks,
            recurrent_masks, steps_mask, reverse)
        return (outputs[::-1] if reverse else outputs), final  # to time order

    @staticmethod
    def _torch_gate_order(per_gate):
        return per_gate[[1, 0, 2]]  # Keras' z, r, h as PyTorch's r, z, n

    def _torch_weights(self):
        """Keras' gate blocks z, r, h as PyTorch's r, z, n: the first two swapped."""
        kernel, recurrent = (_swap_first_gates(w) for w in (self.kernel,
                                                            self.recurrent_kernel))
        bias_ih = bias_hh = None
        if self.use_bias:
            bias_ih, bias_hh = (_swap_first_gates(self.bias[k]) for k in range(2))
        return transpose(kernel), transpose(recurrent), bias_ih, bias_hh


_OPTIONS = [name for name, p in inspect.signature(_Recurrent.__init__).parameters.items()
            if p.kind is p.KEYWORD_ONLY]  # the keyword options of all three


def _swap_first_gates(w):
    """w (..., 3H) with its first two blocks of H columns swapped."""
    z, r, h = split(w, 3, axis=-1)
    return concatenate([r, z, h], axis=-1)


__all__ = ["SimpleRNN", "LSTM", "GRU"]
