"""nn.keras' BatchNormalization and LayerNormalization: Keras' statistics and moving
averages against NumPy, inference and trainable=False, weights in Keras' order, backprop
against numerical differentiation, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn.keras as keras
from autograd.testing import arrays
from nn.keras import layers

from ..training.test_summary import summary_text
from ._helpers import check_gradients


def normalized(x, axes, eps, mean=None, var=None):
    mean = x.mean(axis=axes, keepdims=True) if mean is None else mean
    var = x.var(axis=axes, keepdims=True) if var is None else var
    return (x - mean) / np.sqrt(var + eps)


@given(data=st.data(), shape=st.sampled_from([(6, 3), (4, 5, 3), (3, 4, 2, 3)]),
       axis=st.sampled_from([-1, 1]), momentum=st.sampled_from([0.99, 0.5, 0.0]))
def test_batch_normalization_follows_keras_statistics(data, shape, axis, momentum):
    layer = layers.BatchNormalization(axis=axis, momentum=momentum)
    batches = [data.draw(arrays(shape, dtype=np.float32, elements=(-3.0, 3.0)))
               for _ in range(3)]
    ax = axis % len(shape)
    others = tuple(a for a in range(len(shape)) if a != ax)
    features = [1] * len(shape)
    features[ax] = shape[ax]
    gamma = data.draw(arrays((shape[ax],), dtype=np.float32))
    beta = data.draw(arrays((shape[ax],), dtype=np.float32))
    layer(batches[0])
    layer.set_weights([gamma, beta, np.zeros(shape[ax]), np.ones(shape[ax])])
    moving_mean, moving_var = np.zeros(shape[ax]), np.ones(shape[ax])
    for x in batches:
        y = layer(x)
        x64 = x.astype(np.float64)
        expected = (normalized(x64, others, 1e-3) * gamma.reshape(features)
                    + beta.reshape(features))
        np.testing.assert_allclose(y.data, expected, rtol=2e-4, atol=2e-4)
        # Keras: moving = momentum * moving + (1 - momentum) * batch, the biased variance
        moving_mean = momentum * moving_mean + (1 - momentum) * x64.mean(axis=others)
        moving_var = momentum * moving_var + (1 - momentum) * x64.var(axis=others)
    _, _, got_mean, got_var = layer.get_weights()
    np.testing.assert_allclose(got_mean, moving_mean, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got_var, moving_var, rtol=1e-5, atol=1e-5)
    x = batches[0].astype(np.float64)
    with ag.test_mode():
        inference = layer(batches[0])
    expected = (normalized(x, others, 1e-3, moving_mean.reshape(features),
                           moving_var.reshape(features))
                * gamma.reshape(features) + beta.reshape(features))
    np.testing.assert_allclose(inference.data, expected, rtol=2e-4, atol=2e-4)


def test_batch_normalization_weights_are_keras_order_and_names():
    layer = layers.BatchNormalization(input_shape=(4, 4, 3), name="bn")
    gamma, beta, mean, var = layer.get_weights()
    for array, fill in ((gamma, 1), (beta, 0), (mean, 0), (var, 1)):
        assert array.shape == (3,) and array.dtype == np.float32
        np.testing.assert_array_equal(array, fill)
    assert layer.gamma is layer.weight and layer.beta is layer.bias
    assert layer.moving_mean is layer.running_mean and layer.moving_variance is layer.running_var
    assert layer.momentum == 0.99 and layer.epsilon == 1e-3 and layer.axis == -1
    assert [p.shape for p in layer.parameters()] == [(3,), (3,)]
    only_beta = layers.BatchNormalization(scale=False)
    only_beta(np.ones((2, 5), np.float32))
    assert only_beta.gamma is None and [w.shape for w in only_beta.get_weights()] == [(5,)] * 3
    neither = layers.BatchNormalization(center=False, scale=False, input_shape=(5,))
    assert list(neither.parameters()) == [] and len(neither.get_weights()) == 2


def test_batch_normalization_inference_and_frozen_keep_the_statistics():
    np.random.seed(0)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(3), layers.BatchNormalization()])
    norm = model.layers[1]
    x = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32) * 3 + 2
    model.predict(x, verbose=0)
    assert np.array_equal(norm.get_weights()[2], np.zeros(3))  # inference only
    norm.trainable = False
    model.compile(optimizer="sgd", loss="mse")
    before = norm.get_weights()
    model.fit(x, x, epochs=2, batch_size=4, verbose=0)
    for kept, now in zip(before, norm.get_weights()):
        np.testing.assert_array_equal(kept, now)  # frozen: runs in inference, learns nothing
    # gamma, beta and the moving statistics
    assert "Non-trainable params: 12 (48.00 B)" in summary_text(model)
    norm.trainable = True
    model.fit(x, x, epochs=1, batch_size=4, verbose=0)
    assert not np.allclose(norm.get_weights()[2], 0)  # training moves the statistics
    assert "Non-trainable params: 6 (24.00 B)" in summary_text(model)  # Keras' count


def test_batch_normalization_takes_one_sample_as_keras():
    layer = layers.BatchNormalization()
    y = layer(np.array([[1.0, 2.0]], np.float32))
    np.testing.assert_array_equal(y.data, [[0.0, 0.0]])  # its variance is 0: beta
    np.testing.assert_allclose(layer.moving_variance, [0.99, 0.99])


@pytest.mark.parametrize("shape, kwargs", [
    ((5, 3), {}), ((3, 4, 2), dict(axis=1, center=False)), ((2, 3, 3, 2), dict(scale=False))])
def test_batch_normalization_gradients_match_numerical(shape, kwargs):
    rng = np.random.default_rng(1)
    layer = layers.BatchNormalization(**kwargs)
    x = rng.normal(size=shape)
    layer(x.astype(np.float32))
    for param in layer.parameters():
        param.data[...] = rng.normal(size=param.shape)
    check_gradients(layer, x, second_order=True)
    layer.eval()  # the moving statistics: an affine map of x
    check_gradients(layer, x)


def test_batch_normalization_errors_name_the_layer_and_the_shapes():
    layer = layers.BatchNormalization(name="norm")
    layer(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"BatchNormalization 'norm': the input of shape "
                                         r"\(2, 4\) has 4 features on axis -1, the layer was "
                                         r"built for 3"):
        layer(np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match=r"BatchNormalization: axis=3 does not fit an input "
                                         r"with 3 axes"):
        layers.BatchNormalization(axis=3)(np.ones((2, 3, 4), np.float32))
    with pytest.raises(ValueError, match=r"BatchNormalization: expected an input of shape "
                                         r"\(N, \.\.\., C\), got \(3,\)"):
        layers.BatchNormalization()(np.ones(3, np.float32))
    with pytest.raises(ValueError, match="momentum must be in"):
        layers.BatchNormalization(momentum=1.5)
    with pytest.raises(TypeError, match="axis must be an int"):
        layers.BatchNormalization(axis=[1, 2])


def test_batch_normalization_initializers_regularizers_and_their_round_trip(tmp_path):
    """Keras' four *_initializer arguments draw gamma, beta and the moving statistics when
    the layer is built (lazily, or from input_shape); gamma_regularizer and
    beta_regularizer add their penalties to model.losses and to fit's loss; model.save keeps
    all six; a bad name is refused at construction."""
    layer = layers.BatchNormalization(
        gamma_initializer=keras.initializers.Constant(2.0), beta_initializer="ones",
        moving_mean_initializer=keras.initializers.Constant(-1.0),
        moving_variance_initializer=keras.initializers.Constant(3.0),
        gamma_regularizer="l2", beta_regularizer=keras.regularizers.L1(0.1))
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layer, layers.Dense(1)])
    gamma, beta, mean, variance = layer.get_weights()
    for got, want in ((gamma, 2.0), (beta, 1.0), (mean, -1.0), (variance, 3.0)):
        np.testing.assert_array_equal(got, np.full(3, want, np.float32))
    # at inference the layer is the affine map of its statistics
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(layer(x, training=False).data,
                               2.0 * (x + 1.0) / np.sqrt(3.0 + 1e-3) + 1.0, rtol=1e-6)
    layer.eval()  # training=True overrides the mode for the call: the batch's statistics
    np.testing.assert_allclose(layer(x, training=True).data,
                               2.0 * normalized(x, 0, 1e-3) + 1.0, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_mean, 0.99 * -1.0 + 0.01 * x.mean(axis=0),
                               rtol=1e-6)
    layer.train()
    model.compile(optimizer="sgd", loss="mse")
    assert [float(p.data) for p in model.losses] == pytest.approx([0.01 * 4 * 3, 0.1 * 3])
    data = np.random.default_rng(1).random((16, 4)).astype(np.float32)
    target = np.zeros((16, 1), np.float32)
    loss = model.evaluate(data, target, verbose=0)
    plain = np.mean((model.predict(data, verbose=0) - target) ** 2)
    assert loss == pytest.approx(plain + 0.12 + 0.3, rel=1e-5)
    model.save(tmp_path / "m.rungrad")
    again = keras.models.load_model(tmp_path / "m.rungrad").layers[1]
    assert again.gamma_regularizer.get_config() == {"l2": 0.01}
    assert again.beta_regularizer.get_config() == {"l1": 0.1}
    assert again.get_config()["beta_initializer"] == "ones"
    lazy = layers.BatchNormalization(gamma_initializer="zeros")
    lazy(np.ones((2, 5), np.float32))
    np.testing.assert_array_equal(lazy.gamma.data, np.zeros(5, np.float32))
    with pytest.raises(ValueError, match="BatchNormalization: unknown gamma_initializer 'onez'"):
        layers.BatchNormalization(gamma_initializer="onez")


# ----- LayerNormalization -----
@pytest.mark.parametrize("shape, axis", [((4, 5), -1), ((2, 3, 4), [1, 2]), ((2, 3, 4), 1),
                                         ((2, 3, 4, 2), [1, 3])])
def test_layer_normalization_normalizes_each_sample_over_axis(shape, axis):
    rng = np.random.default_rng(2)
    x = rng.normal(size=shape).astype(np.float32) * 2 + 1
    layer = layers.LayerNormalization(axis=axis)
    layer(x)
    axes = tuple(a % len(shape) for a in np.atleast_1d(axis))
    sizes = tuple(shape[a] for a in axes)
    gamma, beta = rng.normal(size=sizes), rng.normal(size=sizes)
    assert [w.shape for w in layer.get_weights()] == [sizes, sizes]
    layer.set_weights([gamma, beta])
    view = [shape[a] if a in axes else 1 for a in range(len(shape))]
    expected = (normalized(x.astype(np.float64), axes, 1e-3) * gamma.reshape(view)
                + beta.reshape(view))
    np.testing.assert_allclose(layer(x).data, expected, rtol=2e-5, atol=2e-5)
    check_gradients(layer, x, second_order=True)


def test_layer_normalization_without_center_or_scale_and_errors():
    plain = layers.LayerNormalization(center=False, scale=False)
    x = np.random.default_rng(3).normal(size=(3, 4)).astype(np.float32)
    np.testing.assert_allclose(plain(x).data, normalized(x, (1,), 1e-3), rtol=1e-5, atol=1e-5)
    assert plain.get_weights() == [] and plain.built
    only_gamma = layers.LayerNormalization(center=False, input_shape=(2, 4))
    assert [w.shape for w in only_gamma.get_weights()] == [(4,)]
    with pytest.raises(ValueError, match=r"LayerNormalization 'ln': the input of shape "
                                         r"\(3, 5\) has sizes \(5,\) on axis -1, the layer was "
                                         r"built for \(4,\)"):
        layers.LayerNormalization(name="ln", input_shape=(4,))(np.ones((3, 5), np.float32))
    with pytest.raises(ValueError, match=r"axis=0 does not fit an input with 2 axes \(the "
                                         r"batch axis 0 cannot be one\)"):
        layers.LayerNormalization(axis=0)(np.ones((3, 5), np.float32))


# Keras 3.15, the same model given the same weights (set_weights), predict(X_WEIGHTS)
KERAS_BN_PREDICT = np.array([[2.2405438, 3.5497885], [1.901912, 3.8992138],
                             [2.4199784, 4.762658]], np.float32)


def test_weights_hold_the_moving_statistics_in_keras_order_and_set_weights_ports_them():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu"),
                              layers.BatchNormalization(), layers.Dense(2)])
    # Keras: kernel, bias, gamma, beta, moving_mean, moving_variance, kernel, bias
    shapes = [(4, 3), (3,), (3,), (3,), (3,), (3,), (3, 2), (2,)]
    assert [w.shape for w in model.get_weights()] == shapes
    assert len(model.weights) == 8 and [w.requires_grad for w in model.weights] == [
        True] * 4 + [False] * 2 + [True] * 2
    norm = model.layers[1]
    moving = model.non_trainable_weights
    assert [w.data for w in moving] == [norm.running_mean, norm.running_var]  # live arrays
    assert len(model.trainable_weights) == 6 and len(norm.weights) == 4
    weights = [np.linspace(-1, 1, int(np.prod(s)), dtype=np.float32).reshape(s)
               for s in shapes]
    weights[5] = np.abs(weights[5]) + 0.5  # a moving variance
    model.set_weights(weights)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), weights))
    x = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_allclose(model.predict(x, verbose=0), KERAS_BN_PREDICT, rtol=1e-6)
    assert list(model.state_dict())[:6] == ["1.weight", "1.bias", "2.weight", "2.bias",
                                            "2.running_mean", "2.running_var"]  # PyTorch's
