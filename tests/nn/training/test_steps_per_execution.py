"""compile(steps_per_execution=n): every batch still trains, the batch hooks run once per n
batches, as Keras 3's (its hooks' indices checked against Keras 3.15's)."""
import numpy as np
import pytest

import nn
import optim
from nn.callbacks import Callback, ModelCheckpoint, SchedulerStep

from ._helpers import linear_data


class Hooks(Callback):
    def __init__(self):
        self.calls = []

    def on_train_batch_begin(self, batch, logs=None):
        self.calls.append(("begin", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(("end", batch, sorted(logs)))

    def on_test_batch_begin(self, batch, logs=None):
        self.calls.append(("test begin", batch))

    def on_test_batch_end(self, batch, logs=None):
        self.calls.append(("test end", batch))

    def on_predict_batch_end(self, batch, logs=None):
        self.calls.append(("predict end", batch, len(logs["outputs"])))


def _model(steps_per_execution=1, lr=0.05):
    np.random.seed(0)
    model = nn.Sequential([nn.Dense(1, input_shape=(3,))])
    model.compile(optimizer=optim.SGD(lr=lr), loss="mse", metrics=["mae"],
                  steps_per_execution=steps_per_execution)
    return model


def test_batch_hooks_run_once_per_execution_as_keras():
    x, y = linear_data(40)
    hooks = Hooks()
    _model(3).fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=[hooks],
                  validation_data=(x[:12], y[:12]))
    # Keras 3.15: begin 0, end 2, begin 3, end 5, begin 6, end 8, begin 9, end 11 (the
    # last group's end given as if it were whole); here the last batch run, 9
    keys = ["loss", "mae"]
    assert hooks.calls == [("begin", 0), ("end", 2, keys), ("begin", 3), ("end", 5, keys),
                           ("begin", 6), ("end", 8, keys), ("begin", 9), ("end", 9, keys),
                           ("test begin", 0), ("test end", 2)]


def test_evaluate_and_predict_hooks_run_once_per_execution():
    x, y = linear_data(40)
    model, hooks = _model(3), Hooks()
    model.evaluate(x, y, batch_size=8, callbacks=[hooks])
    assert hooks.calls == [("test begin", 0), ("test end", 2), ("test begin", 3),
                           ("test end", 4)]
    hooks.calls.clear()
    model.predict(x, batch_size=8, callbacks=[hooks])  # a group's outputs, as Keras
    assert hooks.calls == [("predict end", 2, 24), ("predict end", 4, 16)]


def test_every_batch_still_trains():
    x, y = linear_data(40)
    grouped, single = _model(3), _model(1)
    for model in (grouped, single):
        model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(grouped.get_weights(), single.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert grouped.evaluate(x, y) == single.evaluate(x, y)


class StopAtFirstEnd(Callback):
    def on_train_batch_end(self, batch, logs=None):
        self.model.stop_training = True


def test_stop_training_takes_effect_at_the_end_of_the_execution():
    x, y = linear_data(40)
    grouped, three = _model(3), _model(1)
    grouped.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0,
                callbacks=[StopAtFirstEnd()])
    three.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0, steps_per_epoch=3)
    for a, b in zip(grouped.get_weights(), three.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_batch_counting_callbacks_count_every_batch_of_an_execution(tmp_path):
    x, y = linear_data(36)  # 9 batches an epoch: saves at the ends of executions either way
    saved, lrs = {}, {}
    for n in (1, 3):
        model = _model(n)
        scheduler = optim.lr_scheduler.ExponentialLR(model.optimizer, gamma=0.9)
        check = ModelCheckpoint(tmp_path / f"{n}" / "m-{epoch}-{batch}.weights.h5",
                                save_freq=3, save_weights_only=True)
        (tmp_path / f"{n}").mkdir()
        model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0,
                  callbacks=[check, SchedulerStep(scheduler, "batch")])
        saved[n] = sorted(p.name for p in (tmp_path / f"{n}").iterdir())
        lrs[n] = model.optimizer.param_groups[0]["lr"]
    assert saved[3] == saved[1]
    assert lrs[3] == pytest.approx(lrs[1]) == pytest.approx(0.05 * 0.9 ** 18)


@pytest.mark.parametrize("value", [0, -1, 1.5, "auto"])
def test_steps_per_execution_must_be_a_positive_integer(value):
    with pytest.raises(ValueError, match="compile: steps_per_execution must be a positive"):
        _model(value)


def test_steps_per_execution_is_saved_with_the_model(tmp_path):
    model = _model(4)
    model.save(tmp_path / "m.keras")
    assert nn.load_model(tmp_path / "m.keras").steps_per_execution == 4
