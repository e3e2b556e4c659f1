"""Keras' PReLU (learned slopes in Keras' alpha layout, shared axes) and AlphaDropout
(SELU-preserving dropout while training only): NumPy references, gradients, weights in
Keras' layout, configs and models saved and loaded."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.keras as keras
from nn.keras import layers
from tests._helpers import saved_and_loaded
from tests.nn.keras._helpers import check_gradients

_ALPHA_P = -1.0507009873554805 * 1.6732632423543772  # SELU's limit at -inf


@given(st.sampled_from([None, [1], [2], [1, 2]]), st.integers(0, 2 ** 16))
@settings(max_examples=8, deadline=None)
def test_prelu_is_x_above_zero_and_alpha_x_below(shared_axes, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    layer = layers.PReLU(alpha_initializer="random_uniform", shared_axes=shared_axes)
    y = layer(x).data
    alpha = layer.get_weights()[0]
    expected_shape = [3, 4]
    for axis in shared_axes or ():
        expected_shape[axis - 1] = 1
    assert alpha.shape == tuple(expected_shape) and y.dtype == np.float32
    np.testing.assert_allclose(y, np.maximum(x, 0) - alpha * np.maximum(-x, 0), rtol=1e-6)


def test_prelu_starts_as_a_relu_and_takes_keras_weights():
    x = np.random.default_rng(0).standard_normal((2, 5)).astype(np.float32)
    layer = layers.PReLU()
    np.testing.assert_array_equal(layer(x).data, np.maximum(x, 0))
    layer.set_weights([np.full(5, 0.5, np.float32)])
    np.testing.assert_allclose(layer(x).data, np.where(x > 0, x, 0.5 * x))
    assert layer.get_config()["shared_axes"] is None


def test_prelu_gradients_first_and_second_order():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 2))
    x[np.abs(x) < 0.05] = 0.5  # (away from the kink)
    layer = layers.PReLU(alpha_initializer="random_uniform", shared_axes=1)
    layer(x)
    check_gradients(layer, x, second_order=True)


def test_prelu_refuses_inputs_that_do_not_fit():
    layer = layers.PReLU(shared_axes=[1])
    layer(np.ones((2, 3, 4), np.float32))
    layer(np.ones((2, 7, 4), np.float32))  # (the shared axis takes any size)
    with pytest.raises(ValueError, match=r"PReLU: an input of shape \(2, 3, 5\) does not fit"):
        layer(np.ones((2, 3, 5), np.float32))
    with pytest.raises(ValueError, match="PReLU: shared_axes"):
        layers.PReLU(shared_axes=0)
    with pytest.raises(ValueError, match="shared_axes"):
        layers.PReLU(shared_axes=3)(np.ones((2, 3)))


def test_a_prelu_model_learns_a_leaky_map_and_saves(tmp_path):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((256, 3)).astype(np.float32)
    y = np.where(x > 0, x, 0.3 * x)  # a leaky ReLU of slope 0.3 on each feature
    model = keras.Sequential([keras.Input(shape=(3,)), layers.PReLU(
        alpha_regularizer="l2", alpha_constraint="non_neg")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    model.fit(x, y, epochs=40, batch_size=64, verbose=0)
    alpha = model.layers[0].get_weights()[0]
    assert np.all(np.abs(alpha - 0.3) < 0.05), alpha  # (l2 0.01 pulls it slightly to 0)
    assert len(model.losses) == 1
    loaded = saved_and_loaded(model, x, tmp_path / "m.keras")
    assert loaded.layers[0].get_config()["alpha_constraint"] is not None


def test_alpha_dropout_keeps_mean_and_variance_while_training_only():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4000, 50)).astype(np.float32)
    layer = layers.AlphaDropout(0.2, seed=4)
    y = layer(x, training=True).data
    a = ((1 - 0.2) * (1 + 0.2 * _ALPHA_P ** 2)) ** -0.5
    b = -a * _ALPHA_P * 0.2
    kept = np.isclose(y, a * x + b, atol=1e-5)
    np.testing.assert_allclose(y[~kept], a * _ALPHA_P + b, rtol=1e-5)
    assert abs(kept.mean() - 0.8) < 0.01
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
    np.testing.assert_array_equal(layer(x, training=False).data, x)
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, x)


@pytest.mark.parametrize("dtype", [np.int64, np.bool_])
def test_alpha_dropout_of_integers_is_float32_while_training(dtype):
    x = np.random.default_rng(7).integers(0, 2, (50, 40)).astype(dtype)
    y = layers.AlphaDropout(0.3, seed=8)(x, training=True).data
    assert y.dtype == np.float32
    a = ((1 - 0.3) * (1 + 0.3 * _ALPHA_P ** 2)) ** -0.5
    kept = np.isclose(y, a * x - a * _ALPHA_P * 0.3, atol=1e-6)
    np.testing.assert_allclose(y[~kept], a * _ALPHA_P - a * _ALPHA_P * 0.3, rtol=1e-5)
    assert 0.6 < kept.mean() < 0.8
    assert layers.AlphaDropout(0.3)(x, training=False).dtype == dtype  # (x itself)


def test_alpha_dropout_noise_shape_seed_gradient_and_refusals():
    x = ag.Variable(np.random.default_rng(5).standard_normal((6, 4)))
    layer = layers.AlphaDropout(0.5, noise_shape=(None, 1), seed=6)
    y = layer(x, training=True)
    a = (0.5 * (1 + 0.5 * _ALPHA_P ** 2)) ** -0.5
    kept = np.isclose(y.data, a * x.data - a * _ALPHA_P * 0.5)
    assert np.all(kept.all(axis=1) | (~kept).all(axis=1))  # one draw per row
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, a * kept)  # dy/dx = a k
    again = layers.AlphaDropout(0.5, noise_shape=(None, 1), seed=6)(x, training=True)
    np.testing.assert_array_equal(again.data, y.data)
    with pytest.raises(ValueError, match="AlphaDropout: rate must be below 1"):
        layers.AlphaDropout(1.0)
    with pytest.raises(ValueError, match="AlphaDropout: noise_shape"):
        layers.AlphaDropout(0.5, noise_shape=(None, 3))(x, training=True)


def test_a_selu_network_with_alpha_dropout_learns_and_saves(tmp_path):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((256, 4)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.float32)[:, None]
    np.random.seed(8)
    model = keras.Sequential([
        keras.Input(shape=(4,)),
        layers.Dense(16, activation="selu", kernel_initializer="lecun_normal"),
        layers.AlphaDropout(0.1, seed=9), layers.Dense(1, activation="sigmoid")])
    # Adam(0.01): over 20 draws of data, weights and dropout the accuracy is 0.98-1.0 (Keras'
    # default 1e-3 left 3 of 13 draws at 0.86-0.89 after the 30 epochs)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] > 0.9
    loaded = saved_and_loaded(model, x, tmp_path / "m.keras")
    assert isinstance(loaded.layers[1], layers.AlphaDropout)
    assert loaded.layers[1].get_config()["rate"] == 0.1
    assert isinstance(nn.AlphaDropout(0.1), nn.Module)
