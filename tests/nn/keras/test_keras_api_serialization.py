"""Keras 3.15's serialization and registry names (keras.saving, keras.utils and the
per-module serialize / deserialize), the activations, initializers and metrics names
added with them, and keras.utils' helpers: dicts and values as real Keras gives them."""
import json

import numpy as np
import pytest

import nn.keras as keras
from autograd import Variable, gradcheck
from nn.keras import (
    activations,
    constraints,
    initializers,
    losses,
    metrics,
    regularizers,
    saving,
    utils,
)
from nn.keras.optimizers import schedules


@saving.register_keras_serializable(package="Tests")
class Scaled(regularizers.Regularizer):
    def __init__(self, k=0.5):
        self.k = k

    def __call__(self, weight):
        return self.k

    def get_config(self):
        return {"k": self.k}


@saving.register_keras_serializable(package="Tests")
def doubled(x):
    return 2 * x


# ----- serialize_keras_object: Keras' dicts -----

@pytest.mark.parametrize("obj, expected", [
    (regularizers.L2(0.01), {"module": "keras.regularizers", "class_name": "L2",
                             "config": {"l2": 0.01}, "registered_name": None}),
    (constraints.MaxNorm(2.0), {"module": "keras.constraints", "class_name": "MaxNorm",
                                "config": {"max_value": 2.0, "axis": 0},
                                "registered_name": None}),
    (losses.MeanSquaredError(), {"module": "keras.losses", "class_name": "MeanSquaredError",
                                 "config": {"name": "mean_squared_error",
                                            "reduction": "sum_over_batch_size"},
                                 "registered_name": None}),
    (initializers.GlorotUniform(seed=1), {
        "module": "keras.initializers", "class_name": "GlorotUniform",
        "config": {"seed": 1, "input_axes": None, "output_axes": None},
        "registered_name": None}),
    (schedules.ExponentialDecay(0.1, 10, 0.9), {
        "module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9,
                   "staircase": False, "name": "ExponentialDecay"},
        "registered_name": None}),
    (metrics.AUC(), {"module": "keras.metrics", "class_name": "AUC", "config": {
        "name": "auc", "dtype": "float32", "num_thresholds": 200, "curve": "ROC",
        "summation_method": "interpolation", "multi_label": False, "num_labels": None,
        "label_weights": None, "from_logits": False}, "registered_name": None}),
])
def test_objects_serialize_as_keras(obj, expected):
    assert saving.serialize_keras_object(obj) == expected


@pytest.mark.parametrize("fn, name", [
    (losses.mean_squared_error, "mean_squared_error"), (metrics.binary_accuracy,
                                                         "binary_accuracy"),
    (activations.relu, "relu"), (metrics.binary_focal_crossentropy,
                                 "binary_focal_crossentropy"),
    (doubled, "Tests>doubled"),
])
def test_functions_serialize_by_name(fn, name):
    assert saving.serialize_keras_object(fn) == {
        "module": "builtins", "class_name": "function", "config": name,
        "registered_name": "function"}


def test_plain_values_and_arrays():
    assert saving.serialize_keras_object(3) == 3
    assert saving.serialize_keras_object(None) is None
    assert saving.serialize_keras_object([1, (2, 3)]) == [1, (2, 3)]
    assert saving.serialize_keras_object({"a": 1}) == {"a": 1}
    assert saving.serialize_keras_object(np.float32(2.0)) == 2.0
    assert saving.serialize_keras_object(np.zeros((2,), "float32")) == {
        "class_name": "__numpy__", "config": {"value": [0.0, 0.0], "dtype": "float32"}}
    back = saving.deserialize_keras_object(
        {"class_name": "__numpy__", "config": {"value": [1, 2], "dtype": "int32"}})
    np.testing.assert_array_equal(back, np.array([1, 2], "int32"))
    assert back.dtype == np.int32
    assert saving.deserialize_keras_object("relu") == "relu"  # (Keras': a string as it is)


def test_a_registered_class_of_ones_own():
    saved = saving.serialize_keras_object(Scaled(0.25))
    assert saved == {"module": __name__, "class_name": "Scaled", "config": {"k": 0.25},
                     "registered_name": "Tests>Scaled"}
    assert saving.deserialize_keras_object(saved).k == 0.25
    assert regularizers.deserialize(json.loads(json.dumps(saved))).k == 0.25
    assert saving.get_registered_name(Scaled) == "Tests>Scaled"
    assert saving.get_registered_object("Tests>Scaled") is Scaled
    assert utils.get_custom_objects()["Tests>doubled"] is doubled


def test_lambdas_and_unknown_classes_are_refused():
    with pytest.raises(TypeError, match="lambda"):
        saving.serialize_keras_object(lambda x: x)
    with pytest.raises(TypeError, match="get_config"):
        saving.serialize_keras_object(object())
    with pytest.raises(ValueError, match="Nope"):
        saving.deserialize_keras_object({"module": "keras.layers", "class_name": "Nope",
                                         "config": {}})
    with pytest.raises(ValueError, match="unknown object 'nope'"):
        losses.deserialize("nope")


# ----- the registry and scopes -----

def test_get_registered_keras_own_names():
    assert saving.get_registered_name(keras.layers.Dense) == "Dense"
    assert saving.get_registered_object("Dense") is None  # (Keras': not in the registry)
    assert saving.get_registered_object("x", module_objects={"x": len}) is len


def test_custom_object_scope_class():
    assert saving.custom_object_scope is saving.CustomObjectScope
    assert utils.CustomObjectScope is saving.CustomObjectScope
    with saving.CustomObjectScope({"g": doubled}, {"h": len}) as scope:
        assert isinstance(scope, saving.CustomObjectScope)
        assert saving.get_registered_object("g") is doubled
        assert utils.get_registered_object("h") is len
    assert saving.get_registered_object("g") is None
    with pytest.raises(TypeError, match="dicts"):
        saving.CustomObjectScope(["g"])


def test_get_custom_objects_registers_by_mutation():
    def tripled(x):
        return 3 * x
    utils.get_custom_objects()["Tests>tripled"] = tripled
    try:
        assert losses.deserialize("Tests>tripled") is tripled
    finally:
        del utils.get_custom_objects()["Tests>tripled"]


# ----- the per-module deserialize -----

def test_deserialize_names_as_keras():
    assert losses.deserialize("mean_squared_error") is losses.mean_squared_error
    assert isinstance(losses.deserialize("MeanSquaredError"), losses.MeanSquaredError)
    assert regularizers.deserialize("l2").l2 == 0.01
    assert regularizers.deserialize({"class_name": "L2", "config": {"l2": 0.5}}).l2 == 0.5
    assert activations.deserialize("relu") is activations.relu
    assert isinstance(initializers.deserialize("glorot_uniform"), initializers.GlorotUniform)
    assert isinstance(metrics.deserialize("AUC"), metrics.AUC)
    assert metrics.deserialize("huber") is losses.huber
    assert isinstance(constraints.deserialize("NonNeg"), constraints.NonNeg)


@pytest.mark.parametrize("module, obj", [
    (losses, losses.Huber(delta=2.0)), (metrics, metrics.AUC(num_thresholds=50)),
    (regularizers, regularizers.L1L2(0.01, 0.02)), (constraints, constraints.MaxNorm(3.0)),
    (initializers, initializers.Constant(2.0)),
    (schedules, schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True)),
])
def test_round_trips_through_json(module, obj):
    saved = json.loads(json.dumps(module.serialize(obj)))
    back = module.deserialize(saved)
    assert type(back) is type(obj)
    assert back.get_config() == obj.get_config()


def test_activations_serialize_builtins_by_name():
    assert activations.serialize(activations.relu) == "relu"
    assert activations.serialize(activations.hard_sigmoid) == "hard_sigmoid"
    assert activations.serialize(activations.linear) == "linear"
    assert activations.serialize(doubled)["config"] == "Tests>doubled"
    assert activations.deserialize(activations.serialize(doubled)) is doubled


def test_deserialize_refuses_other_values():
    with pytest.raises(ValueError, match="keras.losses.deserialize"):
        losses.deserialize(3)


# ----- names added next to them -----

def test_initializer_lower_case_names_are_the_classes():
    assert initializers.glorot_uniform is initializers.GlorotUniform
    assert initializers.he_normal is initializers.HeNormal
    assert initializers.constant is initializers.Constant
    assert initializers.variance_scaling is initializers.VarianceScaling
    assert initializers.identity is initializers.Identity


def test_metrics_function_names_are_the_losses():
    assert metrics.huber is losses.huber
    assert metrics.binary_focal_crossentropy is losses.binary_focal_crossentropy
    assert metrics.categorical_focal_crossentropy is losses.categorical_focal_crossentropy


def test_threshold_as_keras():
    x = np.array([[0.5, 1.2, -0.3, 2.0], [1.0, 1.0, 1.0, 1.0]], "float32")
    out = activations.threshold(x, 0.9, -1.0)
    np.testing.assert_array_equal(
        out.data, np.array([[-1.0, 1.2, -1.0, 2.0], [1.0, 1.0, 1.0, 1.0]], "float32"))
    assert out.dtype == np.float32


def test_sparsemax_projects_onto_the_simplex():
    # (Martins & Astudillo's definition; Keras 3.15 sums the cumulative sums over the
    # support instead, which gives [[0, 0, 0, 0], [0, 0, 0, 0]] here)
    x = np.array([[0.5, 1.2, -0.3, 2.0], [1.0, 1.0, 1.0, 1.0]], "float32")
    np.testing.assert_allclose(activations.sparsemax(x).data,
                               [[0.0, 0.1, 0.0, 0.9], [0.25, 0.25, 0.25, 0.25]], atol=1e-6)
    np.testing.assert_allclose(activations.sparsemax(x, axis=0).data.sum(axis=0), 1.0,
                               rtol=1e-6)
    v = Variable(np.array([[0.5, 1.2, -0.3, 1.4], [1.0, 1.1, 1.0, 1.0]]))
    gradcheck(lambda t: activations.sparsemax(t) * np.arange(4.0), v)


# ----- saving's function forms -----

def test_save_and_load_weights_and_save_model(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    path = str(tmp_path / "w.weights.npz")
    saving.save_weights(model, path)
    other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    saving.load_weights(other, path)
    x = np.ones((1, 3), "float32")
    np.testing.assert_array_equal(model(x).data, other(x).data)
    keras.models.save_model(model, str(tmp_path / "m.keras"))
    loaded = keras.models.load_model(str(tmp_path / "m.keras"))
    np.testing.assert_array_equal(loaded(x).data, model(x).data)


# ----- keras.utils' helpers -----

def test_config_object():
    config = utils.Config(b=1, a=2)
    config.x = 3
    config["y"] = 4
    assert list(config) == ["a", "b", "x", "y"] and len(config) == 4
    assert config.to_json() == '{"b": 1, "a": 2, "x": 3, "y": 4}'
    assert repr(config) == "<Config {'b': 1, 'a': 2, 'x': 3, 'y': 4}>"
    config.freeze()
    assert config.frozen
    with pytest.raises(ValueError, match="Cannot mutate attribute"):
        config.z = 1
    with pytest.raises(AttributeError, match="Unknown attribute: 'zz'"):
        config.zz  # noqa: B018
    config.unfreeze()
    assert config.pop("y") == 4 and config.as_dict() == {"b": 1, "a": 2, "x": 3}


def test_pack_and_unpack():
    assert utils.pack_x_y_sample_weight(1) == 1
    assert utils.pack_x_y_sample_weight((1, 2)) == ((1, 2),)
    assert utils.pack_x_y_sample_weight(1, 2) == (1, 2)
    assert utils.pack_x_y_sample_weight(1, 2, 3) == (1, 2, 3)
    assert utils.unpack_x_y_sample_weight(5) == (5, None, None)
    assert utils.unpack_x_y_sample_weight((1,)) == (1, None, None)
    assert utils.unpack_x_y_sample_weight([1, 2]) == (1, 2, None)
    with pytest.raises(ValueError, match="sample_weight"):
        utils.unpack_x_y_sample_weight((1, 2, 3, 4))


def test_split_dataset():
    left, right = utils.split_dataset(np.arange(10), left_size=3, right_size=4)
    np.testing.assert_array_equal(left, [0, 1, 2])
    np.testing.assert_array_equal(right, [6, 7, 8, 9])
    (lx, ly), (rx, ry) = utils.split_dataset((np.arange(10), np.arange(10) * 10),
                                             left_size=0.7, shuffle=True, seed=3)
    assert len(lx) == 7 and len(rx) == 3
    np.testing.assert_array_equal(ly, lx * 10)
    assert sorted(np.concatenate([lx, rx]).tolist()) == list(range(10))
    with pytest.raises(ValueError, match="At least one"):
        utils.split_dataset(np.arange(10))
    with pytest.raises(ValueError, match="left_size"):
        utils.split_dataset(np.arange(10), left_size=1.5)
    with pytest.raises(ValueError, match="same number of samples"):
        utils.split_dataset((np.arange(10), np.arange(9)), left_size=2)


def test_standardize_dtype_as_keras():
    names = [utils.standardize_dtype(d) for d in (None, int, float, bool, str, "int",
                                                  np.float64, np.dtype("int8"), "uint8")]
    assert names == ["float32", "int32", "float32", "bool", "string", "int32", "float64",
                     "int8", "uint8"]
    with pytest.raises(ValueError, match="Invalid dtype: float"):
        utils.standardize_dtype("float")


def test_keras_tensors_and_their_inputs():
    a, b = keras.Input((3,)), keras.Input((3,))
    out = keras.layers.Dense(2)(keras.layers.Add()([b, a]))
    assert utils.is_keras_tensor(out) and not utils.is_keras_tensor(np.ones(3))
    sources = utils.get_source_inputs(out)
    assert len(sources) == 2 and sources[0] is b and sources[1] is a
    with pytest.raises(TypeError, match="KerasTensor"):
        utils.get_source_inputs(np.ones(3))
