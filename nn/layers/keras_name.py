"""Keras' names: `Dense(64, name="hidden")` is the layer "hidden" of its Sequential; a class
name as the snake_case name Keras derives from it ('F1Score' -> 'f1_score')."""
import re


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

    @property
    def who(self):
        """The layer as errors name it: its class, and its Keras name when it has one."""
        return type(self).__name__ + ("" if self.name is None else f" {self.name!r}")


def keras_name(layer):
    """The name `layer` was given (Keras' name=), or None."""
    return layer.name if isinstance(layer, KerasNamed) else None


class KerasWeights:
    """Keras' lists of a layer's or model's weights (its parameters, as Variables); on Keras'
    classes only (Model, nn.keras' Layer): a PyTorch module may hold a `weights` of its own."""

    @property
    def weights(self):
        return list(self.parameters())

    @property
    def trainable_weights(self):
        return [p for p in self.parameters() if p.requires_grad]

    @property
    def non_trainable_weights(self):
        return [p for p in self.parameters() if not p.requires_grad]


def snake_case(name):
    """A Keras class name ('AUC', 'KLDivergence', 'HeNormal') as Keras' snake_case default
    ('auc', 'kl_divergence', 'he_normal'); a lowercase or non-identifier name as it is."""
    if name.islower() or not name.isidentifier():
        return name
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


__all__ = ["KerasNamed", "KerasWeights", "keras_name", "snake_case"]
