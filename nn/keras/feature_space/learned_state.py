"""Which preprocessors a FeatureSpace's adapt() must teach, and whether one already knows
what it learns (a vocabulary, bin boundaries, statistics): given to its constructor,
learned by adapt, or loaded from a saved file."""
from ..layers import Discretization, Normalization


def is_adaptable(layer):
    """Whether adapt() teaches `layer`: it has adapt() and was not given what adapt learns
    (Keras': a Normalization with a mean, a lookup with a vocabulary; rungrad's
    Discretization with bin_boundaries too, whose adapt refuses them)."""
    if not callable(getattr(layer, "adapt", None)):
        return False
    if isinstance(layer, Normalization):
        return layer.given is None
    if isinstance(layer, Discretization):
        return layer.num_bins is not None
    return not getattr(layer, "_has_input_vocabulary", False)


def has_learned(layer):
    """Whether an adaptable `layer` holds what adapt teaches (None: it cannot be told)."""
    if isinstance(layer, Normalization):
        return layer.mean is not None
    if isinstance(layer, Discretization):
        return layer.bin_boundaries is not None
    if callable(getattr(layer, "get_vocabulary", None)):
        return bool(layer.get_vocabulary(include_special_tokens=False))
    return None


__all__ = ["is_adaptable", "has_learned"]
