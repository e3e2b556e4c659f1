"""Keras' RNN(cell): a recurrent cell's step run over batch-first sequences.

The cell is one of SimpleRNNCell, LSTMCell, GRUCell, a StackedRNNCells (or a list of cells),
or a cell of one's own: a layer with `state_size` (an int, or a list of ints for several
states) whose `call(inputs, states)` takes one step's inputs (N, F) and the list of states
(each (N, size)) and returns (output (N, H), new_states), building its weights with
add_weight in build(input_shape), input_shape (None, F) (Keras' custom cell guide).

Built-in cells (alone or stacked) run through their layers' fused loops, a layer after the
other over the whole sequence, which gives what Keras' step-by-step stack gives; any other
cell is stepped in Python, its graph one step after another.
"""

from autograd.arguments import float_dtype
from autograd.backend import get_array_module
from autograd.ops import reshape, stack, where
from autograd.variable import wrap

from ...layers.config import init_config, serialize_layer
from ...layers.keras_name import KerasNamed
from ...layers.rnn_cells import initial_state
from ...module import Module
from ._base import sample_shape
from .recurrent import _Recurrent
from .sequence_run import SequenceRun, refuse_missing_states
from .stacked_rnn_cells import (
    StackedRNNCells,
    call_cell,
    check_cell,
    flat_states,
    initial_states,
    leaves,
    nested_states,
    rebuilt_layers,
    state_sizes,
)


class RNN(SequenceRun, Module, KerasNamed):
    """`RNN(cell, return_sequences=False, return_state=False, go_backwards=False,
    stateful=False, unroll=False, zero_output_for_mask=False)`, Keras' arguments: input
    (N, T, F), output the last step's (N, H), or every step's (N, T, H) with
    return_sequences; with return_state the final states follow ([output, *states]; with
    stacked cells [output, states of cell 1 (a list), ...]). initial_state= in the same
    form; mask= (Keras' (N, T), from Masking or Embedding(mask_zero=True)): a masked step
    leaves the states as they were and repeats the last output (0 before any, or always
    with zero_output_for_mask). stateful keeps the final states for the next call (until
    reset_state()); unroll is a speed hint (no effect). With h_t, s_t = cell(x_t,
    s_{t-1}): the outputs are the h_t."""

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, *, name=None,
                 input_shape=None, dtype="float32"):
        super().__init__()
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        check_cell(cell, "RNN")
        self.cell = cell
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.stateful = bool(go_backwards), bool(stateful)
        self.unroll = bool(unroll)  # (a speed hint only)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.states = None  # with stateful: the last call's final states (arrays, no graph)
        self._set_name(name)
        self.input_shape = None if input_shape is None else sample_shape(input_shape, "RNN")
        if self.input_shape is not None and len(self.input_shape) != 2:
            raise ValueError(f"RNN: input_shape is one sample's shape (timesteps, features), "
                             f"got {input_shape!r}")
        self.dtype = float_dtype(dtype, "RNN")

    def forward(self, sequences, initial_state=None, training=None, mask=None):
        """SequenceRun's run, each cell's dropout masks drawn once for the sequence: the
        cells' kept masks are reset before and after it (Keras resets them after)."""
        self._reset_dropout_masks()
        try:
            return super().forward(sequences, initial_state, training, mask)
        finally:
            self._reset_dropout_masks()

    def _reset_dropout_masks(self):
        for cell in self._leaves():
            for reset in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
                if callable(getattr(cell, reset, None)):
                    getattr(cell, reset)()

    # ----- the cells -----
    def _leaves(self):
        return leaves(self.cell)

    def _stacked(self):
        return isinstance(self.cell, StackedRNNCells)

    def _fused(self):
        """Whether every cell is a built-in one (run by its layer's loop)."""
        return all(isinstance(cell, _Recurrent) for cell in self._leaves())

    @property
    def built(self):
        return all(getattr(cell, "built", True) for cell in self._leaves())

    # ----- SequenceRun's -----
    def _checked(self, sequences):
        return self._sequences(sequences)

    def _state_count(self):
        """How many entries return_state adds: a stack's one per cell (each a list)."""
        return len(self.cell.cells) if self._stacked() else len(state_sizes(self.cell))

    def _initial(self, given, batch, like):
        """The starting states, flat: each cell's, in order, checked to be (N, size)."""
        sizes = [state_sizes(cell) for cell in self._leaves()]
        flat = [state for cell in self._leaves() for state in initial_states(cell, batch)] \
            if given is None else self._given_flat(given)
        shapes = [(batch, n) for cell_sizes in sizes for n in cell_sizes]
        return tuple(initial_state(state, shape, like, "RNN", f"initial_state[{i}]")
                     for i, (state, shape) in enumerate(zip(flat, shapes)))

    def _given_flat(self, given):
        """The given initial_state (a list, a stack's a list per cell) flat, its counts
        checked against the cell's state_size."""
        given = list(given) if isinstance(given, (list, tuple)) else [given]
        flat = flat_states(given)
        refuse_missing_states(flat, "RNN")
        count = sum(len(state_sizes(cell)) for cell in self._leaves())
        if len(flat) != count or (self._stacked() and len(given) != len(self.cell.cells)):
            expected = "a list of each cell's states" if self._stacked() else \
                f"a list of {count} state(s)"
            raise ValueError(f"RNN: initial_state must be {expected}, as the cell's "
                             f"state_size {self.cell.state_size!r}")
        return flat

    def _nested(self, final):
        """The flat states as the cell takes and gives them: a list (per cell if stacked)."""
        return nested_states(self.cell, final)

    def _run(self, steps, state, training, steps_mask):
        run = self._run_layers if self._fused() else self._run_steps
        return run(steps, state, training, steps_mask)

    def _run_layers(self, steps, state, training, steps_mask):
        """Built-in cells: each its layer's loop over the whole sequence, fed the outputs of
        the one before (within a step, a stack feeds the next cell the same values)."""
        finals, start = [], 0
        for cell in self._leaves():
            count = cell._state_count()
            own = cell._initial(list(state[start:start + count]), steps.shape[1])
            steps, final = cell._run(cell._fit_features(steps), own, training, steps_mask,
                                     reverse=self.go_backwards)
            finals.extend(final)
            start += count
        return steps, tuple(finals)

    def _run_steps(self, steps, state, training, steps_mask):
        """Any cell: called step after step, (outputs (T, N, H) in time order, final)."""
        order = range(len(steps) - 1, -1, -1) if self.go_backwards else range(len(steps))
        outputs, previous = [], None
        for t in order:
            output, new = call_cell(self.cell, steps[t], self._nested(state), training)
            new = self._flat(new, len(state))
            if steps_mask is not None:  # a masked step keeps the states, repeats the output
                keep = reshape(steps_mask[t], (steps.shape[1], 1))
                new = tuple(where(keep, n, old) for n, old in zip(new, state))
                if previous is None:  # a zero, as Keras' (SequenceRun's _begun does not
                    # make it redundant: its product keeps a cell's inf or NaN at padding)
                    previous = wrap(get_array_module(output.data).zeros(
                        output.shape, output.dtype), False)
                output = where(keep, output, previous)
            state, previous = new, output
            outputs.append(output)
        return stack(outputs[::-1] if self.go_backwards else outputs), state

    def _flat(self, new, count):
        """The states a cell returned, flat, their count checked."""
        flat = flat_states(new)
        if len(flat) != count:
            raise ValueError(f"RNN: {type(self.cell).__name__} returned {len(flat)} state(s), "
                             f"its state_size {self.cell.state_size!r} has {count}")
        return tuple(flat)

    # ----- Keras' face -----
    def get_config(self):
        """The constructor's arguments (Keras' get_config), the cell serialized (Keras'
        {"class_name", "config"})."""
        return init_config(self, cell=serialize_layer(self.cell, "RNN.get_config"))

    @classmethod
    def from_config(cls, config):
        """The layer of get_config's arguments, its cell rebuilt from its config (Keras')."""
        return cls(**{**config, "cell": rebuilt_layers(config["cell"], "RNN.from_config")})

    def extra_repr(self):
        return f"return_sequences={self.return_sequences}, return_state={self.return_state}"


__all__ = ["RNN"]
