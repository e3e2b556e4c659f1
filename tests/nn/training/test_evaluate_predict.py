"""evaluate and predict: return types and shapes, batching, metrics over the whole data."""
import numpy as np
import pytest

import nn
from autograd import Parameter
from autograd.config import Config
from nn import metrics as M

from ._helpers import blobs, linear_data, mlp


class Passthrough(nn.Model):
    """Outputs its input (plus a zero parameter): metric values are known exactly."""

    def __init__(self):
        super().__init__()
        self.zero = Parameter(np.zeros(1, np.float32))

    def forward(self, x):
        return x + self.zero


def test_evaluate_returns_a_float_without_metrics_else_a_list():
    x, y = blobs()
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    loss = model.evaluate(x, y)
    assert type(loss) is float
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", "auc"])
    values = model.evaluate(x, y)
    assert type(values) is list and len(values) == 3 and values[0] == pytest.approx(loss)
    assert all(type(v) is float for v in values)
    logs = model.evaluate(x, y, return_dict=True)
    assert list(logs) == ["loss", "accuracy", "auc"]


def test_metrics_names_label_what_evaluate_returns():
    x, y = blobs()
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", "auc"])
    assert model.metrics_names == []  # tf.keras': known once values have been computed
    model.fit(x, y, epochs=1, validation_split=0.2, verbose=0)
    assert model.metrics_names == ["loss", "accuracy", "auc"]  # (no val_ names)
    named = dict(zip(model.metrics_names, model.evaluate(x, y)))
    assert named == model.evaluate(x, y, return_dict=True)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert model.metrics_names == []
    assert model.train_on_batch(x, y) and model.metrics_names == ["loss"]


def test_predict_returns_numpy_in_batches():
    x, y = blobs(37)
    model = mlp()
    whole = model.predict(x, batch_size=100)
    parts = model.predict(x, batch_size=5)  # 8 batches, the last of 2
    assert type(parts) is np.ndarray and parts.shape == (37, 3) and parts.dtype == np.float32
    np.testing.assert_allclose(parts, whole, rtol=1e-6)


class GraphProbe(Passthrough):
    def forward(self, x):
        self.recording = Config.enable_backprop
        return super().forward(x)


def test_predict_records_no_graph_and_needs_no_compile():
    model = GraphProbe()
    out = model.predict(np.ones((3, 4)))
    assert model.recording is False and out.shape == (3, 4)
    model(np.ones((3, 4), np.float32))
    assert model.recording is True


def test_precision_recall_auc_are_computed_over_the_whole_data_set():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=(50, 1)).astype(np.float32)
    y = (rng.uniform(size=50) < p[:, 0]).astype(np.float32)
    model = Passthrough()
    model.compile(optimizer="sgd", loss="mse",
                  metrics=["accuracy", "precision", "recall", "f1", "auc"])
    logs = model.evaluate(p, y, batch_size=4, return_dict=True)
    labels = (p[:, 0] > 0.5).astype(int)
    assert logs["accuracy"] == pytest.approx(M.accuracy(y, labels))
    assert logs["precision"] == pytest.approx(M.precision(y, labels))
    assert logs["recall"] == pytest.approx(M.recall(y, labels))
    assert logs["f1"] == pytest.approx(M.f1_score(y, labels))
    # Keras' AUC (200 thresholds; keras.metrics.AUC, Keras 3.15.1), a little below the exact
    # 0.76167 of M.roc_auc_score
    assert logs["auc"] == pytest.approx(0.7608332633972168, rel=1e-6)
    batch_means = np.mean([M.roc_auc_score(y[i:i + 10], p[i:i + 10, 0])
                           for i in range(0, 50, 10)])
    assert logs["auc"] != pytest.approx(batch_means)  # what per-batch averaging would give


def test_multiclass_metrics_are_macro_averaged_over_probabilities():
    x, y = blobs(90, seed=3)
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", "macro_precision", "exact_auc", "mse"])
    logs = model.evaluate(x, y, batch_size=7, return_dict=True)
    logits = model.predict(x)
    prob = np.exp(logits - logits.max(1, keepdims=True))
    prob /= prob.sum(1, keepdims=True)
    assert logs["accuracy"] == pytest.approx(M.accuracy(y, logits.argmax(1)))
    assert logs["macro_precision"] == pytest.approx(M.precision(y, logits.argmax(1),
                                                                average="macro"))
    assert logs["exact_auc"] == pytest.approx(M.roc_auc_score(y, prob), rel=1e-5)
    # a regression metric reads the model's outputs as they are (the logits), as Keras'
    assert logs["mse"] == pytest.approx(np.mean((np.eye(3)[y] - logits) ** 2), rel=1e-4)


def test_multiclass_auc_averages_over_the_classes_the_targets_hold():
    x, y = blobs(90, seed=3)
    x, y = x[y != 2], y[y != 2]  # class 2 absent (a small validation split)
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["exact_auc"])
    logs = model.evaluate(x, y, return_dict=True)
    logits = model.predict(x)
    prob = np.exp(logits - logits.max(1, keepdims=True))
    prob /= prob.sum(1, keepdims=True)
    expected = np.mean([M.roc_auc_score(y == k, prob[:, k]) for k in (0, 1)])
    assert logs["exact_auc"] == pytest.approx(expected, rel=1e-5)


def test_evaluate_verbose_prints_one_line(capsys):
    x, y = linear_data()
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.evaluate(x, y, verbose=1)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("loss: ") and " - mae: " in out
    model.evaluate(x, y)  # Keras' default, verbose='auto', prints them too (it printed none)
    assert capsys.readouterr().out == out
    model.evaluate(x, y, verbose=0)
    assert capsys.readouterr().out == ""


def test_torch_tensors_are_taken_as_their_arrays():
    torch = pytest.importorskip("torch")
    x, y = blobs(60)
    results = []
    for as_given in (lambda a: a, lambda a: torch.from_numpy(a)):
        model = mlp()
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        model.fit(as_given(x), as_given(y), epochs=2, verbose=0, shuffle=False)
        results.append((model.evaluate(as_given(x), as_given(y)), model.predict(as_given(x))))
    assert results[0][0] == results[1][0]
    np.testing.assert_array_equal(results[0][1], results[1][1])
    needing_grad = torch.from_numpy(x).requires_grad_()  # detached, not refused
    np.testing.assert_array_equal(model.predict(needing_grad), results[1][1])


def test_calling_a_model_with_training_as_keras_does():
    x = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)
    model = nn.Sequential([nn.Dense(32, input_shape=(4,), activation="relu"), nn.Dropout(0.5),
                           nn.Dense(1)])

    def varies(**kwargs):
        return not np.array_equal(model(x, **kwargs).data, model(x, **kwargs).data)
    assert varies() and not varies(training=False)  # PyTorch's default: training mode
    np.testing.assert_allclose(model(x, training=False).data, model.predict(x), rtol=1e-6)
    model.eval()
    assert not varies() and varies(training=True)
    assert not model.training and not model.layers[1].training  # eval() is kept

    class Subclass(nn.Model):
        def __init__(self):
            super().__init__()
            self.out, self.seen = nn.Dense(1), []

        def forward(self, x, training=None):
            self.seen.append(training)
            return self.out(x)
    subclass = Subclass()
    subclass(x)
    subclass(x, training=False)
    assert subclass.seen == [True, False]  # the mode in force (training until eval())


def test_training_true_in_one_thread_leaves_another_threads_calls_alone():
    import threading

    from autograd import no_grad
    x = np.ones((4, 64), np.float32)
    inside, release = threading.Event(), threading.Event()

    def wait_inside(h):
        inside.set()
        release.wait(timeout=30)
        return h
    model = nn.Sequential([nn.Lambda(wait_inside), nn.Dropout(0.5)])
    model.eval()
    caller = threading.Thread(target=lambda: model(x, training=True))
    caller.start()
    assert inside.wait(timeout=30)
    try:
        with no_grad():
            np.testing.assert_array_equal(model.layers[1](x).data, x)  # no dropout here
    finally:
        release.set()
        caller.join(timeout=30)


def test_a_forward_taking_training_gets_the_mode_in_force_as_keras_call():
    class Subclass(nn.Model):
        def __init__(self):
            super().__init__()
            self.out, self.seen = nn.Dense(1, input_shape=(3,)), []

        def forward(self, x, training=None):
            self.seen.append(training)
            return self.out(x)
    x, y = np.ones((4, 3), np.float32), np.zeros((4, 1), np.float32)
    model = Subclass()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, verbose=0)
    model.predict(x)
    model.evaluate(x, y)
    assert model.seen == [True, False, False]
    nested = nn.Sequential([Subclass()])
    nested(x, training=False)
    nested(x, training=True)
    assert nested.layers[0].seen == [False, True]
