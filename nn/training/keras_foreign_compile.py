"""A Keras 3 file's `compile_config` (the optimizer, loss and metrics model.compile was
given) applied to the model rungrad rebuilt, where rungrad has each by that name; else the
model stays uncompiled, with a warning naming what was skipped (the architecture and the
weights are what a Keras file is read for; compile can be called again)."""

from autograd.user_warnings import user_warning

from .keras_foreign_config import KerasConfigReader


def compile_as_keras(model, config, custom_objects, who):
    """model.compile with `config`'s settings in rungrad's objects; a warning and no
    compile where one of them is unknown to rungrad."""
    reader = KerasConfigReader(custom_objects)
    try:
        settings = {key: reader.value(config.get(key), f"compile's {key}")
                    for key in ("optimizer", "loss", "metrics", "weighted_metrics")}
        settings.update(loss_weights=config.get("loss_weights"),
                        steps_per_execution=config.get("steps_per_execution") or 1,
                        jit_compile=config.get("jit_compile") is True)
        model.compile(**{key: value for key, value in settings.items() if value is not None})
    except (ValueError, TypeError, KeyError) as exc:
        user_warning(f"{who}: the model is returned uncompiled: its compile settings name "
                     f"what rungrad lacks ({exc}); call model.compile yourself")
        return False
    return True


__all__ = ["compile_as_keras"]
