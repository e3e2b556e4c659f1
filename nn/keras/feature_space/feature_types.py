"""FeatureSpace's kinds of feature, Keras' eight (float, float_rescaled, float_normalized,
float_discretized, integer_categorical, string_categorical, integer_hashed, string_hashed),
each a Feature around one of nn.keras' preprocessing layers, and the names that stand for
them with the FeatureSpace's defaults."""
from ..layers import (
    Discretization,
    Hashing,
    Identity,
    IntegerLookup,
    Normalization,
    Rescaling,
    StringLookup,
)
from .specs import Feature


def _layer_name(name):
    """Keras' name of a feature's preprocessor: "<feature>_preprocessor" (None: the layer's
    own default)."""
    return None if name is None else f"{name}_preprocessor"


def float_feature(name=None):
    """Floats as they are (float32)."""
    del name  # (Identity has no name: Keras' plain float feature is an identity too)
    return Feature("float32", Identity(), "float")


def float_rescaled(scale=1.0, offset=0.0, name=None):
    """x * scale + offset (a Rescaling layer)."""
    return Feature("float32", Rescaling(scale, offset, name=_layer_name(name)), "float")


def float_normalized(name=None):
    """(x - mean) / std, the statistics learned by adapt (a Normalization layer)."""
    return Feature("float32", Normalization(axis=-1, name=_layer_name(name)), "float")


def float_discretized(num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
    """The bin of x among num_bins quantile bins learned by adapt, or the given
    bin_boundaries with num_bins=None (a Discretization layer: giving both is an error,
    as in Keras)."""
    layer = Discretization(bin_boundaries=bin_boundaries, num_bins=num_bins,
                           name=_layer_name(name))
    return Feature("float32", layer, output_mode)


def integer_categorical(max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
    """An integer's index in the vocabulary adapt learns (an IntegerLookup layer)."""
    layer = IntegerLookup(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                          name=_layer_name(name))
    return Feature("int32", layer, output_mode)


def string_categorical(max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None):
    """A string's index in the vocabulary adapt learns (a StringLookup layer)."""
    layer = StringLookup(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         name=_layer_name(name))
    return Feature("string", layer, output_mode)


def string_hashed(num_bins, output_mode="one_hot", name=None):
    """A string's FarmHash bin among num_bins (a Hashing layer)."""
    return Feature("string", Hashing(num_bins, name=_layer_name(name)), output_mode)


def integer_hashed(num_bins, output_mode="one_hot", name=None):
    """An integer's FarmHash bin (of its decimal text) among num_bins (a Hashing layer)."""
    return Feature("int32", Hashing(num_bins, name=_layer_name(name)), output_mode)


def named_feature(name, kind, space):
    """The Feature a type name stands for, with `space`'s defaults (hashing_dim,
    num_discretization_bins); a ValueError naming the feature for an unknown name."""
    makers = {
        "float": lambda: float_feature(name),
        "float_rescaled": lambda: float_rescaled(name=name),
        "float_normalized": lambda: float_normalized(name),
        "float_discretized": lambda: float_discretized(space.num_discretization_bins,
                                                       name=name),
        "integer_categorical": lambda: integer_categorical(name=name),
        "string_categorical": lambda: string_categorical(name=name),
        "integer_hashed": lambda: integer_hashed(space.hashing_dim, name=name),
        "string_hashed": lambda: string_hashed(space.hashing_dim, name=name),
    }
    if not isinstance(kind, str) or kind not in makers:
        raise ValueError(f"FeatureSpace: feature {name!r} has an invalid feature type {kind!r}; "
                         f"expected a FeatureSpace.<type>(...) Feature or one of "
                         f"{', '.join(map(repr, makers))}")
    return makers[kind]()


__all__ = ["float_feature", "float_rescaled", "float_normalized", "float_discretized",
           "integer_categorical", "string_categorical", "string_hashed", "integer_hashed",
           "named_feature"]
