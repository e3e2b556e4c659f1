"""Keras' cross-entropy names on models whose probabilities the loss reads from the graph:
a hard sigmoid's outputs are probabilities (Keras' from_logits=False), not logits, and a
softmax reshaped back by TimeDistributed keeps its classes on the last axis."""
import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers


def _keras_binary_cross_entropy(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_hard_sigmoid_output_is_taken_as_probabilities(seed):
    """Taken as logits, it was put through a sigmoid again: a wrong loss, and an accuracy
    thresholded at 0 (every sample positive)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(8, 4)).astype(np.float32) * 3
    y = (rng.random(8) < 0.5).astype(np.float32)
    np.random.seed(seed)
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, activation="hard_sigmoid")])
    model.compile(optimizer="sgd", loss=keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
    p = model.predict(x, verbose=0)[:, 0]
    loss, accuracy = model.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(loss, _keras_binary_cross_entropy(p, y), rtol=1e-5)
    assert accuracy == np.mean((p > 0.5) == y)


def test_a_hard_sigmoid_classifier_trains():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 2)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.float32)
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1, activation="hard_sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] >= 0.95


def test_time_distributed_softmax_gives_the_loss_of_its_probabilities():
    """fit and evaluate refused it: TimeDistributed reshapes (N T, C) back to (N, T, C)
    after the softmax, which keeps each row of classes whole."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5, 4)).astype(np.float32)
    y = rng.integers(0, 3, (64, 5))
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(5, 4)), layers.LSTM(8, return_sequences=True),
                              layers.TimeDistributed(layers.Dense(3, activation="softmax"))])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, verbose=0)
    p = model.predict(x, verbose=0)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(loss, -np.log(np.take_along_axis(p, y[..., None], -1)).mean(),
                               rtol=1e-5)
    np.testing.assert_allclose(accuracy, (p.argmax(-1) == y).mean())


def test_a_reshape_that_moves_the_classes_is_still_refused():
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(6, activation="softmax"),
                              layers.Reshape((3, 2))])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, y = np.ones((4, 4), np.float32), np.zeros((4, 3), np.int64)
    with pytest.raises(ValueError, match="reshapes or indexes its softmax"):
        model.fit(x, y, verbose=0)
