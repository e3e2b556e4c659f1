"""Keras' kernel_regularizer / bias_regularizer on Dense: the penalties are in model.losses,
and fit and evaluate minimize and report the loss plus them, as Keras does."""
import numpy as np
import pytest

import nn
import optim
from nn import regularizers


def _data(features=5, n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype(np.float32)
    return x, (2 * x[:, :1]).astype(np.float32)


def _model(**regularized):
    np.random.seed(0)
    model = nn.Sequential([nn.Dense(1, input_shape=(5,), **regularized)])
    model.compile(optimizer=optim.SGD(lr=0.05), loss="mse")
    return model


@pytest.mark.parametrize("kernel, bias, l1, l2, bias_l1", [
    (regularizers.l2(0.1), None, 0.0, 0.1, 0.0),
    (regularizers.L1(0.05), "l1", 0.05, 0.0, 0.01),
    (regularizers.l1_l2(l1=0.02, l2=0.03), None, 0.02, 0.03, 0.0),
    ("l2", regularizers.L1L2(l1=0.5), 0.0, 0.01, 0.5)])
def test_evaluate_and_one_step_are_the_loss_plus_the_penalties(kernel, bias, l1, l2, bias_l1):
    x, y = _data()
    model = _model(kernel_regularizer=kernel, bias_regularizer=bias)
    layer = model.layers[0]
    w, b = layer.weight.data.astype(np.float64), layer.bias.data.astype(np.float64)
    error = x @ w.T + b - y
    penalty = l1 * np.abs(w).sum() + l2 * (w ** 2).sum() + bias_l1 * np.abs(b).sum()
    assert model.evaluate(x, y, batch_size=64) == pytest.approx(np.mean(error ** 2) + penalty,
                                                                 rel=1e-5)
    assert len(model.losses) == 1 + (bias is not None)
    model.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)
    grad_w = 2 * error.T @ x / len(x) + l1 * np.sign(w) + 2 * l2 * w
    grad_b = 2 * error.mean(axis=0) + bias_l1 * np.sign(b)
    np.testing.assert_allclose(layer.weight.data, w - 0.05 * grad_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.bias.data, b - 0.05 * grad_b, rtol=1e-5, atol=1e-6)


def test_l1_drives_the_weights_of_unused_inputs_to_zero():
    """y = 2 x0 + noise: without a penalty the four unused inputs get weights of the noise's
    correlation with them (together 0.086 or more over seeds 0-39; the largest alone fell
    to 0.028); L1 holds them within SGD's step lr * l1 = 0.01 of zero (at most 0.014), and
    shrinks the used one (1.64-1.92)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 5)).astype(np.float32)
    y = (2 * x[:, :1] + rng.normal(size=(256, 1))).astype(np.float32)
    weights = []
    for regularizer in (None, regularizers.l1(0.5)):
        model = _model(kernel_regularizer=regularizer)
        model.compile(optimizer=optim.SGD(lr=0.02), loss="mse")
        model.fit(x, y, epochs=400, batch_size=256, verbose=0)
        weights.append(model.layers[0].weight.data[0])
    plain, sparse = weights
    assert np.abs(sparse[1:]).max() < 0.02 and np.abs(plain[1:]).sum() > 0.05
    assert 1.5 < sparse[0] < 2.1


def test_a_captured_step_adds_the_same_penalties():
    x, y = _data()
    eager, captured = _model(kernel_regularizer="l2"), _model(kernel_regularizer="l2")
    captured.compile(optimizer=optim.SGD(lr=0.05), loss="mse", jit_compile=True)
    for model in (eager, captured):
        model.fit(x, y, epochs=5, batch_size=16, shuffle=False, verbose=0)
    np.testing.assert_allclose(captured.layers[0].weight.data, eager.layers[0].weight.data,
                               rtol=1e-6)


def test_regularizers_are_saved_with_the_model(tmp_path):
    x, y = _data()
    model = _model(kernel_regularizer=regularizers.l1_l2(0.01, 0.02), bias_regularizer="l2")
    model.save(tmp_path / "model.npz")
    loaded = nn.load_model(tmp_path / "model.npz")
    assert loaded.layers[0].kernel_regularizer.get_config() == {"l1": 0.01, "l2": 0.02}
    assert loaded.evaluate(x, y) == pytest.approx(model.evaluate(x, y))


def test_bad_regularizers_are_named():
    with pytest.raises(TypeError, match="Dense: a regularizer is nn.regularizers.L1"):
        nn.Dense(3, kernel_regularizer="l3")
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        regularizers.l2(-0.1)
    assert _model().losses == []


@pytest.mark.parametrize("make, who", [
    (lambda **kw: nn.keras.layers.Dense(2, **kw), "Dense"),
    (lambda **kw: nn.keras.layers.Conv1D(2, 3, **kw), "Conv1D"),
    (lambda **kw: nn.keras.layers.Conv2D(2, 3, **kw), "Conv2D"),
    (lambda **kw: nn.keras.layers.Embedding(5, 2, **kw), "Embedding"),
    (lambda **kw: nn.keras.layers.LSTM(2, **kw), "LSTM"),
])
def test_activity_regularizer_is_refused_by_name_and_none_is_keras_config(make, who):
    with pytest.raises(NotImplementedError, match=f"{who}: activity_regularizer is not "
                                                  "supported"):
        make(activity_regularizer="l2")
    layer = make(activity_regularizer=None)  # (as a Keras config gives it)
    assert layer.get_config()["activity_regularizer"] is None
