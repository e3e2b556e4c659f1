"""Model.fit / evaluate / predict on a DataLoader (or any iterable of (x, y) batches) as x,
as Keras takes a dataset: updates per epoch, the same training as on arrays, validation on a
loader, reached quality, and the errors (validation_split, y, batches that are not pairs)."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import optim
from nn.callbacks import Callback
from nn.data import DataLoader, TensorDataset

from ._helpers import StepCounter, blobs, linear_data, mlp, same_state


class ParamsProbe(Callback):
    def on_train_begin(self, logs=None):
        self.seen = dict(self.params)


class Batches:
    """A re-iterable source of (x, y) batches without len(): fit cannot know its steps."""

    def __init__(self, x, y, size):
        self.x, self.y, self.size = x, y, size

    def __iter__(self):
        for start in range(0, len(self.x), self.size):
            yield self.x[start:start + self.size], self.y[start:start + self.size]


def compiled_mlp(metrics=None):
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=metrics)
    return model


@given(n=st.integers(1, 50), batch_size=st.integers(1, 20), drop_last=st.booleans(),
       epochs=st.integers(1, 3))
def test_one_epoch_is_one_pass_over_the_loader(n, batch_size, drop_last, epochs):
    x, y = linear_data(n)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, drop_last=drop_last)
    if len(loader) == 0:
        return
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer=optim.SGD(lr=0.01), loss="mse")
    counter, probe = StepCounter(), ParamsProbe()
    model.fit(loader, epochs=epochs, verbose=0, callbacks=[counter, probe])
    steps = n // batch_size if drop_last else math.ceil(n / batch_size)
    assert counter.batches_per_epoch == [steps] * epochs
    assert (probe.seen["steps"], probe.seen["samples"], probe.seen["batch_size"]) == (
        steps, n, batch_size)


def test_training_on_a_loader_equals_training_on_the_same_batches_of_arrays():
    x, y = blobs(50)
    on_arrays, on_loader = compiled_mlp(["accuracy"]), compiled_mlp(["accuracy"])
    assert same_state(on_arrays.state_dict(), on_loader.state_dict())
    h1 = on_arrays.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    h2 = on_loader.fit(DataLoader(TensorDataset(x, y), batch_size=8), epochs=3, verbose=0)
    assert same_state(on_arrays.state_dict(), on_loader.state_dict())
    assert h1.history == h2.history


def test_a_shuffling_loader_trains_and_validates_on_a_loader():
    x, y = blobs(300)
    train = DataLoader(TensorDataset(x[:240], y[:240]), batch_size=16, shuffle=True, seed=0)
    held_out = DataLoader(TensorDataset(x[240:], y[240:]), batch_size=25)
    model = compiled_mlp(["accuracy"])
    # Keras-default Adam (lr 1e-3): 8 epochs left some seeds at 0.55; 30 reach >= 0.98
    history = model.fit(train, epochs=30, validation_data=held_out, verbose=0)
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert history.history["val_accuracy"][-1] >= 0.95
    assert history.history["val_loss"][-1] == pytest.approx(model.evaluate(held_out)[0])
    assert history.history["val_loss"][-1] == pytest.approx(
        model.evaluate(x[240:], y[240:])[0], rel=1e-5)


def test_evaluate_and_predict_on_a_loader_match_arrays():
    x, y = blobs(45)
    model = compiled_mlp(["accuracy", "auc"])
    loader = DataLoader(TensorDataset(x, y), batch_size=10)
    np.testing.assert_allclose(model.evaluate(loader), model.evaluate(x, y), rtol=1e-6)
    assert model.evaluate(loader, return_dict=True).keys() == {"loss", "accuracy", "auc"}
    expected = model.predict(x)
    np.testing.assert_array_equal(model.predict(loader), expected)  # targets ignored
    inputs_only = DataLoader(TensorDataset(x), batch_size=7)  # batches are 1-tuples
    np.testing.assert_array_equal(model.predict(inputs_only), expected)


def test_a_source_without_len_trains_with_unknown_steps():
    x, y = blobs(40)
    model = compiled_mlp(["accuracy"])
    counter, probe = StepCounter(), ParamsProbe()
    history = model.fit(Batches(x, y, 16), epochs=2, verbose=2, callbacks=[counter, probe])
    assert probe.seen["steps"] is None and probe.seen["samples"] is None
    assert counter.batches_per_epoch == [3, 3]
    assert len(history.history["accuracy"]) == 2


def test_float64_batches_train_in_float32():
    x, y = linear_data(20)
    loader = DataLoader(TensorDataset(x.astype(np.float64), y.astype(np.float64)), batch_size=8)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(loader, verbose=0)
    assert model[0].weight.dtype == np.float32 and model.predict(loader).dtype == np.float32


def test_a_generator_is_used_up_after_one_epoch():
    x, y = blobs(20)
    model = compiled_mlp()
    batches = ((x[i:i + 5], y[i:i + 5]) for i in range(0, 20, 5))
    with pytest.raises(ValueError, match="fit: the generator yielded no batches"):
        model.fit(batches, epochs=2, verbose=0)


@pytest.mark.parametrize("call, error, message", [
    (lambda m, loader, x, y: m.fit(loader, validation_split=0.2, verbose=0), ValueError,
     "validation_split is not supported when x is a DataLoader"),
    (lambda m, loader, x, y: m.fit(loader, y, verbose=0), ValueError,
     "fit: y must be None when x is a DataLoader"),
    (lambda m, loader, x, y: m.evaluate(loader, y), ValueError,
     "evaluate: y must be None when x is a DataLoader"),
    (lambda m, loader, x, y: m.fit(DataLoader(TensorDataset(x), batch_size=4), verbose=0),
     ValueError, r"each batch must be an \(x, y\) pair or an \(x, y, sample_weight\) triple; "
     r"batch 0 is a tuple of 1 items"),
    (lambda m, loader, x, y: m.fit(TensorDataset(x, y), verbose=0), TypeError,
     r"x is a TensorDataset.*DataLoader\(dataset, batch_size=...\)"),
    (lambda m, loader, x, y: m.fit(x, y, validation_data=TensorDataset(x, y), verbose=0),
     ValueError, "validation_data must be a pair"),
    (lambda m, loader, x, y: m.fit([(x[:4], y[:3])], verbose=0), ValueError,
     "fit: x is a list that does not form an array"),
    (lambda m, loader, x, y: m.fit(iter([(x[:4], y[:3])]), verbose=0), ValueError,
     r"fit \(batch 0\): x has 4 samples but y has 3"),
])
def test_bad_loader_arguments_name_the_problem(call, error, message):
    x, y = blobs(12)
    model = compiled_mlp()
    with pytest.raises(error, match=message):
        call(model, DataLoader(TensorDataset(x, y), batch_size=4), x, y)


def test_fit_starts_a_new_sampler_epoch_in_one_process_too():
    # DistributedSampler(num_replicas=1) shuffles by epoch: fit must call set_epoch
    from nn.distributed import DistributedSampler
    data = TensorDataset(np.arange(8.0, dtype=np.float32).reshape(8, 1),
                         np.zeros((8, 1), np.float32))
    sampler = DistributedSampler(data, num_replicas=1, rank=0, shuffle=True, seed=0)
    orders = []

    class Record(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            orders.append((sampler.epoch, tuple(sampler)))

    model = nn.Sequential(nn.Dense(1))
    model.compile(optimizer=optim.SGD(lr=0.0), loss="mse")
    model.fit(DataLoader(data, batch_size=8, sampler=sampler), epochs=3, verbose=0,
              callbacks=[Record()])
    assert [epoch for epoch, _ in orders] == [0, 1, 2]
    assert len({order for _, order in orders}) == 3
