"""A model's weights in Keras 3's HDF5 layout (a `.weights.h5` file, or a `.keras`
archive's model.weights.h5): the inverse of nn.keras.keras_files' assign_weights.

Each of model.layers is the group `layers/<key>` (its class's snake-case name, numbered
among its class's in model.layers' order: keras_files.layer_keys), its own variables
`vars/0, 1, ...` in get_weights' order, a recurrent layer's in its `cell` (an RNN's cell
its own, a StackedRNNCells' in `cells/<key>` each), a Bidirectional's in its
`forward_layer` and `backward_layer` (each an RNN with its cell), a TimeDistributed's in its
`layer`, a SpectralNormalization's in its `layer` (its own: that layer's kernel again and
vector_u), MultiHeadAttention's in its `query_dense`, `key_dense`, `value_dense` and
`output_dense` (a kernel and a bias each; GroupQueryAttention's in `_query_dense`...), an
AugMix's, RandAugment's and RandomColorJitter's inner augmentation layers as empty groups, a
model's inside the model in its own `layers/...`, as Keras keeps them; every group named as
Keras names it (a `vars` group's `name` attribute: the layer's name); a `.keras` archive's
holds the optimizer's variables too (nn.keras.keras_optimizer_writer). A layer whose Keras
layout is not known here is NotWritable.
"""
from .keras_config_writer import KERAS_KEYS, NotWritable
from .keras_files import layer_keys
from .keras_optimizer_writer import optimizer_variables

# a recurrent layer's cell: the name Keras gives it (its variables are the layer's)
_CELLS = {"SimpleRNN": "simple_rnn_cell", "LSTM": "lstm_cell", "GRU": "gru_cell",
          **dict.fromkeys(("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"), "conv_lstm_cell")}
# the layers a layer holds, by the attribute Keras keeps them under
_HOLDS = {"TimeDistributed": "layer", "RNN": "cell", "StackedRNNCells": "cells",
          "SpectralNormalization": "layer"}
# how many of a holding layer's get_weights are its own variables Keras stores beside the
# held layer's: SpectralNormalization's kernel (its layer's, the same variable, stored
# again) and vector_u
_OWN = {"SpectralNormalization": 2}
# an attention layer's inner layers (attribute, name): its EinsumDense's, a kernel and a
# bias each (use_bias), then its dropout and softmax, which hold none (GroupQueryAttention
# keeps its projections under private attributes)
_PROJECTIONS = (("query", "query"), ("key", "key"), ("value", "value"),
                ("output", "attention_output"))
_ATTENTIONS = {
    "MultiHeadAttention": tuple((f"{k}_dense", name) for k, name in _PROJECTIONS),
    "GroupedQueryAttention": tuple((f"_{k}_dense", name) for k, name in _PROJECTIONS)}
_ATTENTION_EMPTY = (("_dropout_layer", "dropout"), ("_softmax", "softmax"))
# the augmentation layers an augmentation layer makes (none holds a variable): Keras keeps
# an empty group of each, keyed by its class; RandomColorJitter's, by the factors given
_AUGMENTATIONS = ("auto_contrast", "equalization", "random_brightness",
                  "random_color_degeneration", "random_contrast", "random_posterization",
                  "random_rotation", "random_sharpness", "random_shear",
                  "random_translation", "solarization")
_JITTERS = (("brightness_factor", "random_brightness"), ("contrast_factor", "random_contrast"),
            ("saturation_factor", "random_saturation"), ("hue_factor", "random_hue"))


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
    if name in _CELLS:  # (Keras' RNN holds no variables of its own: its cell does)
        _vars(group, "vars", layer.name, [])
        _vars(group.create_group("cell"), "vars", _CELLS[name], layer.get_weights())
    elif name == "Bidirectional":
        _vars(group, "vars", layer.name, [])
        for side in ("forward_layer", "backward_layer"):
            _layer(group.create_group(side), getattr(layer, side))
    elif name in _HOLDS:
        _vars(group, "vars", layer.name, layer.get_weights()[:_OWN.get(name, 0)])
        held = getattr(layer, _HOLDS[name])
        if name == "StackedRNNCells":  # (a list: each cell keyed as a model's layers)
            cells = group.create_group("cells")
            for key, cell in layer_keys(held):
                _layer(cells.create_group(key), cell)
        else:
            _layer(group.create_group(_HOLDS[name]), held)
    elif name in _ATTENTIONS:
        _attention(group, layer, _ATTENTIONS[name])
    else:
        _vars(group, "vars", layer.name, layer.get_weights())
        for key in _inner_augmentations(name, layer):
            _vars(group.create_group(key), "vars", key, [])


def _inner_augmentations(name, layer):
    """The keys of the augmentation layers Keras' `name` layer makes inside it."""
    if name in ("AugMix", "RandAugment"):
        return _AUGMENTATIONS
    if name == "RandomColorJitter":
        config = layer.get_config()
        return tuple(key for factor, key in _JITTERS if config.get(factor) is not None)
    return ()


def _attention(group, layer, projections):
    """An attention layer's variables, each projection's in its EinsumDense's group."""
    _vars(group, "vars", layer.name, [])
    arrays, each = layer.get_weights(), 2 if layer.use_bias else 1
    if len(arrays) != each * len(projections):
        raise NotWritable(f"layer {layer.name!r}: its {len(arrays)} weights are not Keras' "
                          "four projections")
    for i, (key, name) in enumerate(projections):
        _vars(group.create_group(key), "vars", name, arrays[i * each:(i + 1) * each])
    for key, name in _ATTENTION_EMPTY:
        _vars(group.create_group(key), "vars", name, [])


def _vars(group, key, name, arrays):
    """The group `key` of `group` holding `arrays` as datasets 0, 1, ... (Keras' vars)."""
    held = group.create_group(key)
    if name is not None:
        held.attrs["name"] = name
    for i, array in enumerate(arrays):
        held.create_dataset(str(i), data=array)


__all__ = ["write_weights"]
