"""Keras' `keras.utils.FeatureSpace`: one object that preprocesses and encodes structured
(tabular) data, a dict of columns, with nn.keras' preprocessing layers.

    space = FeatureSpace({"age": "float_normalized", "city": "string_categorical"},
                         crosses=[FeatureSpace.cross(("city", "n"), crossing_dim=32)])
    space.adapt({"age": ages, "city": cities, ...})  # vocabularies, statistics, bins
    x = space({"age": ages, "city": cities, ...})     # (N, D) float32 (output_mode="concat")
    model = keras.Model(space.get_inputs(), Dense(1)(space.get_encoded_features()))

The encoding: each feature's preprocessor on its column (N, 1); each cross's HashedCrossing
on the preprocessed columns it names; one-hot features and crosses multi-hot encoded
(CategoryEncoding); then, sorted by name (features before crosses), concatenated or kept
in a dict. One sample (a dict of scalars) gives one vector (D,)."""
from ...containers import ModuleDict
from ...module import Module
from ...serialization import file_path
from ..functional import Input
from ..layers import HashedCrossing
from ..serialization import serialize_keras_object
from . import feature_types
from .columns import adapt_columns, call_columns
from .encoding import merged, one_hot_encoder
from .learned_state import has_learned, is_adaptable
from .specs import Cross, Feature

OUTPUT_MODES = ("concat", "dict")


class FeatureSpace(Module):
    """features: {name: a type name ("float_normalized", ...) or a FeatureSpace.<type>(...)
    Feature}; crosses: Crosses or tuples of feature names (hashed into crossing_dim bins);
    output_mode "concat" (one float32 vector per sample) or "dict" (each encoded feature by
    name); hashing_dim and num_discretization_bins are the bins of the hashed and
    discretized features named by type."""

    cross = staticmethod(Cross)
    feature = staticmethod(Feature)
    float = staticmethod(feature_types.float_feature)  # noqa: A003 (Keras' name)
    float_rescaled = staticmethod(feature_types.float_rescaled)
    float_normalized = staticmethod(feature_types.float_normalized)
    float_discretized = staticmethod(feature_types.float_discretized)
    integer_categorical = staticmethod(feature_types.integer_categorical)
    string_categorical = staticmethod(feature_types.string_categorical)
    string_hashed = staticmethod(feature_types.string_hashed)
    integer_hashed = staticmethod(feature_types.integer_hashed)

    def __init__(self, features, output_mode="concat", crosses=None, crossing_dim=32,
                 hashing_dim=32, num_discretization_bins=32, name=None):
        super().__init__()
        if not features or not isinstance(features, dict):
            raise ValueError(f"FeatureSpace: `features` must be a non-empty dict {{name: "
                             f"feature type}}, got {features!r}")
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"FeatureSpace: output_mode must be 'concat' or 'dict', got "
                             f"{output_mode!r}")
        self.output_mode, self.name = output_mode, name
        self.crossing_dim, self.hashing_dim = crossing_dim, hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {key: self._feature(key, value) for key, value in features.items()}
        self.crosses = [self._cross(c) for c in crosses or ()]
        self.crosses_by_name = {c.name: c for c in self.crosses}
        self.preprocessors = ModuleDict({k: f.preprocessor for k, f in self.features.items()})
        self.crossers = ModuleDict({c.name: HashedCrossing(c.crossing_dim, name=c.name)
                                    for c in self.crosses})
        self.one_hot_encoders = ModuleDict()
        self._adapted, self._inputs, self._encoded = False, None, None

    # ----- construction -----
    def _feature(self, name, value):
        if not isinstance(name, str) or not name or "." in name:  # (ModuleDict's keys, the
            # state-dict paths of the preprocessors' weights)
            raise ValueError(f"FeatureSpace: feature names must be non-empty strings without "
                             f"'.', got {name!r}; rename the column")
        if isinstance(value, Feature):
            return value
        if isinstance(value, dict):  # (a config's; Keras' serialized {"config": ...} too)
            return Feature(**value.get("config", value))
        return feature_types.named_feature(name, value, self)

    def _cross(self, value):
        if isinstance(value, dict):
            value = Cross(**value.get("config", value))
        elif not isinstance(value, Cross):
            if not self.crossing_dim:
                raise ValueError("FeatureSpace: crosses given as names need crossing_dim, the "
                                 "number of bins they are hashed into")
            value = Cross(value, self.crossing_dim)
        unknown = [n for n in value.feature_names if n not in self.features]
        if unknown:
            raise ValueError(f"FeatureSpace: the cross {value.name!r} names unknown feature(s) "
                             f"{unknown}; the features are {list(self.features)}")
        return value

    # ----- adapt -----
    def adapt(self, dataset):
        """Teach each adaptable preprocessor (vocabularies, statistics, bin boundaries) its
        column of `dataset`: a dict of arrays or lists, or an iterable of such dicts."""
        names = self._adaptable()
        columns = adapt_columns(dataset, self.features, names)
        for name in names:
            self.preprocessors[name].adapt(columns[name])
        self._adapted = True
        self._inputs = self._encoded = None  # (one-hot sizes may change with a new vocabulary)
        self._make_encoders()

    def _adaptable(self):
        return [name for name, layer in self.preprocessors.items() if is_adaptable(layer)]

    def _check_adapted(self):
        """A ValueError naming the features whose preprocessors learn from data, unless they
        have (adapt, or a loaded file)."""
        if self._adapted:
            return
        waiting = [n for n in self._adaptable() if not has_learned(self.preprocessors[n])]
        if waiting:
            raise ValueError(f"FeatureSpace: call .adapt(dataset) before using the "
                             f"FeatureSpace: the preprocessors of feature(s) {waiting} learn "
                             "from data")
        self._adapted = True
        self._make_encoders()

    def _make_encoders(self):
        """The multi-hot encoder of each one-hot feature and cross (their sizes are known
        once adapted)."""
        specs = {**self.features, **self.crosses_by_name}
        layers = {**dict(self.preprocessors.items()), **dict(self.crossers.items())}
        self.one_hot_encoders = ModuleDict({
            name: one_hot_encoder(layers[name], name) for name, spec in specs.items()
            if spec.output_mode == "one_hot"})

    # ----- the call -----
    def __call__(self, data):
        """The encoded `data` (a dict of columns, or of one sample's scalars): (N, D) float32
        (concat) or {name: encoded}, as Variables; one sample's without the batch axis."""
        self._check_adapted()
        columns, one_sample = call_columns(data, self.features)
        result = self._encode(columns)
        if not one_sample:
            return result
        if self.output_mode == "concat":
            return result[0]
        return {name: x[0] if x.ndim == 2 and x.shape[0] == 1 else x
                for name, x in result.items()}

    forward = __call__

    def _encode(self, columns):
        """columns ({feature: (N, 1) values or symbolic Inputs}) -> the encoded features."""
        done = {name: self.preprocessors[name](columns[name]) for name in self.features}
        crossed = {c.name: self.crossers[c.name]([done[n] for n in c.feature_names])
                   for c in self.crosses}
        ordered = {name: done[name] for name in sorted(done)}
        ordered.update((name, crossed[name]) for name in sorted(crossed))
        return merged(ordered, dict(self.one_hot_encoders.items()), self.output_mode)

    # ----- the functional API -----
    def get_inputs(self):
        """{feature: keras.Input(shape=(1,), dtype=its dtype, name=feature)}."""
        self._check_adapted()
        if self._inputs is None:
            self._inputs = {name: Input(shape=(1,), dtype=f.dtype, name=name)
                            for name, f in self.features.items()}
        return self._inputs

    def get_encoded_features(self):
        """The encoded get_inputs() (symbolic): keras.Model(space.get_inputs(), layers on
        them) preprocesses raw columns inside the model."""
        if self._encoded is None:
            self._encoded = self._encode(self.get_inputs())
        return self._encoded

    # ----- config and saving -----
    def get_config(self):
        """Keras' config: the features (their preprocessors serialized) and crosses; learned
        vocabularies and boundaries are in the preprocessors' configs, a Normalization's
        statistics are weights (the saved file's)."""
        features = {name: {"dtype": f.dtype, "output_mode": f.output_mode,
                           "preprocessor": serialize_keras_object(f.preprocessor)}
                    for name, f in self.features.items()}
        return {"features": features, "output_mode": self.output_mode,
                "crosses": [c.get_config() for c in self.crosses],
                "crossing_dim": self.crossing_dim, "hashing_dim": self.hashing_dim,
                "num_discretization_bins": self.num_discretization_bins}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def save(self, filepath):
        """Write the space, adapted state included, to a `.keras` file (Keras refuses any
        other suffix: its .h5 format holds models only); keras.models.load_model reads it."""
        path = file_path(filepath, "FeatureSpace.save")
        if not path.endswith(".keras"):
            raise ValueError("FeatureSpace.save: invalid `filepath` argument: expected a "
                             f"`.keras` extension. Received: filepath={path}")
        return super().save(path)

    def extra_repr(self):
        return f"features={list(self.features)}, output_mode={self.output_mode!r}"


__all__ = ["FeatureSpace"]
