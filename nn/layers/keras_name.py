"""Keras' layer names: `Dense(64, name="hidden")` is the layer "hidden" of its Sequential."""


class KerasNamed:
    """Mixin of the Keras-style layers that take `name=`. A Sequential registers such a layer
    under its name (parameters `hidden.weight`, `model.get_layer("hidden")`, the summary's
    rows), as Keras names layers; an unnamed one keeps PyTorch's index. Only these layers'
    names are read: another module's `name` attribute may mean something else."""

    name = None

    def _set_name(self, name):
        if name is not None and (not isinstance(name, str) or not name or "." in name):
            raise ValueError(f"{type(self).__name__}: name must be a non-empty string without "
                             f"'.', got {name!r}")
        self.name = name


def keras_name(layer):
    """The name `layer` was given (Keras' name=), or None."""
    return layer.name if isinstance(layer, KerasNamed) else None


__all__ = ["KerasNamed", "keras_name"]
