"""A compiled model called without training= infers, as Keras' model(x): Dropout off and
BatchNormalization's moving statistics read, not moved; fit and train_on_batch train (the
step alone: a callback's model(x) infers); train() or eval() after compile, and a model never
compiled, follow PyTorch's modes."""
import numpy as np
import pytest

import nn
import nn.keras as keras
from nn.keras import layers

rng = np.random.default_rng(0)
X = rng.standard_normal((64, 4)).astype(np.float32)
Y = (X @ rng.standard_normal((4, 1))).astype(np.float32)


class SuperLoss(keras.Sequential):
    """Writes compute_loss: fit runs Keras' default train_step (the steps' path)."""

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        return super().compute_loss(x, y, y_pred, sample_weight, training)


def model(cls=keras.Sequential, compiled=True):
    np.random.seed(0)
    made = cls([keras.Input((4,)), layers.Dense(16, activation="relu"), layers.Dropout(0.5),
                layers.BatchNormalization(), layers.Dense(1)])
    if compiled:
        made.compile(optimizer="sgd", loss="mse")
    return made


def moving_mean(m):
    return m.layers[2].moving_mean.copy()


def infers(m):
    """Whether m(X) is deterministic, equal to predict and leaves the statistics alone."""
    before = moving_mean(m)
    first, second = m(X).data, m(X).data
    return (np.array_equal(first, second) and np.array_equal(moving_mean(m), before)
            and np.allclose(first, m.predict(X, verbose=0), rtol=1e-6, atol=1e-6))


@pytest.mark.parametrize("cls", [keras.Sequential, SuperLoss], ids=["own loop", "steps"])
def test_a_compiled_model_infers_before_and_after_fit_which_trains(cls):
    m = model(cls)
    assert infers(m)
    before = moving_mean(m)
    m.fit(X, Y, batch_size=16, epochs=1, verbose=0)
    assert not np.array_equal(moving_mean(m), before)  # (fit's steps trained)
    assert infers(m)
    before = moving_mean(m)
    m.train_on_batch(X[:16], Y[:16])
    assert not np.array_equal(moving_mean(m), before)
    assert infers(m)


def test_training_true_trains_for_that_call_only():
    m = model()
    before = moving_mean(m)
    assert not np.array_equal(m(X, training=True).data, m(X, training=True).data)
    assert not np.array_equal(moving_mean(m), before)
    assert infers(m)


def test_a_callbacks_model_call_between_steps_infers():
    m = model()
    seen = []

    class Probe(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(infers(self.model))

    m.fit(X, Y, batch_size=16, epochs=1, verbose=0, callbacks=[Probe()])
    assert seen == [True] * 4


def test_train_or_eval_after_compile_is_pytorchs_mode_and_compile_is_keras_again():
    m = model()
    m.train()
    assert not infers(m) and m(X, training=False).shape == (64, 1)
    m.eval()
    assert infers(m)
    m.train()
    m.compile(optimizer="sgd", loss="mse")
    assert infers(m)


def test_a_model_never_compiled_keeps_pytorchs_training_mode():
    for m in (model(compiled=False),
              nn.Sequential(nn.Linear(4, 16), nn.Dropout(0.5), nn.Linear(16, 1))):
        assert not np.array_equal(m(X).data, m(X).data)
        m.eval()
        assert np.array_equal(m(X).data, m(X).data)


def test_a_compiled_models_graph_image_is_the_one_fit_trains_through(tmp_path):
    """plot draws the training graph (Dropout's op in it), not model(x)'s inference, and
    moves no statistics."""
    pytest.importorskip("graphviz")
    import shutil
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot executable is not installed")
    m = model()
    before = moving_mean(m)
    m.plot(X[:2], to_file=tmp_path / "graph.svg")
    assert "Dropout" in (tmp_path / "graph.svg").read_text()
    assert np.array_equal(moving_mean(m), before) and infers(m)


def _batch_norm_base(nested):
    """A model ending in BatchNormalization, functional or Sequential."""
    if nested == "functional":
        inputs = keras.Input((4,))
        return keras.Model(inputs, layers.BatchNormalization(name="bn")(
            layers.Dense(4, name="dense")(inputs)), name="base")
    return keras.Sequential([keras.Input((4,)), layers.Dense(4, name="dense"),
                             layers.BatchNormalization(name="bn")], name="base")


@pytest.mark.parametrize("nested", ["functional", "sequential"])
def test_a_nested_model_called_with_training_false_infers_in_fit_and_after_loading(
        nested, tmp_path):
    """Keras' transfer-learning idiom, base(inputs, training=False): the node keeps the
    argument, so fit never moves the base's statistics (they moved before)."""
    np.random.seed(0)
    base = _batch_norm_base(nested)
    inputs = keras.Input((4,))
    m = keras.Model(inputs, layers.Dense(1, name="head")(base(inputs, training=False)))
    m.compile(keras.optimizers.SGD(0.0), "mse")  # (only the statistics could move)
    x = (X * 5 + 3).astype(np.float32)
    statistics = [w.copy() for w in base.get_layer("bn").get_weights()[2:]]
    m.fit(x, Y, batch_size=16, epochs=1, verbose=0)
    for before, after in zip(statistics, base.get_layer("bn").get_weights()[2:]):
        np.testing.assert_array_equal(after, before)
    np.testing.assert_array_equal(m(x, training=True).data, m(x, training=False).data)
    m.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    loaded.fit(x, Y, batch_size=16, epochs=1, verbose=0)
    for before, after in zip(statistics, loaded.get_layer("base").get_layer("bn")
                             .get_weights()[2:]):
        np.testing.assert_array_equal(after, before)


def test_a_subclassed_model_inside_a_functional_one_gets_the_mode_in_force():
    """Its call(x, training=None) was given True in predict and evaluate (the flag recorded
    when the graph was built), so its Dropout dropped there."""
    seen = []

    class Dropping(keras.Model):
        def __init__(self, **options):
            super().__init__(**options)
            self.dense, self.drop = layers.Dense(50), layers.Dropout(0.5)

        def call(self, x, training=None):
            seen.append(training)
            return self.drop(self.dense(x), training=training)

    inputs = keras.Input((4,))
    m = keras.Model(inputs, Dropping()(inputs))
    m.compile("sgd", "mse")
    seen.clear()
    m.fit(X, np.zeros((64, 50), np.float32), batch_size=64, epochs=1, verbose=0)
    assert seen == [True]
    seen.clear()
    first, second = m.predict(X, verbose=0), m.predict(X, verbose=0)
    m.evaluate(X, np.zeros((64, 50), np.float32), verbose=0)
    assert seen and not any(seen) and np.array_equal(first, second)
