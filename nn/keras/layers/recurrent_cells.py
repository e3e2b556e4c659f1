"""Keras' recurrent cells: SimpleRNNCell, LSTMCell and GRUCell, one time step of SimpleRNN,
LSTM and GRU.

A cell is its layer (the same class underneath: Keras' arguments, weights `kernel`,
`recurrent_kernel`, `bias` in the same layout, so get_weights / set_weights move between a
cell and its layer) called on one step: `cell(x_t, states) -> (output, new_states)`, x_t
(N, F), states a list of (N, units) (SimpleRNNCell and GRUCell also take one array, and then
give one back). `keras.layers.RNN(cell)` runs a built-in cell over whole sequences through its
layer's fused loop, not step by step.
"""
from autograd.ops import reshape
from autograd.variable import as_variable

from .recurrent import GRU, LSTM, SimpleRNN

# the layer's options about whole sequences, which RNN(cell, ...) takes instead
_SEQUENCE_OPTIONS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
                     "zero_output_for_mask", "input_shape", "activity_regularizer")


class _Cell:
    """Mixin that makes a recurrent layer's class its Keras cell: the layer's constructor
    without the options of whole sequences, a one-step forward, Keras' state_size,
    output_size and get_initial_state."""

    keras_weight_scope = None  # (the cell itself: its weights are its own)

    def __init__(self, *args, **options):
        refused = sorted(set(options) & set(_SEQUENCE_OPTIONS))
        if refused:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {refused} (options "
                            "of the layer RNN(cell, ...), not of a cell)")
        super().__init__(*args, **options)
        self._kept_masks = {}  # Keras' cached dropout masks: {kind: mask}, until reset

    @property
    def state_size(self):
        """units, or [units, units] for LSTMCell's h and c (Keras')."""
        count = self._state_count()
        return self.units if count == 1 else [self.units] * count

    @property
    def output_size(self):
        return self.units

    def get_initial_state(self, batch_size=None):
        """Keras': a list of zero states, each (batch_size, units)."""
        return list(self._initial(None, 1 if batch_size is None else int(batch_size)))

    def forward(self, inputs, states, training=None):
        """One step: inputs (N, F), states a list of (N, units) (or one array but for
        LSTMCell) -> (output (N, units), the new states in the same form). Dropout (while
        training) keeps its masks from call to call until reset (Keras')."""
        who = type(self).__name__
        x = self._sequences_of_one(inputs)
        given = list(states) if isinstance(states, (list, tuple)) else [states]
        state = self._initial(given, x.shape[1])
        training = self.training if training is None else training
        outputs, final = self._run(x, state, training, None, reverse=False)
        if not isinstance(states, (list, tuple)) and len(final) != 1:
            raise ValueError(f"{who}: states must be a list of {len(final)} arrays")
        return outputs[0], list(final) if isinstance(states, (list, tuple)) else final[0]

    def _dropout_mask(self, kind, shape, x):
        """Keras' cell: the mask drawn at the first call is kept for the calls after it (the
        steps of one sequence) until reset_dropout_mask() / reset_recurrent_dropout_mask(),
        which RNN calls after each sequence; drawn anew for inputs of another shape."""
        kept = self._kept_masks.get(kind)
        if kept is None or tuple(kept.shape) != tuple(shape) or kept.dtype != x.dtype:
            kept = self._kept_masks[kind] = super()._dropout_mask(kind, shape, x)
        return kept

    def reset_dropout_mask(self):
        """Forget the kept input dropout mask: the next call draws a new one (Keras')."""
        self._kept_masks.pop("dropout", None)

    def reset_recurrent_dropout_mask(self):
        """Forget the kept recurrent dropout mask (Keras')."""
        self._kept_masks.pop("recurrent_dropout", None)

    def _sequences_of_one(self, inputs):
        """inputs (N, F) checked (N may be 0), as a sequence of one step (1, N, F), the cell
        built."""
        x = as_variable(inputs)
        if x.ndim != 2 or x.shape[1] == 0:
            raise ValueError(f"{type(self).__name__}: expected one step's inputs (N, "
                             f"features), got an input of shape {tuple(x.shape)}")
        return self._fit_features(reshape(x, (1,) + tuple(x.shape)))

    def get_config(self):
        """The constructor's arguments (Keras' get_config): the layer's, less the options
        of whole sequences."""
        return {key: value for key, value in super().get_config().items()
                if key not in _SEQUENCE_OPTIONS}


class SimpleRNNCell(_Cell, SimpleRNN):
    """One step of SimpleRNN: h' = activation(x kernel + h recurrent_kernel + bias)."""

    def __init__(self, units, activation="tanh", use_bias=True, **options):
        super().__init__(units, activation, use_bias, **options)


class LSTMCell(_Cell, LSTM):
    """One step of LSTM: gates i, f, c, o of x kernel + h recurrent_kernel + bias;
    c' = f c + i tanh(c_gate), h' = o tanh(c'); states [h, c]."""

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 *, unit_forget_bias=True, **options):
        super().__init__(units, activation, recurrent_activation, use_bias,
                         unit_forget_bias=unit_forget_bias, **options)


class GRUCell(_Cell, GRU):
    """One step of GRU (reset_after=True, or Keras 2's False): gates z, r; h' = z h +
    (1 - z) h~."""

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 *, reset_after=True, **options):
        super().__init__(units, activation, recurrent_activation, use_bias,
                         reset_after=reset_after, **options)


__all__ = ["SimpleRNNCell", "LSTMCell", "GRUCell"]
