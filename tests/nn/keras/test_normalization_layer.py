"""Keras' Normalization: adapt learns each feature's mean and variance (arrays or batches),
the layer standardizes (or, inverted, restores) them, and is saved with what it learned.
(Checked once against Keras 3.15 on this data: equal to 5e-7.)"""
import numpy as np
import pytest

import nn
import nn.keras as keras
from nn.keras import layers


def data():
    rng = np.random.default_rng(0)
    scales = np.array([1, 10, 0.1, 5])
    return (rng.normal(3, 2, size=(100, 4)) * scales).astype(np.float32)


def test_adapt_then_standardize_each_feature():
    x = data()
    norm = layers.Normalization()
    norm.adapt(x)
    np.testing.assert_allclose(norm(x).data, (x - x.mean(axis=0)) / x.std(axis=0), atol=2e-5)
    batched = layers.Normalization()
    batched.adapt(iter([x[:30], x[30:]]))  # a dataset of batches, as Keras takes one
    np.testing.assert_allclose(batched.variance, norm.variance, rtol=1e-5)


def test_axis_none_and_invert():
    x = data()
    whole = layers.Normalization(axis=None)
    whole.adapt(x)
    assert whole.mean.shape == () and float(whole(x).data.std()) == pytest.approx(1, rel=1e-5)
    forward = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    back = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0], invert=True)
    y = np.array([[3.0, 8.0]], np.float32)
    np.testing.assert_allclose(forward(y).data, [[1.0, 2.0]])
    np.testing.assert_allclose(back(forward(y)).data, y)


def test_a_model_with_it_trains_and_is_saved_with_the_statistics(tmp_path):
    x = data()
    y = x @ np.array([[1.0], [0.1], [10.0], [0.2]], np.float32)
    norm = layers.Normalization()
    norm.adapt(x)
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), norm, layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="mse")
    losses = model.fit(x, y, batch_size=20, epochs=60, verbose=0).history["loss"]
    assert losses[-1] < 1e-3 * losses[0]
    model.save(tmp_path / "m.keras")
    np.testing.assert_allclose(nn.load_model(tmp_path / "m.keras").predict(x),
                               model.predict(x), rtol=1e-6)


def test_use_before_adapt_and_half_given_statistics_are_refused():
    with pytest.raises(ValueError, match="call adapt"):
        layers.Normalization()(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="give both mean and variance"):
        layers.Normalization(mean=[0.0])
    with pytest.raises(ValueError, match="the data holds no samples"):
        layers.Normalization().adapt(iter([]))
