"""Keras' PyDataset (Sequence): a dataset of whole batches, which fit, evaluate and predict
go through once per epoch, calling on_epoch_begin and on_epoch_end around each epoch."""
import numpy as np
import pytest

import nn
import nn.keras as keras
from nn.keras import layers

rng = np.random.default_rng(0)
X = rng.standard_normal((50, 4)).astype(np.float32)
Y = (X[:, :1] * 2 - X[:, 1:2]).astype(np.float32)


class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size, self.passes = x, y, batch_size, 0

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[rows] if self.y is None else (self.x[rows], self.y[rows])

    def on_epoch_end(self):
        self.passes += 1


def _model():
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_fit_evaluate_and_predict_go_through_its_batches_as_through_arrays():
    train, validation = Batches(X, Y, 16, workers=2), Batches(X, Y, 10)
    ours, arrays = _model(), _model()
    history = ours.fit(train, epochs=3, verbose=0, validation_data=validation,
                       shuffle=False).history
    want = arrays.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0,
                      validation_data=(X, Y)).history
    np.testing.assert_allclose(history["loss"], want["loss"], rtol=1e-6)
    np.testing.assert_allclose(history["val_loss"], want["val_loss"], rtol=1e-6)
    assert train.passes == 3 and validation.passes == 3
    assert train.num_batches == 4 and keras.utils.Sequence is keras.utils.PyDataset
    assert ours.evaluate(validation, verbose=0) == pytest.approx(
        arrays.evaluate(X, Y, verbose=0), rel=1e-6)
    np.testing.assert_allclose(ours.predict(Batches(X, None, 7), verbose=0),
                               arrays.predict(X, verbose=0), rtol=1e-6)


class Recorded(Batches):
    """Batches that note the index of each one asked for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked = []

    def __getitem__(self, index):
        self.asked.append(index)
        return super().__getitem__(index)


def test_fit_shuffles_the_batches_each_epoch_with_numpys_generator_as_keras_3():
    """Keras 3's PyDatasetAdapter shuffles the batch indices of each epoch where fit's
    shuffle is True (its default); evaluate, the validation and shuffle=False go in order."""
    orders = []
    for _ in range(2):
        train, validation = Recorded(X, Y, 10), Recorded(X, Y, 25)
        model = _model()
        np.random.seed(7)
        model.fit(train, epochs=3, verbose=0, validation_data=validation)
        orders.append(train.asked)
        assert validation.asked == [0, 1] * 3
        assert train.passes == 3
    np.random.seed(7)
    drawn = [np.random.permutation(5).tolist() for _ in range(3)]
    assert orders[0] == orders[1] == drawn[0] + drawn[1] + drawn[2]
    assert drawn[0] != list(range(5))
    in_order = Recorded(X, Y, 10)
    _model().fit(in_order, epochs=2, verbose=0, shuffle=False)
    assert in_order.asked == list(range(5)) * 2


def test_a_pydataset_without_its_methods_and_a_dataset_of_samples_say_what_to_do():
    with pytest.raises(NotImplementedError, match="defines __len__"):
        _model().fit(nn.data.PyDataset(), verbose=0)

    class Samples:
        def __len__(self):
            return 3

        def __getitem__(self, index):
            return X[index], Y[index]
    with pytest.raises(TypeError, match="holds samples: wrap it in nn.data.DataLoader.*"
                                        "subclass nn.keras.utils.PyDataset"):
        _model().fit(Samples(), verbose=0)


class Logged(Recorded):
    """Batches that note each epoch's beginning and end among the indices asked for."""

    def on_epoch_begin(self):
        self.asked.append("begin")

    def on_epoch_end(self):
        self.asked.append("end")


def test_each_epoch_is_framed_by_its_hooks_whatever_its_steps_as_keras_3():
    model = _model()
    data = Logged(X, Y, 16)
    model.fit(data, epochs=2, shuffle=False, verbose=0)
    assert data.asked == ["begin", 0, 1, 2, 3, "end"] * 2
    data = Logged(X, Y, 16)
    model.fit(data, epochs=2, steps_per_epoch=2, shuffle=False, verbose=0)
    assert data.asked == ["begin", 0, 1, "end", "begin", 2, 3, "end"]
    data = Logged(X, Y, 16)
    model.evaluate(data, verbose=0)
    assert data.asked == ["begin", 0, 1, 2, 3, "end"]


class Endless(Batches):
    """Batches without end: num_batches is None (Keras 3's infinite PyDataset)."""

    @property
    def num_batches(self):
        return None

    def __getitem__(self, index):
        return super().__getitem__(index % 4)


def test_an_endless_pydataset_trains_for_the_steps_given_and_asks_for_them():
    model = _model()
    history = model.fit(Endless(X, Y, 16), epochs=2, steps_per_epoch=5, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(Endless(X, None, 16), steps=3, verbose=0).shape == (48, 1)
    with pytest.raises(ValueError, match="has no end .*give steps_per_epoch="):
        model.fit(Endless(X, Y, 16), epochs=1, verbose=0)


def test_steps_without_a_batch_size_cut_arrays_to_cover_them_as_keras_3():
    model, seen = _model(), []
    counter = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(b))
    history = model.fit(X, Y, epochs=2, steps_per_epoch=4, verbose=0, callbacks=[counter])
    assert len(seen) == 8 and history.params["batch_size"] == 13  # ceil(50 / 4)


def test_steps_with_a_validation_split_cut_the_training_part_as_keras_3():
    model, seen = _model(), []
    counter = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(b))
    history = model.fit(X, Y, epochs=1, steps_per_epoch=10, validation_split=0.2, verbose=0,
                        callbacks=[counter])
    assert len(seen) == 10 and history.params["batch_size"] == 4  # ceil(40 / 10)


def test_validation_steps_without_a_batch_size_cut_the_validation_part_as_keras_3():
    model, seen = _model(), []
    counter = keras.callbacks.LambdaCallback(on_test_batch_end=lambda b, logs: seen.append(b))
    model.fit(X, Y, epochs=1, steps_per_epoch=4, validation_split=0.2, validation_steps=2,
              verbose=0, callbacks=[counter])
    assert seen == [0, 1]  # (10 held out, in 2 steps of 5: no "ran out" warning)
    seen.clear()
    model.fit(X[:30], Y[:30], validation_data=(X[30:], Y[30:]), validation_steps=4, verbose=0,
              callbacks=[counter])
    assert seen == [0, 1, 2, 3]


def test_timeseries_windows_follow_keras_3s_examples():
    windows = keras.utils.timeseries_dataset_from_array(
        np.arange(99), None, sequence_length=10, sampling_rate=2, sequence_stride=3)
    x = np.concatenate(list(windows))
    assert x[0].tolist() == list(range(0, 20, 2)) and x[1].tolist() == list(range(3, 23, 2))
    assert x[-1].tolist() == list(range(78, 98, 2))  # (Example 1: 98's window would not fit)
    data = np.linspace(0, 1, 50)
    inputs, targets = next(iter(keras.utils.timeseries_dataset_from_array(
        data[:-10], data[10:], sequence_length=10)))  # (Example 2: the next step's value)
    np.testing.assert_array_equal(inputs[0], data[:10])
    assert targets[0] == data[10] and len(inputs) == 31
    pieces = keras.utils.timeseries_dataset_from_array(
        np.arange(100), None, sequence_length=20, sequence_stride=20, batch_size=2)
    assert len(pieces) == 3 and [len(b) for b in pieces] == [2, 2, 1]  # (Example 3)
    shuffled = [np.concatenate(list(nn.data.timeseries_dataset_from_array(
        np.arange(30), None, 5, shuffle=True, seed=3, start_index=2, end_index=28)))
        for _ in range(2)]
    np.testing.assert_array_equal(shuffled[0], shuffled[1])  # (one order from the seed)
    assert shuffled[0][:, 0].min() == 2 and shuffled[0][:, -1].max() == 27
    with pytest.raises(ValueError, match="end_index must be an integer from 1 to 29"):
        nn.data.timeseries_dataset_from_array(np.arange(30), None, 5, end_index=30)


def test_a_model_trains_on_timeseries_windows():
    series = np.sin(np.linspace(0, 12, 300)).astype(np.float32)[:, None]
    windows = keras.utils.timeseries_dataset_from_array(series[:-5], series[5:],
                                                        sequence_length=5, batch_size=32)
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(5, 1)), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(windows, epochs=30, verbose=0)
    # the targets' variance is 0.5; seeds 0-5 ended at 0.0004 to 0.018
    assert history.history["loss"][-1] < 0.05
