"""Keras' SpatialDropout1D/2D/3D: whole channels of each sample dropped while training."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.keras as keras
from nn.keras import layers


@pytest.mark.parametrize("layer, shape, channel_axis", [
    (layers.SpatialDropout1D(0.5), (50, 7, 8), -1),
    (layers.SpatialDropout2D(0.5), (50, 3, 4, 8), -1),
    (layers.SpatialDropout2D(0.5, data_format="channels_first"), (50, 8, 3, 4), 1),
    (layers.SpatialDropout3D(0.5), (50, 2, 3, 4, 8), -1)])
def test_whole_channels_are_dropped_while_training_only(layer, shape, channel_axis):
    x = np.ones(shape, np.float32)
    y = np.moveaxis(layer(x, training=True).data, channel_axis, 1).reshape(50, 8, -1)
    assert set(np.unique(y)) == {0.0, 2.0}
    assert (y == y[..., :1]).all()  # one draw for each sample and channel
    assert 0.35 < (y[..., 0] == 0).mean() < 0.65
    np.testing.assert_array_equal(layer(x, training=False).data, x)


def test_the_gradient_is_the_mask_and_the_layer_saves(tmp_path):
    x = ag.Variable(np.ones((4, 5, 3)))
    y = layers.SpatialDropout1D(0.3)(x, training=True)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data)
    with pytest.raises(ValueError, match=r"expected an input of shape \(N, T, C\)"):
        layers.SpatialDropout1D(0.3)(np.ones((4, 5)))
    with pytest.raises(ValueError, match="seed= is not supported"):
        layers.SpatialDropout1D(0.3, seed=1)
    model = keras.Sequential([keras.Input(shape=(6,), dtype="int64"), layers.Embedding(10, 4),
                              layers.SpatialDropout1D(0.2), layers.LSTM(3), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    tokens = np.random.default_rng(0).integers(0, 10, (8, 6))
    model.fit(tokens, np.zeros((8, 1), np.float32), epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = nn.load_model(tmp_path / "m.keras")
    assert loaded.layers[1].get_config()["rate"] == 0.2
    np.testing.assert_allclose(loaded.predict(tokens, verbose=0), model.predict(tokens, verbose=0),
                               rtol=1e-6)
