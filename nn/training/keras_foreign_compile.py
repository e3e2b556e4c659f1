"""A Keras 3 file's `compile_config` (the optimizer, loss and metrics model.compile was
given) applied to the model rungrad rebuilt, where rungrad has each by that name; else the
model stays uncompiled, with a warning naming what was skipped (the architecture and the
weights are what a Keras file is read for; compile can be called again)."""
import warnings

from .keras_foreign_config import KerasConfigReader


def compile_as_keras(model, config, custom_objects, who):
    """model.compile with `config`'s settings in rungrad's objects; a warning and no
    compile where one of them is unknown to rungrad."""
    reader = KerasConfigReader(custom_objects)
    try:
        settings = {"optimizer": _object(reader, config.get("optimizer"), "optimizers"),
                    "loss": _object(reader, config.get("loss"), "losses"),
                    "metrics": _object(reader, config.get("metrics"), "metrics"),
                    "weighted_metrics": _object(reader, config.get("weighted_metrics"),
                                                "metrics"),
                    "loss_weights": config.get("loss_weights"),
                    "steps_per_execution": config.get("steps_per_execution") or 1}
        model.compile(**{key: value for key, value in settings.items() if value is not None})
    except (ValueError, TypeError, KeyError) as exc:
        warnings.warn(f"{who}: the model is returned uncompiled: its compile settings name "
                      f"what rungrad lacks ({exc}); call model.compile yourself",
                      stacklevel=3)
        return False
    return True


def _object(reader, value, space):
    """A compile argument: names stay names (compile resolves them), Keras' serialized
    objects become rungrad's of `space`, in lists and dicts too."""
    if isinstance(value, list):
        return [_object(reader, v, space) for v in value]
    if isinstance(value, dict) and not ("class_name" in value and "config" in value):
        return {key: _object(reader, v, space) for key, v in value.items()}
    if not isinstance(value, dict):
        return value
    if value.get("module") == "builtins" and value.get("class_name") == "function":
        return reader.function(value.get("registered_name") or value["config"], space)
    cls = reader.find(value, space, object)
    return reader.construct(cls, value["config"], f"the {value['class_name']}")


__all__ = ["compile_as_keras"]
