"""Keras' steps: fit(steps_per_epoch=, validation_steps=), evaluate(steps=), predict(steps=)."""
import warnings

import numpy as np
import pytest

import nn
import optim

from ._helpers import linear_data


class Recorded:
    """A re-iterable source of `count` batches of 10 samples that notes which it gave."""

    def __init__(self, x, y, count):
        self.x, self.y, self.count, self.given = x, y, count, []

    def __iter__(self):
        for i in range(self.count):
            self.given.append(i)
            yield self.x[10 * i:10 * (i + 1)], self.y[10 * i:10 * (i + 1)]


def regression(seed=0, lr=0.05):
    np.random.seed(seed)
    model = nn.Sequential([nn.Dense(1, input_shape=(3,))])
    model.compile(optimizer=optim.SGD(lr=lr), loss="mse")
    return model


def test_each_epoch_runs_its_steps_and_resumes_where_the_last_stopped():
    x, y = linear_data(100)
    source = Recorded(x, y, 10)
    model = regression()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(source, epochs=4, steps_per_epoch=4, verbose=0)
    # 4 + 4 + the last 2 (the data ran out: that epoch ends early), then afresh
    assert source.given == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3]
    assert len(history.history["loss"]) == 4
    assert [str(w.message) for w in caught] == [
        "fit: the data ran out before 4 steps; this pass ends early (give a source that "
        "yields at least steps x epochs batches, or fewer steps)"]


def test_data_used_up_exactly_starts_afresh_without_a_warning():
    x, y = linear_data(100)
    source = Recorded(x, y, 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        regression().fit(source, epochs=3, steps_per_epoch=5, verbose=0)
    assert source.given == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4]


def test_arrays_with_the_steps_of_one_pass_train_as_without():
    x, y = linear_data(60)
    plain, limited = regression(seed=3), regression(seed=3)
    plain.fit(x, y, 8, 3, 0, shuffle=False)
    limited.fit(x, y, 8, 3, 0, shuffle=False, steps_per_epoch=8)  # ceil(60 / 8) batches
    for a, b in zip(plain.get_weights(), limited.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_the_progress_bar_and_callbacks_see_the_steps():
    x, y = linear_data(100)
    seen = {}
    callback = nn.callbacks.LambdaCallback(on_train_begin=lambda logs: seen.update(
        steps=callback.params["steps"]))
    regression().fit(x, y, 10, 1, 0, [callback], steps_per_epoch=3)
    assert seen["steps"] == 3


def test_an_endless_generator_trains_epochs_times_steps_batches():
    x, y = linear_data(400, seed=1)
    drawn = []

    def endless():
        rng = np.random.default_rng(0)
        while True:
            rows = rng.integers(0, len(x), 20)
            drawn.append(rows)
            yield x[rows], y[rows]

    model = regression(lr=0.1)
    history = model.fit(endless(), epochs=5, steps_per_epoch=30, verbose=0)
    assert len(drawn) == 5 * 30
    losses = history.history["loss"]
    assert losses[-1] < 1e-3 * losses[0]


@pytest.mark.parametrize("batches, epochs, want_epochs, warned", [
    (7, 5, 3, "fit: the data ran out before 3 steps; stopping training"),  # mid-epoch
    (6, 5, 2, "fit: the data ran out after 2 epochs of 3 steps; stopping training"),
    (6, 2, 2, None),  # exactly what was asked for
])
def test_a_generator_used_up_stops_training_with_a_warning(batches, epochs, want_epochs,
                                                           warned):
    x, y = linear_data(100)

    def generator():
        for i in range(batches):
            yield x[10 * i:10 * (i + 1)], y[10 * i:10 * (i + 1)]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = regression().fit(generator(), epochs=epochs, steps_per_epoch=3, verbose=0)
    assert len(history.history["loss"]) == want_epochs
    assert all(loss > 0 for loss in history.history["loss"])  # no empty epoch logged
    messages = [str(w.message) for w in caught]
    assert (messages == []) if warned is None else (
        len(messages) == 1 and messages[0].startswith(warned))


def fixed_line():
    """y = x, frozen (lr 0), so that each validation's loss is that of its batches."""
    model = nn.Sequential([nn.Dense(1, input_shape=(1,))])
    model.set_weights([np.ones((1, 1), np.float32), np.zeros(1, np.float32)])
    model.compile(optimizer=optim.SGD(lr=0.0), loss="mse")
    return model


def test_each_validation_takes_validation_steps_batches_from_the_first():
    x = np.arange(20, dtype=np.float32).reshape(20, 1) / 20
    history = fixed_line().fit(x, x, epochs=3, verbose=0, shuffle=False,
                               validation_data=(x, 2 * x), validation_batch_size=5,
                               validation_steps=2)
    # Keras 3.15.1's val_loss (its evaluate resets the iterator): the first 10 samples' MSE
    # at every epoch, not 0.07125, 0.54625, 0.07125
    np.testing.assert_allclose(history.history["val_loss"], [0.07125] * 3, rtol=1e-5)


def test_a_validation_generator_goes_on_where_the_last_validation_stopped():
    x = np.arange(20, dtype=np.float32).reshape(20, 1) / 20
    pulled = []

    def batches():
        for k in range(100):
            pulled.append(k)
            yield x[5 * (k % 4):5 * (k % 4 + 1)], 2 * x[5 * (k % 4):5 * (k % 4 + 1)]

    history = fixed_line().fit(x, x, epochs=3, verbose=0, validation_data=batches(),
                               validation_steps=2)
    assert pulled == [0, 1, 2, 3, 4, 5]
    np.testing.assert_allclose(history.history["val_loss"], [0.07125, 0.54625, 0.07125],
                               rtol=1e-5)


def test_evaluate_and_predict_take_the_first_steps_batches():
    x, y = linear_data(100)
    model = regression()
    assert model.evaluate(x, y, batch_size=10, steps=3) == pytest.approx(
        model.evaluate(x[:30], y[:30]))
    np.testing.assert_allclose(model.predict(x, batch_size=10, steps=3), model.predict(x[:30]))
    with pytest.warns(RuntimeWarning, match="evaluate: the data ran out before 20 steps; "
                                            "this pass ends early"):
        assert model.evaluate(x, y, batch_size=10, steps=20) == pytest.approx(
            model.evaluate(x, y))


@pytest.mark.parametrize("bad", [0, -2, 1.5, "3", True])
def test_a_count_that_is_not_a_positive_integer_is_refused_by_name(bad):
    x, y = linear_data(20)
    model = regression()
    with pytest.raises(ValueError, match="fit: steps_per_epoch must be a positive integer"):
        model.fit(x, y, steps_per_epoch=bad, verbose=0)
    with pytest.raises(ValueError, match=r"fit \(validation\): validation_steps must be a "
                                         r"positive integer"):
        model.fit(x, y, validation_data=(x, y), validation_steps=bad, verbose=0)
    with pytest.raises(ValueError, match="evaluate: steps must be a positive integer"):
        model.evaluate(x, y, steps=bad)
    with pytest.raises(ValueError, match="predict: steps must be a positive integer"):
        model.predict(x, steps=bad)
