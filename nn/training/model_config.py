"""A model as JSON plus arrays, and back: what `model.save` writes and `nn.load_model` reads.

`Writer.module(model)` gives the architecture: each layer's class name and `get_config()`
(Sequential and ModuleList as their list of named layers, nn.keras' functional model as its
layers and the graph of their calls; a layer met again in them, tied weights, as
`{"same_as": [path]}`, its first place); `Writer.parametrizations(model)` the
parametrizations registered on any of its modules (nn.utils.parametrize: each layer is
written as the class it was before, and the chains are registered again on the rebuilt
model, which then loads their originals); `Writer.compiled(model)` the compile settings
with the optimizer's hyperparameters and state. Values JSON has no type for are tagged: a
tuple `{"__tuple__": [...]}`, an array `{"__array__": i}` (the i-th array of the file; in
get_config's JSON, which has no file beside it, `{"__array__": {"dtype", "shape",
"values"}}`), a dtype, a class or function by name, a nested layer. `Reader` reverses each step,
finding classes and functions only by name (nn.layers.config.lookup): nothing is imported
or executed that the name does not designate.
"""
import inspect
from collections import OrderedDict

import numpy as np

import optim
from autograd.backend import to_cpu
from autograd.own_code import rungrads_own
from autograd.user_warnings import user_warning

from ..containers import ModuleList
from ..layers.config import (
    custom_object_scope,
    init_config,
    lookup,
    made_from_config,
    name_of,
    saved_name,
    takes_no_arguments,
    unnamed_error,
)
from ..layers.keras_name import (
    KerasName,
    creation_order,
    given_name,
    restore_creation_order,
)
from ..module import Module
from ..stored_array import read_stored
from ..utils import parametrizations as _parametrizations
from ..utils.parametrize import (
    is_parametrized,
    register_parametrization,
    type_before_parametrizations,
)
from ..utils.weight_hooks import weight_hooks
from .losses import resolve_loss
from .metrics import resolve_metrics
from .model import Model, _functional_form
from .optimizers import LossScaleOptimizer
from .sequential import Sequential

_CONTAINERS = {"Sequential": Sequential, "ModuleList": ModuleList}
_SAVE_WEIGHTS = "save the weights alone with model.save_weights(path) instead"
# a Keras optimizer's state_dict entry of its exclude_from_weight_decay rule
# (nn/keras/optimizers/decay_exclusion.py)
_DECAY_EXCLUSION = "exclude_from_weight_decay"


class Writer:
    """Turns a model into JSON-able specs, collecting the arrays they refer to."""

    def __init__(self, who="model.save", inline_arrays=False):
        self.arrays = []
        # arrays within the JSON itself (get_config's: no file beside it holds them)
        self.inline_arrays = inline_arrays
        self.placed = {}  # id(layer) -> the container path where it was first written
        self.who = who  # (what errors name: model.save, clone_model)
        # name -> a user's class or function saved by its name unregistered (loading needs it
        # in custom_objects; clone_model hands these over itself)
        self.unregistered = {}

    # ----- the architecture -----
    def module(self, module, where="the model", path=()):
        cls = type_before_parametrizations(module)  # (Writer.parametrizations: the chains)
        functional = callable(getattr(module, "graph_config", None))  # nn.keras' Model(in, out)
        if is_container(module):
            spec = {"class_name": "Functional" if functional else cls.__name__,
                    "layers": [dict(name=name, **self._child(child, path + (name,)))
                               for name, child in module._held_children()]}
            if isinstance(module, KerasName):  # a model: its unnamed layers' Keras names
                # number them in the order they were made, not the one a load makes them in
                spec["made"] = creation_order(module._held_children())
            if functional:
                spec["graph"] = self.value(module.graph_config(), "the model's graph")
                subclass = _users_class(cls)
                if subclass is not None:  # (its train_step, ...: made again on loading)
                    spec["subclass"] = self._saved_name(subclass, type)
            if given_name(module) is not None:  # the model's (Keras') name, if given
                spec["model_name"] = given_name(module)
            return spec
        _refuse_ddp(cls, where, self.who)
        _refuse_weight_hooks(module, where, self.who)
        name = self._saved_name(cls, type)
        if name is None:
            raise unnamed_error(self.who, f"{where}, a {cls.__qualname__},", cls.__name__,
                                _SAVE_WEIGHTS)
        config = _config_of(module, where, self.who)
        for inner in module.modules():  # a config may name the layers inside (RNN's cell):
            if inner is not module:  # those of one's own go to clone_model too
                self._saved_name(type(inner), type)
        return {"class_name": name, "config": self.value(config, where)}

    def _child(self, child, path):
        """A container's child; one written before (a layer used twice) by reference."""
        if id(child) in self.placed:
            return {"same_as": list(self.placed[id(child)])}
        self.placed[id(child)] = path
        return self.module(child, f"layer {'.'.join(path)!r}", path)

    def parametrizations(self, model):
        """[{"path", "tensor", "unsafe", "chain"}] for each parametrized tensor of `model`'s
        modules, the chain's entries in order: rungrad's own as the function registering
        them and its arguments, a user's as its class and config."""
        entries = []
        for path, module in model.named_modules():
            if not is_parametrized(module):
                continue
            for tensor, chain in module.parametrizations.items():
                where = f"the parametrization of {tensor!r} on {path or 'the model'}"
                entries.append({"path": path, "tensor": tensor, "unsafe": chain.unsafe,
                                "chain": [self._parametrization(p, where) for p in chain]})
        return entries

    def _parametrization(self, parametrization, where):
        saved_as = getattr(parametrization, "saved_as", None)
        if saved_as is not None:
            function, arguments = saved_as()
            return {"register": function, "arguments": self.value(arguments, where)}
        return self.module(parametrization, where)

    # ----- compile settings -----
    def compiled(self, model, include_optimizer=True):
        """The optimizer, loss and metrics of a compiled Model; None when not compiled (the
        loss None for a model compiled without one, writing its own steps). A model of
        several outputs has them per output, as dicts keyed by the outputs' names.
        Without include_optimizer the optimizer's state is left out (Keras': its settings
        stay, and a loaded model starts it afresh)."""
        loss = getattr(model, "compiled_loss", None)
        if loss is None and not getattr(model, "compiled", False):
            return None
        settings = {"optimizer": self.optimizer(model.optimizer, model, include_optimizer),
                    "steps_per_execution": model.steps_per_execution,
                    "jit_compile": getattr(model, "_captured_update", None) is not None}
        if loss is None:  # compiled without one: the model's own train_step computes it
            return {**settings, "loss": None, "loss_weights": None,
                    **{key: [] for key, _ in _METRIC_KINDS}}
        if loss.per_output_logs:  # (nn.training.multi_output)
            names = loss.names
            return {**settings,  # (the loss dict in its order: the losses are logged so)
                    "loss": {names[k]: None if loss.losses[k] is None else
                             self.loss(loss.losses[k]) for k in loss.order},
                    "loss_weights": dict(zip(names, loss.weights)),
                    **{key: {n: self.metrics(m, weighted) for n, m in zip(names, loss.metrics)}
                       for key, weighted in _METRIC_KINDS}}
        return {**settings, "loss": self.loss(loss), "loss_weights": loss.weight,
                **{key: self.metrics(model.compiled_metrics, weighted)
                   for key, weighted in _METRIC_KINDS}}

    def loss(self, loss):
        """A compiled loss: a Keras loss object, a loss by name, or a function."""
        if loss.keras_object is not None:
            return self.keras_object(loss.keras_object)
        return _known_name(loss, resolve_loss) or self.value(loss.fn, "the loss")

    def metrics(self, compiled, weighted):
        """The compiled metrics given as `weighted_metrics` (weighted) or as `metrics`."""
        return [self.metric(m) for m in compiled if m.weighted == weighted]

    def metric(self, compiled):
        """A compiled metric: a Keras metric object by class and config (its state is not
        saved: compile's metrics start afresh at each epoch), a named one by its name, a
        function by its name."""
        where = f"the metric {compiled.name!r}"
        if getattr(compiled, "given", None) is not None:  # a weighted metric by name
            return compiled.given
        if getattr(compiled, "keras_object", None) is not None:
            return self.keras_object(compiled.keras_object, where)
        return _known_name(compiled, lambda n: resolve_metrics([n])[0]) or \
            self.value(compiled.fn, where)

    def optimizer(self, opt, model, with_state=True):
        if isinstance(opt, LossScaleOptimizer):  # the inner one, with the scale's settings
            spec = self.optimizer(opt.inner_optimizer, model, with_state)
            spec["loss_scale"] = opt.get_config()
            if with_state:
                spec["loss_scale_state"] = opt.loss_scale_state()
            return spec
        cls = type(opt)
        name = self._saved_name(cls, type, taken=lambda key: getattr(optim, key, None))
        if name is None:
            raise TypeError(f"{self.who}: the optimizer {cls.__qualname__}'s name "
                            f"{cls.__name__!r} is one of optim's or taken: register it under "
                            f"another, @nn.register(name=...); {_SAVE_WEIGHTS}")
        names = {id(p): n for n, p in model.named_parameters()}
        held = [p for group in opt.param_groups for p in group["params"]]
        if any(id(p) not in names for p in held):
            raise ValueError(f"{self.who}: the optimizer holds parameters that are not the "
                             f"model's; {_SAVE_WEIGHTS}")
        state = opt.state_dict()  # parameters numbered in `held` order
        spec = {"class_name": name, "defaults": self.value(opt.defaults, "the optimizer"),
                "params": [names[id(p)] for p in held],
                "param_groups": self.value(state["param_groups"], "the optimizer"),
                "state": [[i, self.value(s, "the optimizer state")]
                          for i, s in state["state"].items()] if with_state else []}
        if hasattr(opt, "keras_options"):  # what its groups do not hold (clipping, name)
            spec["keras_options"] = self.value(opt.keras_options, "the optimizer")
        if "iterations" in state and with_state:  # (a Keras optimizer's count, which its
            spec["iterations"] = state["iterations"]  # schedule and bias corrections go on from)
        if _DECAY_EXCLUSION in state:  # (a setting, kept with or without the state)
            spec[_DECAY_EXCLUSION] = self.value(state[_DECAY_EXCLUSION], "the optimizer")
        return spec

    def keras_object(self, obj, where="the loss"):
        """A Keras object (a loss of nn.keras.losses, a metric of nn.keras.metrics, an
        initializer) by its class and get_config()."""
        cls = type(obj)
        _refuse_ddp(cls, where, self.who)
        name = self._saved_name(cls, type)
        if name is None:
            raise TypeError(f"{self.who}: {where}, a {cls.__qualname__}, has a name "
                            f"{cls.__name__!r} that is nn.keras' own or taken: register it "
                            f"under another, @nn.register(name=...); {_SAVE_WEIGHTS}")
        return {"__keras__": [name, self.value(obj.get_config(), f"{where} ({name})")]}

    def _saved_name(self, obj, kind, taken=None):
        """saved_name's, noting a user's object saved unregistered in self.unregistered."""
        name = saved_name(obj, kind, taken)
        if name is not None and name_of(obj, kind) is None:
            self.unregistered[name] = obj
        return name

    # ----- values -----
    def value(self, value, where):
        """`value` as JSON, arrays collected in self.arrays; a TypeError for what cannot be
        saved by value or by name."""
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)):
            return float(value)
        if isinstance(value, (tuple, list)):
            items = [self.value(v, where) for v in value]
            return {"__tuple__": items} if isinstance(value, tuple) else items
        if isinstance(value, dict):
            return self._dict(value, where)
        if isinstance(value, np.dtype) or (isinstance(value, type)
                                           and issubclass(value, np.generic)):
            return {"__dtype__": np.dtype(value).name}
        if isinstance(value, Module):
            return {"__layer__": self.module(value, where)}
        if hasattr(value, "get_config") and name_of(type(value), type) is not None:
            return self.keras_object(value, where)  # (an initializer given as an object)
        if hasattr(value, "shape") and hasattr(value, "dtype"):
            array = np.asarray(to_cpu(value))  # to_cpu unwraps a Variable
            if self.inline_arrays:
                return {"__array__": _inline(array, where, self.who)}
            self.arrays.append(array)
            return {"__array__": len(self.arrays) - 1}
        if callable(value):
            return self._by_name(value, where)
        raise TypeError(f"{self.who}: {where}: cannot save a {type(value).__name__} "
                        f"({value!r}) in a config; {_SAVE_WEIGHTS}")

    def _dict(self, value, where):
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"{self.who}: {where}: config keys must be strings, got "
                            f"{sorted(map(repr, value))}")
        if len(value) == 1 and next(iter(value)) in _TAGS:
            raise ValueError(f"{self.who}: {where}: the key {next(iter(value))!r} is reserved")
        return {k: self.value(v, f"{where}: {k!r}") for k, v in value.items()}

    def _by_name(self, obj, where):
        kind = type if isinstance(obj, type) else "function"
        name = self._saved_name(obj, kind)
        if name is None:
            shown = getattr(obj, "__qualname__", type(obj).__name__)
            if shown == "<lambda>":
                shown = "a lambda (give it a name with def)"
            raise unnamed_error(self.who, f"{where}: {shown}", getattr(obj, "__name__", shown),
                                _SAVE_WEIGHTS)
        return {"__class__" if kind is type else "__function__": name}


class Reader:
    """Rebuilds what Writer wrote; `arrays` are the file's arrays in order."""

    def __init__(self, arrays, custom_objects=None):
        self.arrays = arrays
        self.custom = dict(custom_objects or {})
        self.placed = {}  # container path -> the layer built there

    def module(self, spec, path=()):
        if not isinstance(spec, dict):
            raise ValueError(f"a layer's entry must be an object, got {spec!r}")
        name = spec["class_name"]
        if not isinstance(name, str):
            raise ValueError(f"a class_name must be a string, got {name!r}")
        if "layers" in spec:
            container = _CONTAINERS.get(name)
            if container is None and name == "Functional":  # (nn.keras, loaded for it)
                from ..keras.functional import Functional as container
            if container is None:
                raise ValueError(f"unknown container {name!r}")
            children = OrderedDict((item["name"], self._child(item, path + (item["name"],)))
                                   for item in spec["layers"])
            if name == "Functional":
                model = container.from_graph(children, self.value(spec["graph"]),
                                             spec.get("model_name"))
                if spec.get("subclass") is not None:
                    as_subclass(model, self._class(spec["subclass"], Model, "model"))
            elif container is Sequential:
                model = Sequential(children, name=spec.get("model_name"))
            else:
                return ModuleList(children.values())
            if spec.get("made") is not None:  # (a file from before has none: the layers
                # count as made in the order the load made them, the order they are held in)
                restore_creation_order([children[key] for key in spec["made"]])
                model.name_layers()
            return model
        cls = self._class(name, Module, "layer")
        config = self.value(spec["config"])
        try:
            with custom_object_scope(self.custom):  # (for the layers its config names)
                return made_from_config(cls, config)
        except Exception as exc:  # the class's own check of its arguments
            raise ValueError(f"cannot rebuild {name} from its config {config}: "
                             f"{type(exc).__name__}: {exc}") from None

    def parametrize(self, model, entries):
        """Register again on the rebuilt `model` the chains Writer.parametrizations wrote
        (their originals are the saved weights, loaded next)."""
        modules = dict(model.named_modules())
        for entry in entries:
            module, tensor = modules[entry["path"]], entry["tensor"]
            for item in entry["chain"]:
                if "register" in item:
                    register = _parametrizations.REGISTERING[item["register"]]
                    register(module, tensor, **self.value(item["arguments"]))
                else:
                    register_parametrization(module, tensor, self.module(item),
                                             unsafe=entry["unsafe"])

    def _child(self, spec, path):
        if isinstance(spec, dict) and "same_as" in spec:  # a layer used again: the same object
            first = tuple(spec["same_as"]) if isinstance(spec["same_as"], list) else None
            if first not in self.placed:
                raise ValueError(f"layer {'.'.join(path)!r} refers to {spec['same_as']!r}, "
                                 "which comes nowhere before it")
            return self.placed[first]
        self.placed[path] = child = self.module(spec, path)
        return child

    def compile(self, model, spec):
        """Compile `model` as it was, with the optimizer's state restored; per-output dicts
        saved under the keys older versions gave a layer's several outputs take the model's
        (a functional model's renamed_from_older_keys)."""
        opt = self.optimizer(spec["optimizer"], model)
        per_output = {field: spec.get(field) for field in
                      ("loss", "metrics", "loss_weights", "weighted_metrics")}
        used = [k for value in per_output.values() if isinstance(value, dict) for k in value]
        renamed = getattr(model, "renamed_from_older_keys", lambda used: {})(used)
        spec = {**spec, **{field: {renamed.get(k, k): v for k, v in value.items()}
                           for field, value in per_output.items() if isinstance(value, dict)}}
        model.compile(optimizer=opt, loss=self.value(spec["loss"]),
                      metrics=self.metrics(spec["metrics"]),
                      jit_compile=bool(spec.get("jit_compile", False)),
                      loss_weights=spec.get("loss_weights"),
                      steps_per_execution=spec.get("steps_per_execution", 1),
                      weighted_metrics=self.metrics(spec.get("weighted_metrics", [])))

    def metrics(self, spec):
        """compile's metrics from their spec: a list, or a dict of lists by output."""
        if isinstance(spec, dict):
            return {name: self.metrics(part) for name, part in spec.items()}
        return [self.value(m) for m in spec]

    def optimizer(self, spec, model):
        cls = self._class(spec["class_name"], optim.Optimizer, "optimizer")
        if cls is optim.Optimizer:  # (the base class updates nothing)
            raise ValueError("the optimizer class 'Optimizer' is the base class, which "
                             "updates nothing; the file names no optimizer of its own")
        named = dict(model.named_parameters())
        missing = [n for n in spec["params"] if n not in named]
        if missing:
            raise ValueError(f"the optimizer's parameters {missing} are not in the model")
        held = [named[n] for n in spec["params"]]
        groups = self.value(spec["param_groups"])
        defaults = self.value(spec["defaults"])
        accepted = inspect.signature(cls.__init__).parameters
        kwargs = {k: v for k, v in defaults.items() if k in accepted}
        params = [{"params": [held[i] for i in g["params"]]} for g in groups]
        if "keras_options" in spec:  # nn.keras.optimizers': made as Keras makes them
            first, *added = params or [{"params": []}]
            opt = cls(**self.value(spec["keras_options"])).bind(first["params"])
            for group in added:  # (groups added by hand; load_state_dict sets their options)
                opt.add_param_group(group)
        else:
            opt = cls(params, **kwargs) if held else cls(**kwargs)
        saved = {"param_groups": groups, "iterations": spec.get("iterations", 0),
                 "state": {i: self.value(s) for i, s in spec["state"]}}
        if _DECAY_EXCLUSION in spec:
            saved[_DECAY_EXCLUSION] = self.value(spec[_DECAY_EXCLUSION])
        opt.load_state_dict(saved)
        if "loss_scale" in spec:  # (mixed precision's: nn.keras.optimizers.loss_scale)
            opt = LossScaleOptimizer(opt, **spec["loss_scale"])
            if "loss_scale_state" in spec:
                opt.set_loss_scale_state(spec["loss_scale_state"])
        return opt

    def value(self, value):
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1 and next(iter(value)) in _TAGS:
            tag, body = next(iter(value.items()))
            return _DECODE[tag](self, body)
        return {k: self.value(v) for k, v in value.items()}

    def _function(self, name):
        found = lookup(name, "function", self.custom)
        if found is None or not callable(found):
            raise ValueError(f"unknown function {name!r}: pass custom_objects={{{name!r}: "
                             "the function} (or register it with @nn.register)")
        return found

    def _class(self, name, base, what):
        found = lookup(name, type, self.custom)
        if found is None and base is optim.Optimizer:
            found = getattr(optim, name, None) if name.isidentifier() else None
        if not (isinstance(found, type) and issubclass(found, base)):
            raise ValueError(f"unknown {what} class {name!r}: pass custom_objects={{{name!r}: "
                             "the class} (or register it with @nn.register)")
        return found

    def stored(self, index):
        """Array `index` as given: a file's StoredArray is not read (load_state_dict reads
        a weight once its header fits the parameter: nn.stored_array)."""
        if not isinstance(index, int) or not 0 <= index < len(self.arrays):
            raise ValueError(f"the config refers to array {index!r}, which the file lacks")
        return self.arrays[index]

    def _array(self, index):
        if isinstance(index, dict):  # (written inline: get_config's)
            return _from_inline(index)
        return read_stored(self.stored(index))


_DECODE = {
    "__tuple__": lambda reader, items: tuple(reader.value(items)),
    "__array__": Reader._array,
    "__dtype__": lambda reader, name: np.dtype(name),
    "__layer__": Reader.module,
    "__class__": lambda reader, name: reader._class(name, object, "class"),
    "__keras__": lambda reader, spec: made_from_config(
        reader._class(spec[0], object, "class"), reader.value(spec[1])),
    "__function__": Reader._function,
}
_TAGS = tuple(_DECODE)


def is_container(module):
    """Whether Writer writes `module` as its list of layers (and a functional model's graph
    of their calls), not as its class and get_config(): Sequential itself (a subclass is
    rebuilt by its own constructor), ModuleList and nn.keras' functional models."""
    return callable(getattr(module, "graph_config", None)) or \
        type_before_parametrizations(module) in _CONTAINERS.values()


# the kinds of array an inline one may be: numbers and text (tolist() gives JSON's types)
_INLINE_KINDS = "biufU"


def _inline(array, where, who):
    """An array as JSON itself: {"dtype", "shape", "values"} (the shape kept for an empty one)."""
    if array.dtype.kind not in _INLINE_KINDS:
        raise TypeError(f"{who}: {where}: cannot write an array of dtype {array.dtype} in a "
                        "config (numbers and text only)")
    return {"dtype": array.dtype.str if array.dtype.kind == "U" else array.dtype.name,
            "shape": list(array.shape), "values": array.tolist()}


def _from_inline(body):
    """The array _inline wrote, checked: a known dtype of those kinds, values of its shape."""
    if not isinstance(body, dict) or set(body) != {"dtype", "shape", "values"}:
        raise ValueError(f"an inline array must be {{'dtype', 'shape', 'values'}}, got {body!r}")
    try:
        dtype = np.dtype(body["dtype"])
    except (TypeError, ValueError):
        dtype = None
    if dtype is None or dtype.kind not in _INLINE_KINDS:
        raise ValueError(f"an inline array's dtype must be a number or text type, got "
                         f"{body['dtype']!r}")
    shape = body["shape"]
    if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)):
        raise ValueError(f"an inline array's shape must be a list of sizes, got {shape!r}")
    values = np.asarray(body["values"], dtype=dtype)
    if values.size == 0 and 0 in shape:  # (an empty array's values keep no shape)
        values = values.reshape(shape)
    if values.shape != tuple(shape):
        raise ValueError(f"an inline array's values have shape {values.shape}, not its "
                         f"shape {tuple(shape)}")
    return values


def _refuse_weight_hooks(module, where, who):
    """weight_norm and spectral_norm store a weight under other names (weight_g, weight_v;
    weight_orig, ...): the layer rebuilt from its config, without the hook, could not load
    them, so the model is refused here rather than when loaded (nor cloned without it)."""
    hooks = weight_hooks(module)
    if hooks:
        kind = type(hooks[0]).__name__
        remover = {"WeightNorm": "remove_weight_norm", "SpectralNorm": "remove_spectral_norm"}
        advice = (f"nn.utils.{remover[kind]}(layer) before saving (and apply it again after "
                  f"loading), or " if kind in remover else "")
        raise TypeError(f"{who}: {where} has a {kind} hook on {hooks[0].name!r}, which is not "
                        f"kept (the layer is rebuilt from its config); {advice}{_SAVE_WEIGHTS}")


def _refuse_ddp(cls, where, who):
    if cls.__name__ == "DistributedDataParallel":
        raise TypeError(f"{who}: {where} is a DistributedDataParallel wrapper; save the model "
                        "it wraps, ddp.module (as PyTorch saves ddp.module.state_dict()), on "
                        "one rank")


def _config_of(module, where, who):
    """The layer's get_config(), else constructor_config's. Its "name" is the one the layer
    was given (None if none): a name its model gave it (Keras' get_config writes that one)
    would name its place in the model rebuilt, keyed by index here."""
    try:
        own = getattr(type(module), "get_config", Model.get_config) is not Model.get_config
        config = module.get_config() if own else constructor_config(module)
    except NotImplementedError as exc:
        raise TypeError(f"{who}: {where}: {exc}; or {_SAVE_WEIGHTS}") from None
    if config is None:
        raise TypeError(f"{who}: {where} is a {type(module).__qualname__}, whose constructor "
                        "takes arguments but which has no get_config() returning them "
                        f"(Keras' contract); write one, or {_SAVE_WEIGHTS}")
    return _name_as_given(module, config)


def constructor_config(module):
    """The config of a layer without a get_config of its own (Model's, the architecture, is
    not one): {} for a class made without arguments, the constructor's arguments read back
    for rungrad's own (NotImplementedError naming one it cannot tell); for a user's model,
    the plain arguments it was made with (Keras 3's auto config), else None."""
    cls = type(module)
    if takes_no_arguments(cls):
        return {}
    if rungrads_own(cls):
        return init_config(module)
    return vars(module).get("_constructed_with")


def _users_class(cls):
    """The user's Model subclass a functional model was made as (`class Custom(keras.Model)`
    given inputs and outputs), else None for nn.keras' own Functional."""
    cls = vars(cls).get("functional_form_of", cls)  # (the class _functional_form made)
    return None if rungrads_own(cls) else cls


def as_subclass(model, cls):
    """The functional `model` loaded as the user's class it was saved as: its methods
    (train_step, ...) back. A class with an __init__ of its own is not made again by it (the
    graph comes from the file), so a warning says the model stays nn.keras' Functional."""
    if "__init__" in vars(cls):
        user_warning(f"load_model: the model was saved as a {cls.__qualname__}, whose own "
                     f"__init__ a load does not run (the graph comes from the file): it is "
                     f"loaded as a Functional model of the same layers and weights, without "
                     f"{cls.__qualname__}'s methods")
        return
    object.__setattr__(model, "__class__", _functional_form(cls))


def _name_as_given(module, config):
    if isinstance(module, KerasName) and isinstance(config, dict) and "name" in config:
        return {**config, "name": given_name(module)}
    return config


# compile's two metric arguments and which compiled metrics each holds
_METRIC_KINDS = (("metrics", False), ("weighted_metrics", True))


def _known_name(compiled, resolve):
    """The name a compiled loss or metric was given when it was given by name, else None."""
    try:
        named = resolve(compiled.name)
    except (ValueError, TypeError, AttributeError):
        return None
    inner = getattr(compiled.fn, "__wrapped__", compiled.fn)  # (a sigmoid loss wraps metrics)
    return compiled.name if named.fn is inner else None


__all__ = ["Writer", "Reader"]
