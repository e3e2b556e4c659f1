"""A compiled model's `compile_config` as Keras 3 writes it in config.json: its optimizer
as Keras' object (class name and get_config), its losses and metrics by name or as Keras'
objects, their weights, steps_per_execution; what nn.training.keras_foreign_compile reads
back. The settings come from rungrad's own writer of them (nn.training.model_config), put
in Keras' form."""
from ..training.model_config import Writer
from .keras_config_writer import NotWritable, keras_object
from .keras_optimizer_writer import optimizer_variables
from .optimizers.decay_exclusion import KEY as DECAY_EXCLUSION

_SPACES = {"losses": "keras.losses", "metrics": "keras.metrics"}


def compile_config(model):
    """Keras' compile_config of `model`, None where it is not compiled."""
    try:
        settings = Writer(who="model.save").compiled(model, include_optimizer=False)
    except (TypeError, ValueError) as exc:
        raise NotWritable(f"its compile settings: {exc}") from None
    if settings is None:
        return None
    _check_state(model)
    order = _listed_outputs(model)
    metrics = {key: _unless_empty(_by_position(_plain(settings[key], key), order))
               for key in ("metrics", "weighted_metrics")}
    weights = settings["loss_weights"]
    if weights == 1.0 or (isinstance(weights, dict) and set(weights.values()) == {1.0}):
        weights = None  # (compile's default, which Keras writes as None)
    return {"optimizer": optimizer_object(model.optimizer),
            "loss": _by_position(_plain(settings["loss"], "loss"), order),
            "loss_weights": _by_position(weights, order), **metrics,
            "run_eagerly": False, "steps_per_execution": settings["steps_per_execution"],
            "jit_compile": settings["jit_compile"]}


def _check_state(model):
    """A NotWritable where the optimizer has made updates whose state Keras' layout of
    optimizer variables does not hold here (it would be lost)."""
    state = model.optimizer.state_dict()
    if (state["state"] or state.get("iterations")) and optimizer_variables(model) is None:
        raise NotWritable(f"the state of its {type(model.optimizer).__name__} (after "
                          "updates) is not laid out as Keras' optimizer variables here, and "
                          "would be lost")


def _tagged(value):
    """Whether a config holds rungrad's tagged values ({"__function__": ...})."""
    if isinstance(value, dict):
        return any(key.startswith("__") for key in value) or any(map(_tagged, value.values()))
    return isinstance(value, list) and any(map(_tagged, value))


def _listed_outputs(model):
    """The output names of a model whose outputs are a list (Keras' compile then takes,
    and writes, its losses and metrics as lists in their order); None for another."""
    listed = getattr(model, "_listed", (False, False))[1]
    keys = getattr(model, "_keys", (None, None))[1]
    return list(model.output_names) if listed and keys is None else None


def _by_position(value, order):
    """rungrad's per-output dict as the list of its values in the outputs' order."""
    if order is None or not isinstance(value, dict) or set(value) != set(order):
        return value
    return [value[name] for name in order]


def _unless_empty(metrics):
    """None where no metric is given (Keras' compile default), else the metrics."""
    values = metrics.values() if isinstance(metrics, dict) else metrics or []
    return None if all(item in ([], None) for item in values) else metrics


def optimizer_object(opt):
    """A Keras optimizer (nn.keras.optimizers') as Keras' object."""
    from . import optimizers
    name = type(opt).__name__
    if getattr(optimizers, name, None) is not type(opt) or name in (
            "LossScaleOptimizer", "MultiOptimizer"):
        raise NotWritable(f"its optimizer, a {name}, is not one of Keras' optimizers "
                          "written here")
    config = opt.get_config()
    bad = [key for key, value in config.items()
           if not (value is None or isinstance(value, (bool, int, float, str))
                   or _keras_schedule(key, value))]
    if bad:
        raise NotWritable(f"its optimizer's {bad[0]}={config[bad[0]]!r} is not a value "
                          "written here (a learning-rate schedule, ...)")
    state = opt.state_dict()
    if state.get(DECAY_EXCLUSION):  # (Keras' config does not hold the rule)
        raise NotWritable(f"its optimizer's {DECAY_EXCLUSION} rule is not held by Keras' "
                          "optimizer config")
    rate = opt.param_groups[0].get("lr") if opt.param_groups else None
    if isinstance(config.get("learning_rate"), float) and isinstance(rate, float):
        config["learning_rate"] = rate  # (the rate given, not its float32 rounding)
    return keras_object("keras.optimizers", name, config)


def _keras_schedule(key, value):
    """Whether `value` is the learning rate as one of Keras' own schedules, as its config
    writes it (Keras reads it back so; a schedule of one's own is not written here)."""
    from .optimizers import schedules
    return key == "learning_rate" and isinstance(value, dict) and value.get("module") == \
        "keras.optimizers.schedules" and not _tagged(value["config"]) and isinstance(
            getattr(schedules, str(value.get("class_name")), None), type)


def _plain(value, where):
    """rungrad's written loss or metric ({"__keras__": [name, config]}, a name,
    {"__function__": name}) as Keras writes it; lists and dicts of them alike."""
    if isinstance(value, list):
        return [_plain(item, where) for item in value]
    if not isinstance(value, dict):
        return value
    if "__keras__" in value:
        name, config = value["__keras__"]
        prefix, _, short = name.rpartition(".")  # (nn.keras' own are registered under
        if prefix in ("keras", "keras.metrics", "keras.losses", "metrics", "losses"):
            name = short  # Keras' name: keras.Huber, keras.metrics.MeanAbsoluteError)
        from . import losses, metrics
        space = "losses" if where == "loss" else "metrics"
        if getattr({"losses": losses, "metrics": metrics}[space], name, None) is None:
            raise NotWritable(f"its {where} {name!r} is not one of Keras' {space}")
        if _tagged(config):
            raise NotWritable(f"its {where} {name!r} holds a function or object by "
                              "rungrad's name (Keras' config names it otherwise)")
        return keras_object(_SPACES[space], name, config)
    if "__function__" in value:  # (one's own, registered: Keras' form of a function)
        return keras_object("builtins", "function", value["__function__"],
                            value["__function__"])
    if any(key.startswith("__") for key in value):
        raise NotWritable(f"its {where} holds {value!r}, which Keras' compile_config "
                          "does not")
    return {key: _plain(item, where) for key, item in value.items()}


__all__ = ["compile_config", "optimizer_object"]
