"""Keras' `keras.utils.is_keras_tensor` and `get_source_inputs`: the symbolic tensors of
the functional API (nn.keras.functional's KerasTensor) and the Inputs one comes from."""
from .functional import KerasTensor


def is_keras_tensor(x):
    """Whether x is a symbolic KerasTensor (keras.Input's, or a layer's output on one)."""
    return isinstance(x, KerasTensor)


def get_source_inputs(tensor):
    """The keras.Input tensors `tensor` is computed from, each once, in the order Keras
    finds them (depth first along each call's arguments)."""
    if not is_keras_tensor(tensor):
        raise TypeError(f"get_source_inputs: expected a KerasTensor (keras.Input's or a "
                        f"layer's output on one), got {type(tensor).__name__}")
    found, seen, pending = [], set(), [tensor]
    while pending:
        current = pending.pop()
        inputs = current.node.inputs
        if not inputs:  # (an Input)
            if id(current) not in seen:
                seen.add(id(current))
                found.append(current)
            continue
        pending.extend(reversed(inputs))
    return found


__all__ = ["is_keras_tensor", "get_source_inputs"]
