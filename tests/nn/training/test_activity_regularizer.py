"""Keras' activity_regularizer= on a layer: each call's penalty of its outputs, per sample,
among the layer's and the model's losses, minimized and reported by fit and evaluate (eager
and captured steps), settable later, and kept by get_config and model.save."""
import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn import regularizers
from nn.keras import layers
from tests._helpers import saved_and_loaded

RNG = np.random.default_rng(0)
LAYERS = {  # a layer made with the given activity_regularizer, and an input for it
    "Dense": (lambda r: layers.Dense(3, activation="tanh", activity_regularizer=r),
              RNG.standard_normal((4, 5)).astype(np.float32)),
    "EinsumDense": (lambda r: layers.EinsumDense("ab,bc->ac", 3, activity_regularizer=r),
                    RNG.standard_normal((4, 5)).astype(np.float32)),
    "Conv1D": (lambda r: layers.Conv1D(2, 3, activity_regularizer=r),
               RNG.standard_normal((2, 6, 3)).astype(np.float32)),
    "Conv2D": (lambda r: layers.Conv2D(2, 3, activity_regularizer=r),
               RNG.standard_normal((2, 5, 5, 3)).astype(np.float32)),
    "Embedding": (lambda r: layers.Embedding(5, 3, activity_regularizer=r),
                  RNG.integers(0, 5, (3, 4))),
    "LSTM": (lambda r: layers.LSTM(3, return_sequences=True, activity_regularizer=r),
             RNG.standard_normal((2, 4, 3)).astype(np.float32)),
}


def _penalty(y, l1, l2):
    return (l1 * np.abs(y).sum() + l2 * (y * y).sum()) / len(y)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_each_call_s_penalty_per_sample_is_the_layer_s_loss(name):
    make, x = LAYERS[name]
    layer = make(regularizers.L1L2(l1=0.01, l2=0.02))
    assert layer.activity_penalties() == [] and layer.adds_call_losses
    y = layer(x)
    [loss] = layer.activity_penalties()
    np.testing.assert_allclose(loss.data, _penalty(y.data, 0.01, 0.02), rtol=1e-5)
    assert layer.get_config()["activity_regularizer"] == {"l1": 0.01, "l2": 0.02}
    plain = make(None)
    assert plain.get_config()["activity_regularizer"] is None and not plain.adds_call_losses
    plain(x)
    assert plain.activity_penalties() == []


def test_multi_head_attention_penalizes_its_four_projections_as_keras():
    """(Keras gives activity_regularizer to its EinsumDense sublayers, query, key, value and
    output, not to the layer: the outputs and scores were penalized instead.)"""
    x = RNG.standard_normal((2, 4, 3)).astype(np.float32)
    layer = layers.MultiHeadAttention(2, 2, activity_regularizer="l2",
                                      bias_initializer="random_normal")
    out, _ = layer(x, x, return_attention_scores=True)
    projected = [np.einsum("btd,dhk->bthk", x, getattr(layer, f"{name}_kernel").data)
                 + getattr(layer, f"{name}_bias").data for name in ("query", "key", "value")]
    want = [_penalty(p, 0, 0.01) for p in projected] + [_penalty(out.data, 0, 0.01)]
    np.testing.assert_allclose([p.data for p in layer.activity_penalties()], want, rtol=1e-5)


def test_the_penalty_s_gradient_reaches_the_input_and_the_weights():
    layer = layers.Dense(2, activation="tanh", activity_regularizer=regularizers.L2(0.3),
                         dtype=np.float64)
    x = RNG.standard_normal((5, 3))
    ag.gradcheck(lambda v: (layer(v), layer.activity_penalties()[0])[1], x)
    layer.zero_grad()
    layer(x)
    layer.activity_penalties()[0].backward()
    h = np.tanh(x @ layer.weight.data.T + layer.bias.data)
    want = (0.3 * 2 * h * (1 - h * h)).T @ x / 5
    np.testing.assert_allclose(layer.weight.grad.data, want, rtol=1e-5)


def _model(regularizer, seed=0):
    np.random.seed(seed)
    model = nn.Sequential([nn.Dense(4, activation="relu", input_shape=(5,),
                                    activity_regularizer=regularizer), nn.Dense(1)])
    return model


def _by_hand(model, x, y, factor):
    """(mse + factor * sum(h^2) / n, its gradients) for the model's weights now."""
    first, last = model.layers if hasattr(model, "layers") else list(model)
    params = [first.weight, first.bias, last.weight, last.bias]
    values = [ag.Variable(p.data.astype(np.float64)) for p in params]
    h = nn.functional.relu(x.astype(np.float64) @ values[0].T + values[1])
    out = h @ values[2].T + values[3]
    loss = ((out - y) ** 2).mean() + factor * (h * h).sum() / len(x)
    loss.backward()
    return loss.data.item(), [v.grad.data for v in values]


@pytest.mark.parametrize("jit_compile", [False, True])
def test_fit_and_evaluate_minimize_and_report_the_loss_plus_the_penalty(jit_compile):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((16, 5)).astype(np.float32)
    y = rng.standard_normal((16, 1)).astype(np.float32)
    model = _model(regularizers.L2(0.1))
    model.compile(optimizer=optim.SGD(lr=0.05), loss="mse", jit_compile=jit_compile)
    want_loss, grads = _by_hand(model, x, y, 0.1)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), want_loss, rtol=1e-5)
    before = [p.data.copy() for p in model.parameters()]
    for _ in range(3):  # (a captured step records, then replays)
        history = model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
        if _ == 0:
            np.testing.assert_allclose(history.history["loss"][0], want_loss, rtol=1e-5)
            stepped = [p.data.copy() for p in model.parameters()]
            for b, a, g in zip(before, stepped, grads):
                np.testing.assert_allclose(a, b - 0.05 * g, rtol=1e-4, atol=1e-6)
    want_loss, _ = _by_hand(model, x, y, 0.1)  # the penalty follows the weights
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), want_loss, rtol=1e-5)


def test_set_later_or_removed_it_changes_the_loss_of_a_captured_step_too():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((8, 5)).astype(np.float32)
    y = rng.standard_normal((8, 1)).astype(np.float32)
    model = _model(None)
    model.compile(optimizer=optim.SGD(lr=0.0), loss="mse", jit_compile=True)
    plain = model.fit(x, y, batch_size=8, epochs=2, verbose=0).history["loss"][-1]
    first = model.layers[0] if hasattr(model, "layers") else model[0]
    first.activity_regularizer = "l2"
    with_it = model.fit(x, y, batch_size=8, epochs=2, verbose=0).history["loss"][-1]
    np.testing.assert_allclose(with_it, _by_hand(model, x, y, 0.01)[0], rtol=1e-5)
    assert with_it > plain
    first.activity_regularizer = None
    again = model.fit(x, y, batch_size=8, epochs=2, verbose=0).history["loss"][-1]
    np.testing.assert_allclose(again, plain, rtol=1e-6)


def test_a_saved_model_keeps_the_activity_regularizer(tmp_path):
    model = _model(regularizers.L1L2(l1=0.01, l2=0.03))
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(3).standard_normal((6, 5)).astype(np.float32)
    loaded = saved_and_loaded(model, x, tmp_path / "model.keras")
    first = loaded.layers[0] if hasattr(loaded, "layers") else loaded[0]
    assert first.get_config()["activity_regularizer"] == {"l1": 0.01, "l2": 0.03}
    loaded(x)  # (a call's losses last until the next top-level call)
    got = [p.data for p in loaded.losses]
    model(x)
    np.testing.assert_allclose(got, [p.data for p in model.losses], rtol=1e-6)
    assert len(got) == 1


def test_multi_head_attention_saves_its_regularizers(tmp_path):
    import nn.keras as keras
    inputs = keras.Input((4, 3))
    outputs = layers.MultiHeadAttention(2, 2, activity_regularizer="l2",
                                        kernel_regularizer=regularizers.L1(0.02))(inputs, inputs)
    model = keras.Model(inputs, outputs)
    x = RNG.standard_normal((2, 4, 3)).astype(np.float32)
    loaded = saved_and_loaded(model, x, tmp_path / "attention.keras")
    config = loaded.layers[-1].get_config()
    assert config["activity_regularizer"] == {"l2": 0.01}
    assert config["kernel_regularizer"] == {"l1": 0.02}
    loaded(x)
    got = [p.data for p in loaded.losses]
    model(x)
    np.testing.assert_allclose(got, [p.data for p in model.losses], rtol=1e-6)
