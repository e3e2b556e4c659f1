"""What a FeatureSpace is made of: a Feature (an input column's dtype, the preprocessing layer
that encodes it, and how its output is used) and a Cross (features hashed together), each
with Keras' config."""
from ..serialization import deserialize_keras_object

FEATURE_OUTPUT_MODES = ("int", "one_hot", "float")
CROSS_OUTPUT_MODES = ("int", "one_hot")


def _checked_mode(output_mode, allowed, who):
    if output_mode not in allowed:
        raise ValueError(f"{who}: output_mode must be one of {', '.join(map(repr, allowed))}, "
                         f"got {output_mode!r}")
    return output_mode


class Feature:
    """One feature: inputs of `dtype` ("float32", "int32", "string") go through
    `preprocessor` (a layer); output_mode "one_hot" multi-hot encodes its integer output,
    "int" and "float" pass it on as it is."""

    def __init__(self, dtype, preprocessor, output_mode):
        self.dtype = dtype
        if isinstance(preprocessor, dict):  # (Keras' serialized layer, as from_config gets)
            preprocessor = deserialize_keras_object(preprocessor)
        if not callable(preprocessor):
            raise TypeError(f"FeatureSpace.feature: preprocessor must be a layer, got "
                            f"{type(preprocessor).__name__}")
        self.preprocessor = preprocessor
        self.output_mode = _checked_mode(output_mode, FEATURE_OUTPUT_MODES,
                                         "FeatureSpace.feature")

    def get_config(self):
        return {"dtype": self.dtype, "preprocessor": self.preprocessor,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return (f"Feature(dtype={self.dtype!r}, preprocessor={type(self.preprocessor).__name__},"
                f" output_mode={self.output_mode!r})")


class Cross:
    """The cross of `feature_names` (two or more), hashed into crossing_dim bins by a
    HashedCrossing layer; named "a_X_b" (Keras')."""

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        self.feature_names = tuple(feature_names)
        if len(self.feature_names) < 2:
            raise ValueError(f"FeatureSpace.cross: a cross takes two features or more, got "
                             f"{list(self.feature_names)}")
        self.crossing_dim = crossing_dim
        self.output_mode = _checked_mode(output_mode, CROSS_OUTPUT_MODES, "FeatureSpace.cross")

    @property
    def name(self):
        return "_X_".join(self.feature_names)

    def get_config(self):
        return {"feature_names": self.feature_names, "crossing_dim": self.crossing_dim,
                "output_mode": self.output_mode}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"Cross({list(self.feature_names)}, crossing_dim={self.crossing_dim})"


__all__ = ["Feature", "Cross", "FEATURE_OUTPUT_MODES", "CROSS_OUTPUT_MODES"]
