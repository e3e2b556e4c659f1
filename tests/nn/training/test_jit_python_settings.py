"""compile(jit_compile=True): Python settings that no setter reports (a layer's private
number, a list entry, a custom loss's attribute or global), changed by a callback or
between two fits, make the captured update record again: the replays kept the old value
while the eager fit used the new one (nn.training.step_settings)."""
import types

import numpy as np
import pytest

import autograd
from nn import keras

L = keras.layers
FACTOR = {"loss": 1.0}  # a global a custom loss reads (a dict: plain values by contents)
SCALE = 1.0  # a global number a custom loss reads


class Scaled(L.Layer):
    """x times a private number, a list entry and a dict entry (1 each at first)."""

    def __init__(self):
        super().__init__()
        self._scale = 1.0
        self.factors = [1.0]
        self.named = {"f": 1.0}

    def call(self, x):
        return x * self._scale * self.factors[0] * self.named["f"]


class WeightedMSE(keras.losses.Loss):
    def __init__(self):
        super().__init__()
        self.alpha = 1.0

    def call(self, y_true, y_pred):
        return autograd.mean((y_true - y_pred) ** 2, axis=-1) * self.alpha


def mse_times_global(y_true, y_pred):
    return autograd.mean((y_true - y_pred) ** 2) * SCALE


def _data():
    x = np.random.default_rng(1).standard_normal((64, 3)).astype(np.float32)
    return x, x.sum(axis=1, keepdims=True)


def _fitted(jit_compile, change, loss="mse", fits=1):
    """(losses of each epoch, weights) of 3 epochs (batches of 16: one signature) where
    change(model, epoch) runs at each epoch's end, or between the fits when fits > 1."""
    global SCALE
    SCALE, FACTOR["loss"] = 1.0, 1.0
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), Scaled(), L.Dense(4, activation="tanh"),
                              L.Dense(1)])
    model.compile(optimizer="sgd", loss=loss() if isinstance(loss, type) else loss,
                  jit_compile=jit_compile)

    class Change(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            change(self.model, epoch)
    x, y = _data()
    losses = []
    for fit in range(fits):
        if fits > 1 and fit:
            change(model, fit)
        history = model.fit(x, y, epochs=3 if fits == 1 else 2, batch_size=16,
                            shuffle=False, verbose=0,
                            callbacks=[Change()] if fits == 1 else None)
        losses += history.history["loss"]
    return losses, [p.data.copy() for p in model.parameters()]


def _set_global(model, epoch):
    global SCALE
    SCALE = 3.0 + epoch


def _set_loss_attribute(model, epoch):
    model.compiled_loss.keras_object.alpha = 3.0 + epoch


CHANGES = {
    "a layer's private number": lambda model, epoch: setattr(model.layers[0], "_scale",
                                                             2.0 + epoch),
    "a list entry of a layer": lambda model, epoch: model.layers[0].factors.__setitem__(
        0, 2.0 + epoch),
    "a dict entry of a layer": lambda model, epoch: model.layers[0].named.__setitem__(
        "f", 2.0 + epoch),
}


def _unchanged(model, epoch):
    pass


def _assert_same(eager, captured):
    np.testing.assert_allclose(captured[0], eager[0], rtol=1e-5)
    for p, q in zip(eager[1], captured[1]):
        np.testing.assert_allclose(q, p, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
@pytest.mark.parametrize("fits", [1, 3], ids=["by a callback", "between fits"])
def test_a_layer_setting_changed_is_replayed_anew(change, fits):
    eager = _fitted(False, change, fits=fits)
    assert not np.allclose(eager[0], _fitted(False, _unchanged, fits=fits)[0])  # (it counts)
    _assert_same(eager, _fitted(True, change, fits=fits))


@pytest.mark.parametrize("loss, change", [(WeightedMSE, _set_loss_attribute),
                                          (mse_times_global, _set_global)],
                         ids=["a loss object's attribute", "a global of a loss function"])
def test_a_loss_setting_changed_by_a_callback_is_replayed_anew(loss, change):
    eager = _fitted(False, change, loss)
    assert not np.allclose(eager[0], _fitted(False, _unchanged, loss)[0])
    _assert_same(eager, _fitted(True, change, loss))


def test_a_callback_changing_nothing_keeps_the_captured_update():
    # the settings are compared, not assumed changed: no recording after each epoch
    recorded = []

    class Watching(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            recorded.append(self.model._captured_update.captured)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), Scaled(), L.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    x, y = _data()
    model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0,
              callbacks=[Watching()])
    assert recorded[2:] == [1] * (len(recorded) - 2)  # (captured at the second and third)


def _times_global(x):
    return x * SCALE


def test_a_global_a_lambda_layer_reads_changed_by_a_callback_is_replayed_anew():
    def trained(jit_compile, change=True):
        global SCALE
        SCALE = 1.0
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), L.Lambda(_times_global), L.Dense(1)])
        model.compile(optimizer="sgd", loss="mse", jit_compile=jit_compile)
        x, y = _data()
        return model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0,
                         callbacks=[keras.callbacks.LambdaCallback(
                             on_epoch_end=lambda epoch, logs: _set_global(model, epoch)
                             if change else None)]).history["loss"]
    eager = trained(False)
    assert not np.allclose(eager, trained(False, change=False))
    np.testing.assert_allclose(trained(True), eager, rtol=1e-5)


def test_a_setting_changed_between_replayed_train_on_batch_calls_is_seen():
    """After replays (which run no Python, and so change no setting) the change is
    compared against the settings noted at the last recording."""
    def losses(jit_compile):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), Scaled(), L.Dense(1)])
        model.compile(optimizer="sgd", loss="mse", jit_compile=jit_compile)
        x, y = np.ones((8, 3), np.float32), np.zeros((8, 1), np.float32)
        found = []
        for i in range(6):
            if i == 4:
                model.layers[0]._scale = 3.0
            found.append(float(np.ravel(model.train_on_batch(x, y))[0]))
        return found
    eager = losses(False)
    assert eager[4] > 2 * eager[3]  # (the change matters)
    np.testing.assert_allclose(losses(True), eager, rtol=1e-5)


SETTINGS = types.SimpleNamespace(weight=1.0, slope=1.0)  # attributes read off a global


class PlainLoss:
    """A loss that is neither a module nor a keras Loss: a plain callable object."""

    def __init__(self):
        self.weight = 1.0

    def __call__(self, y_true, y_pred):
        return ((y_true - y_pred) ** 2).mean() * self.weight


def _loss_reading_an_attribute(y_true, y_pred):
    return ((y_true - y_pred) ** 2).mean() * SETTINGS.weight


@pytest.mark.parametrize("kind", ["callable object", "attribute of a global", "Lambda layer"])
def test_settings_read_through_wrapped_functions_are_watched(kind):
    """A callable object compile wraps (LossFunctionWrapper), `CFG.w` read by a loss
    function, and a Lambda layer's function reading `CFG.s`: changed at an epoch's end,
    they changed the eager fit's losses and not jit_compile's."""
    histories = []
    for jit in (False, True):
        SETTINGS.weight = SETTINGS.slope = 1.0
        np.random.seed(0)
        x = np.random.default_rng(0).normal(size=(64, 3)).astype(np.float32)
        hidden = [L.Dense(8)] + ([L.Lambda(lambda h: h * SETTINGS.slope)]
                                 if kind == "Lambda layer" else []) + [L.Dense(1)]
        model = keras.Sequential([keras.Input(shape=(3,)), *hidden])
        loss = {"callable object": PlainLoss(), "attribute of a global":
                _loss_reading_an_attribute}.get(kind, "mse")

        def change(epoch, logs, loss=loss):
            if epoch == 1:
                SETTINGS.weight = SETTINGS.slope = 5.0
                if isinstance(loss, PlainLoss):
                    loss.weight = 5.0
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss=loss, jit_compile=jit)
        history = model.fit(x, x.sum(1, keepdims=True), epochs=4, batch_size=16, verbose=0,
                            shuffle=False,
                            callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=change)])
        histories.append(history.history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-6)
