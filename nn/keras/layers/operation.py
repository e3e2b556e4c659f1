"""Operation: one of Keras' operations (`keras.ops.*`) as a node of a functional model, held
by Keras' class name, never by code.

    x = keras.Input(shape=(3, 4))
    mean = layers.Operation("Mean", {"axis": 1})(x)           # keras.ops.mean(x, axis=1)
    halved = layers.Operation("Multiply", constants=[[1, 0.5]])(mean)     # mean * 0.5
    last = layers.Operation("GetItem", constants=[[1, [slice(None), -1]]])(x)  # x[:, -1]

Keras records such calls among a functional model's layers (nn.keras.operations lists those
rungrad reads); the reader of Keras' files rebuilds each as an Operation, and model.save
writes it by its op's name, its config and its constants.
"""
from ...layers.keras_name import KerasNamed
from ...module import Module
from ..index_keys import from_json, to_json


class Operation(Module, KerasNamed):
    """Keras' operation `op` (its class name: "Mean", "NotEqual", ...) with its own
    arguments `config` ({"axis": 1}), called on the model's tensors. `constants` are the
    call's other arguments, [[position, value], ...]: NotEqual(x, 0) is
    Operation("NotEqual", constants=[[1, 0]]) called on x; the tensors fill the other
    positions in order (a list of tensors counts as one, Concatenate's)."""

    # Keras' operations are no layers: no dtype policy, no cast of their inputs (the
    # tensors' dtypes are theirs)
    dtype_policies = autocast = False

    def __init__(self, op, config=None, constants=None, name=None):
        super().__init__()
        self.op, self.config = op, dict(config or {})
        # (a GetItem key's slices and Ellipsis written as JSON by get_config: read back)
        self.constants = [[int(position), from_json(value)]
                          for position, value in constants or ()]
        self._set_name(name)
        # (imported here: nn.keras.operations' convolutions are nn.keras.layers' own)
        from ..operations import operation
        self._function = operation(op, self.config, self.who)

    @property
    def keras_operation(self):
        """The op's name: what summary() shows as its type; model.layers leaves it out (Keras'
        operations are not layers)."""
        return self.op

    @property
    def who(self):
        return f"Operation {self.op!r}" + (f" ({self._given_name!r})" if self._given_name else "")

    def forward(self, *tensors):
        try:
            return self._function(*self.call_arguments(tensors), **self.config)
        except NotImplementedError as exc:
            raise ValueError(f"{self.who}: {exc}") from None

    def call_arguments(self, tensors):
        """The op's call arguments: the constants at their positions, the tensors in the
        others, in order."""
        given = dict(self.constants)
        count = max(given, default=-1) + 1
        if len(tensors) < count - len(given):
            raise TypeError(f"{self.who}: its constants at positions {sorted(given)} leave "
                            f"{count - len(given)} position(s) before them to tensors; "
                            f"called on {len(tensors)}")
        tensors = iter(tensors)
        return [given[i] if i in given else next(tensors) for i in range(count)] + list(tensors)

    def compute_mask(self, inputs, mask=None):
        """None: Keras' operations drop a mask (the layers after one see none)."""
        return None

    def get_config(self):
        return {"op": self.op, "config": dict(self.config),
                "constants": [[position, to_json(value)] for position, value in self.constants],
                "name": self._given_name}

    def extra_repr(self):
        return ", ".join([repr(self.op)] + [f"{k}={v!r}" for k, v in self.config.items()])


__all__ = ["Operation"]
