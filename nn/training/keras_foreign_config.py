"""Keras 3's own model configs (what real Keras writes in a `.keras` archive's config.json
and in `model.to_json()`), turned into nn.keras models with the same meaning.

Keras writes every object as {"module", "class_name", "config", "registered_name"}; a
Sequential's config lists its layers, a functional model's lists them with the calls that
made them (`inbound_nodes`, whose tensors name their source by `keras_history`: [layer
name, node index, tensor index]) and names its `input_layers` and `output_layers`. The
model is rebuilt through nn.keras' public API (keras.Input, the layers, keras.Model,
Sequential), so it is the model the same Keras code would make with rungrad.

Classes are found by name only, in nn.keras' namespaces (layers, initializers,
regularizers, constraints) or among the objects registered with nn.register /
register_keras_serializable or given as custom_objects: nothing a file names is imported,
and a Lambda layer's marshalled bytecode is never run. Keras' operations that a functional
config lists among its layers (keras.ops called on its tensors, and those Keras' masks make
through merge and attention layers) become nn.keras Operations, by their class name
(nn.keras.operations). A layer, operation, object or argument rungrad lacks is refused by
name; Keras' bookkeeping arguments that change nothing at the values
Keras writes by default (INERT) are dropped.

Dtype policies (nn.layers.dtype_policy) are read as Keras means them: each layer's as its
config says ("mixed_float16", "float16", "float64"; where any layer's is not float32, its
float32 ones too, which cast the float16 they get, as Keras' output layer of a mixed model
does), and each model's as its config records (the global policy Keras made it under: a
"mixed_float16" one makes compile wrap the optimizer in a LossScaleOptimizer, as Keras'
did before saving). A model of float32 policies only is read as before policies: its
layers cast nothing.
"""
import inspect

import numpy as np

from ..layers.config import lookup, lookup_custom, made_from_config
from ..layers.dtype_policy import dtype_policy

# Keras arguments with no counterpart in rungrad that change nothing at these values
INERT = {"quantization_config": None, "lora_rank": None, "lora_alpha": None,
         "sparse": False, "ragged": False, "optional": False, "stateful": False,
         "seed": None, "autocast": True, "input_axes": None, "output_axes": None,
         "renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99,
         "rms_scaling": False, "use_gate": False, "sliding_window": None}
# Keras arguments that change how a result is computed, never what it is
IMPLEMENTATION_ONLY = ("unroll", "use_cudnn")
# the namespaces of nn.keras that a Keras module's part names (keras.src.layers.core...)
_SPACES = ("layers", "initializers", "regularizers", "constraints", "losses", "metrics",
           "optimizers", "optimizers.schedules", "models", "dtype_policies",
           "applications.custom_layers")
_APPLICATION_LAYERS = "applications.custom_layers"  # (the layers Keras' applications define)
_POLICIES = ("DTypePolicy", "FloatDTypePolicy")
_MODELS = ("Sequential", "Functional", "Model")


def is_keras_written(config):
    """Whether a model's config (or to_json's document) was written by Keras itself: its
    objects carry a 'module', a functional one names 'input_layers'."""
    if not isinstance(config, dict):
        return False
    if "module" in config and isinstance(config.get("config"), dict):
        return True
    layers = config.get("layers")
    return "input_layers" in config or (isinstance(layers, list) and any(
        isinstance(entry, dict) and "module" in entry for entry in layers))


class KerasConfigReader:
    """Turns Keras' serialized objects into rungrad's; `custom_objects` as load_model's."""

    def __init__(self, custom_objects=None):
        self.custom = dict(custom_objects or {})
        self.exact_policies = False  # (set by a model config with a policy not float32)

    # ----- models -----
    def model(self, spec, kind=None):
        """The model of a {"class_name", "config"} document (or of a bare config, whose
        `kind` is "Sequential" or "Functional")."""
        if kind is None:
            kind = spec.get("class_name")
            spec = spec["config"]
        self.exact_policies = self.exact_policies or _has_other_policy(spec)
        if kind == "Sequential":
            return self._with_policy(self._sequential(spec), spec)
        if kind in ("Functional", "Model"):
            return self._with_policy(self._functional(spec), spec)
        raise ValueError(f"the config describes a {kind!r}: only Keras' Sequential and "
                         "functional models are read (a subclassed model's code is not in "
                         "the file)")

    def _sequential(self, config):
        from ..keras.functional import Input
        from .sequential import Sequential

        entries = list(config["layers"])
        first = []
        if entries and _class_name(entries[0]) == "InputLayer":
            first = [Input(**self._input_arguments(entries.pop(0)["config"]))]
        model = Sequential(first + [self.layer(entry) for entry in entries],
                           name=config.get("name"))
        shape = config.get("build_input_shape") or (config.get("build_config") or {}).get(
            "input_shape")
        if not first and shape is not None:  # (a model begun without keras.Input)
            model.build(tuple(shape))
        _set_trainable(model, config)
        return model

    def _functional(self, config):
        from ..keras.functional import Functional, Input

        built, nodes, pending, first_call = {}, {}, [], {}
        for entry in config["layers"]:
            name = entry.get("name") or entry["config"]["name"]
            if _class_name(entry) in ("Functional", "Model"):  # (see _endpoints)
                first_call[name] = 1
            if _class_name(entry) == "InputLayer":
                nodes[name] = [(Input(**self._input_arguments(entry["config"])),)]
                continue
            nodes[name] = []
            if is_operation(entry):  # (keras.ops called on the model's tensors)
                built[name], call = self.operation(entry)
                pending.append((name, call))
                continue
            built[name] = self.layer(entry)
            pending += [(name, _node_arguments(node)) for node in entry.get("inbound_nodes", [])]
        while pending:  # each call once its arguments exist (a shared layer's come later),
            # a layer's calls in their order: keras_history numbers them so
            ready = [item for i, item in enumerate(pending) if _available(item[1], nodes)
                     and all(name != item[0] for name, _ in pending[:i])]
            if not ready:
                raise ValueError(f"the calls of layers {sorted({n for n, _ in pending})} take "
                                 "tensors that no layer of the config makes")
            for item in ready:
                name, (args, kwargs) = item
                pending.remove(item)
                layer = built[name]
                out = layer(*_filled(args, nodes), **_call_options(layer, kwargs, nodes))
                nodes[name].append(tuple(out) if isinstance(out, (tuple, list)) else (out,))
        model = Functional(_endpoints(config["input_layers"], nodes, first_call),
                           _endpoints(config["output_layers"], nodes, first_call),
                           name=config.get("name"))
        _set_trainable(model, config)
        return model

    def _with_policy(self, model, config):
        """`model` given the policy its config records, where it records one (Keras'
        from_config gives it the global policy in force when loading instead, and its
        compile then neither wraps nor restores the optimizer of a mixed model)."""
        policy = self.value(config.get("dtype"), f"the model {config.get('name')!r}")
        if policy is not None:
            model.dtype_policy = policy
        return model

    def operation(self, entry):
        """(the nn.keras Operation of one of Keras' operations among a functional model's
        layers, its call's (args, kwargs)): the call's constants become the Operation's, its
        tensors stay its arguments (nn.keras.operations)."""
        from ..keras.layers.operation import Operation

        name, config = entry["class_name"], dict(entry["config"])
        layer_name = config.pop("name", None) or entry.get("name")
        what = f"the operation {name} {layer_name!r}"
        calls = entry.get("inbound_nodes") or []
        if len(calls) != 1:
            raise ValueError(f"{what}: Keras calls an operation once, the config has "
                             f"{len(calls)} call(s)")
        args, kwargs = _node_arguments(calls[0])
        if kwargs:
            args = _by_position(name, config, args, kwargs, what)
        tensors, constants = [], []
        for position, arg in enumerate(args):
            if _leaf_histories(arg):
                tensors.append(_only_tensors(arg, what))
            else:
                constants.append([position, _constant(self.value(arg, what), what)])
        if name == "Squeeze" and config.get("axis") is None:
            config["axis"] = _unit_axes(args[0] if args else None)
        return Operation(name, config, constants, name=layer_name), (tensors, {})

    def _input_arguments(self, config):
        """keras.Input's arguments of an InputLayer's config."""
        config = {key: self.value(v, "InputLayer") for key, v in config.items()}
        shape = config.pop("batch_shape", None) or config.pop("batch_input_shape", None)
        _refuse_unknown(config, {"dtype", "name"}, "InputLayer")
        return {"batch_shape": tuple(shape) if shape is not None else None,
                "dtype": config.get("dtype") or "float32", "name": config.get("name")}

    # ----- layers and objects -----
    def layer(self, entry):
        """The layer of one entry of a model's `layers` (or a nested layer's spec)."""
        name = _class_name(entry)
        if name in _MODELS and entry.get("registered_name") in (None, name):
            return self.model(entry["config"], "Sequential" if name == "Sequential"
                              else "Functional")
        if name == "Lambda":
            raise ValueError(f"the Lambda layer {entry['config'].get('name')!r} holds its "
                             "function as marshalled Python bytecode, which rungrad never "
                             "runs: rebuild that layer in code (a layer subclass, registered "
                             "with nn.register), then load the weights")
        from ..module import Module
        own = _space_of(entry.get("module")) == _APPLICATION_LAYERS  # (LayerScale, ...)
        cls = self.find(entry, _APPLICATION_LAYERS if own else "layers", Module)
        config = dict(entry["config"])
        trainable = config.pop("trainable", True)
        layer = self.construct(cls, config, f"the {name} layer {config.get('name')!r}")
        if trainable is False:
            layer.trainable = False
        return layer

    def construct(self, cls, config, what):
        """cls.from_config(config) (cls(**config) where it has none), as Keras makes each
        object, with Keras' nested objects made rungrad's; an argument rungrad lacks is
        refused by name, unless INERT at its value."""
        kwargs = {key: self.value(v, what) for key, v in config.items()}
        if kwargs.get("dtype") is not None and _policy_layer(cls):
            dtype_policy(kwargs["dtype"], what)  # (one rungrad lacks, bfloat16: named here)
        params = inspect.signature(cls).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            kwargs = _dropped_inert(kwargs, params, what, self._takes_policy(cls))
        try:
            return made_from_config(cls, kwargs)
        except TypeError as exc:
            raise ValueError(f"{what}: rungrad's {cls.__name__} does not take Keras' "
                             f"arguments {sorted(kwargs)} ({exc})") from None
        except NotImplementedError as exc:  # (an argument's value rungrad lacks)
            raise ValueError(f"{what}: {exc}") from None

    def _takes_policy(self, cls):
        """Whether cls's dtype= is to be given although its constructor does not name it:
        a Keras layer's base takes a policy (nn.layers.keras_name), given where a policy
        other than float32 is about (else float32's is dropped: the layer casts nothing)."""
        return self.exact_policies and _policy_layer(cls)

    def value(self, value, what):
        """A config's value with Keras' serialized objects made rungrad's."""
        if isinstance(value, list):
            return [self.value(v, what) for v in value]
        if not isinstance(value, dict):
            return value
        if "class_name" in value and "config" in value:
            return self.object(value, what)
        return {key: self.value(v, what) for key, v in value.items()}

    def object(self, spec, what):
        """One serialized object: a tuple or array, a dtype policy, a layer, an initializer,
        regularizer or constraint, a registered class or function."""
        name, config = spec["class_name"], spec["config"]
        if name == "__tuple__":
            return tuple(self.value(config["value"], what))
        if name == "__numpy__":
            return np.asarray(config["value"], dtype=config.get("dtype"))
        if name == "__slice__":  # (a GetItem key's: x[1:3])
            return slice(config.get("start"), config.get("stop"), config.get("step"))
        if name == "__ellipsis__":
            return Ellipsis
        if name == "__lambda__":
            raise ValueError(f"{what}: a lambda saved as marshalled Python bytecode, which "
                             "rungrad never runs; give it a name (def) and register it")
        if name in _POLICIES:
            return config["name"]
        if spec.get("module") == "builtins" and name == "function":  # a function by name
            return self.function(spec.get("registered_name") or config, what)
        space = _space_of(spec.get("module"))
        if space == "layers" or name in _MODELS:
            return self.layer(spec)
        cls = self.find(spec, space, object)
        return self.construct(cls, config, f"{what}: its {name}")

    def find(self, spec, space, base):
        """The class a Keras spec names: one given in custom_objects, nn.keras' own of that
        name in `space` (Keras' built-ins carry no registered name but their own), else
        one registered by its registered name or class name; refused by name if none."""
        name, registered = spec["class_name"], spec.get("registered_name")
        keys = [key for key in (registered, name) if isinstance(key, str)]
        candidates = [self.custom.get(key) for key in keys]
        if registered in (None, name):
            candidates.append(_keras_class(space, name, base))
        candidates += [lookup_custom(key, self.custom) for key in keys]
        for found in candidates:
            if isinstance(found, type) and issubclass(found, base):
                return found
        raise ValueError(f"unknown {_what_of(space)} {registered or name!r} (Keras module "
                         f"{spec.get('module')!r}): rungrad has no such class; a class of "
                         "one's own must be registered (nn.register, keras.saving."
                         "register_keras_serializable) or given in custom_objects")

    def function(self, name, what):
        found = lookup(name, "function", self.custom) if isinstance(name, str) else None
        if not callable(found):
            raise ValueError(f"{what}: unknown function {name!r}: register it (nn.register) "
                             "or give it in custom_objects")
        return found


def is_operation(entry):
    """Whether an entry of a functional model's layers is one of Keras' operations (a call
    of keras.ops on its tensors; module keras.src.ops.numpy, ...)."""
    module = entry.get("module") if isinstance(entry, dict) else None
    return isinstance(module, str) and module.startswith(("keras.src.ops.", "keras.ops."))


def _only_tensors(arg, what):
    """An operation's argument that holds tensors: one, or a list of nothing else."""
    if _history(arg) is not None or (isinstance(arg, list) and all(
            _history(item) is not None for item in arg)):
        return arg
    raise ValueError(f"{what}: an argument mixes the model's tensors with other values "
                     f"({arg!r}), which rungrad does not read")


def _constant(value, what):
    """An operation's constant argument: a number, a bool, a string, None, a slice or
    Ellipsis (a GetItem key's), lists of them, nested too (ops.take's indices), or an array
    of numbers (Keras' __numpy__ value: Average's weights) (what model.save writes by
    value)."""
    if _plain(value):
        return _as_lists(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return value
    raise ValueError(f"{what}: its constant argument {value!r} ({type(value).__name__}) is "
                     "not one rungrad reads (a number, a string, None, a slice, lists of them "
                     "or an array of numbers)")


_PLAIN = (bool, int, float, str, type(None), slice, type(Ellipsis))


def _plain(value):
    """Whether `value` is a plain constant, or a list or tuple of plain ones (nested too)."""
    if isinstance(value, (list, tuple)):
        return all(_plain(item) for item in value)
    return isinstance(value, _PLAIN)


def _as_lists(value):
    return [_as_lists(item) for item in value] if isinstance(value, (list, tuple)) else value


def _unit_axes(arg):
    """Squeeze(axis=None)'s axes as Keras builds it: those of size 1 in its input's recorded
    shape, the batch axis aside (a batch of one is not squeezed), None where unrecorded."""
    shape = (arg or {}).get("config", {}).get("shape") if isinstance(arg, dict) else None
    if not shape:
        return None
    return [axis for axis, size in enumerate(shape) if axis > 0 and size == 1]


def _keras_class(space, name, base):
    """nn.keras' public class `name` of the namespace `space`, None if it has none."""
    import importlib
    if space not in _SPACES or not name.isidentifier() or name.startswith("_"):  # (a fixed set:
        # nothing a file names is imported)
        return None
    module = importlib.import_module(f"nn.keras.{space}")
    found = getattr(module, name, None)
    return found if isinstance(found, type) and issubclass(found, base) else None


def _policy_layer(cls):
    """Whether cls is a Keras layer whose dtype= is a dtype policy (nn.layers.keras_name)."""
    from ..layers.keras_name import KerasNamed
    return isinstance(cls, type) and issubclass(cls, KerasNamed) and cls.dtype_policies


def _space_of(module):
    """The nn.keras namespace of a Keras module path ("keras.src.layers.core.dense")."""
    parts = (module or "").split(".")
    if "schedules" in parts:
        return "optimizers.schedules"
    if "applications" in parts:  # (ConvNeXt's LayerScale, InceptionResNetV2's own layer)
        return _APPLICATION_LAYERS
    return next((part for part in parts if part in _SPACES), None)


def _what_of(space):
    return {"layers": "layer", _APPLICATION_LAYERS: "layer",
            "initializers": "initializer", "regularizers": "regularizer",
            "constraints": "constraint", "losses": "loss", "metrics": "metric",
            "optimizers": "optimizer", "optimizers.schedules": "learning-rate schedule"}.get(
                space, "class")


def _class_name(entry):
    name = entry.get("class_name") if isinstance(entry, dict) else None
    if not isinstance(name, str):
        raise ValueError(f"expected a Keras object {{'class_name', 'config'}}, got {entry!r}")
    return name


def _dropped_inert(kwargs, params, what, takes_policy=False):
    """kwargs less Keras' arguments the class does not take that change nothing (INERT at
    their value, IMPLEMENTATION_ONLY, a dtype of float32); any other is refused. With
    `takes_policy`, dtype= is kept (the Keras layer base takes it)."""
    kept = {}
    for key, value in kwargs.items():
        if key in params or (key == "dtype" and takes_policy and value is not None):
            kept[key] = value
        elif not (key in IMPLEMENTATION_ONLY or (key in INERT and value == INERT[key])
                  or (key == "dtype" and value in (None, "float32"))):
            raise ValueError(f"{what}: Keras' argument {key}={value!r} has no counterpart in "
                             "rungrad (it would change what the layer computes)")
    return kept


def _has_other_policy(config):
    """Whether a model's config gives it, or a layer in it, a dtype policy other than
    float32 (an InputLayer's dtype is its data's, not a policy)."""
    if isinstance(config, list):
        return any(_has_other_policy(item) for item in config)
    if not isinstance(config, dict):
        return False
    if config.get("class_name") in _POLICIES:
        return isinstance(config.get("config"), dict) and \
            config["config"].get("name") not in (None, "float32")
    if config.get("class_name") == "InputLayer":
        return False
    dtype = config.get("dtype")
    if isinstance(dtype, str) and dtype != "float32":
        return True
    return any(_has_other_policy(value) for value in config.values())


def _refuse_unknown(config, known, what):
    for key, value in config.items():
        if key not in known and not (key in INERT and value == INERT[key]):
            raise ValueError(f"{what}: Keras' argument {key}={value!r} has no counterpart in "
                             "rungrad")


def _set_trainable(model, config):
    if config.get("trainable") is False:
        model.trainable = False


# ----- a functional model's calls -----

def _by_position(name, config, args, kwargs, what):
    """An operation's call arguments given by keyword (Average's `weights`, Pad's
    `constant_values`) placed at their positions in rungrad's function of it, the positions
    between taking its defaults."""
    from ..keras.operations import operation  # (nn.keras is loaded with Keras' files only)

    params = inspect.signature(operation(name, config, what)).parameters
    order = [key for key in params if key not in config]
    args = list(args)
    for key, value in kwargs.items():
        if key not in order:
            raise ValueError(f"{what}: called with the keyword argument {key!r}, which "
                             f"rungrad's {name} does not take")
        position = order.index(key)
        while len(args) <= position:
            args.append(params[order[len(args)]].default)
        args[position] = value
    return args

def _node_arguments(node):
    """(args, kwargs) of one inbound node: Keras 3's {"args", "kwargs"}, or the older list
    of [layer name, node index, tensor index, kwargs] (a list of them: one argument)."""
    if isinstance(node, dict):
        return list(node.get("args", [])), dict(node.get("kwargs", {}))
    refs = [{"keras_history": item[:3]} for item in node]
    kwargs = node[0][3] if node and len(node[0]) > 3 else {}
    return ([refs[0]] if len(refs) == 1 else [refs]), dict(kwargs)


def _history(value):
    """A tensor's (layer name, node index, tensor index), None for another value."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return tuple(value["config"]["keras_history"])
        if set(value) == {"keras_history"}:
            return tuple(value["keras_history"])
    return None


def _leaf_histories(value):
    found = _history(value)
    if found is not None:
        return [found]
    items = value.values() if isinstance(value, dict) else value if isinstance(
        value, list) else ()
    return [h for item in items for h in _leaf_histories(item)]


def _available(arguments, nodes):
    return all(name in nodes and node < len(nodes[name])
               for name, node, _ in _leaf_histories(list(arguments)))


def _filled(value, nodes):
    """`value` with each Keras tensor replaced by the KerasTensor made for it."""
    found = _history(value)
    if found is not None:
        return _tensor(found, nodes, "call argument")
    if isinstance(value, list):
        return [_filled(v, nodes) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, nodes) for k, v in value.items()}
    return value


def _call_options(layer, kwargs, nodes):
    """A call's keyword arguments; Keras records mask=None (and other None defaults) on
    every call, which a layer without that argument goes without, and the mask it passed
    (mask=<tensor>: TimeDistributed's), which such a layer could not use (its output's mask
    is made from its input's, nn.training.masking). A recorded `training` (True on each call
    of an augmentation layer, its default) is dropped: Keras' fit and predict override it
    with their own, as the model's mode does here."""
    taken = inspect.signature(layer.forward).parameters
    open_ended = any(p.kind is p.VAR_KEYWORD for p in taken.values())
    return {key: _filled(value, nodes) for key, value in kwargs.items() if key != "training"
            and (key in taken or open_ended or (value is not None and key != "mask"))}


def _endpoints(refs, nodes, first_call):
    """A model's inputs or outputs: one [name, node, index], a list of them, or a dict.
    Keras numbers a nested functional model's nodes here from 1 (`first_call`), its node 0
    being the one it was made with; a call's arguments number them from 0."""
    if isinstance(refs, dict):
        return {key: _endpoints(ref, nodes, first_call) for key, ref in refs.items()}
    if refs and isinstance(refs[0], str):
        name, node, index = refs[:3]
        return _tensor((name, node - first_call.get(name, 0), index), nodes,
                       "model input or output")
    return [_endpoints(ref, nodes, first_call) for ref in refs]


def _tensor(history, nodes, what):
    """The KerasTensor of (layer name, call, output index); a clear error where the config
    names a call or an output that its layers do not make."""
    name, node, index = history
    calls = nodes.get(name)
    if calls is None:
        raise ValueError(f"the config's {what} names a layer {name!r} that it lacks")
    made = calls[node] if isinstance(node, int) and 0 <= node < len(calls) else ()
    if not (isinstance(index, int) and 0 <= index < len(made)):
        raise ValueError(f"the config's {what} names output {index!r} of call {node!r} of "
                         f"layer {name!r}, which makes {len(calls)} call(s)"
                         + (f", that one {len(made)} output(s)" if made else ""))
    return made[index]


__all__ = ["KerasConfigReader", "is_keras_written", "INERT"]
