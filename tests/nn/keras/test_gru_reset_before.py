"""Keras 2's GRU, reset_after=False (nn/keras/layers/gru_reset_before.py): the reset gate
applied to the state before the recurrent product, against a NumPy transcription of Keras'
GRUCell; gradients, masking, go_backwards, dropout's inference, the cell, saving."""
import numpy as np
import pytest

from autograd import Variable
from autograd.testing import assert_gradients_match
from nn import keras
from nn.keras import layers

from ..._helpers import saved_and_loaded

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 5, 3))


def keras_gru(x, kernel, recurrent, bias):
    """Keras' GRUCell with reset_after=False, step by step: (every step's h, the last)."""
    units, h, outputs = recurrent.shape[0], np.zeros((x.shape[0], recurrent.shape[0])), []
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    for t in range(x.shape[1]):
        x_t = x[:, t] @ kernel + bias
        z = sigmoid(x_t[:, :units] + h @ recurrent[:, :units])
        r = sigmoid(x_t[:, units:2 * units] + h @ recurrent[:, units:2 * units])
        candidate = np.tanh(x_t[:, 2 * units:] + (r * h) @ recurrent[:, 2 * units:])
        h = z * h + (1 - z) * candidate
        outputs.append(h)
    return np.stack(outputs, 1), h


def _weights(layer):
    return layer.kernel.data, layer.recurrent_kernel.data, layer.bias.data


def test_its_steps_are_keras_gru_cell_s_with_one_bias():
    layer = layers.GRU(4, reset_after=False, return_sequences=True, return_state=True,
                       dtype="float64")
    outputs, h = layer(X)
    assert layer.bias.shape == (12,) and layer.get_config()["reset_after"] is False
    expected, last = keras_gru(X, *_weights(layer))
    np.testing.assert_allclose(outputs.data, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h.data, last, rtol=1e-12, atol=1e-12)
    backwards = layers.GRU(4, reset_after=False, return_sequences=True, go_backwards=True,
                           dtype="float64")
    reversed_outputs = backwards(X)  # (Keras' order: the steps as they ran)
    np.testing.assert_allclose(reversed_outputs.data,
                               keras_gru(X[:, ::-1], *_weights(backwards))[0], atol=1e-12)


def test_a_masked_step_keeps_the_state_and_dropout_is_off_in_inference():
    layer = layers.GRU(4, reset_after=False, dropout=0.3, recurrent_dropout=0.3,
                       dtype="float64")
    mask = np.array([[True, True, True, False, False], [True] * 5])
    last = layer(X, mask=mask, training=False)
    np.testing.assert_allclose(last.data[0], keras_gru(X[:1, :3], *_weights(layer))[1][0],
                               atol=1e-12)
    assert not np.allclose(layer(X, training=True).data, layer(X, training=False).data)


def test_gradients_to_second_order_and_the_cell():
    layer = layers.GRU(3, reset_after=False, dtype="float64")
    layer(X)
    assert_gradients_match(lambda x: layer(x), Variable(X.copy()), order=2)
    cell = layers.RNN(layers.GRUCell(3, reset_after=False, dtype="float64"))
    cell(X)
    cell.cell.kernel.data[...] = layer.kernel.data
    cell.cell.recurrent_kernel.data[...] = layer.recurrent_kernel.data
    cell.cell.bias.data[...] = layer.bias.data
    np.testing.assert_allclose(cell(X).data, layer(X).data, atol=1e-12)


@pytest.mark.parametrize("jit", [False, True])
def test_a_model_of_it_trains_saves_and_loads(tmp_path, jit):
    model = keras.Sequential([keras.Input((5, 3)), layers.GRU(4, reset_after=False),
                              layers.Dense(1)])
    model.compile("adam", "mse", jit_compile=jit)
    history = model.fit(X.astype(np.float32), np.ones((2, 1), np.float32), epochs=30,
                        verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    loaded = saved_and_loaded(model, X.astype(np.float32), tmp_path / "gru.keras")
    assert loaded.layers[0].reset_after is False


@pytest.mark.parametrize("options", [{"activation": None}, {"recurrent_activation": "linear"},
                                     {"activation": "linear", "recurrent_activation": None}])
def test_linear_activations_are_the_identity_as_keras(options):
    """(None crashed: 'NoneType' object is not callable.)"""
    x = np.random.default_rng(0).random((2, 4, 3)).astype(np.float32)
    keras.utils.set_random_seed(0)
    given = layers.GRU(2, reset_after=False, **options)(x)  # (built, its weights drawn)
    spelled = {key: "linear" if value is None else value for key, value in options.items()}
    keras.utils.set_random_seed(0)
    named = layers.GRU(2, reset_after=False, **spelled)(x)
    np.testing.assert_allclose(given.data, named.data, rtol=1e-6)
    assert layers.RNN(layers.GRUCell(2, reset_after=False, **options))(x).shape == (2, 2)
