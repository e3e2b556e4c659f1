"""Keras' ActivityRegularization: the input unchanged, its per-sample L1/L2 penalty in the
layer's and the model's losses, added by fit and evaluate (eager and captured steps), its
gradient, and a model saved and loaded."""
import numpy as np
import pytest

import autograd as ag
import nn.keras as keras
from nn.keras import layers
from tests._helpers import saved_and_loaded


def _penalty(x, l1, l2):
    return (l1 * np.abs(x).sum() + l2 * (x * x).sum()) / len(x)


def test_the_input_passes_and_its_penalty_per_sample_is_the_layers_loss():
    x = np.random.default_rng(0).standard_normal((6, 4))
    layer = layers.ActivityRegularization(l1=0.01, l2=0.02)
    assert layer.losses == []
    y = layer(x)
    np.testing.assert_array_equal(y.data, x)
    [loss] = layer.losses
    np.testing.assert_allclose(loss.data, _penalty(x, 0.01, 0.02), rtol=1e-12)
    layer(x[:2])  # each call's penalty replaces the last one's
    np.testing.assert_allclose(layer.losses[0].data, _penalty(x[:2], 0.01, 0.02), rtol=1e-12)
    assert layer.get_config() == {"l1": 0.01, "l2": 0.02, "name": "activity_regularization",
                                  "input_shape": None}  # (Keras writes the name it made)


def test_the_penalty_gradient_is_l1_sign_plus_2_l2_x_per_sample():
    x = ag.Variable(np.random.default_rng(1).standard_normal((5, 3)) + 0.1)
    layer = layers.ActivityRegularization(l1=0.3, l2=0.2)
    layer(x)
    layer.losses[0].backward()
    np.testing.assert_allclose(x.grad.data, (0.3 * np.sign(x.data) + 0.4 * x.data) / 5)
    ag.gradcheck(lambda v: (layer(v), layer.losses[0])[1], x.data)


def test_refuses_negative_factors():
    with pytest.raises(ValueError, match="l2 must be a finite number >= 0"):
        layers.ActivityRegularization(l2=-1.0)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_fit_and_evaluate_add_the_penalty_and_it_shrinks_the_activity(jit_compile, tmp_path):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((64, 4)).astype(np.float32)
    y = x @ rng.standard_normal((4, 3)).astype(np.float32)

    def trained(l2):
        np.random.seed(3)
        model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3),
                                  layers.ActivityRegularization(l2=l2)])
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse",
                      jit_compile=jit_compile)
        model.fit(x, y, epochs=60, batch_size=64, verbose=0)
        return model

    plain, penalized = trained(0.0), trained(1.0)
    out = penalized.predict(x, verbose=0)
    mse = ((out - y) ** 2).mean()
    np.testing.assert_allclose(penalized.evaluate(x, y, batch_size=64, verbose=0),
                               mse + _penalty(out, 0.0, 1.0), rtol=1e-4)
    assert len(penalized.losses) == 1
    # the penalty pulls the outputs towards 0: a clearly smaller activity than without it
    assert (out ** 2).sum() < 0.8 * (plain.predict(x, verbose=0) ** 2).sum()
    saved_and_loaded(penalized, x, tmp_path / "m.keras")


def test_a_layer_not_called_in_the_latest_model_call_adds_no_penalty():
    # (the penalty of fit's last call must not linger into evaluate, where it is skipped)
    class TrainingOnly(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2, kernel_initializer="ones")
            self.penalty = layers.ActivityRegularization(l2=10.0)

        def call(self, inputs, training=None):
            h = self.dense(inputs)
            return self.penalty(h) if training else h

    x = np.random.default_rng(4).standard_normal((8, 3)).astype(np.float32)
    y = np.zeros((8, 2), np.float32)
    model = TrainingOnly()
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(0.0))
    mse = ((x.sum(axis=1, keepdims=True) * np.ones(2)) ** 2).mean()
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0],
                               mse + _penalty(np.repeat(x.sum(1, keepdims=True), 2, 1), 0, 10),
                               rtol=1e-5)
    assert len(model.losses) == 1  # (fit's call)
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=8, verbose=0), mse, rtol=1e-5)
    assert model.losses == []


def test_a_shared_layer_adds_the_penalty_of_each_of_its_calls():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    y = np.zeros((4, 2), np.float32)
    inputs = keras.Input(shape=(3,))
    shared = layers.ActivityRegularization(l1=0.1, l2=1.0)
    first, second = layers.Dense(2), layers.Dense(2)
    model = keras.Model(inputs, layers.Add()([shared(first(inputs)), shared(second(inputs))]))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(0.0))
    a, b = first(x).data, second(x).data
    expected = (((a + b) - y) ** 2).mean() + _penalty(a, 0.1, 1.0) + _penalty(b, 0.1, 1.0)
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=4, verbose=0), expected,
                               rtol=1e-5)
    assert len(model.losses) == 2 and len(shared.losses) == 2
    history = model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-5)
    # both calls' gradients reach the weights: the penalty's gradient of each Dense's weight
    model.zero_grad()
    model(x)
    sum(model.losses).backward()
    for dense, out in ((first, a), (second, b)):
        grad = x.T @ ((0.1 * np.sign(out) + 2.0 * out) / len(x))
        np.testing.assert_allclose(dense.weight.grad.data.T, grad, rtol=1e-4, atol=1e-6)


def _final_softmax(functional):
    dense = layers.Dense(4, activation="softmax", kernel_initializer="ones",
                         activity_regularizer=keras.regularizers.l2(0.5))
    if not functional:
        return keras.Sequential([keras.Input((3,)), dense])
    x = keras.Input((3,))
    return keras.Model(x, dense(x))


@pytest.mark.parametrize("functional", [False, True])
@pytest.mark.parametrize("jit_compile", [False, True])
def test_a_final_softmaxs_penalty_stays_in_the_fused_cross_entropy(functional, jit_compile):
    """The cross-entropy takes the final Dense's logits (its softmax fused in), and the
    layer's activity penalty, of the softmax's output as Keras computes it, was lost with
    the softmax: evaluate gave log 4, Keras log 4 + 0.125 (1.5113)."""
    x, y = np.ones((2, 3), np.float32), np.eye(4, dtype=np.float32)[[0, 1]]
    expected = np.log(4) + 0.5 * 4 * 0.25 ** 2  # (uniform outputs: l2 0.5 of four 1/4)
    model = _final_softmax(functional)
    model.compile(optimizer="sgd", loss="categorical_crossentropy", jit_compile=jit_compile)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(expected, rel=1e-6)
    history = model.fit(x, y, epochs=1, batch_size=2, verbose=0)
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-6)
