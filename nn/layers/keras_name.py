"""Keras' names: `Dense(64, name="hidden")` is the layer "hidden" of its Sequential; a class
name as the snake_case name Keras derives from it ('F1Score' -> 'f1_score')."""
import functools
import inspect
import re

import numpy as np

from autograd.arguments import numpy_dtype
from autograd.variable import Variable

from ..call_losses import held_losses
from ..keras_weight_names import PARENT, NamesWeights, names_weights, state_weight_name
from .dtype_policy import DTypePolicy, apply_policy, dtype_policy, layer_policy


class KerasWeights:
    """Keras' lists of a layer's or model's weights, as Variables; on Keras' classes only
    (Model, nn.keras' Layer): a PyTorch module may hold a `weights` of its own."""

    @property
    def weights(self):
        """The arrays get_weights copies, in its order, live: the parameters, and BatchNorm's
        moving statistics (Keras' non-trainable weights) as Variables without gradient
        around the buffers themselves, named as Keras names them ('moving_mean', with
        their `path`). A parameter keeps its own layout (a Dense's is
        PyTorch's (out, in) weight, which get_weights gives as Keras' (in, out) kernel)."""
        params = {id(p.data): p for p in self.parameters()}
        return [params[id(array)] if id(array) in params else
                Variable(array, name=self._state_weight_name(key), requires_grad=False)
                for key, array, _ in self._keras_weights()]

    def _state_weight_name(self, key):
        """Keras' name (with its path) of the buffer at state_dict `key`; the key itself
        where no Keras layer holds it."""
        owner, _, attribute = key.rpartition(".")
        return state_weight_name(self.get_submodule(owner), attribute) or key

    @property
    def trainable_weights(self):
        return [w for w in self.weights if w.requires_grad]

    @property
    def non_trainable_weights(self):
        """Frozen parameters and BatchNorm's moving statistics, as Keras counts them."""
        return [w for w in self.weights if not w.requires_grad]

    # Keras 3's names for the same lists
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights


class _CallTensors:
    """Keras' `layer.input` / `layer.output`: the symbolic tensor (a list for several) of
    the layer's first call in nn.keras' functional API (keras.Input, a layer's outputs),
    the feature extractor's ends: `keras.Model(model.input, layer.output)`. Read only: a
    module or value the layer holds under the name comes first (a non-data descriptor)."""

    def __init__(self, outputs):
        self.outputs = outputs

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, layer, owner=None):
        if layer is None:
            return self
        tensors = first_call_tensors(layer, self.outputs)
        if tensors is None:
            raise AttributeError(f"{type(layer).__name__} {layer.name!r} has no {self.name} "
                                 "yet: it has not been called on keras.Input's tensors (a "
                                 "functional model's, or a Sequential's once built)")
        return tensors


def first_call_tensors(layer, outputs):
    """The input (or output) tensor, a list for several, of `layer`'s first call on symbolic
    tensors; None before any."""
    nodes = vars(layer).get("_keras_nodes")
    if not nodes:
        return None
    tensors = nodes[0].outputs if outputs else nodes[0].inputs
    return tensors[0] if len(tensors) == 1 else list(tensors)


def _ask_model_for_name(layer):
    """Have the model holding `layer` in a list or dict name its layers (Model.name_layers):
    a change to the list does not reach the model, so a layer in one is named when asked."""
    holder, held_in_collection = layer, False
    while holder is not None:
        link = vars(holder).get(PARENT)
        holder = None if link is None else link.holder
        if holder is not None and names_weights(holder):
            break
        held_in_collection = True
    if held_in_collection and hasattr(holder, "name_layers"):
        holder.name_layers()


def note_node(layer, node):
    """Keep the node of one of `layer`'s symbolic calls (its input and output tensors)."""
    vars(layer).setdefault("_keras_nodes", []).append(node)


class KerasName(NamesWeights):
    """Keras' `name` of a layer or a model: the one given (name=), else the one the model
    holding it gives it (see layer_names: 'dense', 'dense_1', numbered per model, which
    `Model.name_layers` hands down), else its class's snake_case ('dense', 'sequential').
    `_given_name` keeps the one given (None: not named by the user): that one names a
    layer's place in its model (its key) and is what model.save writes."""

    _given_name = None
    _name_from_model = None

    input = _CallTensors(outputs=False)
    output = _CallTensors(outputs=True)

    @property
    def name(self):
        if self._given_name is not None:
            return self._given_name
        if self._name_from_model is None:
            _ask_model_for_name(self)
        return self._name_from_model or snake_case(type(self).__name__)

    @name.setter
    def name(self, value):
        self._set_name(value)

    def _set_name(self, name):
        if name is not None and (not isinstance(name, str) or not name):
            raise ValueError(f"{type(self).__name__}: name must be a non-empty string, got "
                             f"{name!r}")
        self._given_name = name


class KerasNamed(KerasName, KerasWeights):
    """Mixin of the Keras-style layers that take `name=`. A Sequential registers such a layer
    under the name given (parameters `hidden.weight`, `model.get_layer("hidden")`, the
    summary's rows), as Keras names layers; an unnamed one keeps PyTorch's index, and its
    `name` is the one the model knows it by (KerasName). Only these layers' names are read:
    another module's `name` attribute may mean something else. They have Keras' weight
    lists too (KerasWeights)."""

    makes_masks = False  # (nn.training.masking: Embedding and Masking may; read every call)
    dtype = np.dtype(np.float32)  # (Keras' default policy; a layer's dtype= sets its own)
    dtype_policies = True  # dtype= is a Keras policy (the text and lookup layers: their own)
    # Keras' Layer.autocast: under a policy the layer's floating inputs and (mixed) its
    # weights are cast to the compute dtype; False casts neither (the outputs still are)
    autocast = True
    autocast_weights = True  # False: its weights are read in their own dtype (BatchNorm's)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # on the class itself: Module, which declares it False, may come first in the MRO
        cls._keras_layer = True
        if "__init__" in vars(cls):
            cls.__init__ = _keras_constructor(vars(cls)["__init__"])
        get_config = getattr(cls, "get_config", None)
        if get_config is not None and not getattr(get_config, "_saves_policy", False):
            cls.get_config = _saving_policy(get_config)

    @property
    def losses(self):
        """Keras' layer.losses: the weights' penalties (its and its sublayers') and the
        losses its last call added (add_loss, activity_regularizer), as Variables."""
        return held_losses(self.modules())

    @property
    def dtype_policy(self):
        """Keras' DTypePolicy of the layer: the one its dtype= gave, else its dtype's (a
        layer taking dtype= itself, such as Dense, keeps it as its `dtype`; a text layer's
        is Keras' float32)."""
        if self._dtype_policy is not None:
            return self._dtype_policy
        try:
            return DTypePolicy(np.dtype(self.dtype).name if self.dtype is not None else
                               "float32")
        except (TypeError, ValueError):
            return DTypePolicy("float32")

    @property
    def compute_dtype(self):
        """The dtype the layer computes in (Keras'); a layer whose dtype= is the Keras base's
        (nn.layers.dtype_policy) casts its floating inputs to it."""
        return self.dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        """The dtype of the layer's weights (Keras'; `dtype` says the same)."""
        return self.dtype_policy.variable_dtype

    @classmethod
    def from_config(cls, config):
        """Keras' from_config: the layer made with get_config()'s arguments. Keras 3 options
        rungrad does not offer are dropped where they hold Keras' default (its config of a
        plain Dense carries quantization_config=None); set otherwise, they are refused by
        name by the constructor."""
        return cls(**without_unoffered_defaults(cls, config))

    def _set_name(self, name):
        if name is not None and (not isinstance(name, str) or not name or "." in name):
            raise ValueError(f"{type(self).__name__}: name must be a non-empty string without "
                             f"'.', got {name!r}")
        self._given_name = name

    @property
    def who(self):
        """The layer as errors name it: its class, and the name it was given, if any."""
        given = self._given_name
        return type(self).__name__ + ("" if given is None else f" {given!r}")


# Keras 3 options that rungrad's layers do not offer, at the value meaning "not used", which
# Keras' get_config writes (Dense, Embedding, EinsumDense: quantization_config; BatchNormalization:
# renorm*; LayerNormalization: rms_scaling; MultiHeadAttention: use_gate, sliding_window)
_UNOFFERED_DEFAULTS = {"quantization_config": None, "renorm": False, "renorm_clipping": None,
                       "renorm_momentum": 0.99, "rms_scaling": False, "use_gate": False,
                       "sliding_window": None}


def without_unoffered_defaults(cls, config):
    """`config` less the entries of _UNOFFERED_DEFAULTS at their default that cls's
    constructor does not name."""
    named = inspect.signature(cls.__init__).parameters
    return {key: value for key, value in config.items()
            if key in named or key not in _UNOFFERED_DEFAULTS
            or not _is_default(value, _UNOFFERED_DEFAULTS[key])}


def _is_default(value, default):
    return value is default if default is None or isinstance(default, bool) else \
        (isinstance(value, (int, float)) and not isinstance(value, bool) and value == default)


def _keras_constructor(init):
    """`init`, also taking Keras' base-layer arguments trainable= (False freezes the layer
    once made, as `layer.trainable = False` does; a layer built later stays frozen) and
    dtype= (a Keras dtype policy, nn.layers.dtype_policy; without it the global policy),
    its arguments checked first: a TypeError names the layer's class (not a shared base's
    __init__) and what did not fit. A constructor naming dtype gets the policy's variable
    dtype, which its weights are made in (one taking **kwargs, the dtype given); a layer
    whose class reads dtype= its own way (`dtype_policies = False`) gets it as given."""
    signature = inspect.signature(init)
    names_dtype = "dtype" in signature.parameters
    default = signature.parameters["dtype"].default if names_dtype else None
    takes_dtype = names_dtype or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())

    @functools.wraps(init)
    def __init__(self, *args, trainable=None, **kwargs):
        outer = "_keras_constructing" not in vars(self)  # (not a base's, through super())
        policy = None
        if self.dtype_policies:
            given = kwargs.pop("dtype", None)
            policy = _policy_given(self, given, outer, default)
            if policy is not None and names_dtype:
                kwargs["dtype"] = policy.variable_dtype
            elif given is not None and takes_dtype:
                kwargs["dtype"] = given
        elif not takes_dtype:
            kwargs.pop("dtype", None)
        try:
            signature.bind(self, *args, **kwargs)
        except TypeError as error:
            raise TypeError(f"{type(self).__name__}: {error}") from None
        if policy is not None:
            apply_policy(self, policy)  # (before: the weights init makes follow it)
        object.__setattr__(self, "_keras_constructing", True)
        try:
            init(self, *args, **kwargs)
        finally:
            if outer:
                vars(self).pop("_keras_constructing")
        if self._dtype_policy is not None:  # (the weights init made in float32 regardless)
            apply_policy(self, self._dtype_policy)
        if trainable is not None:
            if not isinstance(trainable, (bool, np.bool_)):
                raise TypeError(f"{type(self).__name__}: trainable must be True or False, got "
                                f"{trainable!r}")
            self.trainable = bool(trainable)
    return __init__


def _policy_given(layer, dtype, outer, default):
    """The policy of a layer whose constructor got `dtype` (None: none; `default`: what that
    constructor's own dtype defaults to). The outermost constructor chooses: dtype=, else
    the global policy. A base's constructor (through super()) keeps that choice when given
    nothing, its default or the choice passed on; a dtype a subclass gives its base itself
    (`super().__init__(10, dtype="float64")`) wins."""
    who = type(layer).__name__
    if outer:
        return layer_policy(dtype, who)
    current = vars(layer).get("_dtype_policy")
    if dtype is None or _same_dtype(dtype, default):
        return current
    policy = dtype_policy(dtype, who)
    if current is not None and policy.name in (current.name, current.variable_dtype.name):
        return current
    return policy


def _same_dtype(dtype, default):
    """Whether `dtype` names the dtype `default` does (a policy or its dict does not)."""
    if default is None or default is inspect.Parameter.empty or isinstance(
            dtype, (dict, DTypePolicy)):
        return False
    try:
        return numpy_dtype(dtype) == numpy_dtype(default)
    except TypeError:
        return False


def _saving_policy(get_config):
    """`get_config`, its config also holding the dtype policy the layer was given (its
    name, which dtype= takes back; Keras writes the policy's dict, which dtype= takes too);
    None for a layer given none (a float64 one, from Module.to, says so)."""
    @functools.wraps(get_config)
    def with_policy(self):
        config = get_config(self)
        if self._dtype_policy is not None:
            config["dtype"] = self._dtype_policy.name
        elif self.dtype_policies and config.get("dtype") == "float32":
            config["dtype"] = None  # (none given: made from it, the layer casts nothing)
        return config
    with_policy._saves_policy = True
    return with_policy


def keras_name(layer):
    """The name a Keras-style layer was given (Keras' name=), or None (for a model too: its
    own name does not name its place in another)."""
    return layer._given_name if isinstance(layer, KerasNamed) else None


def given_name(obj):
    """The name a layer or a model was given (name=, what model.save writes), or None."""
    return obj._given_name if isinstance(obj, KerasName) else None


def snake_case(name):
    """A Keras class name ('AUC', 'KLDivergence', 'Conv2D') as Keras' snake_case default
    ('auc', 'kl_divergence', 'conv2d': Keras' to_snake_case, whose digits stay with the
    letters before them); a lowercase or non-identifier name as it is."""
    if name.islower() or not name.isidentifier():
        return name
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def layer_names(modules):
    """{child key: the layer's Keras name} for a model's children (`_modules`, or with the
    layers of a list or dict it holds under their dotted keys). A child held under its
    index or in a list (no name= given) gets its class's snake_case name, numbered per kind in
    the order the layers were made, as Keras numbers them ('dense', 'dense_1', ...; the
    model's order where it cannot tell), skipping names other layers hold; a named one
    (name=, a subclass's attribute; a model given a name, which is held under its index
    all the same) keeps its name. Keras numbers per session (a second model's first Dense is
    'dense_2'); here per model, so a model's names do not depend on what was built before
    it."""
    names = {key: key for key, layer in modules.items()
             if layer is None or not _held_by_position(key)}
    unnamed = []
    for key, layer in modules.items():
        if key not in names:
            if given_name(layer) is not None:
                names[key] = given_name(layer)
            else:
                unnamed.append((key, layer))
    taken, counts = set(names.values()), {}
    for key, layer in sorted(unnamed, key=lambda item: creation_rank(item[1])):
        base = snake_case(getattr(layer, "keras_operation", None) or type(layer).__name__)
        name = None
        while name is None or name in taken:
            n = counts.get(base, 0)
            counts[base] = n + 1
            name = base if n == 0 else f"{base}_{n}"
        taken.add(name)
        names[key] = name
    return {key: names[key] for key in modules}


def _held_by_position(key):
    """Whether a layer's key says nothing of its name: an index, or a place in a list or
    dict a model holds ('blocks.0', 'heads.a': Keras names those layers by their class)."""
    return key.isdigit() or "." in key


def creation_rank(layer):
    """Where `layer` comes in the order the layers were made (nn.Module._creation_rank)."""
    return vars(layer).get("_creation_rank", 0)


def creation_order(children):
    """The keys of `children` ((key, layer) pairs; a layer held twice once) in the order the
    layers were made, which model.save writes for restore_creation_order."""
    first = {}
    for key, layer in children:
        first.setdefault(id(layer), (creation_rank(layer), key))
    return [key for _, key in sorted(first.values(), key=lambda item: item[0])]


def restore_creation_order(layers):
    """Make `layers` (a model's, loaded or cloned: made anew in the order the model holds
    them) count as made in the order given, which creation_order wrote, so that they are
    named as before."""
    ranks = sorted(creation_rank(layer) for layer in layers)
    for layer, rank in zip(layers, ranks):
        object.__setattr__(layer, "_creation_rank", rank)


def size_from_input_shape(value, axis, who):
    """build's argument, as Keras gives it (the input's shape, the batch axis first and
    None where unknown: the size along `axis`) or as rungrad's own calls do (the size)."""
    if not isinstance(value, (tuple, list)):
        return value
    size = value[axis] if -len(value) <= axis < len(value) else None
    if size is None:
        raise ValueError(f"{who}.build: input_shape {tuple(value)} does not give the size of "
                         f"axis {axis}, which the layer's weights are made for")
    return int(size)


__all__ = ["KerasName", "KerasNamed", "KerasWeights", "keras_name", "given_name", "snake_case",
           "layer_names", "creation_rank", "creation_order", "restore_creation_order",
           "size_from_input_shape"]
