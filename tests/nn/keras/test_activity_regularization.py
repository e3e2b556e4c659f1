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
    assert layer.get_config() == {"l1": 0.01, "l2": 0.02, "name": None, "input_shape": None}


def test_the_penalty_gradient_is_l1_sign_plus_2_l2_x_per_sample():
    x = ag.Variable(np.random.default_rng(1).standard_normal((5, 3)) + 0.1)
    layer = layers.ActivityRegularization(l1=0.3, l2=0.2)
    layer(x)
    layer.losses[0].backward()
    np.testing.assert_allclose(x.grad.data, (0.3 * np.sign(x.data) + 0.4 * x.data) / 5)
    ag.gradcheck(lambda v: (layer(v), layer.losses[0])[1], x.data)


def test_refuses_negative_factors():
    with pytest.raises(ValueError, match="l2 must be >= 0"):
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
