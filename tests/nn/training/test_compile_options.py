"""Keras' compile options beyond optimizer, loss and metrics: loss_weights, run_eagerly,
jit_compile='auto' (what Keras 3 does with each, checked against it)."""
import warnings

import numpy as np
import pytest

import nn
import optim

from ._helpers import blobs


def _classifier(loss_weights=None, regularizer=None, lr=0.1, **options):
    model = nn.Sequential([nn.Dense(1, input_shape=(4,), activation="sigmoid",
                                    kernel_regularizer=regularizer)])
    model.set_weights([np.full((4, 1), 0.3, np.float32), np.zeros(1, np.float32)])
    model.compile(optimizer=optim.SGD(lr=lr), loss="binary_crossentropy",
                  loss_weights=loss_weights, **options)
    return model


def _data():
    x, y = blobs(40)
    return x, (y > 0).astype(np.float32)


@pytest.mark.parametrize("loss_weights, scale", [(2.0, 2.0), ([3.0], 3.0), ((0.5,), 0.5),
                                                 (None, 1.0)])
def test_loss_weights_scale_the_logged_loss_as_keras(loss_weights, scale):
    # Keras 3: evaluate gives 0.7358 plain, 1.4717 with loss_weights=2.0, 2.2075 with [3.0]
    x, y = _data()
    plain = _classifier().evaluate(x, y)
    assert _classifier(loss_weights).evaluate(x, y) == pytest.approx(scale * plain, rel=1e-6)


def test_loss_weights_scale_the_gradient_not_the_penalties():
    x, y = _data()
    doubled = _classifier(2.0, lr=0.05)
    doubled.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    plain = _classifier(lr=0.1)  # SGD: twice the loss at half the rate is the same step
    plain.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(doubled.get_weights()[0], plain.get_weights()[0], rtol=1e-5)
    # Keras adds the layers' penalties to the weighted loss, unscaled
    regularized = _classifier(2.0, regularizer="l2")
    penalty = float(regularized.losses[0].data)
    expected = 2 * _classifier().evaluate(x, y) + penalty
    assert regularized.evaluate(x, y) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("loss_weights, error, match", [
    ({"other": 2.0}, ValueError, r"loss_weights dict's keys \['other'\] do not correspond"),
    ([1.0, 2.0], ValueError, "1 loss .* and 2 weights"),
    ("heavy", TypeError, "loss_weights must be a finite number")])
def test_loss_weights_that_do_not_fit_one_output_are_refused(loss_weights, error, match):
    with pytest.raises(error, match=match):
        _classifier(loss_weights)


def test_loss_weights_keyed_by_the_one_output_s_name_are_keras():
    assert _classifier({"dense": 2.0}).compiled_loss.weight == 2.0


def test_loss_weights_are_saved_with_the_model(tmp_path):
    x, y = _data()
    model = _classifier(2.0)
    model.save(tmp_path / "m.keras")
    loaded = nn.load_model(tmp_path / "m.keras")
    assert loaded.evaluate(x, y) == pytest.approx(model.evaluate(x, y), rel=1e-6)


def test_run_eagerly_is_taken_and_turns_jit_compile_off_as_keras():
    model = _classifier(run_eagerly=True)
    assert model.run_eagerly is True
    with pytest.warns(UserWarning, match="cannot also be True"):
        model = _classifier(run_eagerly=True, jit_compile=True)
    assert model._captured_update is None
    with pytest.raises(TypeError, match="run_eagerly must be True or False"):
        _classifier(run_eagerly="yes")


def test_jit_compile_auto_is_taken_as_keras_default():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = _classifier(jit_compile="auto")
    assert model._captured_update is None  # eager: capturing is asked for with True
