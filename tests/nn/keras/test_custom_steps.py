"""Keras 3's "customizing what happens in fit()": a subclass's train_step, test_step,
predict_step, compute_loss and compute_metrics run in fit, evaluate and predict, with
Keras' metrics, compute_loss and optimizer.apply (nn.training.custom_steps)."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import nn.keras as keras
from nn.keras import layers

from ._helpers import ClassCounts

rng = np.random.default_rng(0)
X = rng.standard_normal((120, 6)).astype(np.float32)
LABELS = ((X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 0.8)).astype(np.int64)
Y = (2 * X[:, :1] - X[:, 1:2] + 0.5).astype(np.float32)
WEIGHTS = rng.uniform(0.5, 2.0, 120).astype(np.float32)


def classifier(cls=keras.Sequential, seed=3):
    np.random.seed(seed)
    model = cls([keras.Input(shape=(6,)), layers.Dense(16, activation="relu"),
                 layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


class SuperLoss(keras.Sequential):
    """Writes compute_loss (Keras' default train_step then calls it): fit runs the steps."""

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        return super().compute_loss(x, y, y_pred, sample_weight, training)


def test_the_default_steps_log_what_fits_own_loop_logs():
    """The steps' path (default train_step / test_step, Keras' loss tracker, the compiled
    metrics as one metric) against fit's own loop: the same weights, losses and metrics,
    sample weights and validation included; a softmax model's loss taken from its logits
    (with a graph) and from its probabilities (evaluate's, without one)."""
    own, steps = classifier(), classifier(SuperLoss)
    logs = [m.fit(X, LABELS, batch_size=32, epochs=3, shuffle=False, verbose=0,
                  sample_weight=WEIGHTS, validation_split=0.25).history for m in (own, steps)]
    assert logs[0].keys() == logs[1].keys() == {"loss", "accuracy", "val_loss",
                                                "val_accuracy"}
    for key in logs[0]:
        np.testing.assert_allclose(logs[1][key], logs[0][key], rtol=1e-5)
    for a, b in zip(own.get_weights(), steps.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-7)
    ours = steps.evaluate(X, LABELS, return_dict=True)
    assert ours == pytest.approx(own.evaluate(X, LABELS, return_dict=True), rel=1e-5)
    assert steps.metrics_names == ["loss", "accuracy"]
    np.testing.assert_allclose(steps.predict(X), own.predict(X), rtol=1e-6)
    assert steps.train_on_batch(X[:32], LABELS[:32], return_dict=True) == pytest.approx(
        own.train_on_batch(X[:32], LABELS[:32], return_dict=True), rel=1e-5)


def test_get_metrics_result_gives_the_last_logged_values_on_both_paths():
    """As Keras' (its metrics hold what the last fit, evaluate or train_on_batch measured;
    fit's own loop keeps sums of its own, not the metric objects); none once reset."""
    for model in (classifier(), classifier(SuperLoss)):
        history = model.fit(X, LABELS, batch_size=32, epochs=2, verbose=0).history
        assert model.get_metrics_result() == pytest.approx(
            {key: values[-1] for key, values in history.items()}, rel=1e-6)
        logs = model.train_on_batch(X[:32], LABELS[:32], return_dict=True)
        assert model.get_metrics_result() == pytest.approx(logs, rel=1e-6)
        logs = model.evaluate(X, LABELS, verbose=0, return_dict=True)
        assert model.get_metrics_result() == pytest.approx(logs, rel=1e-6)
        model.reset_metrics()
        reset = model.get_metrics_result()
        assert reset["loss"] == 0 and not any(reset.values())


class GuideModel(keras.Model):
    """The Keras 3 guide's train_step (PyTorch backend), with rungrad's names."""

    def __init__(self):
        super().__init__()
        self.hidden, self.out = layers.Dense(16, activation="relu"), layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        trainable = self.trainable_variables
        with ag.no_grad():  # (the guide's `v.value.grad`: Keras' Variable.value)
            self.optimizer.apply([v.value.grad for v in trainable], trainable)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_the_guides_train_step_trains_and_logs_its_metrics():
    np.random.seed(0)
    model = GuideModel()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    history = model.fit(X, Y, batch_size=16, epochs=30, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < 0.05 * history.history["loss"][0]
    # the epoch's loss is the guide's: the mean of its batches' losses
    assert model.metrics[0].count.value == 8  # (120 samples in batches of 16)
    # evaluate runs the default test_step: the loss over all samples, the metric too
    logs = model.evaluate(X, Y, return_dict=True)
    prediction = model.predict(X)
    assert logs["loss"] == pytest.approx(float(np.mean((prediction - Y) ** 2)), rel=1e-4)
    assert logs["mae"] == pytest.approx(float(np.mean(np.abs(prediction - Y))), rel=1e-4)


class OwnLossAndMetrics(keras.Model):
    """The guide's lower-level form: compiled without a loss, its own metric objects."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

    def call(self, inputs):
        return self.dense(inputs)

    def train_step(self, data):
        x, y = data
        y_pred = self(x, training=True)
        loss = F.mse_loss(y_pred, ag.Variable(y))
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.loss_tracker.update_state(F.mse_loss(y_pred, ag.Variable(y)))
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    @property
    def metrics(self):  # (so that fit and evaluate reset them)
        return [self.loss_tracker, self.mae_metric]


def test_a_model_compiled_without_a_loss_runs_its_own_steps():
    np.random.seed(0)
    model = OwnLossAndMetrics()
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    history = model.fit(X, Y, batch_size=20, epochs=20, verbose=0, validation_data=(X, Y))
    assert history.history["loss"][-1] < 0.01 < history.history["loss"][0]
    first = model.evaluate(X, Y, return_dict=True)
    assert model.evaluate(X, Y, return_dict=True) == first  # the metrics reset each time
    assert first["loss"] == pytest.approx(history.history["val_loss"][-1], rel=1e-6)


def test_a_model_compiled_without_a_loss_saves_and_resumes_its_optimizer(tmp_path):
    """model.save keeps the compile of a model writing its own steps (its optimizer and
    state, no loss): the loaded model is compiled and trains on exactly as the saved one
    does; clone_model compiles its clone alike."""
    np.random.seed(0)
    model = OwnLossAndMetrics()
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    model.fit(X, Y, batch_size=20, epochs=2, verbose=0)
    path = model.save(tmp_path / "own.keras")
    loaded = keras.models.load_model(path, custom_objects={"OwnLossAndMetrics": OwnLossAndMetrics})
    assert loaded.compiled and loaded.compiled_loss is None
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.iterations == model.optimizer.iterations > 0
    runs = [m.fit(X, Y, batch_size=20, epochs=2, verbose=0, shuffle=False).history["loss"]
            for m in (model, loaded)]
    np.testing.assert_allclose(runs[1], runs[0], rtol=1e-6)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)
    clone = keras.models.clone_model(model)
    assert clone.compiled and clone.compiled_loss is None
    assert clone.fit(X, Y, batch_size=20, epochs=1, verbose=0).history["loss"][0] > 0


def test_without_a_loss_the_defaults_say_so():
    model = OwnLossAndMetrics()
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="compute_loss: OwnLossAndMetrics was compiled "
                                         "without a loss"):
        model.compute_loss(y=Y, y_pred=model(X))
    with pytest.raises(ValueError, match="metrics are scored through the loss"):
        model.compile(optimizer="sgd", metrics=["mae"])
    plain = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="loss is required"):
        plain.compile(optimizer="sgd")  # (writing no step: a loss is needed)


def test_optimizer_apply_updates_only_the_variables_given_and_keeps_every_grad():
    """A GAN's two updates: each apply moves its own variables only, whatever gradients the
    others hold, and leaves every .grad as it was."""
    np.random.seed(0)
    first, second = layers.Dense(2), layers.Dense(2)
    x = ag.Variable(X[:, :2])
    (second(first(x)) ** 2).sum().backward()
    opt = keras.optimizers.SGD(0.1)
    grads = {id(p): p.grad for p in (*first.parameters(), *second.parameters())}
    before = [p.data.copy() for p in (*first.parameters(), *second.parameters())]
    variables = list(first.parameters())
    opt.apply([v.grad for v in variables], variables)
    after = [p.data for p in (*first.parameters(), *second.parameters())]
    for k, (old, new, p) in enumerate(zip(before, after, variables + [None, None])):
        if k < 2:
            np.testing.assert_allclose(new, old - 0.1 * p.grad.data, rtol=1e-6)
        else:
            np.testing.assert_array_equal(new, old)
    assert all(p.grad is grads[id(p)] for p in (*first.parameters(), *second.parameters()))
    opt.apply_gradients(zip([np.ones((2, 2), np.float32), None], second.parameters()))
    np.testing.assert_allclose(second.weight.data, before[2] - 0.1, rtol=1e-6)
    np.testing.assert_array_equal(second.bias.data, before[3])
    with pytest.raises(ValueError, match="1 gradients for 2 variables"):
        opt.apply([None], second.parameters())


class Steps(keras.Model):
    """A test_step and a predict_step of its own."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)

    def call(self, inputs):
        return self.dense(inputs)

    def test_step(self, data):
        x, y = data
        return {"max_error": np.abs(self(x).data - y).max()}

    def predict_step(self, data):
        return self(data) * 0 + 7


def test_test_step_and_predict_step_replace_evaluates_and_predicts():
    np.random.seed(0)
    model = Steps()
    model.compile(optimizer="sgd", loss="mse")
    assert (model.predict(X, batch_size=50) == 7).all() and model.predict(X).shape == (120, 1)
    logs = model.evaluate(X, Y, batch_size=60, return_dict=True)
    last = float(np.abs(model(X[60:]).data - Y[60:]).max())  # the last batch's value
    assert logs == {"max_error": pytest.approx(last)}
    history = model.fit(X, Y, epochs=1, verbose=0, validation_data=(X, Y))
    assert set(history.history) == {"loss", "val_max_error"}


class CountsOnly(keras.Model):
    """Steps that log ClassCounts' result, its state array itself, as the guide's steps
    return {m.name: m.result()}."""

    def __init__(self):
        super().__init__()
        self.dense, self.counts = layers.Dense(1), ClassCounts()

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        self.counts.update_state(data[1])
        return {"counts": self.counts.result()}

    test_step = train_step

    @property
    def metrics(self):
        return [self.counts]


def test_a_steps_logged_arrays_are_copies_of_the_metric_state():
    # History held the state array itself: every entry showed the last validation's counts
    labels = (np.arange(10) < 3).astype(np.float32)[:, None]
    model = CountsOnly()
    model.compile(optimizer="sgd")
    history = model.fit(X[:10], labels, batch_size=10, epochs=2, verbose=0,
                        validation_data=(X[:4], labels[:4]))
    assert [c.tolist() for c in history.history["counts"]] == [[7, 3], [7, 3]]
    assert [c.tolist() for c in history.history["val_counts"]] == [[1, 3], [1, 3]]


def test_a_step_must_return_a_dict_and_jit_compile_is_refused():
    class Bad(keras.Sequential):
        def train_step(self, data):
            return 1.0

    model = Bad([keras.Input(shape=(6,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="a step must return a dict"):
        model.fit(X, Y, verbose=0)
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    with pytest.raises(NotImplementedError, match="jit_compile=True captures fit's own step"):
        model.fit(X, Y, verbose=0)


class SoftmaxInForward(keras.Model):
    """A subclass whose forward ends in F.softmax: its loss reads the logits from the graph."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(3)

    def call(self, inputs):
        return F.softmax(self.dense(inputs), axis=-1)


class SoftmaxInForwardSteps(SoftmaxInForward):
    def compute_loss(self, *args, **kwargs):
        return super().compute_loss(*args, **kwargs)


def test_a_subclass_ending_in_its_own_softmax_logs_alike_in_both_paths():
    logs = []
    for cls in (SoftmaxInForward, SoftmaxInForwardSteps):
        np.random.seed(2)
        model = cls()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        logs.append(model.fit(X, LABELS, epochs=2, shuffle=False, verbose=0,
                              validation_split=0.25).history)
    for key in logs[0]:
        np.testing.assert_allclose(logs[1][key], logs[0][key], rtol=1e-5)


class AutoEncoder(keras.Model):
    """Batches of x alone: its train_step and test_step read them as they come."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(6)
        self.tracker = keras.metrics.Mean(name="loss")

    def call(self, inputs):
        return self.dense(inputs)

    def _loss(self, x):
        x = x[0] if isinstance(x, tuple) else x
        return ((self(x) - ag.Variable(x)) ** 2).mean()

    def train_step(self, data):
        loss = self._loss(data)
        self.zero_grad()
        loss.backward()
        self.optimizer.apply([v.grad for v in self.trainable_variables], self.trainable_variables)
        self.tracker.update_state(loss)
        return {"loss": self.tracker.result()}

    def test_step(self, data):
        self.tracker.update_state(self._loss(data))
        return {"loss": self.tracker.result()}


def test_steps_of_ones_own_take_batches_without_targets():
    """Keras hands x alone to train_step (an autoencoder's, a GAN's): arrays, a DataLoader
    of one-item batches, validation_split and (x_val,)."""
    np.random.seed(0)
    model = AutoEncoder()
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    history = model.fit(X, epochs=30, batch_size=20, verbose=0, validation_split=0.2)
    assert history.history["loss"][-1] < 1e-3 * history.history["loss"][0]  # (30 seeds: 3e-7)
    assert set(history.history) == {"loss", "val_loss"}
    loader = nn.data.DataLoader(nn.data.TensorDataset(X), batch_size=40)
    history = model.fit(loader, epochs=1, verbose=0, validation_data=(X,))
    # (converged: losses near 1e-7, where float32 rounding moves them by a percent)
    assert history.history["val_loss"] == [pytest.approx(model.evaluate(X), abs=1e-7)]
    assert model.evaluate(loader) == pytest.approx(model.evaluate(X), abs=1e-7)
    assert set(model.train_on_batch(X[:10], return_dict=True)) == {"loss"}
    with pytest.raises(ValueError, match="sample_weight and class_weight weigh targets"):
        model.fit(X, sample_weight=WEIGHTS, verbose=0)
    plain = classifier(SuperLoss)  # (the default compute_loss needs targets, and says so)
    with pytest.raises(ValueError, match="compute_loss: no targets"):
        plain.fit(X, verbose=0)


def test_a_subclass_of_model_given_inputs_and_outputs_is_functional():
    """Keras 3's guides write `class CustomModel(keras.Model)` and build it as
    CustomModel(inputs, outputs): a functional model with the class's steps."""
    inputs = keras.Input(shape=(6,))
    np.random.seed(0)
    model = SuperLossModel(inputs, layers.Dense(3, activation="softmax")(
        layers.Dense(16, activation="relu")(inputs)))
    assert isinstance(model, SuperLossModel) and isinstance(model, keras.Model)
    assert type(model).__name__ == "SuperLossModel"
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    np.random.seed(0)
    twin = keras.Model(inputs, layers.Dense(3, activation="softmax")(
        layers.Dense(16, activation="relu")(inputs)))
    twin.set_weights(model.get_weights())
    twin.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                 metrics=["accuracy"])
    logs = [m.fit(X, LABELS, epochs=2, shuffle=False, verbose=0).history for m in (model, twin)]
    for key in logs[1]:
        np.testing.assert_allclose(logs[0][key], logs[1][key], rtol=1e-5)
    assert type(SuperLossModel(inputs, layers.Dense(1)(inputs))) is type(model)


class SuperLossModel(keras.Model):
    def compute_loss(self, *args, **kwargs):
        return super().compute_loss(*args, **kwargs)


def test_the_default_steps_of_several_outputs_log_what_fits_own_loop_logs():
    """Each output's loss (a softmax's from its logits), weighted, with its metrics."""
    logs = []
    for cls in (keras.Model, SuperLossModel):
        np.random.seed(0)
        inputs = keras.Input(shape=(6,))
        hidden = layers.Dense(8, activation="relu")(inputs)
        model = cls(inputs, [layers.Dense(1, name="reg")(hidden),
                             layers.Dense(3, activation="softmax", name="cls")(hidden)])
        model.compile(optimizer="adam", loss={"reg": "mse", "cls": "sparse_categorical_"
                                                                   "crossentropy"},
                      loss_weights={"reg": 1.0, "cls": 0.5},
                      metrics={"reg": ["mae"], "cls": ["accuracy"]})
        targets = {"reg": Y, "cls": LABELS}
        logs.append(model.fit(X, targets, epochs=2, shuffle=False, verbose=0,
                              validation_split=0.25).history)
        logs.append(model.evaluate(X, targets, return_dict=True))
    assert list(logs[2]) == list(logs[0]) and "val_cls_accuracy" in logs[0]
    for key in logs[0]:
        np.testing.assert_allclose(logs[2][key], logs[0][key], rtol=1e-5)
    assert logs[3] == pytest.approx(logs[1], rel=1e-5)


class OwnTestStep(SoftmaxInForward):
    def test_step(self, data):
        x, y = data
        loss = self.compute_loss(y=y, y_pred=self(x, training=False))
        return {"loss": loss}


def test_a_test_step_of_ones_own_finds_the_logits_of_a_softmax_in_forward():
    np.random.seed(0)
    model = OwnTestStep()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    np.random.seed(0)
    twin = SoftmaxInForward()
    twin.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model(X[:1]), twin(X[:1])
    twin.set_weights(model.get_weights())
    assert model.evaluate(X, LABELS, batch_size=120) == pytest.approx(
        twin.evaluate(X, LABELS, batch_size=120), rel=1e-6)


class Tracked(keras.Model):
    """Metrics held in a list and by a layer: Keras tracks (and resets) them too."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)
        self.dense.seen = keras.metrics.Sum(name="seen")
        self.errors = [keras.metrics.MeanAbsoluteError(name="mae")]

    def call(self, inputs):
        return self.dense(inputs)

    def train_step(self, data):
        x, y = data
        self.dense.seen.update_state(len(x))
        self.errors[0].update_state(y, self(x))
        return {"seen": self.dense.seen.result(), "mae": self.errors[0].result()}


def test_metrics_held_in_lists_and_by_layers_are_the_models_and_reset_each_epoch():
    model = Tracked()
    model.compile(optimizer="sgd")
    assert [m.name for m in model.metrics] == ["loss", "mae", "seen"]
    history = model.fit(X, Y, batch_size=40, epochs=2, verbose=0)
    assert history.history["seen"] == [120, 120]  # (reset at each epoch, as Keras')


def test_apply_with_variables_built_earlier_and_jit_compile_on_train_on_batch():
    first = layers.Dense(2)
    (first(ag.Variable(X[:, :2])) ** 2).sum().backward()
    opt = keras.optimizers.SGD(0.1)
    opt.build(list(first.parameters()))
    before = first.weight.data.copy()
    opt.apply([p.grad for p in first.parameters()])
    np.testing.assert_allclose(first.weight.data, before - 0.1 * first.weight.grad.data,
                               rtol=1e-6)
    model = classifier(SuperLoss)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", jit_compile=True)
    with pytest.raises(NotImplementedError, match="train_on_batch: jit_compile=True"):
        model.train_on_batch(X, LABELS)


class PredictStepOnly(keras.Model):
    def predict_step(self, data):
        return self(data, training=False)


def test_x_alone_is_taken_only_where_the_models_own_step_runs():
    """A model writing only predict_step trains with fit's own loop, which needs y: the
    clear error stays. A model that failed to compile is not compiled."""
    inputs = keras.Input(shape=(6,))
    model = PredictStepOnly(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    for call in (lambda: model.fit(X, verbose=0), lambda: model.train_on_batch(X),
                 lambda: model.evaluate(X)):
        with pytest.raises(ValueError, match="y is required"):
            call()
    assert model.predict(X).shape == (120, 1)
    fresh = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(1)])
    with pytest.raises(ValueError):
        fresh.compile(optimizer="sgd", loss="not_a_loss")
    with pytest.raises(RuntimeError, match="Sequential is not compiled"):
        fresh.fit(X, Y, verbose=0)


def test_validation_data_may_be_x_alone_for_a_test_step_of_ones_own():
    np.random.seed(0)
    model = AutoEncoder()
    model.compile(optimizer="adam")
    history = model.fit(X, epochs=1, verbose=0, validation_data=X)
    assert history.history["val_loss"] == [pytest.approx(model.evaluate(X), abs=1e-6)]


def test_a_functional_subclass_comes_back_as_its_class_with_its_steps(tmp_path):
    """Saved and loaded, Keras' guide's `class CustomModel(keras.Model)` given inputs and
    outputs was a plain Functional model: fit ran the default step, not its train_step."""
    calls = []

    class Counting(keras.Model):
        def train_step(self, data):
            calls.append(1)
            return super().train_step(data)

    inputs = keras.Input((6,))
    model = Counting(inputs, layers.Dense(3, activation="softmax")(inputs))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", custom_objects={"Counting": Counting})
    assert isinstance(loaded, Counting) and isinstance(loaded, keras.Model)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    loaded.fit(X, LABELS, batch_size=60, epochs=1, verbose=0)
    assert calls == [1, 1]
    with pytest.raises(ValueError, match="unknown model class 'Counting': pass custom_objects"):
        keras.models.load_model(tmp_path / "m.keras")
