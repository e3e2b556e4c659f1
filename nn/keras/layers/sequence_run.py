"""What Keras' recurrent layers (SimpleRNN, LSTM, GRU) and RNN(cell) share around the time
loop: the checks of the sequences, the mask and the states, stateful's states kept from call
to call, and Keras' return modes (the last output or every step's, the final states)."""
from autograd.capture import CaptureError, capturing
from autograd.ops import astype, minimum, reshape, transpose
from autograd.ops.rearrange import flip
from autograd.ops.scan import cumsum
from autograd.variable import as_variable, wrap

from ...layers.lazy_build import in_shape_trial


class SequenceRun:
    """Mixin of a layer run over batch-first sequences (N, T, F). The layer writes
    `_checked(sequences)` (the input as a Variable (N, T, F), the layer built for it),
    `_initial(given, batch, like)` (the starting states as a flat tuple, each (N, size):
    the given ones checked, else zeros), `_run(steps, state, training, steps_mask)` (the
    outputs (T, N, H) in time order and the final flat state tuple) and `_state_count()`
    (how many states return_state adds); `_nested(final)` shapes the final states as
    return_state gives them (a flat list by default). It holds the attributes
    return_sequences, return_state, go_backwards, stateful, states (stateful's, None to
    start), zero_output_for_mask, input_shape and dtype."""

    def forward(self, sequences, initial_state=None, training=None, mask=None):
        """sequences (N, T, F) -> the last step's output (N, H), or every step's (N, T, H)
        with return_sequences, then the final states with return_state; initial_state: the
        starting states, zeros when None; training: whether dropout drops (None: the
        layer's mode); mask: Keras' (N, T) booleans (nn.training.masking), False at the
        padding, whose steps leave the states as they were (the output there repeats the
        last one, or is 0 with zero_output_for_mask)."""
        x = self._checked(sequences)
        batch = x.shape[0]
        training = self.training if training is None else training
        stateful = self.stateful and not in_shape_trial()  # (a trial keeps no state)
        kept = self._kept_states(batch) if initial_state is None and stateful else None
        state = tuple(kept) if kept is not None else self._initial(initial_state, batch, x)
        steps = transpose(x, (1, 0, 2))
        steps_mask = None if mask is None else self._steps_mask(mask, steps)
        outputs, final = self._run(steps, state, training, steps_mask)
        if stateful:  # the next call starts here (values: no gradient reaches back)
            self.states = [s.data.copy() for s in final]
        if steps_mask is not None:  # Keras': 0 at the padding, or before any real step
            kept = steps_mask if self.zero_output_for_mask else self._begun(steps_mask)
            outputs = outputs * reshape(astype(kept, outputs.dtype),
                                        tuple(steps_mask.shape) + (1,))
        if self.return_sequences:  # in the order the steps ran, as Keras gives them
            output = transpose(outputs[::-1] if self.go_backwards else outputs, (1, 0, 2))
        else:  # the output of the step that ran last
            output = outputs[0 if self.go_backwards else -1]
        return [output, *self._nested(final)] if self.return_state else output

    def _begun(self, steps_mask):
        """(T, N): 1 from a sample's first real step on, in the order the steps run, else 0.
        Keras' output at a padding step repeats the last one, which is 0 before any (the
        states carry the initial ones); by ops, so that a captured step reads each mask."""
        counts = astype(steps_mask, "float32")
        if self.go_backwards:
            counts = flip(cumsum(flip(counts, 0), 0), 0)
        else:
            counts = cumsum(counts, 0)
        return minimum(counts, 1.0)

    def _nested(self, final):
        return list(final)

    def compute_mask(self, inputs, mask=None):
        """The outputs' mask (Keras'): the input's with return_sequences, else None (and
        None for each state with return_state)."""
        output_mask = mask if self.return_sequences else None
        return [output_mask] + [None] * self._state_count() if self.return_state \
            else output_mask

    def _sequences(self, sequences):
        """The input as a Variable, checked to be batch-first sequences (N, T, F): at least
        one step and one feature (a batch of 0 gives empty outputs, as Keras')."""
        x = as_variable(sequences)
        who = type(self).__name__
        if x.ndim != 3:
            raise ValueError(f"{who}: expected batch-first sequences (N, T, features), got an "
                             f"input of shape {tuple(x.shape)}")
        for axis, name in ((1, "time axis (timesteps)"), (2, "features axis")):
            if x.shape[axis] == 0:
                raise ValueError(f"{who}: the {name} of the input (N, T, features) is empty, "
                                 f"got an input of shape {tuple(x.shape)}")
        return x

    def _steps_mask(self, mask, steps):
        """Keras' mask (N, T) as booleans (T, N), checked against the steps (T, N, F)."""
        mask = as_variable(mask)
        expected = (steps.shape[1], steps.shape[0])
        if tuple(mask.shape) != expected:
            raise ValueError(f"{type(self).__name__}: the mask has shape {tuple(mask.shape)}, "
                             f"expected (batch, timesteps) = {expected}")
        return transpose(astype(mask, bool))

    def _kept_states(self, batch):
        """stateful's starting states: the last call's final ones (None at first, or after
        reset_state: zeros), for a batch of the same size."""
        who = type(self).__name__
        if capturing():
            raise CaptureError(f"{who}: stateful=True cannot be replayed by autograd.capture "
                               "(its states change between calls); compile without "
                               "jit_compile=True")
        if self.states is None:
            return None
        kept = self.states[0].shape[0]
        if batch != kept:
            raise ValueError(f"{who}: stateful=True keeps states for batches of {kept} "
                             f"sequences, got a batch of {batch} (Keras needs a fixed batch "
                             "size: make the data a multiple of batch_size, or call "
                             "reset_state() first)")
        return [wrap(s, False) for s in self.states]

    def reset_state(self):
        """Forget a stateful layer's states: the next call starts from zeros (Keras'
        reset_state; reset_states is its old name)."""
        self.states = None

    reset_states = reset_state

    def example_sample(self):
        """(shape, dtype) of one sample, from input_shape (None sizes taken as 1), or None:
        a Sequential starting with this layer tries itself on it (summary)."""
        if self.input_shape is None:
            return None
        return tuple(1 if n is None else n for n in self.input_shape), self.dtype


def refuse_missing_states(states, who):
    """A ValueError naming `who` and the place where a given initial_state holds None: a
    forgotten state (LSTM's c) is an error, not silently zeros (initial_state=None itself
    starts every state at zeros)."""
    for i, state in enumerate(states):
        if state is None:
            raise ValueError(f"{who}: initial_state[{i}] is None; give every state, or "
                             "initial_state=None to start them all at zeros")


__all__ = ["SequenceRun", "refuse_missing_states"]
