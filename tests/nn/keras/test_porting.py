"""Names and forms that Keras code ported as it is uses: Flatten(input_shape=...) as a first
layer, Sequential.build(input_shape), the poolings' other names, keras.models, and the
cross-entropy functions of keras.losses (against Keras 3's values in keras_losses.npz)."""
import os

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers

DATA = np.load(os.path.join(os.path.dirname(__file__), "data", "keras_losses.npz"))


def test_flatten_takes_input_shape_as_a_first_layer():
    model = keras.Sequential([layers.Flatten(input_shape=(8, 8)),
                              layers.Dense(5, activation="relu"), layers.Dense(3)])
    assert model.count_params() == 64 * 5 + 5 + 5 * 3 + 3  # sized before any call
    assert model(np.zeros((2, 8, 8), np.float32)).shape == (2, 3)
    assert layers.Flatten()(np.zeros((4,), np.float32)).shape == (4, 1)  # Keras' (N,) -> (N, 1)


def test_flatten_channels_first_orders_the_features_channels_last():
    x = np.arange(2 * 3 * 2 * 2, dtype=np.float32).reshape(2, 3, 2, 2)  # (N, C, H, W)
    out = layers.Flatten(data_format="channels_first")(x).data
    np.testing.assert_array_equal(out, x.transpose(0, 2, 3, 1).reshape(2, -1))
    np.testing.assert_array_equal(layers.Flatten()(x).data, x.reshape(2, -1))
    with pytest.raises(ValueError, match="data_format"):
        layers.Flatten("channels_middle")


def test_a_model_with_keras_flatten_saves_and_loads(tmp_path):
    model = keras.Sequential([layers.Flatten(input_shape=(4, 2), name="flat"),
                              layers.Dense(2)])
    x = np.random.default_rng(0).normal(size=(3, 4, 2)).astype(np.float32)
    model.save(tmp_path / "m.rungrad")
    again = keras.models.load_model(tmp_path / "m.rungrad")
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    assert again.get_layer("flat").input_shape == (4, 2)


def test_build_sizes_the_layers_from_a_batch_shape():
    model = keras.Sequential([layers.Embedding(50, 16), layers.GlobalAveragePooling1D(),
                              layers.Dense(16, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.build(input_shape=(None, 20))
    assert model.count_params() == 50 * 16 + 16 * 16 + 16 + 16 + 1  # Keras' 1,089
    assert len(model.get_weights()) == 5
    dense = keras.Sequential([layers.Dense(4), layers.Dense(2)])
    dense.build((None, 3))
    assert [w.shape for w in dense.get_weights()] == [(3, 4), (4,), (4, 2), (2,)]
    with pytest.raises(ValueError, match="shape of a batch"):
        dense.build(3)


def test_the_poolings_other_names_are_the_same_layers():
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D


def test_keras_models_has_sequential_model_and_load_model():
    assert keras.models.Sequential is keras.Sequential
    assert keras.models.Model is keras.Model
    assert keras.models.load_model is keras.load_model


@pytest.mark.parametrize("function, case, options", [
    ("binary_crossentropy", "BinaryCrossentropy", {}),
    ("binary_crossentropy", "BinaryCrossentropy-logits",
     {"from_logits": True, "label_smoothing": 0.2}),
    ("categorical_crossentropy", "CategoricalCrossentropy", {"label_smoothing": 0.1}),
    ("categorical_crossentropy", "CategoricalCrossentropy-logits", {"from_logits": True}),
    ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", {}),
    ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy-logits",
     {"from_logits": True})])
def test_cross_entropy_functions_give_keras_per_sample_values(function, case, options):
    fn = getattr(keras.losses, function)
    y_true, y_pred = DATA[f"{case}/y_true"], DATA[f"{case}/y_pred"]
    per_sample = fn(y_true, y_pred, **options).data
    assert per_sample.shape == (len(y_pred),)
    np.testing.assert_allclose(per_sample.mean(), DATA[f"{case}/value"], rtol=2e-6)
    assert keras.losses.get(function) is fn
    with pytest.raises(NotImplementedError, match="axis"):
        fn(y_true, y_pred, axis=0)
