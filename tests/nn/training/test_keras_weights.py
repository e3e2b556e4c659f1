"""Keras' get_weights / set_weights / count_params, and nn.utils.to_categorical."""
import numpy as np
import pytest

import nn


def test_get_and_set_weights_use_keras_kernel_layout():
    model = nn.Sequential([nn.Dense(3, input_shape=(2,)), nn.Dense(1)])
    assert [w.shape for w in model.get_weights()] == [(2, 3), (3,), (3, 1), (1,)]
    assert model.count_params() == 13
    model.set_weights([np.ones((2, 3)), np.zeros(3), np.full((3, 1), 2.0), np.array([0.5])])
    x = np.array([[1.0, 1.0]], np.float32)
    assert model.predict(x)[0, 0] == pytest.approx(12.5)  # 2 * (2 + 2 + 2) + 0.5
    assert model.layers[0].weight.dtype == np.float32
    copies = model.get_weights()
    copies[0][...] = 7  # copies: the model is unchanged
    assert model.predict(x)[0, 0] == pytest.approx(12.5)
    twin = nn.Sequential([nn.Dense(3, input_shape=(2,)), nn.Dense(1)])
    twin.set_weights(model.get_weights())
    np.testing.assert_array_equal(twin.predict(x), model.predict(x))


def test_set_weights_checks_everything_before_writing():
    model = nn.Sequential([nn.Dense(3, input_shape=(2,)), nn.Dense(1)])
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"array 2 has shape \(1, 3\), expected \(3, 1\)"):
        model.set_weights([np.ones((2, 3)), np.zeros(3), np.ones((1, 3)), np.zeros(1)])
    with pytest.raises(ValueError, match="expected 4 arrays"):
        model.set_weights(before[:2])
    for kept, now in zip(before, model.get_weights()):
        np.testing.assert_array_equal(kept, now)


def test_a_pytorch_layer_gives_its_own_layout_and_a_lazy_one_nothing():
    assert [w.shape for w in nn.Linear(2, 3).get_weights()] == [(3, 2), (3,)]
    assert nn.Dense(4).get_weights() == [] and nn.Dense(4).count_params() == 0


def test_to_categorical_as_keras():
    np.testing.assert_array_equal(nn.utils.to_categorical([0, 2, 1]),
                                  np.eye(3, dtype=np.float32)[[0, 2, 1]])
    assert nn.utils.to_categorical(np.array([[1], [0]]), 4).shape == (2, 4)
    assert nn.utils.to_categorical([1.0, 0.0]).dtype == np.float32
    with pytest.raises(ValueError, match="whole numbers"):
        nn.utils.to_categorical([0.5])
