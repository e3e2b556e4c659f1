"""Keras' loss_scale_factor (a fixed loss scale on any Keras optimizer) and the scaled
backward of fit and of Model.train_step. (Each step against Keras 3's own trajectory:
test_optimizers.py, case sgd_momentum_loss_scale.)"""
import numpy as np
import pytest

import nn
import nn.keras as keras
from autograd import Variable
from nn.keras.optimizers import LossScaleOptimizer

from ._helpers import small_regression


def _regression():
    return small_regression(32, 3, seed=4)


@pytest.mark.parametrize("jit", [False, True])
def test_a_power_of_two_scale_trains_exactly_as_none(jit):
    """Multiplying the loss by 2^10 and the gradients by 2^-10 is exact in floating point
    (away from overflow): the same weights to the last bit, eager and captured."""
    weights = []
    for factor in (None, 1024.0):
        x, y, model = _regression()
        model.compile(optimizer=keras.optimizers.Adam(0.01, loss_scale_factor=factor),
                      loss="mse", jit_compile=jit)
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for plain, scaled in zip(*weights):
        np.testing.assert_array_equal(scaled, plain)


class _OwnStep(nn.Model):
    """A subclassed model whose train_step adds to Keras' (Keras' guide's pattern)."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1)
        self.steps = 0

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        self.steps += 1
        return super().train_step(data)


@pytest.mark.parametrize("make", [
    lambda: keras.optimizers.SGD(0.1, loss_scale_factor=512.0),
    lambda: LossScaleOptimizer(keras.optimizers.SGD(0.1))])
def test_model_train_step_scales_the_loss_as_fit_does(make):
    """Model.train_step backpropagates the loss as the optimizer scales it, which its step
    divides out again (it used to backpropagate the loss itself: a LossScaleOptimizer then
    moved the weights 2^15 times too little)."""
    x = np.linspace(-1, 1, 16, dtype=np.float32).reshape(8, 2)
    y = x.sum(axis=1, keepdims=True)
    moved = []
    for cls in (None, _OwnStep):
        np.random.seed(0)
        model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)]) \
            if cls is None else cls()
        model.compile(optimizer=make(), loss="mse")
        model(x[:1])  # (built, so both start from the same weights)
        start = [w.copy() for w in model.get_weights()]
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)
        moved.append([w - s for w, s in zip(model.get_weights(), start)])
        if cls is not None:
            assert model.steps == 1
    for a, b in zip(*moved):
        np.testing.assert_allclose(b, a, rtol=1e-6)
        assert np.abs(a).max() > 1e-3


def test_scale_loss_multiplies_by_the_factor_or_leaves_the_loss():
    loss = Variable(np.array(3.0, np.float32))
    assert float(keras.optimizers.SGD(loss_scale_factor=8).scale_loss(loss).data) == 24.0
    assert keras.optimizers.SGD().scale_loss(loss) is loss


@pytest.mark.parametrize("value", [0, -2.0, float("inf"), float("nan"), True, "8"])
def test_a_factor_that_is_no_positive_finite_number_is_refused(value):
    with pytest.raises(ValueError, match="RMSprop: loss_scale_factor must be a finite number "
                                         "> 0, got "):
        keras.optimizers.RMSprop(loss_scale_factor=value)


def test_the_factor_is_saved_with_the_model(tmp_path):
    x, y, model = _regression()
    model.compile(optimizer=keras.optimizers.Adam(0.01, loss_scale_factor=64), loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    assert nn.load_model(tmp_path / "m.keras").optimizer.loss_scale_factor == 64.0


@pytest.mark.parametrize("scale", [2.0 ** 16, 2.0 ** 20])
def test_a_float16_gradient_is_divided_in_float32(scale):
    """A scale of 2^16 or more is inf in float16: dividing in float16 zeroed every gradient
    (and a zero gradient, finite, let the dynamic scale grow on)."""
    p = nn.Parameter(np.ones(3, np.float16))
    opt = keras.optimizers.SGD(1.0, loss_scale_factor=scale).bind([p])
    p.grad = np.full(3, 2.0 ** 15, np.float16)
    opt.step()
    np.testing.assert_array_equal(p.data, np.full(3, 1 - 2.0 ** 15 / scale, np.float16))


def test_numpy_numbers_are_taken_as_keras_takes_them():
    opt = keras.optimizers.Adam(loss_scale_factor=np.float32(128.0),
                                gradient_accumulation_steps=np.int64(4))
    assert opt.loss_scale_factor == 128.0 and opt.gradient_accumulation_steps == 4
