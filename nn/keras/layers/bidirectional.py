"""Keras' Bidirectional wrapper: a recurrent layer run forwards and on the reversed sequence."""
from autograd.ops import concatenate

from ...layers.config import custom_object_scope, made_from_config, saved_name
from ...layers.keras_name import KerasNamed
from ...module import Module

MERGE_MODES = ("sum", "mul", "ave", "concat", None)


class Bidirectional(Module, KerasNamed):
    """`Bidirectional(LSTM(16))`: two copies of the layer, built from its config as Keras
    does (fresh weights), the backward one with go_backwards flipped so that it reads the
    sequence reversed; with return_sequences its outputs are reversed back, to line up with
    the forward ones in time. merge_mode: 'concat' (default: the forward features, then the
    backward ones), 'sum', 'mul', 'ave', or None for the list [forward, backward]. With
    return_state the states follow: [output, *forward states, *backward states].
    `backward_layer`: a layer to use as the backward one (go_backwards the opposite of
    `layer`'s). Weights come forward layer first, as Keras orders them."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, *,
                 name=None, input_shape=None):
        super().__init__()
        if not isinstance(layer, Module) or not hasattr(layer, "go_backwards") or \
                hasattr(layer, "state_size"):  # (a cell: RNN(cell) is the layer)
            raise ValueError(f"Bidirectional: layer must be one of nn.keras.layers' recurrent "
                             f"layers (SimpleRNN, LSTM, GRU, RNN), got {type(layer).__name__}")
        if merge_mode not in MERGE_MODES:
            raise ValueError(f"Bidirectional: merge_mode must be one of {MERGE_MODES}, got "
                             f"{merge_mode!r}")
        if input_shape is not None:  # Keras 2's way to size a first layer: the copies' own
            input_shape = tuple(input_shape)
        self.forward_layer = _copy(layer, "forward", input_shape=input_shape)
        if backward_layer is None:
            backward_layer = _copy(layer, "backward", input_shape=input_shape,
                                   go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        self._check_pair()
        for each in (self.forward_layer, self.backward_layer):  # Keras forces it so: masked
            each.zero_output_for_mask = each.return_sequences  # steps line up as zeros
        self.merge_mode = merge_mode
        self.input_shape = input_shape
        self._set_name(name)
        if weights is not None:  # Keras sets them once built: here, only if built now
            if not self.built:
                raise ValueError("Bidirectional: weights= needs the layer's input size: give "
                                 "input_shape=, or call set_weights(weights) after the first "
                                 "call")
            self.set_weights(weights)

    def _check_pair(self):
        forward, backward = self.forward_layer, self.backward_layer
        if not hasattr(backward, "go_backwards") or forward.go_backwards == backward.go_backwards:
            raise ValueError("Bidirectional: backward_layer must be a recurrent layer whose "
                             "go_backwards is the opposite of the forward layer's")
        for key in ("stateful", "return_sequences", "return_state"):  # (Keras' three)
            if getattr(forward, key) != getattr(backward, key):
                raise ValueError(f"Bidirectional: the forward and backward layers must have the "
                                 f"same {key}")

    @property
    def return_sequences(self):
        return self.forward_layer.return_sequences

    @property
    def return_state(self):
        return self.forward_layer.return_state

    def reset_state(self):
        """Forget both layers' states (stateful=True; Keras' reset_state)."""
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    reset_states = reset_state

    def forward(self, sequences, initial_state=None, training=None, mask=None):
        """sequences (N, T, F) -> the merged outputs; initial_state: the forward layer's
        states, then the backward one's (Keras' order); mask: Keras' (N, T), given to both
        layers (the backward one reverses it with the steps)."""
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(sequences, forward_state, training, mask=mask)
        y_rev = self.backward_layer(sequences, backward_state, training, mask=mask)
        states = []
        if self.return_state:
            states = [*y[1:], *y_rev[1:]]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]
        output = _merge(self.merge_mode, y, y_rev)
        if not self.return_state:
            return output
        return [*output, *states] if self.merge_mode is None else [output, *states]

    def compute_mask(self, inputs, mask=None):
        """The outputs' mask (Keras'): the input's with return_sequences (one per output
        with merge_mode=None), else None; None for each state with return_state."""
        output_mask = mask if self.return_sequences else None
        masks = [output_mask] * (2 if self.merge_mode is None else 1)
        if self.return_state:
            masks += [None] * (len(self.forward_layer.compute_mask(inputs)) - 1) * 2
        return masks if len(masks) > 1 else masks[0]

    @property
    def built(self):
        return self.forward_layer.built and self.backward_layer.built

    def example_sample(self):
        """(shape, dtype) of one sample the first layer of a Sequential takes, or None."""
        return self.forward_layer.example_sample()

    def get_config(self):
        """The constructor's arguments (Keras' get_config): the layer as the forward copy,
        whose config is the given layer's."""
        return {"layer": self.forward_layer, "merge_mode": self.merge_mode, "weights": None,
                "backward_layer": self.backward_layer, "name": self.name,
                "input_shape": self.input_shape}

    def extra_repr(self):
        return f"merge_mode={self.merge_mode!r}"


def _copy(layer, direction, **changes):
    """A fresh layer of `layer`'s class and config, `changes` applied, Keras' name for it
    (`forward_lstm`); an input_shape the wrapper was given replaces the layer's."""
    config = layer.get_config()
    if changes.get("input_shape") is None:
        changes.pop("input_shape", None)
    name = config.get("name")
    if name is not None:
        for prefix in ("forward_", "backward_"):
            name = name[len(prefix):] if name.startswith(prefix) else name
        changes["name"] = f"{direction}_{name}"
    with custom_object_scope(_own_classes(layer)):
        return made_from_config(type(layer), {**config, **changes})


def _own_classes(layer):
    """{saved name: class} of the layers within `layer` (RNN's cell): its config names
    them, and the copy rebuilds them by those names, which find a user's unregistered
    cell class only so."""
    classes = {}
    for module in layer.modules():
        name = saved_name(type(module), type)
        if name is not None:
            classes[name] = type(module)
    return classes


def _merge(mode, y, y_rev):
    if mode == "concat":
        return concatenate([y, y_rev], axis=-1)
    if mode == "sum":
        return y + y_rev
    if mode == "ave":
        return (y + y_rev) / 2
    if mode == "mul":
        return y * y_rev
    return [y, y_rev]


__all__ = ["Bidirectional"]
