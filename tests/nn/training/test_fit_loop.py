"""Model.fit: updates per epoch, validation split, modes, weighted loss, argument checks."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import optim
from autograd import Parameter

from ._helpers import blobs, linear_data, mlp


def counting(optimizer):
    """Make optimizer.step count its calls in optimizer.steps."""
    optimizer.steps = 0
    step = optimizer.step

    def counted(*args, **kwargs):
        optimizer.steps += 1
        return step(*args, **kwargs)

    optimizer.step = counted
    return optimizer


@given(n=st.integers(1, 60), batch_size=st.integers(1, 25), epochs=st.integers(1, 3))
def test_one_epoch_is_ceil_n_over_batch_size_updates(n, batch_size, epochs):
    x, y = linear_data(n)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer=counting(optim.SGD(lr=0.01)), loss="mse")
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    assert model.optimizer.steps == epochs * math.ceil(n / batch_size)


def test_thousand_samples_batch_100_is_ten_updates():
    x, y = linear_data(1000)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer=counting(optim.SGD(lr=0.01)), loss="mse")
    model.fit(x, y, epochs=1, batch_size=100, verbose=0)
    assert model.optimizer.steps == 10


class Recorder(nn.Model):
    """x (N, 1) -> x w; remembers which sample ids it saw in train and in eval mode."""

    def __init__(self):
        super().__init__()
        self.w = Parameter(np.ones((1, 1), np.float32))
        self.seen = {True: [], False: []}

    def forward(self, x):
        self.seen[self.training].append(x.data[:, 0].astype(int).tolist())
        return x @ self.w


def test_validation_split_takes_the_last_fraction_before_shuffling():
    x = np.arange(50, dtype=np.float32)[:, None]
    model = Recorder()
    model.compile(optimizer="sgd", loss="mse")
    np.random.seed(0)
    model.fit(x, x.copy(), epochs=2, batch_size=8, validation_split=0.2, verbose=0)
    trained = [i for batch in model.seen[True] for i in batch]
    validated = [i for batch in model.seen[False] for i in batch]
    assert sorted(trained) == sorted(list(range(40)) * 2)   # the first 80%, every epoch
    assert trained[:40] != list(range(40))                  # shuffled
    assert validated == list(range(40, 50)) * 2              # the last 20%, in order


def test_validation_data_and_val_logs():
    x, y = blobs()
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x[:90], y[:90], epochs=3, validation_data=(x[90:], y[90:]), verbose=0)
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(v) == 3 for v in history.history.values())
    assert history.history["val_loss"][-1] == pytest.approx(model.evaluate(x[90:], y[90:])[0])
    assert model.history is history and history.epoch == [0, 1, 2]


def test_shuffle_false_keeps_the_order():
    x = np.arange(12, dtype=np.float32)[:, None]
    model = Recorder()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x.copy(), batch_size=5, shuffle=False, verbose=0)
    assert model.seen[True] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]


def test_shuffle_batch_shuffles_within_consecutive_batches_as_keras():
    x = np.arange(12, dtype=np.float32)[:, None]
    model = Recorder()
    model.compile(optimizer="sgd", loss="mse")
    np.random.seed(0)
    model.fit(x, x.copy(), batch_size=5, shuffle="batch", epochs=3, verbose=0)
    batches = model.seen[True]
    assert [sorted(b) for b in batches] == [list(range(5)), list(range(5, 10)), [10, 11]] * 3
    assert any(b != sorted(b) for b in batches)
    for wrong in ("nonsense", 1, None):
        with pytest.raises(TypeError, match="shuffle must be True, False or 'batch'"):
            model.fit(x, x.copy(), shuffle=wrong, verbose=0)


def test_epoch_loss_is_the_batch_size_weighted_mean():
    x, y = linear_data(10)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer=optim.SGD(lr=0.0), loss="mse")  # lr 0: the weights stay put
    history = model.fit(x, y, batch_size=3, shuffle=False, verbose=0)  # batches 3, 3, 3, 1
    expected = float(np.mean((model.predict(x) - y) ** 2))
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-5)
    assert model.evaluate(x, y, batch_size=4) == pytest.approx(expected, rel=1e-5)


class ModeProbe(nn.Model):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(2, 1)
        self.drop = nn.Dropout(0.5)
        self.modes = []

    def forward(self, x):
        self.modes.append(self.drop.training)
        return self.drop(self.dense(x))


def test_fit_trains_in_train_mode_and_validates_in_eval_mode():
    x, y = np.ones((8, 2), np.float32), np.ones((8, 1), np.float32)
    model = ModeProbe()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=4, validation_split=0.5, verbose=0)
    assert model.modes == [True, False]
    model.modes.clear()
    model.predict(x, batch_size=8)
    assert model.modes == [False] and model.training  # the mode is restored afterwards


def test_initial_epoch_and_zero_epochs():
    x, y = linear_data()
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss="mse")
    assert model.fit(x, y, epochs=5, initial_epoch=3, verbose=0).epoch == [3, 4]
    assert model.fit(x, y, epochs=0, verbose=0).history == {}


def test_float64_inputs_train_in_float32():
    x, y = linear_data()
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x.astype(np.float64), y.astype(np.float64), verbose=0)
    assert model[0].weight.dtype == np.float32
    assert model.predict(x.astype(np.float64)).dtype == np.float32


def test_targets_of_shape_n_are_not_broadcast_against_n_by_1_outputs():
    x, y = linear_data(16)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss="mse")
    expected = float(np.mean((model.predict(x)[:, 0] - y[:, 0]) ** 2))
    assert model.evaluate(x, y[:, 0]) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("call, message", [
    (lambda m, x, y: m.fit(x, y[:-1], verbose=0), "x has 40 samples but y has 39"),
    (lambda m, x, y: m.fit(x, y, validation_split=1.0, verbose=0), "validation_split"),
    (lambda m, x, y: m.fit(x[:1], y[:1], validation_split=0.5, verbose=0), "leaves no"),
    (lambda m, x, y: m.fit(x, y, batch_size=0, verbose=0), "batch_size"),
    (lambda m, x, y: m.fit(x, y, verbose=3), "verbose"),
    (lambda m, x, y: m.fit(x, y, validation_data=(x,), verbose=0), "validation_data"),
    (lambda m, x, y: m.predict(np.zeros((0, 3))), "no samples"),
])
def test_bad_arguments_name_the_problem(call, message):
    x, y = linear_data()
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=message):
        call(model, x, y)


def test_fit_before_compile_says_so():
    x, y = linear_data()
    with pytest.raises(RuntimeError, match="not compiled"):
        nn.Sequential(nn.Linear(3, 1)).fit(x, y)


def test_validation_freq_and_validation_batch_size_as_keras():
    x, y = linear_data()
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss="mse")
    val = (x[:10], y[:10])
    sizes = []
    counter = nn.callbacks.LambdaCallback(
        on_test_batch_begin=lambda batch, logs: sizes.append(batch))
    history = model.fit(x, y, epochs=4, validation_data=val, validation_freq=2,
                        validation_batch_size=4, callbacks=[counter], verbose=0).history
    assert len(history["loss"]) == 4 and len(history["val_loss"]) == 2
    assert sizes == [0, 1, 2] * 2  # 10 samples in batches of 4, after epochs 2 and 4
    assert history["val_loss"][-1] == pytest.approx(model.evaluate(*val))
    listed = model.fit(x, y, epochs=3, validation_data=val, validation_freq=[1, 3],
                       verbose=0).history
    assert len(listed["val_loss"]) == 2
    with pytest.raises(ValueError, match="validation_freq must be a positive integer"):
        model.fit(x, y, validation_data=val, validation_freq=0, verbose=0)


def test_keras_multi_input_forms_are_named():
    x, y = linear_data()
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="x is a dict"):
        model.fit({"a": x}, y, verbose=0)
    for several in ([x, x], [x, x[:, :2]]):
        with pytest.raises(ValueError, match="several inputs or outputs take a functional "
                                             "model"):
            model.fit(several, y, verbose=0)


def test_positional_arguments_come_in_keras_order():
    """fit(x, y, batch_size, epochs, verbose, ...), evaluate(x, y, batch_size, verbose,
    sample_weight, steps), predict(x, batch_size, verbose, steps): Keras' order, so code
    written for Keras runs the steps it asks for."""
    x = np.linspace(-1, 1, 100, dtype=np.float32).reshape(-1, 1)
    y = 2 * x
    model = nn.Sequential([nn.Dense(1, input_shape=(1,))])
    model.compile(optimizer="sgd", loss="mse")
    steps = []
    history = model.fit(x, y, 50, 2, 0, [nn.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: steps.append(batch))])
    assert len(history.history["loss"]) == 2 and len(steps) == 4  # 2 epochs of 2 batches
    weights = np.zeros(100)
    weights[:50] = 1
    assert model.evaluate(x, y, 100, 0, weights) == pytest.approx(
        model.evaluate(x, y, sample_weight=weights))
    assert model.predict(x, 7, 0).shape == (100, 1)
    assert model.predict(x, 7, 0, 3).shape == (21, 1)  # Keras' fourth is steps
    assert model.evaluate(x, y, 10, 0, None, 1) == pytest.approx(  # and evaluate's sixth
        model.evaluate(x[:10], y[:10]))


def test_on_batch_methods_as_keras():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    np.random.seed(0)
    model = nn.Sequential([nn.Dense(1, input_shape=(4,), activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    twin = nn.Sequential([nn.Dense(1, input_shape=(4,), activation="sigmoid")])
    twin.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    twin.set_weights(model.get_weights())
    before = model.evaluate(x, y, batch_size=32)
    assert model.train_on_batch(x, y) == pytest.approx(before)  # the loss before the update
    twin.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)  # the same one update
    for ours, theirs in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    logs = model.test_on_batch(x, y, return_dict=True)
    assert logs == pytest.approx(model.evaluate(x, y, batch_size=32, return_dict=True))
    np.testing.assert_array_equal(model.predict_on_batch(x[:3]), model.predict(x[:3]))
    with pytest.raises(TypeError, match="x is one batch of arrays"):
        model.train_on_batch(nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size=8))


def test_a_resumed_fit_continues_a_seeded_loaders_shuffles(tmp_path):
    """fit(initial_epoch=2) on a new loader of the same seed trains on epochs 2 and 3's
    orders, as the uninterrupted run did (a resumed run used to repeat epochs 0 and 1's)."""
    x, y = linear_data(40)
    data = nn.data.TensorDataset(x, y)

    def loader():
        return nn.data.DataLoader(data, 8, shuffle=True, seed=7)

    def model():
        np.random.seed(0)
        m = nn.Sequential(nn.Linear(3, 1))
        m.compile(optimizer=optim.SGD(lr=0.05), loss="mse")
        return m

    whole = model()
    whole.fit(loader(), epochs=4, verbose=0)
    first = model()
    first.fit(loader(), epochs=2, verbose=0)
    first.save(tmp_path / "half.rungrad")
    resumed = nn.load_model(tmp_path / "half.rungrad")
    resumed.fit(loader(), epochs=4, initial_epoch=2, verbose=0)
    np.testing.assert_allclose(resumed[0].weight.data, whole[0].weight.data, rtol=0, atol=1e-6)
    again = loader()
    model().fit(again, epochs=1, verbose=0)
    assert again.epoch == 1  # fit called again keeps counting: new orders, not epoch 0's
