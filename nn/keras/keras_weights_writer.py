"""A model's weights in Keras 3's HDF5 layout (a `.weights.h5` file, or a `.keras`
archive's model.weights.h5): the inverse of nn.keras.keras_files' assign_weights.

Each of model.layers is the group `layers/<key>` (its class's snake-case name, numbered
among its class's in model.layers' order: keras_files.layer_keys), its own variables
`vars/0, 1, ...` in get_weights' order, a recurrent layer's in its `cell`, a
Bidirectional's in its `forward_layer` and `backward_layer` (each an RNN with its cell),
a model's inside the model in its own `layers/...`,
as Keras keeps them; every group named as Keras names it (a `vars` group's `name`
attribute: the layer's name); a `.keras` archive's holds the optimizer's variables too
(nn.keras.keras_optimizer_writer). A layer whose Keras layout is not known here is NotWritable.
"""
from .keras_config_writer import KERAS_KEYS, NotWritable
from .keras_files import layer_keys, snake_case
from .keras_optimizer_writer import optimizer_variables

_RECURRENT = ("SimpleRNN", "LSTM", "GRU")


def write_weights(model, store, with_optimizer=False):
    """Write `model`'s weights into the open, empty h5py File `store`; with_optimizer, its
    optimizer's variables too (`optimizer/vars`), where their Keras layout is known."""
    _vars(store, "vars", getattr(model, "name", None), [])
    layers = store.create_group("layers")
    for key, layer in layer_keys(model.layers):
        _layer(layers.create_group(key), layer)
    variables = optimizer_variables(model) if with_optimizer else None
    if variables is not None:
        name = model.optimizer.get_config().get("name")
        _vars(store.create_group("optimizer"), "vars", name, variables)


def _layer(group, layer):
    """One layer's group: its own variables, then the layers Keras keeps inside it."""
    name = type(layer).__name__
    if name in ("Sequential", "Functional"):  # (a model inside the model: its own layers)
        _vars(group, "vars", layer.name, [])
        layers = group.create_group("layers")
        for key, inner in layer_keys(layer.layers):
            _layer(layers.create_group(key), inner)
        return
    if name != "InputLayer" and name not in KERAS_KEYS:
        raise NotWritable(f"layer {layer.name!r}: Keras' weights layout of a {name} is not "
                          "known here")
    if name in _RECURRENT:  # (Keras' RNN holds no variables of its own: its cell does)
        _vars(group, "vars", layer.name, [])
        _vars(group.create_group("cell"), "vars", f"{snake_case(name)}_cell",
              layer.get_weights())
    elif name == "Bidirectional":
        _vars(group, "vars", layer.name, [])
        for side in ("forward_layer", "backward_layer"):
            _layer(group.create_group(side), getattr(layer, side))
    else:
        _vars(group, "vars", layer.name, layer.get_weights())


def _vars(group, key, name, arrays):
    """The group `key` of `group` holding `arrays` as datasets 0, 1, ... (Keras' vars)."""
    held = group.create_group(key)
    if name is not None:
        held.attrs["name"] = name
    for i, array in enumerate(arrays):
        held.create_dataset(str(i), data=array)


__all__ = ["write_weights"]
