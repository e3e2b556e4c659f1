"""Keras' add_loss: losses a layer's call computes (a VAE's KL term), which fit trains and
evaluate reports with the compiled loss, and `losses` lists until the next call."""
import gc
import threading
import weakref

import numpy as np
import pytest

import nn
import nn.keras as keras
from autograd import Variable


class AddsSquares(keras.layers.Layer):
    """Passes its inputs on, adding `rate` times their mean square as a loss."""

    def __init__(self, rate=0.5, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, x):
        self.add_loss(self.rate * (x * x).mean())
        return x


class PenalizedDense(keras.layers.Layer):
    """A Dense whose call adds 0.01 times its kernel's sum of squares: kernel_regularizer=
    L2(0.01)'s penalty, written with add_loss."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(units)

    def call(self, x):
        y = self.dense(x)
        self.add_loss(0.01 * (self.dense.kernel ** 2).sum())
        return y


def _data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(24, 3)).astype(np.float32)
    return x, x @ np.array([[1.0], [-2.0], [0.5]], np.float32)


def _model(middle, last, seed=1):
    np.random.seed(seed)
    return keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4), middle, last])


@pytest.mark.parametrize("jit", [False, True])
def test_a_loss_added_in_the_call_trains_as_the_same_penalty_given_as_a_regularizer(jit):
    """The added loss is part of what fit minimizes: the same weights as Keras'
    kernel_regularizer giving the same penalty (eager and captured)."""
    x, y = _data()
    weights = []
    for last in (PenalizedDense(1),
                 keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(0.01))):
        model = _model(keras.layers.Identity(), last)
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", jit_compile=jit)
        history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        weights.append((model.get_weights(), history.history["loss"]))
    (added, added_losses), (regularized, regularized_losses) = weights
    for a, b in zip(added, regularized):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(added_losses, regularized_losses, rtol=1e-5)


def test_evaluate_reports_each_batchs_added_loss_with_the_compiled_one():
    x, y = _data()
    model = _model(AddsSquares(0.5), keras.layers.Dense(1))
    model.compile(optimizer="sgd", loss="mse")
    expected = 0.0
    for start in range(0, 24, 10):  # batches of 10, 10 and 4
        xb, yb = x[start:start + 10], y[start:start + 10]
        hidden = model.layers[0](xb).data
        out = model(xb).data
        expected += (np.mean((out - yb) ** 2) + 0.5 * np.mean(hidden ** 2)) * len(xb)
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=10), expected / 24, rtol=1e-5)


def test_losses_hold_the_last_calls_and_start_afresh_at_each_call():
    layer = AddsSquares(1.0)
    layer(np.ones((2, 2), np.float32))
    assert [float(loss.data) for loss in layer.losses] == [1.0]
    layer(np.full((2, 2), 2.0, np.float32))  # called on its own again: its own call
    assert [float(loss.data) for loss in layer.losses] == [4.0]
    shared = AddsSquares(1.0)
    model = keras.Sequential([keras.Input(shape=(2,)), shared, shared])  # two calls in one
    model(np.ones((1, 2), np.float32))
    assert [float(loss.data) for loss in model.losses] == [1.0, 1.0]
    model(np.zeros((1, 2), np.float32))
    assert [float(loss.data) for loss in model.losses] == [0.0, 0.0]


def _values(losses):
    return [float(loss.data) for loss in losses]


def test_calling_another_layer_clears_only_its_own_losses_as_keras():
    """Keras clears the losses of the called layer and its sublayers only: a layer called
    on its own between a model's call and the read leaves the model's losses as they
    were; calling one of the model's layers on its own replaces that layer's alone."""
    first, second = AddsSquares(1.0), AddsSquares(2.0)
    model = keras.Sequential([keras.Input(shape=(2,)), first, second])
    model(np.ones((1, 2), np.float32))
    other = AddsSquares(3.0)
    other(np.ones((1, 2), np.float32))
    assert _values(model.losses) == [1.0, 2.0]
    assert _values(other.losses) == [3.0]
    first(np.full((1, 2), 2.0, np.float32))
    assert _values(model.losses) == [4.0, 2.0]
    model(np.zeros((1, 2), np.float32))
    assert _values(model.losses) == [0.0, 0.0] and _values(other.losses) == [3.0]


def test_each_thread_keeps_its_own_calls_losses():
    layer = AddsSquares(1.0)
    barrier = threading.Barrier(2)
    seen = {}

    def call(value):
        layer(np.full((1, 2), value, np.float32))
        barrier.wait()  # (both threads have called before either reads)
        seen[value] = _values(layer.losses)

    threads = [threading.Thread(target=call, args=(v,)) for v in (1.0, 2.0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {1.0: [1.0], 2.0: [4.0]}
    assert layer.losses == []  # (this thread has not called it)


def test_the_losses_a_model_holds_go_with_it():
    model = keras.Sequential([keras.Input(shape=(2,)), AddsSquares(1.0)])
    model(np.ones((1, 2), np.float32))
    gone = weakref.ref(model)
    del model
    gc.collect()
    assert gone() is None


class SometimesAdds(nn.Model):
    """A subclassed model whose layer adds its loss only when training (Keras' pattern)."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1)

    def call(self, x, training=False):
        y = self.dense(x)
        if training:
            self.add_loss(100.0 * (y * y).mean())
        return y


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_a_loss_added_in_training_only_is_trained_on_not_evaluated(seed):
    """fit's loss (one batch: the weights before its update) is the mean squared error plus
    the added term; evaluate's is the error alone."""
    x, y = _data(seed)
    np.random.seed(seed)
    model = SometimesAdds()
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    before = model.predict(x)
    history = model.fit(x, y, batch_size=24, epochs=1, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], np.mean((before - y) ** 2)
                               + 100.0 * np.mean(before ** 2), rtol=1e-5)
    evaluated = model.evaluate(x, y, batch_size=24)
    plain = float(np.mean((model.predict(x) - y) ** 2))
    np.testing.assert_allclose(evaluated, plain, rtol=1e-6)


def test_a_custom_train_step_gets_the_added_loss_from_compute_loss():
    x, y = _data()
    model = _model(AddsSquares(0.5), keras.layers.Dense(1))
    model.compile(optimizer="sgd", loss="mse")
    hidden = model.layers[0](x).data
    y_pred = model(x)  # (its call's losses: read before another top-level call)
    loss = model.compute_loss(x, y, y_pred)
    np.testing.assert_allclose(float(loss.data), np.mean((y_pred.data - y) ** 2)
                               + 0.5 * np.mean(hidden ** 2), rtol=1e-5)


def test_a_list_a_number_and_a_vector_are_taken_the_vector_summed():
    class Adds(keras.layers.Layer):
        def call(self, x):
            self.add_loss([x.sum(), 2.0])
            self.add_loss(x * 3)
            return x

    layer = Adds()
    layer(np.ones((1, 2), np.float32))
    assert [float(loss.data) for loss in layer.losses] == [2.0, 2.0, 6.0]


@pytest.mark.parametrize("loss, said", [
    ("kl", r"a loss is a Variable computed in the call \(or a number\), got str"),
    (np.arange(3), "a loss of dtype int64"),
    (Variable(np.arange(3)), "a loss of dtype int64")])
def test_what_is_no_loss_is_refused_naming_the_layer(loss, said):
    class Adds(keras.layers.Layer):
        def call(self, x):
            self.add_loss(loss)
            return x

    with pytest.raises(TypeError, match=f"Adds.add_loss: {said}"):
        Adds()(np.ones((1, 2), np.float32))


def test_a_plain_module_holding_keras_layers_keeps_its_call_losses_together():
    """A PyTorch-style container is a top-level call too, once losses are added: each of its
    layers' losses of its last call stay, none piles up over calls."""
    class Container(nn.Module):
        def __init__(self):
            super().__init__()
            self.first, self.second = AddsSquares(1.0), AddsSquares(2.0)

        def forward(self, x):
            self.add_loss(x.sum())
            return self.second(self.first(x))

    container = Container()
    for _ in range(3):
        container(np.ones((1, 2), np.float32))
    assert [float(loss.data) for loss in container.first.losses] == [1.0]
    assert [float(loss.data) for loss in container.second.losses] == [2.0]
    assert [float(loss.data) for loss in container.added_losses()] == [2.0]


def test_every_keras_layer_lists_its_weights_penalties():
    layer = keras.layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.5))
    layer(np.ones((1, 3), np.float32))
    (penalty,) = layer.losses
    np.testing.assert_allclose(float(penalty.data), 0.5 * (layer.kernel.data ** 2).sum(),
                               rtol=1e-6)


def test_keras_subclassing_guides_add_loss_example_runs_as_written():
    """Keras' guide "Making new layers and models via subclassing", its add_loss part."""
    from nn.keras import ops

    class ActivityRegularizationLayer(keras.layers.Layer):
        def __init__(self, rate=1e-2):
            super().__init__()
            self.rate = rate

        def call(self, inputs):
            self.add_loss(self.rate * ops.mean(inputs))
            return inputs

    class OuterLayer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.activity_reg = ActivityRegularizationLayer(1e-2)

        def call(self, inputs):
            return self.activity_reg(inputs)

    layer = OuterLayer()
    assert len(layer.losses) == 0  # no losses yet since the layer has never been called
    _ = layer(ops.zeros((1, 1)))
    assert len(layer.losses) == 1  # we created one loss value
    _ = layer(ops.zeros((1, 1)))
    assert len(layer.losses) == 1  # layer.losses gets reset at the start of each __call__

    class OuterLayerWithKernelRegularizer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(
                32, kernel_regularizer=keras.regularizers.l2(1e-3))

        def call(self, inputs):
            return self.dense(inputs)

    layer = OuterLayerWithKernelRegularizer()
    _ = layer(ops.zeros((1, 1)))
    (penalty,) = layer.losses  # the kernel's penalty
    np.testing.assert_allclose(float(penalty.data), 1e-3 * (layer.dense.kernel.data ** 2).sum(),
                               rtol=1e-6)


def test_a_plain_container_keeps_its_keras_layers_losses_from_its_first_call():
    class Container(nn.Module):
        def __init__(self):
            super().__init__()
            self.first, self.second = AddsSquares(1.0), AddsSquares(2.0)

        def forward(self, x):
            return self.second(self.first(x))

    container = Container()
    container(np.ones((1, 2), np.float32))
    assert [float(loss.data) for loss in container.first.losses] == [1.0]
    assert [float(loss.data) for loss in container.second.losses] == [2.0]


def test_a_copy_of_a_layer_or_model_starts_without_losses():
    """(Layers held their call losses in a thread-local, which copy and pickle refused.)"""
    import copy
    import pickle
    model = keras.Sequential([keras.Input((2,)), AddsSquares(1.0),
                              keras.layers.Dense(1, activity_regularizer="l2")])
    x = np.ones((1, 2), np.float32)
    model(x)
    assert len(model.losses) == 2
    for copied in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert copied.losses == []
        np.testing.assert_array_equal(copied(x).data, model(x).data)
        assert len(copied.losses) == 2


def _penalize(layer, x):
    layer.add_loss((x * x).sum())


def _shared_class(where):
    """A module class that adds a loss in `forward`, or in a helper it calls: a method, a
    closure, a module-level function."""
    class Shared(nn.Module):
        def forward(self, x):
            if where == "forward":
                self.add_loss((x * x).sum())
            elif where == "method":
                self.penalize(x)
            elif where == "closure":
                def add():
                    self.add_loss((x * x).sum())
                add()
            else:
                _penalize(self, x)
            return x

        def penalize(self, x):
            self.add_loss((x * x).sum())
    return Shared


@pytest.mark.parametrize("where", ["forward", "method", "closure", "function"])
def test_a_plain_containers_first_call_keeps_a_shared_modules_losses(monkeypatch, where):
    """(Before any add_loss ran, the container's call opened no scope: the shared module's
    second call was a top-level call of its own and cleared the first one's loss. The first
    loss, wherever it is added from, now marks the calls already running as one.)"""
    from nn.call_losses import CallLossesInUse
    shared = _shared_class(where)
    monkeypatch.setattr(CallLossesInUse, "any", False)  # (as in a process that made none)

    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.shared = shared()

        def forward(self, x):
            return self.shared(self.shared(x))

    container = Twice()
    for _ in range(2):
        container(Variable(np.ones(3)))
        assert [float(loss.data) for loss in container.shared.added_losses()] == [3.0, 3.0]
    container.shared(Variable(np.ones(3)))  # (its own call afterwards: its loss alone)
    assert [float(loss.data) for loss in container.shared.added_losses()] == [3.0]


def test_losses_are_listed_in_keras_order_calls_first_then_weights():
    """Keras 3.15.1 lists [4.0, 7.0, 4.0] for this model: the Dense's activity penalty,
    the next layer's added loss, then the kernel's penalty (weights' penalties came first)."""
    class AddsSeven(keras.layers.Layer):
        def call(self, x):
            self.add_loss(7.0)
            return x

    dense = keras.layers.Dense(2, kernel_initializer="ones",
                               kernel_regularizer=keras.regularizers.l2(1.0),
                               activity_regularizer=keras.regularizers.l1(1.0))
    model = keras.Sequential([keras.Input((2,)), dense, AddsSeven()])
    model(np.ones((1, 2), np.float32))
    assert _values(model.losses) == [4.0, 7.0, 4.0]


def test_after_a_replayed_step_the_losses_are_the_batchs_even_past_a_callbacks_call():
    """A captured step's replay runs no Python: the losses a callback's own call of the model
    left must not stand for the batch's (jit_compile=True lists what eager fit lists)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = rng.normal(size=(64, 1)).astype(np.float32)

    def losses_at_batch_ends(jit):
        np.random.seed(0)
        model = keras.Sequential([keras.layers.Dense(4), AddsSquares(), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", jit_compile=jit)
        seen = []

        class CallsTheModel(keras.callbacks.Callback):
            def on_train_batch_begin(self, batch, logs=None):
                self.model(x[:8])  # (its losses: those of these 8 samples)

            def on_train_batch_end(self, batch, logs=None):
                seen.append([float(loss.data) for loss in self.model.losses])

        model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0,
                  callbacks=[CallsTheModel()])
        return np.array(seen)

    eager, replayed = losses_at_batch_ends(False), losses_at_batch_ends(True)
    assert eager.shape == (8, 1) and len(np.unique(eager.round(4))) == 8  # each batch its own
    np.testing.assert_allclose(replayed, eager, rtol=1e-5)
