"""Keras' model configs: model.get_config() / Sequential.from_config / keras.Model.from_config,
model.to_json() / keras.models.model_from_json: the same architecture again (layers,
configs, weight shapes, parameter count; the same predictions once given the weights),
classes found by name only, clear errors for what is not such a config."""
import copy
import inspect
import json
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
import nn.keras as keras
from nn.keras import layers
from nn.training.model_config import Reader, Writer


def _sequential_dense():
    return keras.Sequential([keras.Input((6,)), layers.Dense(5, activation="relu"),
                             layers.Dropout(0.3), layers.BatchNormalization(), layers.Dense(2)],
                            name="dense_stack")


def _sequential_conv():
    return keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(4, 3, padding="same"),
                             layers.BatchNormalization(), layers.Flatten(), layers.Dense(3)])


def _sequential_embedding_lstm():
    return keras.Sequential([keras.Input((7,), dtype="int32"), layers.Embedding(20, 4),
                             layers.LSTM(5), layers.Dense(1)])


def _functional_shared():
    """A Dense layer called twice (one layer, two nodes of the graph)."""
    inputs = keras.Input((5,), name="x")
    shared = layers.Dense(5, activation="tanh")
    outputs = layers.Dense(2)(layers.Dropout(0.2)(shared(shared(inputs))))
    return keras.Model(inputs, outputs, name="shared")


def _functional_two_inputs():
    tokens = keras.Input((6,), dtype="int32", name="tokens")
    image = keras.Input((8, 8, 1), name="image")
    text = layers.LSTM(3)(layers.Embedding(15, 4)(tokens))
    picture = layers.Flatten()(layers.BatchNormalization()(layers.Conv2D(2, 3)(image)))
    return keras.Model([tokens, image], layers.Dense(1)(layers.Concatenate()([text, picture])))


def _inputs(model, rng):
    """A batch of 3 for `model`'s inputs (integers below 15 for the int32 ones)."""
    def one(shape, dtype):
        if np.dtype(dtype).kind == "i":
            return rng.integers(0, 15, size=(3, *shape)).astype(dtype)
        return rng.normal(size=(3, *shape)).astype(np.float32)
    specs = [(layer.shape, layer.dtype) for layer in model.modules()
             if type(layer).__name__ == "InputLayer"]
    return [one(*spec) for spec in specs] if len(specs) > 1 else one(*specs[0])


MODELS = {"sequential_dense": _sequential_dense, "sequential_conv": _sequential_conv,
          "sequential_embedding_lstm": _sequential_embedding_lstm,
          "functional_shared_layer": _functional_shared,
          "functional_two_inputs": _functional_two_inputs}


def assert_same_architecture(rebuilt, model, x):
    """Same class, layers, configs, weight shapes and parameter count, new weights; the
    same predictions once given the model's."""
    assert type(rebuilt) is type(model) and repr(rebuilt) == repr(model)
    assert rebuilt.name == model.name
    assert rebuilt.get_config() == model.get_config()
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in model.get_weights()]
    assert rebuilt.count_params() == model.count_params()
    assert not {id(p) for p in rebuilt.parameters()} & {id(p) for p in model.parameters()}
    rebuilt.set_weights(model.get_weights())
    model.eval(), rebuilt.eval()
    np.testing.assert_array_equal(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0))


# ----- round trips -----
@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_from_config_and_model_from_json_rebuild_the_architecture(make):
    np.random.seed(0)
    model = make()
    x = _inputs(model, np.random.default_rng(1))
    config = model.get_config()
    kept = copy.deepcopy(config)
    assert json.loads(json.dumps(config)) == config  # plain JSON: no arrays, no tuples
    kind = keras.Sequential if isinstance(model, keras.Sequential) else keras.Model
    assert_same_architecture(kind.from_config(config), model, x)
    assert config == kept  # (Keras' functional from_config empties the dict it is given)
    text = model.to_json()
    assert json.loads(text) == {"class_name": "Sequential" if kind is keras.Sequential
                                else "Functional", "config": config}
    assert_same_architecture(keras.models.model_from_json(text), model, x)


def test_the_config_has_keras_keys_and_the_weights_are_not_in_it():
    model = _functional_shared()
    config = model.get_config()
    assert config["name"] == "shared"
    assert [entry["class_name"] for entry in config["layers"]] == [
        "InputLayer", "Dense", "Dropout", "Dense"]
    assert [entry["config"]["units"] for entry in config["layers"] if "units" in
            entry["config"]] == [5, 2]
    assert "graph" in config and "graph" not in _sequential_dense().get_config()
    text = model.to_json()
    assert "__array__" not in text and len(text) < 4000  # (the kernels are not written)


def test_a_model_of_rungrads_own_layers_fitted_and_rebuilt_predicts_alike():
    np.random.seed(0)
    x = np.random.rand(40, 4).astype(np.float32)
    y = (x.sum(axis=1, keepdims=True) > 2).astype(np.float32)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.1), nn.Linear(8, 1))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    rebuilt = nn.Sequential.from_config(model.get_config())
    assert not rebuilt.compiled  # (Keras' from_config: an uncompiled model)
    assert_same_architecture(rebuilt, model, x)
    rebuilt.compile(optimizer="adam", loss="binary_crossentropy")
    assert np.isfinite(rebuilt.fit(x, y, epochs=1, verbose=0).history["loss"][0])


@given(st.lists(st.one_of(st.tuples(st.just("dense"), st.integers(1, 6),
                                    st.sampled_from([None, "relu", "tanh"]), st.booleans()),
                          st.tuples(st.just("dropout"), st.floats(0.0, 0.9)),
                          st.tuples(st.just("batchnorm"))), min_size=1, max_size=5),
       st.integers(1, 5))
def test_any_stack_of_layers_comes_back_the_same(spec, features):
    made = {"dense": lambda units, activation, bias: layers.Dense(units, activation,
                                                                  use_bias=bias),
            "dropout": layers.Dropout, "batchnorm": layers.BatchNormalization}
    model = keras.Sequential([keras.Input((features,))] +
                             [made[kind](*args) for kind, *args in spec])
    x = np.random.default_rng(0).normal(size=(4, features)).astype(np.float32)
    assert_same_architecture(keras.Sequential.from_config(model.get_config()), model, x)
    assert_same_architecture(keras.models.model_from_json(model.to_json()), model, x)


def test_a_layer_held_twice_tied_weights_and_frozen_layers_stay_so():
    np.random.seed(0)
    shared = nn.Linear(3, 3)
    model = nn.Sequential(shared, nn.Tanh(), shared, nn.Linear(3, 3), nn.Linear(3, 3))
    model[4].weight = model[3].weight  # weight tying
    model[3].trainable = False
    rebuilt = nn.Sequential.from_config(json.loads(model.to_json())["config"])
    assert rebuilt[0] is rebuilt[2] and rebuilt[3].weight is rebuilt[4].weight
    assert [layer.trainable for layer in rebuilt] == [layer.trainable for layer in model]
    assert_same_architecture(rebuilt, model, np.ones((2, 3), np.float32))


def test_an_array_a_layer_was_given_is_written_in_the_json():
    model = keras.Sequential([keras.Input((2,)), layers.Normalization(
        mean=np.array([1.0, 2.0]), variance=np.array([1.0, 4.0]))])
    config = model.get_config()
    assert config["layers"][1]["config"]["mean"] == {
        "__array__": {"dtype": "float32", "shape": [2], "values": [1.0, 2.0]}}
    rebuilt = keras.models.model_from_json(model.to_json())
    x = np.array([[3.0, 6.0]], np.float32)
    np.testing.assert_array_equal(rebuilt(x).data, model(x).data)
    np.testing.assert_array_equal(rebuilt(x).data, [[2.0, 2.0]])


@given(hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.bool_, "<U3"]),
                  hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)))
def test_an_inline_array_comes_back_as_it_was(array):
    written = Writer("test", inline_arrays=True).value(array, "the array")
    back = Reader([]).value(json.loads(json.dumps(written)))
    assert back.dtype == array.dtype and back.shape == array.shape  # (an empty one's too)
    np.testing.assert_array_equal(back, array)


# ----- your own classes -----
class TimesFactor(keras.layers.Layer):
    """A user's layer, not registered: loading needs it in custom_objects."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def halved(x):
    """A user's activation, not registered."""
    return x * 0.5


def _custom_model():
    return keras.Sequential([keras.Input((3,)), layers.Dense(2, activation=halved),
                             TimesFactor(3.0)])


def test_own_layers_and_functions_come_from_custom_objects_or_a_scope():
    model = _custom_model()
    config, x = model.get_config(), np.ones((2, 3), np.float32)
    with pytest.raises(ValueError, match=r"^Sequential.from_config: unknown function "
                                         r"'halved': pass custom_objects"):
        keras.Sequential.from_config(config)
    with pytest.raises(ValueError, match=r"^Sequential.from_config: unknown layer class "
                                         r"'TimesFactor': pass custom_objects"):
        keras.Sequential.from_config(config, custom_objects={"halved": halved})
    given = {"TimesFactor": TimesFactor, "halved": halved}
    assert_same_architecture(keras.Sequential.from_config(config, custom_objects=given),
                             model, x)
    assert_same_architecture(keras.models.model_from_json(model.to_json(), given), model, x)
    with keras.saving.custom_object_scope(given):
        rebuilt = keras.Sequential.from_config(config)
    assert rebuilt[-1].factor == 3.0 and rebuilt[1].activation is halved


def test_a_registered_layer_needs_no_custom_objects():
    registered = keras.saving.register_keras_serializable(package="test_model_config")(
        type("Tripled", (TimesFactor,), {}))
    model = keras.Sequential([keras.Input((3,)), registered(3.0)])
    rebuilt = keras.models.model_from_json(model.to_json())
    assert type(rebuilt[-1]) is registered


def test_loading_never_imports_a_module_the_config_names(tmp_path, monkeypatch):
    planted = tmp_path / "kcfg_planted.py"
    planted.write_text("import pathlib\n"
                       "pathlib.Path(__file__).with_suffix('.ran').write_text('imported')\n"
                       "class Layer:\n    pass\n\n\ndef act(x):\n    return x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    base = keras.Sequential([keras.Input((2,)), layers.Dense(1)]).get_config()
    for name in ("kcfg_planted", "kcfg_planted.Layer", "kcfg_planted>Layer"):
        config = copy.deepcopy(base)
        config["layers"][1]["class_name"] = name
        with pytest.raises(ValueError, match=f"unknown layer class '{name}'"):
            keras.Sequential.from_config(config)
        with pytest.raises(ValueError, match=f"unknown layer class '{name}'"):
            keras.models.model_from_json(json.dumps({"class_name": name, "config": {}}))
    config = copy.deepcopy(base)
    config["layers"][1]["config"]["activation"] = {"__function__": "kcfg_planted.act"}
    with pytest.raises(ValueError, match="unknown function 'kcfg_planted.act'"):
        keras.Sequential.from_config(config)
    assert "kcfg_planted" not in sys.modules
    assert not planted.with_suffix(".ran").exists()


# ----- subclassed models (Keras': their config is their constructor's arguments) -----
class Scaled(nn.Model):
    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.scale = units, scale
        self.dense = nn.Linear(2, units)

    def forward(self, x):
        return self.dense(x) * self.scale

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scale": self.scale}


class Unconfigured(nn.Model):
    """Made of a layer, which no config holds (plain arguments would be its config)."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer


def test_a_subclassed_model_is_configured_by_its_constructor_arguments():
    model = Scaled(3, scale=2.0, name="scaled")
    assert model.get_config() == {"name": "scaled", "units": 3, "scale": 2.0}
    rebuilt = Scaled.from_config(model.get_config())
    assert (rebuilt.name, rebuilt.units, rebuilt.scale) == ("scaled", 3, 2.0)
    text = model.to_json()
    assert json.loads(text)["class_name"] == "Scaled"
    assert keras.models.model_from_json(text, {"Scaled": Scaled}).units == 3
    with pytest.raises(NotImplementedError, match=r"Unconfigured.get_config: .*takes "
                                                  r"arguments; write get_config\(\)"):
        Unconfigured(nn.Linear(2, 3)).get_config()
    with pytest.raises(TypeError, match=r"Scaled.from_config: cannot make a Scaled of the "
                                        r"config's entries \['scale'\]"):
        Scaled.from_config({"scale": 2.0})


# ----- what is not such a config -----
def _keras_own_config():
    """What Keras 3.15.1's get_config() writes for a Sequential model, with a layer rungrad
    lacks (Keras' own configs are read: tests/nn/keras/test_keras_files.py)."""
    return {"name": "sequential", "trainable": True, "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
         "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "input_layer"}},
        {"module": "keras.layers", "class_name": "TFSMLayer", "registered_name": None,
         "config": {"name": "conv_lstm2d", "filters": 2}}]}


@pytest.mark.parametrize("call, message", [
    (lambda: keras.Sequential.from_config(_functional_shared().get_config()),
     r"^Sequential.from_config: the config is a functional model's .*"
     r"keras.Model.from_config"),
    (lambda: keras.Model.from_config(_sequential_dense().get_config()),
     r"^Model.from_config: the config is a Sequential model's .*"
     r"keras.Sequential.from_config"),
    (lambda: keras.Sequential.from_config(_keras_own_config()),
     r"^Sequential.from_config: unknown layer 'TFSMLayer' \(Keras module 'keras.layers'\)"),
    (lambda: keras.Sequential.from_config([1, 2]),
     r"^Sequential.from_config: expected a model's config, a dict with a 'layers' list"),
    (lambda: keras.Sequential.from_config({"name": "x", "layers": [{"name": "0"}]}),
     r"^Sequential.from_config: malformed config \(no entry 'class_name'\)"),
    (lambda: keras.models.model_from_json("{'class_name': 'Sequential'}"),
     r"^model_from_json: not a JSON text \(JSONDecodeError: Expecting property name"),
    (lambda: keras.models.model_from_json('["Sequential"]'),
     r"^model_from_json: expected model.to_json\(\)'s object of 'class_name' and 'config'"),
    (lambda: keras.models.model_from_json('{"class_name": "Nope", "config": {}}'),
     r"^model_from_json: unknown layer class 'Nope': pass custom_objects"),
    (lambda: keras.models.model_from_json(json.dumps({"class_name": "Functional", "config":
                                                      _sequential_dense().get_config()})),
     r"^model_from_json: the config is a Sequential model's"),
], ids=["functional_as_sequential", "sequential_as_functional", "keras_own", "not_a_dict",
        "no_class_name", "bad_json", "not_an_object", "unknown_class", "kind_mismatch"])
def test_what_is_not_a_config_of_that_model_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_an_inline_array_of_another_kind_is_refused():
    config = keras.Sequential([keras.Input((2,)), layers.Normalization(
        mean=np.zeros(2), variance=np.ones(2))]).get_config()
    bad = copy.deepcopy(config)
    bad["layers"][1]["config"]["mean"]["__array__"]["dtype"] = "object"
    with pytest.raises(ValueError, match="inline array's dtype must be a number or text type"):
        keras.Sequential.from_config(bad)
    bad["layers"][1]["config"]["mean"]["__array__"].update(dtype="float32", shape=[3])
    with pytest.raises(ValueError, match=r"values have shape \(2,\), not its shape \(3,\)"):
        keras.Sequential.from_config(bad)


# ----- the calls as Keras' -----
# inspect.signature of Keras 3.15.1's (KERAS_BACKEND=torch): the arguments users pass
KERAS_SIGNATURES = {
    "Model.get_config": "(self)",
    "Model.from_config": "(config, custom_objects=None)",
    "Sequential.from_config": "(config, custom_objects=None)",
    "Model.to_json": "(self, **kwargs)",
    "models.model_from_json": "(json_string, custom_objects=None)",
}


@pytest.mark.parametrize("name", KERAS_SIGNATURES)
def test_the_calls_take_keras_arguments(name):
    owner, attribute = name.split(".")
    found = getattr(keras.models if owner == "models" else getattr(keras, owner), attribute)
    assert str(inspect.signature(found)) == KERAS_SIGNATURES[name]
