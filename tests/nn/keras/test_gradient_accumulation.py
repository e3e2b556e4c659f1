"""Keras' gradient_accumulation_steps: n batches' gradients, averaged, make one update.
(Each step against Keras 3's own trajectories: test_optimizers.py; a `.keras` file saved in
the middle of an accumulation: test_keras_optimizer_state.py.)"""
import numpy as np
import pytest

import nn
import nn.keras as keras
from autograd import Parameter

from ._helpers import small_regression


def _regression():
    return small_regression(64, 4, seed=3)


@pytest.mark.parametrize("jit", [False, True])
@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_four_batches_of_8_accumulated_are_one_batch_of_32(name, jit):
    """The mean of four equal batches' mean gradients is the gradient of their union: fit on
    batches of 8 with 4 accumulated trains as fit on batches of 32 (no shuffling), eager and
    captured (jit_compile)."""
    weights = []
    for batch, steps in ((32, None), (8, 4)):
        x, y, model = _regression()
        opt = getattr(keras.optimizers, name)(learning_rate=0.05,
                                              gradient_accumulation_steps=steps)
        model.compile(optimizer=opt, loss="mse", jit_compile=jit)
        model.fit(x, y, batch_size=batch, epochs=3, shuffle=False, verbose=0)
        assert opt.iterations == 6  # updates: 2 an epoch either way
        weights.append(model.get_weights())
    for whole, accumulated in zip(*weights):
        np.testing.assert_allclose(accumulated, whole, rtol=1e-5, atol=1e-6)


def test_only_every_nth_step_updates_and_counts():
    p = Parameter(np.ones(3))
    opt = keras.optimizers.SGD(learning_rate=0.5, gradient_accumulation_steps=3).bind([p])
    for k, g in enumerate([1.0, 2.0, 6.0, 3.0]):
        p.grad = np.full(3, g)
        opt.step()
        expected = 1.0 if k < 2 else 1.0 - 0.5 * 3.0  # the mean of 1, 2 and 6 at the third
        np.testing.assert_array_equal(p.data, np.full(3, expected))
        assert opt.iterations == (k + 1) // 3
    np.testing.assert_array_equal(opt.state[p]["gradient_accumulator"], np.full(3, 3.0))
    assert opt.state_dict()["iterations"] == 4  # (Keras' count of calls, which resumes)


def test_a_variable_without_gradient_at_the_update_is_left_and_its_sum_cleared():
    """Keras' rule: a variable that gets no gradient adds nothing; one without a gradient
    at the n-th step is not updated, though its accumulator is cleared with the others."""
    a, b = Parameter(np.zeros(2)), Parameter(np.zeros(2))
    opt = keras.optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=2).bind([a, b])
    a.grad, b.grad = np.ones(2), np.ones(2)
    opt.step()
    a.grad, b.grad = None, np.full(2, 3.0)
    opt.step()
    np.testing.assert_array_equal(a.data, [0.0, 0.0])
    np.testing.assert_array_equal(b.data, [-2.0, -2.0])
    assert not opt.state[a]["gradient_accumulator"].any()


def test_a_shared_gradient_is_replaced_not_changed():
    """Two parameters given one gradient array (as `a + b` gives them) each get their own
    mean; the array given stays as it was."""
    a, b = Parameter(np.zeros(2)), Parameter(np.zeros(2))
    opt = keras.optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=2).bind([a, b])
    a.grad, b.grad = np.ones(2), np.full(2, 3.0)
    opt.step()
    shared = np.ones(2)
    a.grad = b.grad = nn.Parameter(shared, requires_grad=False)
    opt.step()
    np.testing.assert_array_equal(a.data, [-1.0, -1.0])
    np.testing.assert_array_equal(b.data, [-2.0, -2.0])
    np.testing.assert_array_equal(shared, [1.0, 1.0])


@pytest.mark.parametrize("saving", ["state_dict", "model.save"])
def test_saved_in_the_middle_of_an_accumulation_goes_on_identically(saving, tmp_path):
    x, y, model = _regression()
    model.compile(optimizer=keras.optimizers.Adam(0.01, gradient_accumulation_steps=3),
                  loss="mse")
    model.fit(x[:40], y[:40], batch_size=8, epochs=1, shuffle=False, verbose=0)  # 5 calls
    assert model.optimizer.iterations == 1
    if saving == "model.save":
        model.save(tmp_path / "m.keras")
        twin = nn.load_model(tmp_path / "m.keras")
    else:
        _, _, twin = _regression()
        twin.set_weights(model.get_weights())
        twin.compile(optimizer=keras.optimizers.Adam(0.01, gradient_accumulation_steps=3),
                     loss="mse")
        twin.optimizer.bind(twin.parameters())
        twin.optimizer.load_state_dict(model.optimizer.state_dict())
    assert twin.optimizer.gradient_accumulation_steps == 3
    for m in (model, twin):
        m.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    assert twin.optimizer.iterations == model.optimizer.iterations == 4
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("value", [1, -2, 2.5, True, "4"])
def test_a_count_that_is_no_integer_of_at_least_2_is_refused(value):
    with pytest.raises(ValueError, match=f"Adam: gradient_accumulation_steps must be an "
                                         f"integer >= 2 \\(or None\\), got {value!r}"):
        keras.optimizers.Adam(gradient_accumulation_steps=value)


@pytest.mark.parametrize("value", [None, 0])
def test_none_or_0_accumulates_nothing(value):
    p = Parameter(np.ones(2))
    opt = keras.optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=value).bind([p])
    p.grad = np.ones(2)
    opt.step()
    np.testing.assert_array_equal(p.data, [0.0, 0.0])
    assert opt.gradient_accumulation_steps is None and "gradient_accumulator" not in opt.state[p]
