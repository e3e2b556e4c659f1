"""Keras' metric names compile takes as strings that are its metric objects (top-k
accuracies, the cross-entropies, root_mean_squared_error), against Keras 3.15's numbers
for the same data, weights and batches (reference values below; CI has no Keras)."""
import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers

RNG = np.random.default_rng(0)
X = RNG.normal(size=(23, 4)).astype("float32")
LABELS = RNG.integers(0, 7, size=23)


def build(units, activation):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(units, activation=activation)])
    weights = np.random.default_rng(1)
    model.set_weights([weights.normal(size=np.shape(w)).astype("float32")
                       for w in model.get_weights()])
    return model


def check(logs, expected):
    assert sorted(logs) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(logs[key], value, rtol=1e-5, atol=1e-6, err_msg=key)


def test_sparse_top_k_and_cross_entropy_in_fit():
    model = build(7, "softmax")
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  metrics=["sparse_top_k_categorical_accuracy",
                           "sparse_categorical_crossentropy"])
    history = model.fit(X, LABELS, batch_size=5, epochs=2, shuffle=False, verbose=0,
                        validation_split=0.3)
    check(history.history, {
        "loss": [2.403493, 2.302675], "sparse_categorical_crossentropy": [2.403493, 2.302675],
        "sparse_top_k_categorical_accuracy": [0.875, 0.9375],
        "val_loss": [2.373914, 2.302765],
        "val_sparse_categorical_crossentropy": [2.373914, 2.302765],
        "val_sparse_top_k_categorical_accuracy": [0.857143, 0.857143]})


@pytest.mark.parametrize("units, activation, loss, metrics, target, expected", [
    (7, "softmax", "categorical_crossentropy",
     ["top_k_categorical_accuracy", "categorical_crossentropy"], np.eye(7)[LABELS],
     {"categorical_crossentropy": 2.427868, "loss": 2.427868,
      "top_k_categorical_accuracy": 0.869565}),
    (1, "sigmoid", "mse", ["binary_crossentropy", "root_mean_squared_error"],
     (LABELS > 3).astype("float32")[:, None],
     {"binary_crossentropy": 1.34512, "loss": 0.469208, "root_mean_squared_error": 0.684988}),
])
def test_evaluate_gives_keras_values(units, activation, loss, metrics, target, expected):
    model = build(units, activation)
    model.compile(optimizer="sgd", loss=loss, metrics=metrics)
    check(model.evaluate(X, target, batch_size=5, verbose=0, return_dict=True), expected)
