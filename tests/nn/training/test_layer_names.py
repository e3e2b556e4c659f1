"""Keras' names: layers given name= are their Sequential's children of that name; the
model's own name shows in summary; get_layer; saved and loaded with the model."""
import numpy as np
import pytest

import nn
import nn.functional as F
import nn.keras as keras
from autograd import Variable
from nn.keras import layers
from nn.layers.keras_name import keras_name


def named_model():
    np.random.seed(0)
    return nn.Sequential([
        nn.Input(shape=(4,), name="features"),
        nn.Dense(8, activation="relu", name="hidden"),
        nn.Dropout(0.2, name="drop"),
        nn.Flatten(name="flat"),
        nn.Dense(3),
        nn.Activation("softmax", name="probabilities"),
    ], name="classifier")


def test_named_layers_are_children_of_that_name_and_unnamed_keep_their_index():
    model = named_model()
    assert list(model._modules) == ["features", "hidden", "drop", "flat", "4", "probabilities"]
    assert list(model.state_dict()) == ["hidden.weight", "hidden.bias", "4.weight", "4.bias"]
    assert model[1] is model.get_layer("hidden") is model.hidden
    # (an index counts model.layers, as in Keras: the InputLayer is not one of them)
    assert model.get_layer(index=3) is model.get_layer("4") is model[4] is model.layers[3]


def test_summary_shows_the_model_and_layer_names():
    lines = []
    named_model().summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert lines[0] == 'Model: "classifier"'
    for row in ("hidden (Dense)", "drop (Dropout)", "dense (Dense)", "probabilities (Activation)"):
        assert row in text
    assert "?" not in text  # every row has its output shape, the last one's too
    assert 'Model: "sequential"' in "\n".join(_summary_lines(nn.Sequential([nn.Dense(2)]),
                                                               (3,)))


def _summary_lines(model, sample):
    model(np.zeros((1,) + sample, np.float32))
    lines = []
    model.summary(print_fn=lines.append)
    return lines


def test_a_named_model_is_saved_and_loaded_with_its_names(tmp_path):
    model = named_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(16, 4)).astype(np.float32)
    model.fit(x, np.arange(16) % 3, verbose=0)
    model.save(tmp_path / "named.keras")
    loaded = nn.load_model(tmp_path / "named.keras")
    assert loaded.name == "classifier"
    assert list(loaded._modules) == list(model._modules)
    assert loaded.get_layer("hidden").name == "hidden"
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6)


def test_names_are_checked():
    with pytest.raises(ValueError, match="Sequential: another layer is named 'a' already; "
                                         "layer names must be unique"):
        nn.Sequential([nn.Dense(2, name="a"), nn.Dense(2, name="a")])
    with pytest.raises(ValueError, match="Sequential: a layer is named '1' already"):
        nn.Sequential([nn.Dense(2, name="1"), nn.Dense(2)])
    with pytest.raises(ValueError, match="Dense: name must be a non-empty string without"):
        nn.Dense(2, name="a.b")
    with pytest.raises(ValueError, match="Dropout: name must be a non-empty string"):
        nn.Dropout(0.1, name="")
    with pytest.raises(ValueError, match="Sequential: name must be a non-empty string"):
        nn.Sequential(name=3)
    model = named_model()
    with pytest.raises(ValueError, match=r"get_layer: no layer named 'output'; the layers "
                                         r"are \['features', 'hidden'"):
        model.get_layer("output")
    with pytest.raises(ValueError, match="get_layer: give a name or an index"):
        model.get_layer()


def test_a_lambda_keeps_labelling_its_output_by_its_function_when_unnamed():
    unnamed, named = nn.Lambda(F.tanh), nn.Lambda(F.tanh, name="squash")
    assert unnamed.name == "lambda" and unnamed.label == "tanh"  # (Keras' name: 'lambda')
    assert named.label == "squash"
    model = nn.Sequential(unnamed, named)
    assert list(model._modules) == ["0", "squash"]
    x = Variable(np.zeros((2, 1), np.float32))
    assert unnamed(x).name == "tanh" and named(x).name == "squash"


def test_a_users_own_module_with_a_name_attribute_keeps_its_index():
    class Block(nn.Module):
        def __init__(self, name):
            super().__init__()
            self.name = name

        def forward(self, x):
            return x

    model = nn.Sequential(Block("same"), Block("same"))
    assert list(model._modules) == ["0", "1"]


def test_unnamed_layers_and_models_have_keras_names():
    # Keras 3.15.1's names (it numbers per session, 'dense_2' in a second model; here per
    # model, as summary() numbers them)
    assert [layers.Dense(3).name, layers.Conv2D(2, 3).name, layers.BatchNormalization().name,
            layers.Activation("relu").name, layers.Lambda(F.relu).name,
            layers.InputLayer(shape=(2,)).name] == [
        "dense", "conv2d", "batch_normalization", "activation", "lambda", "input_layer"]
    assert layers.Dense(3).get_config()["name"] == "dense"
    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(3), layers.Dense(1)])
    assert model.name == "sequential"
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert {layer.name: layer for layer in model.layers}["dense_1"] is model.layers[1]
    assert model.layers[1].get_config()["name"] == "dense_1"
    inputs = keras.Input(shape=(2,))
    functional = keras.Model(inputs, layers.Dense(1)(inputs))
    assert functional.name == "functional"
    assert [layer.name for layer in functional.layers] == ["input_layer", "dense"]

    class MyModel(keras.Model):
        def call(self, x):
            return x

    assert MyModel().name == "my_model" and MyModel(name="mine").name == "mine"
    assert keras.Sequential(name="clf").name == "clf"


def test_names_follow_the_model_and_only_given_ones_are_saved(tmp_path):
    """An unnamed layer goes by the name its model's layers leave it (renamed when they
    change, as summary() renames it); the model's key and model.save keep the layer
    unnamed (an index), so files stay as they were."""
    first, second = nn.Dense(2), nn.Dense(2)
    model = nn.Sequential([nn.Input(shape=(2,)), first, second])
    assert (first.name, second.name) == ("dense", "dense_1")
    model.insert(1, nn.Dense(2, name="dense"))
    assert (first.name, second.name) == ("dense_1", "dense_2")
    assert list(model._modules) == ["0", "dense", "2", "3"]
    model.save(tmp_path / "model.rungrad")
    loaded = nn.load_model(tmp_path / "model.rungrad")
    assert list(loaded._modules) == ["0", "dense", "2", "3"] and loaded.name == "sequential"
    assert [layer.name for layer in loaded.layers] == ["dense", "dense_1", "dense_2"]
    assert keras_name(loaded.layers[1]) is None
