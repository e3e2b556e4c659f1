"""Keras' GaussianNoise and GaussianDropout: noise while training only, of the stated
mean and spread, the gradient through it, seeds, and a model with them saved and loaded."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.keras as keras
from nn.keras import layers


def test_noise_is_drawn_while_training_only():
    x = np.ones((2000, 50), np.float32)
    for layer, mean, std in ((layers.GaussianNoise(0.5), 1.0, 0.5),
                             (layers.GaussianDropout(0.2), 1.0, np.sqrt(0.2 / 0.8))):
        y = layer(x, training=True).data
        assert y.dtype == np.float32
        assert abs(y.mean() - mean) < 0.01 and abs(y.std() - std) < 0.01
        np.testing.assert_array_equal(layer(x, training=False).data, x)
        layer.eval()
        np.testing.assert_array_equal(layer(x).data, x)


def test_gradients_pass_through_the_noise():
    x = ag.Variable(np.ones((3, 4)))
    layers.GaussianNoise(1.0)(x, training=True).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.ones((3, 4)))
    x.cleargrad()
    dropout = layers.GaussianDropout(0.3, seed=1)
    y = dropout(x, training=True)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, y.data)  # dy/dx = m = y / x, x = 1


def test_a_seed_repeats_the_noise_and_refusals_name_the_argument():
    a = layers.GaussianNoise(1.0, seed=3)(np.zeros((2, 3)), training=True).data
    b = layers.GaussianNoise(1.0, seed=3)(np.zeros((2, 3)), training=True).data
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="stddev must be >= 0"):
        layers.GaussianNoise(-1.0)
    with pytest.raises(ValueError, match="rate must be below 1"):
        layers.GaussianDropout(1.0)


def test_a_model_with_noise_trains_saves_and_loads(tmp_path):
    np.random.seed(0)
    x = np.random.standard_normal((64, 4)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    model = keras.Sequential([keras.Input(shape=(4,)), layers.GaussianNoise(0.1),
                              layers.Dense(8, activation="relu"), layers.GaussianDropout(0.2),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.save(tmp_path / "m.keras")
    loaded = nn.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    assert loaded.layers[0].get_config()["stddev"] == 0.1


def test_a_captured_step_draws_the_noise_an_eager_one_draws():
    """A seeded layer beside dropout: the capture's check of the global generator's draws
    must not advance the layer's own generator."""
    def run(captured):
        np.random.seed(0)
        noise, dense = layers.GaussianNoise(0.3, seed=5), nn.Linear(4, 4)

        def step(x):
            return nn.functional.dropout(dense(noise(x, training=True)), 0.5).sum()
        step = ag.capture(step) if captured else step
        return [float(step(np.ones((2, 4), np.float32)).data) for _ in range(5)]
    np.testing.assert_allclose(run(True), run(False), rtol=1e-6)
