"""Keras' `keras.utils.FeatureSpace` (Keras 3.15): preprocessing and encoding of
structured data, a dict of columns, built from nn.keras' preprocessing layers: the feature
kinds (feature_types) as Features and Crosses (specs), the columns read from dicts
(columns), what adapt teaches (learned_state), the one-hot encoding and concatenation
(encoding), and the FeatureSpace itself (feature_space)."""
from .feature_space import FeatureSpace
from .specs import Cross, Feature

__all__ = ["FeatureSpace", "Feature", "Cross"]
