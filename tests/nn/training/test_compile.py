"""Model.compile with names and with objects; how the loss names treat logits."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.keras as keras
import optim
from nn import functional as F

from ._helpers import blobs, linear_data, mlp


@pytest.mark.parametrize("name, cls, lr", [
    ("sgd", "SGD", 0.01), ("adam", "Adam", 0.001), ("rmsprop", "RMSprop", 0.001),
    ("adagrad", "Adagrad", 0.001), ("adadelta", "Adadelta", 0.001),
    ("adamw", "AdamW", 0.001), ("nadam", "Nadam", 0.001), ("adamax", "Adamax", 0.001),
    ("Adam", "Adam", 0.001)])
def test_optimizer_names_use_keras_own_optimizers(name, cls, lr):
    model = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 3))
    model.compile(optimizer=name, loss="mse")
    assert type(model.optimizer) is getattr(nn.keras.optimizers, cls)  # Keras' update rules
    assert isinstance(model.optimizer, getattr(optim, {"Nadam": "NAdam"}.get(cls, cls)))
    assert model.optimizer.param_groups[0]["lr"] == lr
    assert len(model.optimizer.param_groups[0]["params"]) == 4  # bound at compile


def test_an_optimizer_given_parameters_keeps_to_them():
    x, y = np.ones((8, 4), np.float32), np.ones((8, 3), np.float32)
    model = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 3))
    head_only = optim.SGD(model[1].parameters(), lr=0.1)
    model.compile(optimizer=head_only, loss="mse")
    frozen = model[0].weight.data.copy()
    model.fit(x, y, epochs=2, verbose=0)
    assert len(head_only.param_groups[0]["params"]) == 2
    assert np.array_equal(model[0].weight.data, frozen)


def test_an_optimizer_compiled_into_another_model_is_refused_as_in_keras():
    x, y = np.ones((8, 4), np.float32), np.ones((8, 1), np.float32)
    shared = optim.Adam(lr=0.1)
    first, second = (nn.Sequential(nn.Linear(4, 1)) for _ in range(2))
    first.compile(optimizer=shared, loss="mse")
    with pytest.raises(ValueError, match=r"compile: this Adam was compiled into another model "
                                         r"\(a Sequential\).*give each model a new one"):
        second.compile(optimizer=shared, loss="mse")  # its fit would train nothing
    with pytest.raises(ValueError, match="compiled into another model"):  # its head not
        nn.Sequential(first, nn.Linear(1, 1)).compile(optimizer=shared, loss="mse")
    with pytest.raises(ValueError, match=r"this SGD updates 2 parameters, none of them this "
                                         r"model's"):
        second.compile(optimizer=optim.SGD(first.parameters(), lr=0.1), loss="mse")
    whole = nn.Sequential(nn.Sequential(nn.Linear(4, 2)), nn.Linear(2, 1))
    whole_optimizer = optim.Adam(lr=0.1)
    whole.compile(optimizer=whole_optimizer, loss="mse")
    whole[0].compile(optimizer=whole_optimizer, loss="mse")  # a part of its model: as Keras
    first.compile(optimizer=shared, loss="mae")  # recompiling its own model is fine
    before = first[0].weight.data.copy()
    first.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(first[0].weight.data, before)


def test_an_optimizer_made_without_parameters_gets_lazily_made_ones_after_a_recompile():
    model = nn.Sequential(nn.Linear(8), nn.Linear(3))  # sized at the first batch
    opt = optim.SGD(lr=0.1)
    model.compile(optimizer=opt, loss="mse")
    model.compile(optimizer=opt, loss="mse", metrics=["mae"])
    model.fit(np.ones((8, 4), np.float32), np.ones((8, 3), np.float32), verbose=0)
    assert len(opt.param_groups[0]["params"]) == 4


def test_model_loss_is_compiles_loss_as_given(tmp_path):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
    assert model.loss is None  # (Keras': None before compile)
    model.compile(optimizer="adam", loss="mse")
    assert model.loss == "mse"
    module_loss = nn.MSELoss()
    model.compile(optimizer="adam", loss=module_loss)  # a Module: held, never a child
    assert model.loss is module_loss and "loss" not in dict(model.named_children())
    model.compile(optimizer="adam", loss="mae")
    model.save(tmp_path / "model.keras")
    assert nn.load_model(tmp_path / "model.keras").loss == "mae"


def test_default_optimizer_is_rmsprop():
    model = mlp()
    model.compile(loss="mse")
    assert type(model.optimizer) is nn.keras.optimizers.RMSprop  # Keras' rule and defaults
    assert model.optimizer.param_groups[0]["alpha"] == 0.9  # Keras' rho


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(optimizer="lamb", loss="mse"), ValueError, "unknown optimizer 'lamb'"),
    (dict(optimizer=3, loss="mse"), TypeError, "optimizer must be"),
    (dict(loss="dicey"), ValueError, "unknown loss 'dicey'"),
    (dict(), ValueError, "loss is required"),
    (dict(loss="mse", metrics=["accurcy"]), ValueError, "unknown metric 'accurcy'"),
    (dict(loss="mse", metrics=["mse", "mean_squared_error", "mse"]), ValueError, "twice"),
])
def test_bad_compile_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        mlp().compile(**kwargs)


def test_optimizer_made_without_parameters_and_a_lazy_model():
    x, y = blobs()
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(16), nn.ReLU(), nn.Linear(3))  # sizes inferred
    opt = optim.Adam(lr=0.01)
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    assert len(opt.param_groups[0]["params"]) == 4  # the lazy layers' placeholders
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert len(opt.param_groups[0]["params"]) == 4
    assert history.history["accuracy"][-1] > 0.95


def test_bound_optimizer_and_loss_callables():
    x, y = linear_data(64)
    for loss in (F.mse_loss, nn.MSELoss()):
        np.random.seed(0)
        model = nn.Sequential(nn.Linear(3, 1))
        model.compile(optimizer=optim.SGD(model.parameters(), lr=0.1), loss=loss,
                      metrics=["mae"])
        history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
        assert history.history["loss"][-1] < 1e-3
        assert history.history["mae"][-1] < 0.05


def test_metric_callables_get_targets_and_the_model_outputs():
    x, y = blobs()
    seen = []

    def spread(y_true, y_pred):
        seen.append((y_true.shape, y_pred.shape, float(y_pred.sum(axis=1).mean())))
        return 1.5

    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[spread])
    history = model.fit(x, y, batch_size=40, verbose=0)
    assert history.history["spread"] == [1.5]
    assert seen[-1][:2] == ((120,), (120, 3))
    model.evaluate(x, y, verbose=0)
    # the logits the model returns, as Keras gives every metric (not their softmax)
    assert seen[-1][2] == pytest.approx(model.predict(x).sum(axis=1).mean(), rel=1e-5)


def test_under_from_logits_only_the_classifying_names_read_probabilities():
    # Keras 3.15.1, same model and data: loss 0.5183644, mean_out 0.4750001 (the outputs),
    # mae 0.325 (|y - output|), accuracy 0.7 (the logit thresholded at 0.5: rungrad thresholds
    # it at 0, the probability at 0.5, deliberately)
    x = np.arange(20, dtype=np.float32).reshape(20, 1) / 20
    y = (x > 0.2).astype(np.float32)

    def mean_out(y_true, y_pred):
        return y_pred + 0 * y_true

    model = nn.Sequential([nn.Dense(1, input_shape=(1,))])
    model.set_weights([np.ones((1, 1), np.float32), np.zeros(1, np.float32)])
    model.compile(optimizer="sgd", loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=["accuracy", mean_out, "mae"])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(0.5183643102645874, rel=1e-6)
    assert logs["mean_out"] == pytest.approx(0.4750000834465027, rel=1e-6)
    assert logs["mae"] == pytest.approx(0.325, rel=1e-6)
    assert logs["accuracy"] == pytest.approx(0.8)  # every logit > 0: class 1 for all


def softmax_model():
    np.random.seed(0)
    return nn.Sequential(nn.Dense(8, activation="relu", input_shape=(4,)),
                         nn.Dense(3, activation="softmax"))


def test_final_softmax_outputs_probabilities_and_the_loss_matches_keras():
    x, y = blobs(60)
    model = softmax_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    p = model.predict(x)
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-5)
    keras_loss = -np.mean(np.log(p[np.arange(len(y)), y]))  # Keras: CE of probabilities
    assert model.evaluate(x, y) == pytest.approx(keras_loss, rel=1e-4)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    assert model.evaluate(x, np.eye(3, dtype=np.float32)[y]) == pytest.approx(keras_loss,
                                                                             rel=1e-4)


def test_the_fused_loss_stays_finite_where_probabilities_saturate():
    model = nn.Sequential(nn.Dense(2, activation="softmax", input_shape=(1,)))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model[0].weight.data[...] = [[60.0], [-60.0]]  # p(class 1) = e^-120 in float32: 0
    x, y = np.ones((4, 1), np.float32), np.ones(4, np.int64)
    assert model.predict(x)[0, 1] == 0
    assert model.evaluate(x, y) == pytest.approx(120.0, rel=1e-5)  # exact, not clipped
    model.fit(x, y, verbose=0)
    assert np.isfinite(model[0].weight.data).all()


def test_sigmoid_binary_crossentropy_matches_keras():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(50, 8)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float64)
    np.random.seed(0)
    model = nn.Sequential(nn.Dense(4, activation="relu", input_shape=(8,)),
                          nn.Dense(1, activation="sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    p = model.predict(x)[:, 0]
    keras_loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    loss, accuracy = model.evaluate(x, y)
    assert loss == pytest.approx(keras_loss, rel=1e-4)
    assert accuracy == pytest.approx(np.mean((p > 0.5) == y))


def test_without_a_final_activation_outputs_are_logits():
    x, y = blobs(60)
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(4, 3))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    logits = model.predict(x)
    expected = float(F.cross_entropy(logits, y).data)
    assert model.evaluate(x, y) == pytest.approx(expected, rel=1e-5)


def test_final_nn_softmax_module_is_fused_too():
    x, y = blobs(60)
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    p = model.predict(x)
    assert model.evaluate(x, y) == pytest.approx(-np.mean(np.log(p[np.arange(60), y])),
                                                 rel=1e-4)


@pytest.mark.parametrize("ending", ["function", "module in Dense"])
def test_a_final_softmax_given_as_a_function_or_module_is_fused_too(ending):
    x, y = blobs(60)
    np.random.seed(0)
    if ending == "function":  # model.add(F.softmax): a Lambda of the function
        model = nn.Sequential(nn.Dense(3, input_shape=(4,)))
        model.add(F.softmax)
    else:
        model = nn.Sequential(nn.Dense(3, activation=nn.Softmax(), input_shape=(4,)))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    p = model.predict(x).astype(np.float64)
    assert model.final_activation() == "softmax"
    assert model.evaluate(x, y) == pytest.approx(-np.mean(np.log(p[np.arange(60), y])),
                                                 rel=1e-4)


def test_a_final_sigmoid_function_is_fused_too():
    x, y = blobs(60)
    y = (y > 0).astype(np.float32)
    np.random.seed(0)
    model = nn.Sequential(nn.Dense(1, input_shape=(4,)), F.sigmoid)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    p = model.predict(x)[:, 0].astype(np.float64)
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert model.evaluate(x, y) == pytest.approx(bce, rel=1e-4)


class _EndsWith(nn.Model):
    """A subclass whose forward returns probabilities, as Keras users write them (16 hidden
    units: with 8, one starting point in forty left a class behind, accuracy 0.7)."""

    def __init__(self, activation, outputs):
        super().__init__()
        self.hidden, self.out = nn.Linear(4, 16), nn.Linear(16, outputs)
        self.activation = activation

    def forward(self, x):
        return self.activation(self.out(F.relu(self.hidden(x))))


@pytest.mark.parametrize("ending", ["sigmoid", "softmax"])
def test_a_subclass_ending_with_its_activation_gets_keras_loss_and_metrics(ending):
    x, y = blobs(60)
    np.random.seed(0)
    if ending == "sigmoid":
        y = (y > 0).astype(np.float32)
        model = _EndsWith(F.sigmoid, 1)
        model.compile(optimizer=optim.Adam(lr=0.03), loss="binary_crossentropy",
                      metrics=["accuracy"])
        p = model.predict(x)[:, 0].astype(np.float64)
        expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        accuracy = np.mean((p > 0.5) == y)
    else:
        model = _EndsWith(nn.Softmax(dim=-1), 3)
        model.compile(optimizer=optim.Adam(lr=0.03), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        p = model.predict(x).astype(np.float64)
        expected = -np.mean(np.log(p[np.arange(60), y]))
        accuracy = np.mean(p.argmax(axis=1) == y)
    loss, acc = model.evaluate(x, y)
    assert loss == pytest.approx(expected, rel=1e-4) and acc == pytest.approx(accuracy)
    history = model.fit(x, y, epochs=30, verbose=0).history  # the gradient flows through
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] > 0.9


def test_a_subclass_ending_with_the_wrong_activation_is_an_error():
    model = _EndsWith(F.sigmoid, 3)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="needs a final softmax.*ends with sigmoid"):
        model.evaluate(np.ones((4, 4), np.float32), np.zeros(4, np.int64))


def test_sparse_crossentropy_explains_one_hot_targets_and_nan_labels():
    x, y = blobs(20)
    model = mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"shape \(20,\).*categorical_crossentropy"):
        model.evaluate(x, np.eye(3, dtype=np.float32)[y])
    labels = y.astype(np.float32)
    labels[3] = np.nan
    with pytest.raises(ValueError, match="got NaN"):
        model.evaluate(x, labels)


@pytest.mark.parametrize("last, loss", [
    (nn.Dense(3, activation="softmax"), "binary_crossentropy"),
    (nn.Dense(3, activation="sigmoid"), "categorical_crossentropy")])
def test_a_mismatched_final_activation_is_an_error(last, loss):
    model = nn.Sequential(nn.Dense(3, input_shape=(4,)), last)
    model.compile(optimizer="sgd", loss=loss)
    with pytest.raises(ValueError, match="needs a final"):
        model.fit(np.ones((4, 4), np.float32), np.ones((4, 3), np.float32), verbose=0)


def test_categorical_crossentropy_explains_integer_targets():
    x, y = blobs(20)
    model = mlp()
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        model.evaluate(x, y)


@pytest.mark.parametrize("jit", [False, True])
def test_binary_crossentropy_refuses_targets_outside_0_1(jit):
    # a student's 0..9 digit labels on a sigmoid output: a negative loss, silently, before
    x, y = blobs(20)
    model = nn.Sequential(nn.Dense(1, activation="sigmoid"))
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"],
                  jit_compile=jit)
    with pytest.raises(ValueError, match=r"\[0, 1\].*from 0.0 to 2.0.*sparse_categorical"):
        model.fit(x, y, epochs=2, batch_size=5, verbose=0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        model.evaluate(x, y.astype(np.float32) - 1.0, verbose=0)
    soft = np.linspace(0.0, 1.0, 20, dtype=np.float32)  # probabilities are targets too
    assert np.isfinite(model.evaluate(x, soft, verbose=0)[0])


def test_mse_with_mismatched_shapes_is_an_error_not_a_broadcast():
    x, y = blobs(20)
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"output has shape \(20, 3\).*\(20,\)"):
        model.evaluate(x, y.astype(np.float32), batch_size=20)


def test_accuracy_of_multi_label_outputs_is_categorical_as_keras_3():
    # Keras 3 resolves 'accuracy' by the outputs' shape alone: several outputs are
    # CategoricalAccuracy (argmax against argmax), even under binary_crossentropy, where
    # tf.keras 2 took binary_accuracy; Keras 3.15.1 logs accuracy 0.0 here
    x = np.array([[1.0], [-1.0]], np.float32)
    y = np.array([[1, 1, 0], [0, 1, 1]], np.float32)
    model = nn.Sequential([nn.Dense(3, activation="sigmoid", input_shape=(1,))])
    model.set_weights([np.array([[1.0, 2.0, -1.0]], np.float32), np.zeros(3, np.float32)])
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=["accuracy", "acc", "binary_accuracy"])
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    assert logs["accuracy"] == logs["acc"] == 0.0
    assert logs["binary_accuracy"] == pytest.approx(5 / 6)  # (Keras' too)
    assert logs["loss"] == pytest.approx(0.584483802318573, rel=1e-6)


def test_binary_crossentropy_scores_multi_label_precision_element_by_element():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 4)).astype(np.float32)
    y = (rng.random((100, 3)) < 0.5).astype(np.float32)
    np.random.seed(0)
    model = nn.Sequential(nn.Dense(3))
    model.compile(optimizer=optim.SGD(lr=0.0), loss="binary_crossentropy",
                  metrics=["accuracy", "binary_accuracy", "precision", "recall"])
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    outputs = model.predict(x, verbose=0)
    predicted, truth = outputs > 0.0, y > 0.5  # (logits: a sigmoid above 0.5)
    assert logs["accuracy"] == pytest.approx((outputs.argmax(1) == y.argmax(1)).mean())
    assert logs["binary_accuracy"] == pytest.approx((predicted == truth).mean(), rel=1e-12)
    assert logs["precision"] == pytest.approx((predicted & truth).sum() / predicted.sum())
    assert logs["recall"] == pytest.approx((predicted & truth).sum() / truth.sum())


@pytest.mark.parametrize("loss", ["binary_crossentropy", nn.BCEWithLogitsLoss(), nn.BCELoss(),
                                  F.binary_cross_entropy])
def test_every_binary_cross_entropy_scores_binary_accuracy_output_by_output(loss):
    """Multi-label targets: binary_accuracy sees 0/1 per output, however the loss is given;
    'accuracy' is the argmax's (Keras 3)."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(30, 4)), rng.integers(0, 2, size=(30, 3)).astype(np.float64)
    np.random.seed(0)
    probabilities = not isinstance(loss, str) and "Logits" not in type(loss).__name__ \
        and loss is not F.binary_cross_entropy_with_logits
    last = nn.Dense(3, activation="sigmoid") if probabilities else nn.Dense(3)
    model = nn.Sequential([nn.Dense(5, input_shape=(4,)), last])
    model.compile(optimizer="sgd", loss=loss, metrics=["binary_accuracy", "accuracy"])
    _, binary, accuracy = model.evaluate(x, y)
    outputs = model.predict(x)
    predicted = outputs > (0.5 if probabilities else 0.0)
    assert binary == pytest.approx((predicted == y).mean(), rel=1e-12)
    assert accuracy == pytest.approx((outputs.argmax(1) == y.argmax(1)).mean(), rel=1e-12)


def test_compiled_f1_averages_over_every_class_as_keras():
    """A class absent from a validation split scores 0 (Keras' F1Score), not left out."""
    model = mlp(classes=4)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                  metrics=["f1", "macro_precision", "macro_recall"])
    x, y = blobs(n=40, classes=3)  # class 3 never occurs
    _, f1, precision, recall = model.evaluate(x, y)
    predicted = model.predict(x).argmax(axis=1)
    options = {"average": "macro", "labels": [0, 1, 2, 3]}
    assert f1 == pytest.approx(nn.metrics.f1_score(y, predicted, **options))
    assert precision == pytest.approx(nn.metrics.precision(y, predicted, **options))
    assert recall == pytest.approx(nn.metrics.recall(y, predicted, **options))


def test_float_class_labels_score_the_regression_metrics_too():
    x, y = blobs(n=30)
    model = mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["mse"])
    assert model.evaluate(x, y.astype(np.float32)) == pytest.approx(model.evaluate(x, y))


def test_a_callable_metric_returning_an_array_is_named():
    def per_class(y_true, y_pred):
        return y_pred.mean(axis=0)
    x, y = blobs(n=30)
    model = mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=[per_class])
    with pytest.raises(ValueError, match=r"metric 'per_class' returned an array of shape \(3,\)"):
        model.evaluate(x, y)


def test_a_callable_metric_returning_one_value_per_sample_logs_their_mean():
    def squared_error(y_true, y_pred):  # Keras' habit: (N,) values, averaged by Keras
        return ((y_true - y_pred) ** 2).mean(axis=-1)
    x, y = linear_data()
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss="mse", metrics=[squared_error])
    loss, value = model.evaluate(x, y)
    assert value == pytest.approx(loss, rel=1e-6)


@pytest.mark.parametrize("name", ["categorical_accuracy", "sparse_categorical_accuracy",
                                  "binary_accuracy"])
def test_keras_accuracy_names(name):
    x, y = blobs(60)
    model = mlp()
    if name == "binary_accuracy":  # every output its own yes/no, even with softmax's loss
        targets = np.eye(3, dtype=np.float32)[y]
        model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=[name])
        p = F.softmax(model.predict(x)).data  # (the metrics see probabilities)
        expected = np.mean((p > 0.5) == (targets > 0.5))
    else:
        targets = np.eye(3, dtype=np.float32)[y] if name == "categorical_accuracy" else y
        model.compile(optimizer="sgd", loss=name.replace("accuracy", "crossentropy"),
                      metrics=[name])
        expected = np.mean(model.predict(x).argmax(axis=1) == y)
    logs = model.evaluate(x, targets, return_dict=True)
    assert logs[name] == pytest.approx(expected)


def test_categorical_accuracy_takes_the_argmax_even_under_a_binary_cross_entropy():
    x, y = blobs(60)
    model = mlp()
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=["categorical_accuracy", "binary_accuracy"])
    targets = np.eye(3, dtype=np.float32)[y]
    p = F.sigmoid(model.predict(x)).data
    logs = model.evaluate(x, targets, return_dict=True)
    assert logs["categorical_accuracy"] == pytest.approx(np.mean(p.argmax(axis=1) == y))
    assert logs["binary_accuracy"] == pytest.approx(np.mean((p > 0.5) == (targets > 0.5)))


def test_a_metric_function_sees_targets_shaped_as_the_outputs():
    def squared_error(y_true, y_pred):
        assert y_true.shape == y_pred.shape
        return ((y_true - y_pred) ** 2).mean(axis=-1)
    x, y = linear_data()
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss="mse", metrics=[squared_error])
    loss, value = model.evaluate(x, y[:, 0])  # (N,) targets against (N, 1) outputs
    assert value == pytest.approx(loss, rel=1e-6)


class _SigmoidFlattened(nn.Model):
    def __init__(self):
        super().__init__()
        self.out = nn.Linear(4, 1)

    def forward(self, x):
        return F.sigmoid(self.out(x)).reshape(-1)  # (N,): probabilities, reshaped


def test_a_sigmoid_followed_by_reshapes_is_still_read_from_the_graph():
    x, y = blobs(60)
    y = (y > 0).astype(np.float32)
    for model in (_SigmoidFlattened(),
                  nn.Sequential(nn.Dense(1, activation="sigmoid", input_shape=(4,)),
                                nn.Flatten(0))):
        model.compile(optimizer="sgd", loss="binary_crossentropy")
        p = model.predict(x).reshape(-1).astype(np.float64)
        bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        assert model.evaluate(x, y) == pytest.approx(bce, rel=1e-4)


def test_outputs_the_cross_entropies_cannot_read_are_named():
    class Tuple(_EndsWith):
        def forward(self, x):
            return super().forward(x), x

    class SoftmaxFirstAxis(_EndsWith):
        def forward(self, x):
            return F.softmax(self.out(F.relu(self.hidden(x))), axis=0)
    x, y = blobs(8)
    model = Tuple(F.sigmoid, 3)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(TypeError, match="returned a tuple, not one Variable"):
        model.evaluate(x, y)
    model = SoftmaxFirstAxis(None, 3)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="softmax is over axis 0"):
        model.evaluate(x, y)


class _SigmoidThen(nn.Model):
    """Probabilities, then a step that keeps each with its logit (Keras users write these)."""

    def __init__(self, then):
        super().__init__()
        self.out, self.then = nn.Linear(4, 2), then

    def forward(self, x):
        return self.then(F.sigmoid(self.out(x)))


@pytest.mark.parametrize("then", [lambda p: p[:, 1], lambda p: p.T.T[:, :1],
                                  lambda p: ag.clip(p[:, 0], 1e-7, 1 - 1e-7)])
def test_indexing_transposing_or_clipping_a_final_sigmoid_gets_keras_loss(then):
    x, y = blobs(60)
    y = (y > 0).astype(np.float32)
    model = _SigmoidThen(then)
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    p = model.predict(x).reshape(-1).astype(np.float64)
    target = y.reshape(-1) if p.size == y.size else y
    bce = -np.mean(target * np.log(p) + (1 - target) * np.log(1 - p))
    loss, accuracy = model.evaluate(x, y.reshape(-1, 1) if p.ndim == 2 else y)
    assert loss == pytest.approx(bce, rel=1e-4)
    assert accuracy == pytest.approx(np.mean((p > 0.5) == target))


def test_a_clipped_final_softmax_gets_keras_loss():
    class Clipped(_EndsWith):
        def forward(self, x):
            return ag.clip(super().forward(x), 1e-7, 1 - 1e-7)
    x, y = blobs(60, classes=3)
    model = Clipped(F.softmax, 3)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    p = model.predict(x).astype(np.float64)
    assert model.evaluate(x, y) == pytest.approx(-np.mean(np.log(p[np.arange(60), y])),
                                                 rel=1e-4)


def _hand_sigmoid(z):
    return 1 / (1 + ag.exp(-z))


def _hand_softmax(z):
    e = ag.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("loss, activation, classes", [
    ("binary_crossentropy", _hand_sigmoid, 1),
    ("sparse_categorical_crossentropy", _hand_softmax, 3)])
@pytest.mark.parametrize("batch_size", [1, 4, 32])
def test_probabilities_from_a_hand_written_activation_are_refused_not_squashed_twice(
        loss, activation, classes, batch_size):
    x, y = blobs(64, classes=max(classes, 2))
    model = nn.Sequential([nn.Dense(classes, input_shape=(4,), activation=activation)])
    model.compile(optimizer="sgd", loss=loss)
    with pytest.raises(ValueError, match=f"outputs all lie in \\[0, 1\\].*{loss}|"
                                         f"{loss}.*outputs all lie in \\[0, 1\\]"):
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)


def test_logits_are_not_taken_for_probabilities():
    x, y = blobs(64)
    y = (y > 0).astype(np.float32)
    for seed in range(20):
        np.random.seed(seed)
        model = nn.Sequential([nn.Dense(1, input_shape=(4,))])  # logits, PyTorch's habit
        model.compile(optimizer="sgd", loss="binary_crossentropy")
        model.fit(x, y, batch_size=1, epochs=1, verbose=0)


def test_metric_strings_log_under_the_name_as_given_as_keras_3():
    # Keras 3 logs compile(metrics=["AUC"]) as 'AUC' and 'val_AUC' (Keras 2 lowercased
    # them); a monitor written for Keras 3 must find them
    x, y = blobs(40)
    y = (y > 0).astype(np.float32)
    model = nn.Sequential([nn.Dense(1, input_shape=(4,), activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=["Precision", "Recall", "AUC", "BinaryAccuracy", "F1Score", "acc",
                           "MSE"])
    stopper = nn.callbacks.EarlyStopping(monitor="val_AUC", patience=0, mode="max")
    history = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0, callbacks=[stopper])
    assert set(history.history) - {"lr"} == {
        "loss", "Precision", "Recall", "AUC", "BinaryAccuracy", "F1Score", "acc", "MSE",
        "val_loss", "val_Precision", "val_Recall", "val_AUC", "val_BinaryAccuracy",
        "val_F1Score", "val_acc", "val_MSE"}
    logs = model.evaluate(x, y, return_dict=True)
    keras_auc = nn.keras.metrics.AUC()  # (Keras' name is Keras' object: 200 thresholds)
    keras_auc.update_state(y, model.predict(x))
    assert logs["AUC"] == pytest.approx(float(keras_auc.result()), rel=1e-6)


def test_early_stopping_on_a_keras_3_metric_name_stops():
    x, y = blobs(40)
    y = (y > 0).astype(np.float32)
    model = nn.Sequential([nn.Dense(1, input_shape=(4,), activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["AUC"])
    # a score that cannot rise for 1 epoch with lr 0: stops after the 2nd of 20
    model.optimizer.param_groups[0]["lr"] = 0.0
    stopper = nn.callbacks.EarlyStopping(monitor="val_AUC", patience=1, mode="max")
    history = model.fit(x, y, epochs=20, validation_split=0.25, verbose=0, callbacks=[stopper])
    assert len(history.history["val_AUC"]) == 2


@pytest.mark.parametrize("dtype", [np.int64, np.uint8, np.bool_, np.float32])
def test_categorical_crossentropy_takes_one_hot_rows_of_any_number_type(dtype):
    x, labels = blobs(30, classes=3)
    model = mlp(classes=3)
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    one_hot = np.eye(3, dtype=dtype)[labels]
    expected = model.evaluate(x, np.eye(3, dtype=np.float32)[labels])
    assert model.evaluate(x, one_hot) == pytest.approx(expected, rel=1e-6)
    model.fit(x, one_hot, epochs=1, verbose=0)


def test_zero_initialized_logits_are_not_taken_for_probabilities():
    x, y = blobs(64)
    y = (y > 0).astype(np.float32)
    model = nn.Sequential([nn.Dense(1, input_shape=(4,))])
    model.set_weights([np.zeros((4, 1)), np.zeros(1)])  # the textbook logistic regression
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    # Logits of 0 are probabilities of 1/2: the loss is exactly ln 2 (taken for probabilities
    # they would be clipped zeros, a loss near 8). The first epoch's mean, once asserted below
    # 0.7, is 0.32-0.66 over seeds: too close to ln 2 to tell the two apart robustly.
    before = model.evaluate(x, y, verbose=0)
    assert before == pytest.approx(np.log(2), rel=1e-6)
    model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before  # a convex loss, small steps: it fell


def test_a_model_of_one_output_takes_keras_dicts_keyed_by_its_name():
    import nn.keras as keras
    model = keras.Sequential([keras.Input(shape=(4,)),
                              keras.layers.Dense(2, activation="softmax", name="out")])
    model.compile("adam", {"out": "sparse_categorical_crossentropy"},
                  metrics={"out": ["accuracy"]}, weighted_metrics={"out": ["accuracy"]})
    x, y = np.ones((6, 4), np.float32), np.array([0, 1, 0, 1, 1, 0])
    assert set(model.fit(x, y, epochs=1, verbose=0).history) == {
        "loss", "accuracy", "weighted_accuracy"}
    with pytest.raises(ValueError, match=r"the metrics dict's keys \['outs'\] do not correspond "
                                         r"to any model output; .* named 'out'"):
        model.compile("adam", "sparse_categorical_crossentropy", metrics={"outs": ["accuracy"]})
    model.compile("adam", "sparse_categorical_crossentropy", metrics={},
                  loss_weights={"out": 2.0})
    assert model.compiled_loss.weight == 2.0 and model.compiled_metrics == []


@pytest.mark.parametrize("functional", [False, True])
def test_a_wrong_key_for_one_output_is_told_the_name_summary_shows(functional):
    """An unnamed output layer was named by the index the model holds it under ('1', '2'),
    which neither summary() nor output_names shows."""
    import nn.keras as keras
    if functional:
        inputs = keras.Input(shape=(4,))
        model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Dense(3)(inputs)))
    else:
        model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(2)])
    name = "dense" if functional else "dense_1"  # (Keras numbers layers as they are made)
    with pytest.raises(ValueError, match=rf"has one output, named '{name}': give loss"):
        model.compile("sgd", {"x": "mse"})
    model.compile("sgd", {name: "mse"})


def _weighted_error(pred, target):
    """Not symmetric: swapping its arguments changes the value."""
    return (((pred - target) * (1.0 + target) ** 2) ** 2).mean()


@pytest.mark.parametrize("loss", [
    lambda y_true, y_pred: _weighted_error(y_pred, y_true),
    lambda labels, y_pred: _weighted_error(y_pred, labels),
    lambda pred, target: _weighted_error(pred, target),
    lambda y, t: _weighted_error(y, t),  # DeZero's names
    lambda out, t: _weighted_error(out, t)])
def test_a_loss_function_is_called_in_the_order_its_argument_names_tell(loss):
    x, y = linear_data()
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss=loss)
    expected = _weighted_error(model.predict(x), y).item()
    assert model.evaluate(x, y) == pytest.approx(expected, rel=1e-6)


def test_a_loss_function_whose_names_tell_no_order_is_refused_not_guessed():
    def loss_b(yt, yp):
        return _weighted_error(yp, yt)
    model = nn.Sequential(nn.Linear(3, 1))
    with pytest.raises(ValueError, match=r"order of the arguments of loss loss_b\(yt, yp\): "
                                         r"name them \(y_true, y_pred\)"):
        model.compile(optimizer="sgd", loss=loss_b)


def test_metrics_skip_the_labels_a_pytorch_loss_ignores():
    """CrossEntropyLoss(ignore_index=...) left those samples out of the loss but not out of
    the metrics; the default -100 (PyTorch's padding) made every metric refuse the labels."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)).astype(np.float32)
    y = rng.integers(0, 3, 40)
    np.random.seed(0)
    model = nn.Sequential([nn.Dense(3, input_shape=(4,))])
    predicted = model.predict(x, verbose=0).argmax(1)
    model.compile(optimizer="sgd", loss=nn.CrossEntropyLoss(ignore_index=0), metrics=["accuracy"])
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    assert logs["accuracy"] == pytest.approx((predicted == y)[y != 0].mean())
    padded = y.copy()
    padded[:5] = -100
    model.compile(optimizer="sgd", loss=nn.CrossEntropyLoss(), metrics=["accuracy"])
    logs = model.evaluate(x, padded, return_dict=True, verbose=0)
    assert logs["accuracy"] == pytest.approx((predicted == y)[5:].mean())


def test_named_streaming_metrics_sum_in_float64_and_auc_of_infinite_outputs_is_nan():
    """r2_score's float32 sums of squares lost the variance of targets near 1e5 (0.976
    against 0.785); AUC of an infinite output stopped evaluate, where mse logs NaN."""
    from nn import metrics as reference
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1000, 3)).astype(np.float32)
    y = (1e5 + 10 * x[:, :1] + 5 * rng.normal(size=(1000, 1))).astype(np.float32)
    model = nn.Sequential([nn.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["r2_score"])
    model.set_weights([np.array([[10.], [0.], [0.]], np.float32), np.array([1e5], np.float32)])
    logs = model.evaluate(x, y, batch_size=100, return_dict=True, verbose=0)
    predicted = model.predict(x, verbose=0).astype(np.float64)
    expected = reference.r2_score(y.astype(np.float64), predicted)
    assert logs["r2_score"] == pytest.approx(expected, rel=1e-5)
    x = np.array([[1e30], [-1e30], [1.], [2.]], np.float32)
    model = nn.Sequential([nn.Dense(1, input_shape=(1,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["auc"])
    model.set_weights([np.array([[1e10]], np.float32), np.zeros(1, np.float32)])
    with np.errstate(over="ignore"):
        logs = model.evaluate(x, np.array([1., 0., 1., 0.], np.float32), return_dict=True,
                              verbose=0)
    assert np.isnan(logs["auc"])
