"""The last step of a FeatureSpace: each feature's (and cross's) preprocessed output
multi-hot encoded where its output_mode is "one_hot", then all of them concatenated
(output_mode="concat", sorted by name, features before crosses) or kept by name ("dict")."""
import numpy as np

from ..layers import (
    CategoryEncoding,
    Concatenate,
    Discretization,
    HashedCrossing,
    Hashing,
    IntegerLookup,
    StringLookup,
)


def cardinality(layer, name):
    """The number of categories `layer` (feature `name`'s) yields; a ValueError naming
    the feature for a layer whose count is unknown (Keras')."""
    if isinstance(layer, (IntegerLookup, StringLookup)):
        return layer.vocabulary_size()
    if isinstance(layer, CategoryEncoding):
        return layer.num_tokens
    if isinstance(layer, Discretization):  # (given boundaries: their bins, where Keras has
        # no count and refuses to encode)
        return layer.num_bins if layer.num_bins is not None else len(layer.bin_boundaries) + 1
    if isinstance(layer, (Hashing, HashedCrossing)):
        return layer.num_bins
    raise ValueError(f"FeatureSpace: feature {name!r} has output_mode='one_hot', but the "
                     f"number of categories of its preprocessor, a {type(layer).__name__}, is "
                     "not known, so it cannot be one-hot encoded; use output_mode='int'")


def one_hot_encoder(layer, name):
    """The multi-hot encoder of feature (or cross) `name`, whose preprocessor is `layer`."""
    return CategoryEncoding(num_tokens=cardinality(layer, name), output_mode="multi_hot")


def encoded(name, output, encoder):
    """`output` of feature `name` through its encoder (None: as it is); a ValueError naming
    the feature when a one-hot feature's preprocessor yields no integers."""
    if encoder is None:
        return output
    if np.dtype(output.dtype).kind not in "iu":
        raise ValueError(f"FeatureSpace: feature {name!r} has output_mode='one_hot', so its "
                         f"preprocessor must return integers; it returns {output.dtype}")
    return encoder(output)


def merged(outputs, encoders, output_mode):
    """The FeatureSpace's result from `outputs` ({name: preprocessed output}, in order): a
    dict of the encoded outputs, or their concatenation on the last axis."""
    result = {name: encoded(name, out, encoders.get(name)) for name, out in outputs.items()}
    if output_mode == "dict":
        return result
    for name, out in result.items():
        if np.dtype(out.dtype).kind != "f":
            raise ValueError(f"FeatureSpace: cannot concatenate the features: feature {name!r} "
                             f"has not been encoded (it has dtype {out.dtype}); give it "
                             "output_mode='one_hot', or use output_mode='dict'")
    values = list(result.values())
    return values[0] if len(values) == 1 else Concatenate(axis=-1)(values)


__all__ = ["cardinality", "one_hot_encoder", "encoded", "merged"]
