"""Keras' InputSpec, Wrapper, SpectralNormalization and ReversibleEmbedding: values (against
a NumPy power iteration and matrix products), weights, training vs inference, gradients,
configs, saving, and refusals."""
import numpy as np
import pytest

import nn.keras as keras
from autograd.testing import assert_gradients_match
from nn.keras import layers

from ..._helpers import saved_and_loaded

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4)).astype(np.float32)


def test_input_spec_keeps_keras_attributes_and_config():
    spec = layers.InputSpec(shape=(None, 4), axes={"-1": 4}, dtype="float32")
    assert (spec.ndim, spec.shape, spec.axes, spec.dtype) == (2, (None, 4), {-1: 4}, "float32")
    assert layers.InputSpec.from_config(spec.get_config()).get_config() == spec.get_config()
    assert repr(layers.InputSpec(min_ndim=2)) == "InputSpec(min_ndim=2)"
    with pytest.raises(ValueError, match="Axis|axis 3"):
        layers.InputSpec(ndim=2, axes={3: 1})


@pytest.mark.parametrize("spec, shape, message", [
    (dict(ndim=3), (3, 4), "expected ndim=3, found ndim=2"),
    (dict(min_ndim=3), (3, 4), "expected min_ndim=3"),
    (dict(max_ndim=1), (3, 4), "expected max_ndim=1"),
    (dict(axes={-1: 5}), (3, 4), "expected axis -1 of input shape to have value 5"),
    (dict(shape=(None, 5)), (3, 4), r"expected shape=\(None, 5\), found shape=\(3, 4\)")])
def test_a_wrappers_input_spec_is_checked_at_its_call(spec, shape, message):
    wrapper = layers.Wrapper(layers.Dense(2), name="w")
    wrapper.call = lambda inputs: wrapper.layer(inputs)
    wrapper.input_spec = layers.InputSpec(**spec)
    with pytest.raises(ValueError, match=f'Input 0 of layer "w" is incompatible.*{message}'):
        wrapper(np.zeros(shape, np.float32))


def test_time_distributed_and_bidirectional_are_wrappers():
    assert isinstance(layers.TimeDistributed(layers.Dense(2)), layers.Wrapper)
    assert isinstance(layers.Bidirectional(layers.LSTM(2)), layers.Wrapper)
    assert not isinstance(layers.Dense(2), layers.Wrapper)
    with pytest.raises(ValueError, match="Wrapper: layer must be a layer"):
        layers.Wrapper("dense")


def _power_iteration(kernel, u, steps):
    """Keras' estimate, in NumPy: (u, kernel / sigma)."""
    w = kernel.reshape(-1, kernel.shape[-1]).astype(np.float64)
    for _ in range(steps):
        v = u @ w.T
        v /= np.linalg.norm(v)
        u = v @ w
        u /= np.linalg.norm(u)
    return u, kernel / (v @ w @ u.T).item()


@pytest.mark.parametrize("make, x", [
    (lambda: layers.Dense(3), X),
    (lambda: layers.Conv2D(3, 2), RNG.standard_normal((2, 4, 4, 2)).astype(np.float32)),
    (lambda: layers.Embedding(6, 3), np.array([[1, 5], [0, 2]]))])
def test_spectral_normalization_is_keras_power_iteration(make, x):
    layer = layers.SpectralNormalization(make(), power_iterations=2)
    y = layer(x, training=False).data
    kernel, u = [w.copy() for w in layer.get_weights()[:2]]
    np.testing.assert_allclose(layer(x, training=False).data, y)  # (inference: no update)
    layer(x, training=True)
    expected_u, expected_kernel = _power_iteration(kernel, u, 2)
    np.testing.assert_allclose(layer.get_weights()[1], expected_u, rtol=1e-4)
    np.testing.assert_allclose(layer.get_weights()[0], expected_kernel, rtol=1e-4, atol=1e-7)
    assert [w.name for w in layer.weights][:2] == [layer.weights[0].name, "vector_u"]
    assert [w.requires_grad for w in layer.weights][1] is False


def test_spectral_normalization_leaves_a_zero_kernel_and_converges_to_norm_one():
    layer = layers.SpectralNormalization(layers.Dense(3, kernel_initializer="zeros"))
    layer(X, training=True)
    assert not layer.get_weights()[0].any()
    # a kernel whose largest singular value (3) stands clear of the next (1): 20 power
    # iterations reach it to (1/3)^40 from any start, whatever the draws
    layer = layers.SpectralNormalization(layers.Dense(5), power_iterations=20)
    layer(X, training=False)  # (built; inference leaves the kernel as it is)
    left, _ = np.linalg.qr(np.random.default_rng(3).normal(size=(4, 4)))
    right, _ = np.linalg.qr(np.random.default_rng(4).normal(size=(5, 5)))
    kernel = (left * [3.0, 1.0, 0.5, 0.25]) @ right[:4]
    layer.layer.set_weights([kernel.astype(np.float32), np.zeros(5, np.float32)])
    layer(X, training=True)
    np.testing.assert_allclose(np.linalg.norm(layer.get_weights()[0], 2), 1.0, rtol=1e-5)


def test_spectral_normalization_gradients_config_save_and_errors(tmp_path):
    layer = layers.SpectralNormalization(layers.Dense(2, dtype="float64"), power_iterations=3,
                                         name="sn", dtype="float64")
    layer(X.astype(np.float64), training=True)
    assert_gradients_match(lambda x: layer(x, training=False), X.astype(np.float64), order=2)
    config = layer.get_config()
    assert (config["power_iterations"], config["name"]) == (3, "sn")
    again = layers.SpectralNormalization.from_config(config)
    assert type(again.layer) is layers.Dense and again.power_iterations == 3
    model = keras.Sequential([keras.Input((4,)), layers.SpectralNormalization(layers.Dense(2))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, X[:, :2], epochs=1, verbose=0)
    loaded = saved_and_loaded(model, X, tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.layers[0].get_weights()[1], model.layers[0].get_weights()[1])
    with pytest.raises(ValueError, match="power_iterations should be an integer greater"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="has no attribute 'kernel' nor 'embeddings'"):
        layers.SpectralNormalization(layers.Flatten())(X, training=True)
    with pytest.raises(ValueError, match='layer "sn" is incompatible.*axis -1.*value 4'):
        layer(np.zeros((3, 5), np.float32))


@pytest.mark.parametrize("tie_weights", [True, False])
def test_reversible_embedding_projects_back(tie_weights):
    layer = layers.ReversibleEmbedding(7, 4, tie_weights=tie_weights, logit_soft_cap=1.5)
    ids = np.array([[1, 6], [0, 3]])
    table = layer.get_weights()[0]
    np.testing.assert_array_equal(layer(ids).data, table[ids])
    vectors = RNG.standard_normal((2, 3, 4))
    matrix = table.T if tie_weights else layer.get_weights()[1]
    np.testing.assert_allclose(layer(vectors, reverse=True).data,
                               1.5 * np.tanh(vectors @ matrix / 1.5), rtol=1e-6)
    assert len(layer.weights) == (1 if tie_weights else 2)
    assert_gradients_match(lambda v: layer(v, reverse=True), vectors, order=2)


def test_reversible_embedding_reverse_dtype_config_save_and_errors(tmp_path):
    layer = layers.ReversibleEmbedding(7, 4, reverse_dtype="float64")
    assert layer(X[:, :4], reverse=True).dtype == np.float64
    config = layers.ReversibleEmbedding(7, 4, tie_weights=False, logit_soft_cap=2.0).get_config()
    assert (config["tie_weights"], config["logit_soft_cap"], config["reverse_dtype"]) == (
        False, 2.0, None)
    assert not layers.ReversibleEmbedding.from_config(config).tie_weights
    inputs = keras.Input((3,), dtype="int64")
    embedding = layers.ReversibleEmbedding(9, 4, tie_weights=False)
    model = keras.Model(inputs, embedding(embedding(inputs), reverse=True))
    saved_and_loaded(model, np.array([[1, 2, 8], [0, 4, 4]]), tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"ReversibleEmbedding: reverse=True takes vectors "
                                         r"\(..., output_dim=4\), got shape \(3, 5\)"):
        layer(np.zeros((3, 5), np.float32), reverse=True)
