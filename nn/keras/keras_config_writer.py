"""A model's config.json as Keras 3 writes it in a `.keras` archive: the inverse of
nn.training.keras_foreign_config, which reads it.

Every object is {"module", "class_name", "config", "registered_name"}. A Sequential's
config lists an InputLayer and its layers, a functional model's lists each layer with its
calls (`inbound_nodes`: {"args", "kwargs"}, a tensor as a `__keras_tensor__` whose
keras_history is [layer name, call number, output number]) and names its `input_layers`
and `output_layers`; each layer's config holds Keras' arguments only (KERAS_KEYS: what
Keras' own get_config of the class holds, learnt from Keras 3.15), its initializers,
regularizers and constraints as Keras' objects, its dtype policy as a DTypePolicy, the
layers it holds (a TimeDistributed's layer, an RNN's cell, a stack's cells) as their own
objects with their own build_config, a 1-D layer's one-axis padding, cropping or size bare
as Keras writes them (`[1, 2]`, `3`), MultiHeadAttention's build by its inputs' shapes. A
rungrad argument Keras lacks is left out where it changes nothing (_RUNGRAD_ONLY); at any
other value, as for a layer, initializer or call Keras lacks, the model is NotWritable,
naming the layer and what it holds (model.save then keeps rungrad's own format). Keras'
operations (keras.ops called on a functional model's tensors: nn.keras.layers.Operation)
are among the layers in Keras' order, each as Keras writes it
(nn.keras.keras_operation_entries), its call's constants among its tensors.
"""
import numpy as np

from ..layers.config import exported_name
from ..layers.keras_name import KerasNamed
from ..module import Module
from ..training.keras_foreign_config import INERT
from .serialization import serialize_keras_object


class NotWritable(ValueError):
    """A model Keras' format cannot express; the message names the layer and why."""


def _weighted(*names):
    """The initializer, regularizer and constraint arguments of weights `names`."""
    return tuple(f"{n}_{kind}" for kind in ("initializer", "regularizer", "constraint")
                 for n in names)


_WINDOW = ("kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
           "use_bias", "activity_regularizer")
_CONV = ("filters",) + _WINDOW + _weighted("kernel", "bias")
_POOL = ("pool_size", "padding", "strides", "data_format")
_GLOBAL_POOL = ("data_format", "keepdims")
_RNN_LAYER = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
              "zero_output_for_mask")
_CELL = ("units", "activation", "use_bias", "dropout", "recurrent_dropout", "seed") + \
    _weighted("kernel", "recurrent", "bias")
# (a recurrent layer's: its cell's, but the seed, and its own activity regularizer)
_RNN = _RNN_LAYER + tuple(key for key in _CELL if key != "seed") + ("activity_regularizer",)
_NORM = ("axis", "epsilon", "center", "scale") + _weighted("beta", "gamma")
# Keras 3.15's image augmentation layers: their arguments beside data_format (and seed);
# not Equalization, which Keras 3.15.1 cannot build in a model (its graph has a cycle)
_AUGMENTATION_KEYS = {name: ("data_format",) + keys + ("seed",) * seeded
                      for name, keys, seeded in (
    ("RandomFlip", ("mode",), 1), ("RandomCrop", ("height", "width"), 1),
    ("RandomRotation", ("factor", "fill_mode", "fill_value", "interpolation"), 1),
    ("RandomZoom", ("height_factor", "width_factor", "fill_mode", "interpolation",
                    "fill_value"), 1),
    ("RandomTranslation", ("height_factor", "width_factor", "fill_mode", "interpolation",
                           "fill_value"), 1),
    ("RandomShear", ("x_factor", "y_factor", "fill_mode", "interpolation", "fill_value"), 1),
    ("AugMix", ("value_range", "num_chains", "chain_depth", "factor", "alpha", "all_ops",
                "interpolation"), 1),
    ("AutoContrast", ("value_range",), 0),
    ("CutMix", ("factor",), 1), ("MixUp", ("alpha",), 1),
    ("RandAugment", ("value_range", "num_ops", "factor", "interpolation"), 1),
    ("RandomColorJitter", ("value_range", "brightness_factor", "contrast_factor",
                           "saturation_factor", "hue_factor"), 1),
    ("RandomElasticTransform", ("factor", "scale", "interpolation", "fill_mode",
                                "fill_value", "value_range"), 1),
    ("RandomErasing", ("factor", "scale", "fill_value", "value_range"), 1),
    ("RandomGaussianBlur", ("factor", "kernel_size", "sigma", "value_range"), 1),
    ("RandomGrayscale", ("factor",), 0),
    ("RandomPerspective", ("factor", "scale", "interpolation", "fill_value"), 1),
    ("Solarization", ("value_range", "addition_factor", "threshold_factor"), 1),
    *((name, ("factor", "value_range"), 1) for name in (
        "RandomContrast", "RandomBrightness", "RandomColorDegeneration", "RandomHue",
        "RandomInvert", "RandomPosterization", "RandomSaturation", "RandomSharpness")))}
# the layers whose call Keras records with its training=True default (its reader drops it)
_CALLED_TRAINING = frozenset(_AUGMENTATION_KEYS) | {"Resizing", "CenterCrop"}
# Keras' arguments of each layer class written here, besides name, trainable and dtype (the
# keys of Keras 3.15's get_config of the class)
KERAS_KEYS = {
    "Dense": ("units", "activation", "use_bias", "quantization_config")
    + _weighted("kernel", "bias"),
    "Conv1D": _CONV + ("groups",), "Conv2D": _CONV + ("groups",),
    "Conv1DTranspose": _CONV + ("output_padding",),
    "Conv2DTranspose": _CONV + ("output_padding",),
    **dict.fromkeys(("MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D"),
                    _POOL),
    **dict.fromkeys(("GlobalAveragePooling1D", "GlobalMaxPooling1D",
                     "GlobalAveragePooling2D", "GlobalMaxPooling2D"), _GLOBAL_POOL),
    "Flatten": ("data_format",), "Reshape": ("target_shape",),
    "Dropout": ("rate", "seed", "noise_shape"),
    "BatchNormalization": _NORM + ("momentum", "synchronized", "renorm", "renorm_clipping",
                                   "renorm_momentum", "moving_mean_initializer",
                                   "moving_variance_initializer"),
    "LayerNormalization": _NORM + ("rms_scaling",),
    "Embedding": ("input_dim", "output_dim", "mask_zero", "activity_regularizer",
                  "quantization_config") + _weighted("embeddings"),
    "SimpleRNN": _RNN,
    "LSTM": _RNN + ("recurrent_activation", "unit_forget_bias", "seed"),
    "GRU": _RNN + ("recurrent_activation", "reset_after", "seed"),
    "Bidirectional": ("merge_mode", "layer", "backward_layer"),
    "Activation": ("activation",), "ReLU": ("max_value", "negative_slope", "threshold"),
    "Softmax": ("axis",), "Add": (), "Subtract": (), "Multiply": (), "Average": (),
    "Maximum": (), "Minimum": (), "Concatenate": ("axis",),
    "Rescaling": ("scale", "offset"), "Normalization": ("axis", "invert", "mean", "variance"),
    "LeakyReLU": ("negative_slope",), "ELU": ("alpha",),
    "PReLU": ("shared_axes",) + _weighted("alpha"),
    "GaussianNoise": ("stddev", "seed"), "GaussianDropout": ("rate", "seed"),
    "AlphaDropout": ("rate", "seed", "noise_shape"),
    "ActivityRegularization": ("l1", "l2"), "UnitNormalization": ("axis",),
    "GroupNormalization": _NORM + ("groups",),
    "ZeroPadding2D": ("padding", "data_format"),
    "UpSampling2D": ("size", "data_format", "interpolation"),
    "Cropping2D": ("cropping", "data_format"),
    "Permute": ("dims",), "RepeatVector": ("n",),
    "Conv3D": _CONV + ("groups",),
    "DepthwiseConv2D": ("depth_multiplier",) + _WINDOW + _weighted("depthwise", "bias"),
    "SeparableConv2D": ("depth_multiplier", "filters") + _WINDOW
    + _weighted("depthwise", "pointwise", "bias"),
    **dict.fromkeys(("MaxPooling3D", "AveragePooling3D"), _POOL),
    **dict.fromkeys(("GlobalAveragePooling3D", "GlobalMaxPooling3D"), _GLOBAL_POOL),
    "Dot": ("axes", "normalize"), "TimeDistributed": ("layer",),
    "SpectralNormalization": ("layer", "power_iterations"),
    "SpatialDropout1D": ("rate", "seed"),
    **dict.fromkeys(("SpatialDropout2D", "SpatialDropout3D"), ("rate", "seed", "data_format")),
    "Masking": ("mask_value",), "Identity": (),
    "ZeroPadding1D": ("padding", "data_format"), "ZeroPadding3D": ("padding", "data_format"),
    "UpSampling1D": ("size",), "UpSampling3D": ("size", "data_format"),
    "Cropping1D": ("cropping",), "Cropping3D": ("cropping", "data_format"),
    "Conv3DTranspose": _CONV + ("output_padding",),
    "Attention": ("use_scale", "score_mode", "dropout", "seed"),
    "AdditiveAttention": ("use_scale", "dropout", "seed"),
    "MultiHeadAttention": ("num_heads", "key_dim", "value_dim", "dropout", "use_bias",
                           "use_gate", "output_shape", "attention_axes", "sliding_window",
                           "activity_regularizer", "seed") + _weighted("kernel", "bias"),
    "RNN": _RNN_LAYER + ("cell",),
    "SimpleRNNCell": _CELL, "LSTMCell": _CELL + ("recurrent_activation", "unit_forget_bias"),
    "GRUCell": _CELL + ("recurrent_activation", "reset_after"), "StackedRNNCells": ("cells",),
    **dict.fromkeys(("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"), _RNN_LAYER + _WINDOW + (
        "filters", "recurrent_activation", "unit_forget_bias", "dropout",
        "recurrent_dropout", "seed") + _weighted("kernel", "recurrent", "bias")),
    "CategoryEncoding": ("num_tokens", "output_mode"),
    "Resizing": ("height", "width", "data_format", "interpolation", "crop_to_aspect_ratio",
                 "pad_to_aspect_ratio", "fill_mode", "fill_value", "antialias"),
    "CenterCrop": ("height", "width", "data_format"),
    "SeparableConv1D": ("depth_multiplier", "filters") + _WINDOW
    + _weighted("depthwise", "pointwise", "bias"),
    "DepthwiseConv1D": ("depth_multiplier",) + _WINDOW + _weighted("depthwise", "bias"),
    "RMSNormalization": ("axis", "epsilon"),
    "EinsumDense": ("output_shape", "equation", "activation", "bias_axes",
                    "activity_regularizer", "quantization_config") + _weighted("kernel", "bias"),
    "GroupedQueryAttention": ("head_dim", "num_query_heads", "num_key_value_heads", "use_bias",
                            "use_gate", "sliding_window", "dropout", "activity_regularizer",
                            "seed") + _weighted("kernel", "bias"),
    "Discretization": ("bin_boundaries", "num_bins", "epsilon", "output_mode", "sparse"),
    **_AUGMENTATION_KEYS,
}
# the layers Keras writes no build_config for (they have no build of their own)
_NO_BUILD = frozenset(name for name in KERAS_KEYS if "Pooling" in name) | {
    "Reshape", "Dropout", "Activation", "ReLU", "Softmax", "LeakyReLU", "ELU",
    "GaussianNoise", "GaussianDropout", "AlphaDropout",
    "ActivityRegularization", "UnitNormalization", "SpatialDropout1D", "SpatialDropout2D",
    "SpatialDropout3D", "Masking", "Identity"}
# the layers whose constructor takes no `trainable` (Keras' config leaves it out)
_NO_TRAINABLE = frozenset({"SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                           "Discretization"})
# the layers whose config holds their variables' dtype's name, not a DTypePolicy object
_DTYPE_NAMED = frozenset({"Discretization"})
# the layers Keras builds from their inputs' shapes by name (query, value, key)
_BUILT_BY_NAME = ("MultiHeadAttention", "GroupedQueryAttention")
# rungrad's one-axis arguments it keeps as a 1-tuple, which Keras writes bare: (1, 2), 3
_BARE = {("ZeroPadding1D", "padding"), ("Cropping1D", "cropping"), ("UpSampling1D", "size")}
# the layers a layer holds, by the argument Keras' config writes them under (rungrad's
# config holds them as its own objects: the layer's attribute is written instead)
_HELD = ("layer", "cell", "cells")
# rungrad's arguments Keras' constructors lack, left out at these values (they change
# nothing); the model's inputs carry the shapes its first layer may have been given
_RUNGRAD_ONLY = {"weights": None, "use_cudnn": "auto", "inplace": False, "seed": None,
                 "sparse": False, "bounding_box_format": None, "lora_rank": None,
                 "flash_attention": None}
_SHAPES = ("input_shape", "input_dim", "input_length", "batch_input_shape")
_ALIASES = {"p": "rate"}  # (Dropout's PyTorch name of its rate)
# Keras' Layer takes these from any layer, its get_config writes them for some classes only
_BASE_KEYS = ("activity_regularizer",)
_REGULARIZERS = {("l1",): "L1", ("l2",): "L2", ("l1", "l2"): "L1L2"}


def keras_object(module, class_name, config, registered_name=None):
    """Keras' serialized object."""
    return {"module": module, "class_name": class_name, "config": config,
            "registered_name": registered_name}


def dtype_policy_object(name):
    return keras_object("keras", "DTypePolicy", {"name": name})


class KerasConfigWriter:
    """Writes a Sequential or functional nn.keras model as Keras 3's config."""

    def model(self, model):
        """The model's object: module, class_name, config, registered_name, build_config."""
        if _is_functional(model):
            config = self._functional(model)
            entry = keras_object("keras.src.models.functional", "Functional", config,
                                 "Functional")
            return dict(entry, build_config={"input_shape": None})
        if _is_sequential(model):
            config, shape = self._sequential(model)
            return dict(keras_object("keras", "Sequential", config),
                        build_config={"input_shape": shape})
        raise NotWritable(f"a {type(model).__name__} is not one of Keras' Sequential or "
                          "functional models (a subclassed model's code is not in a file)")

    def _sequential(self, model):
        try:
            shape = [None] + list(model.input_shape[1:])
        except AttributeError:
            raise NotWritable("the Sequential is not built: begin it with keras.Input or "
                              "call it on data first") from None
        first = next(iter(model._modules.values()), None)
        dtype = _dtype_name(first.dtype) if _is_input(first) else "float32"
        name = first.name if _is_input(first) else "input_layer"
        inputs = _sequential_input_shapes(model, shape)
        layers = [_input_entry(shape, dtype, name)] + [
            self.layer(layer, inputs.get(id(layer))) for layer in model.layers]
        return {"name": model.name, "trainable": model.trainable,
                "dtype": dtype_policy_object(model.dtype_policy.name),
                "layers": layers, "build_input_shape": shape}, shape

    def _functional(self, model):
        from .keras_operation_entries import operation_entry  # (it names this module's)
        calls = _calls_by_layer(model)
        history = _histories(model)
        entries = []
        for _, layer in model._keras_children():  # (Keras' operations among the layers)
            if _is_operation(layer):
                entry = operation_entry(layer, self.value)
            elif _is_input(layer):
                entry = _input_entry([layer.batch_size] + list(layer.shape),
                                     _dtype_name(layer.dtype), layer.name)
            else:
                entry = self.layer(layer, _build_shape(layer, calls.get(id(layer), [])))
            if id(layer) not in calls:
                raise NotWritable(f"layer {layer.name!r} is held by the model outside its "
                                  "graph")
            entry["name"] = layer.name
            entry["inbound_nodes"] = [_node(node, history) for node in calls[id(layer)]
                                      if node.args]
            entries.append(entry)
        inputs, outputs = _endpoints(model, history)
        return {"name": model.name, "trainable": model.trainable, "layers": entries,
                "input_layers": inputs, "output_layers": outputs}

    def layer(self, layer, input_shape=None):
        """One layer's object, with its build_config where its input's shape is known (a
        model inside the model as its own, compile_config empty, as Keras writes it)."""
        if _is_functional(layer) or _is_sequential(layer):
            return dict(self.model(layer), compile_config={})
        name = type(layer).__name__
        keys = KERAS_KEYS.get(name)
        if keys is None or not is_keras_face(layer):
            raise NotWritable(f"layer {getattr(layer, 'name', name)!r} is a {name}, which "
                              "has no Keras 3 counterpart written here")
        config = self.layer_config(layer, keys, input_shape)
        entry = keras_object("keras.layers", exported_name(type(layer)), config)
        if input_shape is not None and name not in _NO_BUILD:  # (a dict: shapes by name)
            entry["build_config"] = {"shapes_dict" if isinstance(input_shape, dict)
                                     else "input_shape": input_shape}
        return entry

    def layer_config(self, layer, keys, input_shape=None):
        """Keras' config of `layer`: name, trainable, dtype, then Keras' own arguments."""
        where = f"layer {layer.name!r} ({type(layer).__name__})"
        given = dict(layer.get_config())
        policy = getattr(layer, "_dtype_policy", None)  # (None: the global one, casting
        config = {"name": layer.name, "trainable": layer.trainable,  # nothing in rungrad)
                  "dtype": None if policy is None else dtype_policy_object(policy.name)}
        if type(layer).__name__ in _NO_TRAINABLE:
            del config["trainable"]
        if type(layer).__name__ in _DTYPE_NAMED:  # (the global policy's: float32 here)
            config["dtype"] = "float32" if policy is None else \
                np.dtype(policy.variable_dtype).name
        for key, value in given.items():
            if key in config or key == "trainable":  # (the layer's own, above)
                continue
            if key in _HELD and key in keys:
                config[key] = self.held(layer, key, value, input_shape)
            elif key in keys or (key in _BASE_KEYS and value is not None):
                config[key] = self.layer(value, input_shape) if isinstance(value, Module) \
                    else self.value(key, value, where)
                if (type(layer).__name__, key) in _BARE and isinstance(config[key], list) \
                        and len(config[key]) == 1:
                    config[key] = config[key][0]
            elif key in _BASE_KEYS:  # (None: Keras' default, not in its config)
                continue
            elif not _inert(key, value, given):
                raise NotWritable(f"{where}: its argument {key}={value!r} has no "
                                  "counterpart in Keras 3")
        for key in keys:  # (Keras' arguments rungrad's config leaves at their default)
            if key not in config:
                if key not in INERT:
                    raise NotWritable(f"{where}: its config lacks Keras' argument {key!r}")
                config[key] = INERT[key]
        return config

    def held(self, layer, key, value, input_shape):
        """The layer (or list of cells) `layer` holds as Keras' argument `key`, each with
        the shape of its own input: a TimeDistributed's layer one step's, an RNN's cell one
        step's features, a stack's next cell the units of the one before."""
        held = getattr(layer, key, None)
        if not isinstance(held, Module):
            held = value
        shape = _held_input_shape(type(layer).__name__, input_shape)
        if key != "cells":
            return self.layer(held, shape)
        entries = []
        for cell in held:
            entries.append(self.layer(cell, shape))
            units = getattr(cell, "units", None)  # (the next cell's input features)
            shape = [shape[0], units] if shape and units else None
        return entries

    def value(self, key, value, where):
        """A config's value as Keras writes it (a layer, an initializer, regularizer or
        constraint as Keras' object; tuples and arrays as lists)."""
        if isinstance(value, Module):
            return self.layer(value)
        if value is None and key in ("activation", "recurrent_activation"):
            return "linear"
        if value is None and key == "data_format":  # (Keras writes the one it resolved)
            from ..layers.keras_settings import image_data_format
            return image_data_format()
        if isinstance(value, (np.bool_, np.integer, np.floating)):
            return value.item()
        if isinstance(value, np.ndarray):
            return value.tolist()
        if isinstance(value, (list, tuple)):
            return [self.value(None, item, where) for item in value]
        if key is not None and key.endswith(("_initializer", "_regularizer", "_constraint")):
            return _weight_object(key, value, where)
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise NotWritable(f"{where}: its argument {key}={value!r} is not a value Keras' "
                          "config holds")


def _inert(key, value, given):
    """Whether rungrad's argument `key` Keras lacks changes nothing at `value`."""
    if key in _SHAPES:
        return True
    if key in _ALIASES:
        return given.get(_ALIASES[key]) == value
    return key in _RUNGRAD_ONLY and _RUNGRAD_ONLY[key] == value


def _weight_object(key, value, where):
    """An initializer, regularizer or constraint as Keras' object (None stays None)."""
    if value is None:
        return None
    from . import constraints, initializers, regularizers
    kind = key.rsplit("_", 1)[1] + "s"
    space = {"initializers": initializers, "regularizers": regularizers,
             "constraints": constraints}[kind]
    if isinstance(value, dict) and kind == "regularizers" and "class_name" not in value:
        name = _REGULARIZERS.get(tuple(sorted(value)))
        value = name and {"class_name": name, "config": value}
    try:  # (rungrad's form of it: a name, or {"class_name", "config"})
        if isinstance(value, dict) and "class_name" in value:
            value = space.get({"class_name": value["class_name"], "config": value["config"]})
        elif isinstance(value, str):
            value = space.get(value)
    except (ValueError, TypeError) as exc:
        raise NotWritable(f"{where}: its {key}: {exc}") from None
    name = type(value).__name__
    if value is None or getattr(space, name, None) is not type(value) or \
            not hasattr(value, "get_config"):
        raise NotWritable(f"{where}: its {key} is not one of Keras' {kind}")
    return serialize_keras_object(value)  # (module keras.<kind>, its config)


def _input_entry(batch_shape, dtype, name):
    """An InputLayer's object, as Keras writes keras.Input's."""
    return keras_object("keras.layers", "InputLayer", {
        "batch_shape": list(batch_shape), "dtype": dtype, "sparse": False, "ragged": False,
        "name": name, "optional": False})


def _sequential_input_shapes(model, shape):
    """{id(layer): the shape of its input} of a Sequential's layers, where each is known
    without a free size the trial call guessed (Keras' build_config is then exact)."""
    if None in shape[1:]:
        return {}
    shapes, previous = {}, shape
    for (_, layer), out in zip(model._modules.items(), model.layer_output_shapes().values()):
        shapes[id(layer)] = previous
        previous = None if out is None else list(out)
    return shapes


def _node_input_shape(nodes):
    """The shape of a layer's first call's input (a list of them for several), as Keras'
    build_config records it; None where the call has no tensor argument."""
    args = next((node.args for node in nodes if node.args), ())
    first = args[0] if args else None
    if isinstance(first, (list, tuple)) and all(hasattr(t, "node") for t in first):
        return [list(t.shape) for t in first]
    return list(first.shape) if hasattr(first, "node") else None


def _held_input_shape(name, shape):
    """The shape of the input of the layer a `name` layer holds, given the outer one's."""
    if shape is None or isinstance(shape, dict):
        return None
    if name == "TimeDistributed":  # (batch, time, ...) -> (batch, ...)
        return [shape[0]] + list(shape[2:])
    if name == "RNN":  # (batch, time, features) -> (batch, features)
        return [shape[0], shape[-1]]
    return shape


def _build_shape(layer, nodes):
    """What Keras' build_config records of a layer's first call: its input's shape, or for
    MultiHeadAttention and GroupQueryAttention, built from their query, value (and key),
    their shapes by name."""
    if type(layer).__name__ not in _BUILT_BY_NAME:
        return _node_input_shape(nodes)
    node = next((node for node in nodes if node.args), None)
    if node is None:
        return None
    named = dict(zip(("query", "value", "key"), node.args))
    named.update((k, v) for k, v in node.kwargs.items() if k in ("query", "value", "key"))
    return {f"{k}_shape": list(named[k].shape) for k in ("query", "value", "key")
            if hasattr(named.get(k), "node")}


def _calls_by_layer(model):
    """{id(layer): its nodes in the graph, in the order they run} of a functional model."""
    calls = {}
    for node in model._nodes:
        calls.setdefault(id(node.layer), []).append(node)
    return calls


def _histories(model):
    """{id(node): [layer name, the node's number among its layer's calls]}."""
    seen, found, names = {}, {}, set()
    for node in model._nodes:
        layer = node.layer
        if not isinstance(getattr(layer, "name", None), str):
            raise NotWritable(f"the model's {type(layer).__name__} layer has no Keras name "
                              "(it is not one of nn.keras' layers)")
        if id(layer) not in seen and layer.name in names:
            raise NotWritable(f"two layers of the model are named {layer.name!r} (Keras' "
                              "config refers to layers by name)")
        names.add(layer.name)
        number = seen.get(id(layer), -1) + 1
        seen[id(layer)] = number
        found[id(node)] = [layer.name, number]
    return found


def _tensor(tensor, history):
    """A KerasTensor as the `__keras_tensor__` Keras writes among a call's arguments."""
    return {"class_name": "__keras_tensor__", "config": {
        "shape": list(tensor.shape), "dtype": _dtype_name(tensor.dtype),
        "keras_history": history[id(tensor.node)] + [tensor.index]}}


def _node(node, history):
    """One call of a layer: {"args", "kwargs"}, its tensors as Keras' references (an
    operation's: its constants among them at their positions, a GetItem key's slices and
    Ellipsis, an array and a NumPy number as Keras writes them)."""
    def fill(value):
        if hasattr(value, "node") and hasattr(value, "index"):
            return _tensor(value, history)
        if isinstance(value, (list, tuple)):
            return [fill(item) for item in value]
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, slice):
            return {"class_name": "__slice__", "config": {
                "start": fill(value.start), "stop": fill(value.stop), "step": fill(value.step)}}
        if value is Ellipsis:
            return {"class_name": "__ellipsis__", "config": {}}
        if isinstance(value, np.ndarray) and value.ndim > 0:
            return {"class_name": "__numpy__", "config": {
                "value": value.tolist(), "dtype": _dtype_name(value.dtype)}}
        if isinstance(value, (np.ndarray, np.generic)):  # (a NumPy number: a plain one)
            return value.item()
        raise NotWritable(f"layer {node.layer.name!r} is called with {value!r}, which "
                          "Keras' config does not hold")
    if node.kwargs.get("training") is not None:  # (Keras' reader of a config drops it)
        raise NotWritable(f"layer {node.layer.name!r} is called with training="
                          f"{node.kwargs['training']!r}, which a Keras config read back "
                          "does not keep")
    kwargs = dict(node.kwargs)
    if type(node.layer).__name__ in _CALLED_TRAINING:
        kwargs["training"] = True
    args = node.layer.call_arguments(node.args) if _is_operation(node.layer) else node.args
    return {"args": fill(list(args)), "kwargs": fill(kwargs)}


def _endpoints(model, history):
    """(input_layers, output_layers): [name, node, index] each, as the model was given
    them (one, a list, or a dict by key)."""
    def ref(tensor):  # (Keras numbers a nested functional model's calls from 1 here: its
        name, node = history[id(tensor.node)]  # node 0 is the one that made it)
        return [name, node + _is_functional(tensor.node.layer), tensor.index]

    def shaped(tensors, listed, keys):
        refs = [ref(t) for t in tensors]
        if keys is not None:
            return dict(zip(keys, refs))
        return refs if listed else refs[0]
    return (shaped(model._inputs, model._listed[0], model._keys[0]),
            shaped(model._outputs, model._listed[1], model._keys[1]))


def _is_operation(layer):
    """Whether `layer` is one of Keras' operations (nn.keras.layers.Operation)."""
    return getattr(layer, "keras_operation", None) is not None


def _is_input(layer):
    return type(layer).__name__ == "InputLayer"


def _is_functional(model):
    return type(model).__name__ == "Functional" and hasattr(model, "graph_config")


def _is_sequential(model):
    return type(model).__name__ == "Sequential" and hasattr(model, "layers")


def is_keras_face(layer):
    """Whether `layer` is of nn.keras' class of its name (not one of one's own)."""
    from . import layers
    return isinstance(layer, KerasNamed) and getattr(layers, exported_name(type(layer)), None) \
        is type(layer)


def _dtype_name(dtype):
    return np.dtype(dtype).name


__all__ = ["KerasConfigWriter", "NotWritable", "KERAS_KEYS", "keras_object",
           "dtype_policy_object", "is_keras_face"]
