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


def _batchnormed():
    np.random.seed(0)
    model = nn.Sequential([nn.Dense(3, input_shape=(2,)), nn.BatchNorm1d(3)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_batchnorm_statistics_are_weights_and_freeze_with_trainable():
    x = np.random.default_rng(0).normal(size=(40, 2)).astype(np.float32)
    y = np.repeat(x.sum(axis=1, keepdims=True), 3, axis=1)
    trained, copy = _batchnormed(), _batchnormed()
    trained.fit(x, y, verbose=0)
    assert [w.shape for w in trained.get_weights()] == [(2, 3), (3,), (3,), (3,), (3,), (3,)]
    assert trained.count_params() == 21  # as summary's total, and Keras'
    copy.set_weights(trained.get_weights())
    np.testing.assert_array_equal(copy.predict(x), trained.predict(x))
    norm = trained.layers[1]
    norm.trainable = False  # Keras: a frozen BatchNormalization runs as in inference
    kept = norm.running_mean.copy(), norm.weight.data.copy()
    trained.fit(x + 3, y, verbose=0)
    np.testing.assert_array_equal(norm.running_mean, kept[0])
    np.testing.assert_array_equal(norm.weight.data, kept[1])
    norm.trainable = True
    trained.fit(x + 3, y, verbose=0)
    assert not np.array_equal(norm.running_mean, kept[0])


def test_a_regularizer_set_after_construction_counts():
    from nn import regularizers
    x = np.random.default_rng(0).normal(size=(10, 2)).astype(np.float32)
    model = _batchnormed()
    plain = model.evaluate(x, np.zeros((10, 3)))
    model.layers[0].kernel_regularizer = regularizers.L2(10.0)
    penalty = 10.0 * float((model.layers[0].weight.data.astype(np.float64) ** 2).sum())
    assert model.evaluate(x, np.zeros((10, 3))) == pytest.approx(plain + penalty, rel=1e-5)


def test_to_categorical_keeps_a_single_labels_batch_axis():
    assert nn.utils.to_categorical(np.array([2]), 3).shape == (1, 3)


def test_a_frozen_layer_stays_frozen_through_save_and_load_and_a_captured_step(tmp_path):
    x = np.random.default_rng(0).normal(size=(40, 2)).astype(np.float32)
    y = np.repeat(x.sum(axis=1, keepdims=True), 3, axis=1)
    model = _batchnormed()
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    model.fit(x, y, epochs=2, verbose=0)
    norm = model.layers[1]
    norm.trainable = False  # after the step was captured: it records again
    kept = norm.running_mean.copy()
    model.fit(x + 3, y, epochs=2, verbose=0)
    np.testing.assert_array_equal(norm.running_mean, kept)
    model.save(tmp_path / "frozen.npz")
    loaded = nn.load_model(tmp_path / "frozen.npz")
    assert not loaded.layers[1].trainable and loaded.layers[0].trainable
    loaded.fit(x + 3, y, epochs=1, verbose=0)
    np.testing.assert_array_equal(loaded.layers[1].running_mean, kept)


def test_a_layer_without_parameters_reads_as_set_and_tied_weights_count_once():
    dropout = nn.Dropout(0.5)
    dropout.trainable = False
    assert not dropout.trainable
    first, second = nn.Linear(4, 4), nn.Linear(4, 4)
    second.weight = first.weight
    model = nn.Sequential(first, second)
    assert model.count_params() == 24 and len(model.get_weights()) == 3
