"""nn.keras.losses against Keras 3's own values (tests/nn/keras/data/keras_losses.npz), called
directly and through compile; Keras' (y_true, y_pred) order for functions of one's own."""
import os

import numpy as np
import pytest

import nn
import nn.keras as keras
from autograd import Variable

DATA = np.load(os.path.join(os.path.dirname(__file__), "data", "keras_losses.npz"))
CASES = sorted({key.split("/")[0] for key in DATA.files if "/" in key})
OPTIONS = {"Huber": {"delta": 0.5},
           "BinaryCrossentropy-logits": {"from_logits": True, "label_smoothing": 0.2},
           "CategoricalCrossentropy": {"label_smoothing": 0.1},
           "CategoricalCrossentropy-logits": {"from_logits": True},
           "SparseCategoricalCrossentropy-logits": {"from_logits": True}}


def make(case):
    return getattr(keras.losses, case.split("-")[0])(**OPTIONS.get(case, {}))


@pytest.mark.parametrize("case", CASES)
def test_calling_a_loss_object_gives_keras_value(case):
    loss, y_true, y_pred = make(case), DATA[f"{case}/y_true"], DATA[f"{case}/y_pred"]
    np.testing.assert_allclose(loss(y_true, y_pred).data, DATA[f"{case}/value"], rtol=2e-6)
    np.testing.assert_allclose(loss(y_true, y_pred, sample_weight=DATA["sample_weight"]).data,
                               DATA[f"{case}/weighted"], rtol=2e-6)


def _identity_model(final="linear", width=3):
    """A model outputting its input (or `final` of it)."""
    return keras.Sequential([keras.Input(shape=(width,)), keras.layers.Activation(final)])


@pytest.mark.parametrize("case", [c for c in CASES if "crossentropy" not in c.lower()
                                  or c.endswith("-logits")])
def test_compile_with_a_loss_object_evaluates_to_keras_value(case):
    """A model passing its input through: evaluate(y_pred, y_true) is the loss's value."""
    model = _identity_model()
    model.compile(optimizer="sgd", loss=make(case))
    y_true, y_pred = DATA[f"{case}/y_true"], DATA[f"{case}/y_pred"]
    assert model.evaluate(y_pred.astype(np.float32), y_true) == pytest.approx(
        float(DATA[f"{case}/value"]), rel=1e-5)
    assert model.evaluate(y_pred.astype(np.float32), y_true, sample_weight=DATA[
        "sample_weight"]) == pytest.approx(float(DATA[f"{case}/weighted"]), rel=1e-5)


@pytest.mark.parametrize("loss, final, labels", [
    (keras.losses.BinaryCrossentropy(label_smoothing=0.1), "sigmoid", "binary"),
    (keras.losses.CategoricalCrossentropy(), "softmax", "onehot"),
    (keras.losses.SparseCategoricalCrossentropy(), "softmax", "sparse")])
def test_probabilities_take_the_final_activation_into_the_fused_loss(loss, final, labels):
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(8, 3)).astype(np.float32)
    y = {"binary": rng.integers(0, 2, (8, 3)).astype(np.float32),
         "onehot": np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)],
         "sparse": rng.integers(0, 3, 8)}[labels]
    model = _identity_model(final)
    model.compile(optimizer="sgd", loss=loss)
    probabilities = model.predict(logits)
    assert model.evaluate(logits, y) == pytest.approx(float(loss(y, probabilities).data),
                                                      rel=1e-5)


def test_a_function_of_ones_own_in_keras_order_is_not_swapped():
    def relative_error(y_true, y_pred):  # not symmetric: a swap would change it
        return (abs(y_pred - y_true) / y_true).mean(axis=-1)

    model = _identity_model(width=1)
    model.compile(optimizer="sgd", loss=relative_error)
    y_pred = np.array([[2.0], [3.0]], np.float32)
    y_true = np.array([[1.0], [4.0]], np.float32)
    assert model.evaluate(y_pred, y_true) == pytest.approx((1.0 + 0.25) / 2)


def test_a_subclass_writing_call_trains_and_reduces_as_keras():
    class Quartic(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return ((y_pred - y_true) ** 4).mean(axis=-1)

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 2)).astype(np.float32)
    y = x @ np.array([[1.0], [-1.0]], np.float32)
    np.random.seed(0)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    # Adam: SGD's step grows with the error cubed and diverged from some starting points
    # (5 of 40 seeds); with Adam the ratio stays below 0.0024 over seeds 0-39
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss=Quartic())
    losses = model.fit(x, y, batch_size=16, epochs=40, verbose=0).history["loss"]
    assert losses[-1] < 0.05 * losses[0]
    assert Quartic(reduction="none")(y, y + 1.0).shape == (64,)


def test_a_model_compiled_with_a_loss_object_is_saved_with_it(tmp_path):
    model = _identity_model()
    model.compile(optimizer="sgd", loss=keras.losses.Huber(delta=0.25))
    model.save(tmp_path / "huber.keras")
    loaded = nn.load_model(tmp_path / "huber.keras")
    assert isinstance(loaded.compiled_loss.keras_object, keras.losses.Huber)
    assert loaded.compiled_loss.keras_object.delta == 0.25
    x, y = np.ones((4, 3), np.float32), np.zeros((4, 3), np.float32)
    assert loaded.evaluate(x, y) == pytest.approx(model.evaluate(x, y))


def test_bad_options_are_named():
    with pytest.raises(TypeError, match="ignore_class must be an integer"):
        keras.losses.SparseCategoricalCrossentropy(ignore_class=0.5)
    with pytest.raises(ValueError, match="label_smoothing must be in"):
        keras.losses.BinaryCrossentropy(label_smoothing=2)
    with pytest.raises(ValueError, match="reduction must be one of"):
        keras.losses.MeanSquaredError(reduction="avg")
    # Keras 3 takes None for "none": each sample's loss
    per_sample = keras.losses.BinaryCrossentropy(reduction=None)(
        np.array([[1.0], [0.0]]), np.array([[0.9], [0.2]]))
    np.testing.assert_allclose(np.asarray(per_sample), [-np.log(0.9), -np.log(0.8)], rtol=1e-6)
    assert keras.losses.get("mse") is keras.losses.mse
    assert isinstance(keras.losses.get("Huber"), keras.losses.Huber)


@pytest.mark.parametrize("loss", [keras.losses.BinaryCrossentropy(from_logits=True,
                                                                  label_smoothing=0.2),
                                  keras.losses.Huber(delta=0.5)])
def test_a_captured_step_trains_as_the_eager_one(loss):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 4)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    weights = []
    for jit in (False, True):
        np.random.seed(0)
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss=loss, jit_compile=jit)
        model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for eager, captured in zip(*weights):
        np.testing.assert_allclose(captured, eager, rtol=1e-5, atol=1e-6)


def test_shapes_meet_as_keras_squeeze_or_expand_to_same_rank():
    """(N,) targets against (N, 1) predictions, and a column of sample weights (N, 1) against
    each sample's loss (N,), meet as Keras aligns them (no (N, N) broadcast); with
    'mean_with_sample_weight' the weighted sum is divided by the weights' sum."""
    rng = np.random.default_rng(4)
    y, p = (rng.random(6) > 0.5).astype(np.float32), rng.random((6, 1)).astype(np.float32)
    w = rng.random(6).astype(np.float32)
    per_sample = -(y * np.log(p[:, 0]) + (1 - y) * np.log(1 - p[:, 0]))
    bce = keras.losses.BinaryCrossentropy()
    np.testing.assert_allclose(bce(y, p).data, per_sample.mean(), rtol=1e-5)
    np.testing.assert_allclose(bce(y[:, None], p, sample_weight=w[:, None]).data,
                               (per_sample * w).mean(), rtol=1e-5)
    none = keras.losses.BinaryCrossentropy(reduction="none")(y[:, None], p, w[:, None])
    assert none.shape == (6, 1)
    mse = keras.losses.MeanSquaredError(reduction="mean_with_sample_weight")
    np.testing.assert_allclose(mse(y, p, sample_weight=w).data,
                               ((y - p[:, 0]) ** 2 * w).sum() / w.sum(), rtol=1e-5)
    np.testing.assert_allclose(mse(y, p).data, ((y - p[:, 0]) ** 2).mean(), rtol=1e-5)
    with pytest.raises(ValueError, match=r"sample_weight of shape \(6, 2\) has more axes"):
        keras.losses.MeanSquaredError()(y, p, sample_weight=np.ones((6, 2)))


def _cross_entropies(logits, labels, ignore_class):
    """Each entry's -log softmax(logits)[label] by NumPy, 0 where the label is ignored."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    counted = labels != ignore_class
    picked = np.take_along_axis(log_p, np.where(counted, labels, 0)[..., None], -1)[..., 0]
    return np.where(counted, -picked, 0.0), counted


@pytest.mark.parametrize("from_logits", [True, False])
def test_ignore_class_leaves_those_labels_out_of_the_loss_and_its_mean(from_logits):
    """Keras' ignore_class: loss 0 there, 'sum_over_batch_size' the weighted sum over the
    other entries' count, 'mean_with_sample_weight' over their weights' sum (Keras 3.15.1
    gave 1.09474, 2.33592 and 1.24582 for these data)."""
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((6, 4)).astype(np.float32)
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.array([0, 3, 255, 1, 255, 2])
    w = np.array([1, 2, 3, 0.5, 1, 4], np.float32)
    each, counted = _cross_entropies(logits.astype(np.float64), labels, 255)
    pred = logits if from_logits else probabilities

    def loss(reduction, **kwargs):
        scce = keras.losses.SparseCategoricalCrossentropy(from_logits, ignore_class=255,
                                                          reduction=reduction)
        return scce(labels, pred, **kwargs).data
    np.testing.assert_allclose(loss("sum_over_batch_size"), each.sum() / 4, rtol=1e-5)
    np.testing.assert_allclose(loss("sum_over_batch_size"), 1.09474, rtol=1e-5)
    np.testing.assert_allclose(loss("sum_over_batch_size", sample_weight=w),
                               (each * w).sum() / 4, rtol=1e-5)
    np.testing.assert_allclose(loss("sum", sample_weight=w), (each * w).sum(), rtol=1e-5)
    np.testing.assert_allclose(loss("none", sample_weight=w), each * w, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(loss("mean_with_sample_weight", sample_weight=w),
                               (each * w).sum() / w[counted].sum(), rtol=1e-5)
    function = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True,
                                                            ignore_class=255)
    np.testing.assert_allclose(function.data, each, rtol=1e-5, atol=1e-7)


def test_ignore_class_over_sequences_and_their_gradient():
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((2, 5, 4))
    labels = np.array([[1, -1, 2, 0, -1], [3, 3, -1, -1, -1]])
    w = rng.uniform(0.5, 2, (2, 5))
    each, counted = _cross_entropies(logits, labels, -1)
    x = nn.Parameter(logits)
    loss = keras.losses.SparseCategoricalCrossentropy(True, ignore_class=-1)(labels, x, w)
    np.testing.assert_allclose(loss.data, (each * w).sum() / counted.sum(), rtol=1e-10)
    loss.backward()
    assert not x.grad.data[~counted].any()  # nothing flows to the ignored entries
    p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    one_hot = np.eye(4)[np.where(counted, labels, 0)]
    expected = (p - one_hot) * (w * counted / counted.sum())[..., None]
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("jit", [False, True])
def test_compile_with_ignore_class_trains_and_scores_the_other_labels(jit):
    """evaluate is the loss called on the whole set (weighted too); fit's first epoch is
    Keras' (2.32092 with these data and weights, Keras 3.15.1); the metrics skip the
    ignored labels as the loss does, being void ones (255: no class; Keras would count them
    as misses)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((40, 3)).astype(np.float32)
    y = rng.integers(0, 4, 40)
    y[::5] = 255
    w = rng.uniform(0.5, 2, 40).astype(np.float32)
    kernel = (rng.standard_normal((3, 4)) * 0.5).astype(np.float32)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4)])
    model.set_weights([kernel, np.zeros(4, np.float32)])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=255)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss, metrics=["accuracy"],
                  jit_compile=jit)
    value, accuracy = model.evaluate(x, y, batch_size=40)
    assert value == pytest.approx(float(loss(y, x @ kernel).data), rel=1e-6)
    weighted = model.evaluate(x, y, batch_size=40, sample_weight=w)[0]
    assert weighted == pytest.approx(float(loss(y, x @ kernel, sample_weight=w).data), rel=1e-6)
    counted = y != 255
    assert accuracy == pytest.approx(((x @ kernel).argmax(1) == y)[counted].mean())
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, sample_weight=w)
    assert history.history["loss"][0] == pytest.approx(2.32092, rel=1e-5)


def test_a_mask_carried_by_the_predictions_leaves_their_padding_out():
    """As Keras' Loss.__call__ reads y_pred's mask: the mean over the real steps only."""
    tokens = np.array([[3, 1, 0, 0], [2, 2, 2, 0]])
    model = keras.Sequential([keras.layers.Embedding(5, 3, mask_zero=True),
                              keras.layers.LSTM(4, return_sequences=True)])
    out = model(tokens, training=False)
    target = np.ones((2, 4, 4), np.float32)
    full = keras.losses.MeanSquaredError(reduction="none")(target, out).data
    assert full.shape == (2, 4) and not full[tokens == 0].any()
    masked = keras.losses.MeanSquaredError()(target, out).data
    np.testing.assert_allclose(masked, full.sum() / (tokens != 0).sum(), rtol=1e-6)


@pytest.mark.parametrize("jit", [False, True])
def test_compile_keeps_the_loss_objects_reduction(jit):
    """Keras 3.15.1's numbers: the (loss, kernel after one SGD step) of train_on_batch for
    MeanSquaredError with each reduction, without and with sample weights (1, 3)."""
    x, y = np.array([[1.0], [2.0]], np.float32), np.zeros((2, 1), np.float32)
    keras_values = {("sum", False): (5.0, 0.0), ("sum", True): (13.0, -1.6),
                    ("mean_with_sample_weight", False): (2.5, 0.5),
                    ("mean_with_sample_weight", True): (3.25, 0.35),
                    ("sum_over_batch_size", True): (6.5, -0.3)}
    for (reduction, weighted), (loss, kernel) in keras_values.items():
        model = keras.Sequential([keras.Input((1,)),
                                  keras.layers.Dense(1, kernel_initializer="ones")])
        model.compile(optimizer=keras.optimizers.SGD(0.1), jit_compile=jit,
                      loss=keras.losses.MeanSquaredError(reduction=reduction))
        w = np.array([1.0, 3.0], np.float32) if weighted else None
        assert model.train_on_batch(x, y, sample_weight=w) == pytest.approx(loss, rel=1e-6)
        assert model.get_weights()[0].item() == pytest.approx(kernel, abs=1e-6)


def test_a_loss_subclass_is_compiled_with_its_reduction_and_none_is_refused():
    class SquaredSum(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return ((y_pred - y_true) ** 2).sum(axis=-1)
    x, y = np.array([[1.0], [2.0]], np.float32), np.zeros((2, 1), np.float32)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=SquaredSum(reduction="sum"))
    assert model.train_on_batch(x, y) == pytest.approx(5.0)  # Keras: 5.0, kernel 0.0
    assert model.get_weights()[0].item() == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match="reduction='none', a loss per sample"):
        model.compile(optimizer="sgd", loss=keras.losses.MeanSquaredError(reduction="none"))


# NumPy references of the losses that reduce the last axis themselves, of (y_true, y_pred)
_ROW_LOSSES = {
    "msle": lambda t, p: ((np.log1p(p) - np.log1p(t)) ** 2).mean(-1),
    "mape": lambda t, p: (100 * np.abs(t - p) / np.abs(t)).mean(-1),
    "poisson": lambda t, p: (p - t * np.log(p + 1e-7)).mean(-1),
    "kl_divergence": lambda t, p: (t * np.log(t / p)).sum(-1),
    "log_cosh": lambda t, p: np.log(np.cosh(p - t)).mean(-1),
    "hinge": lambda t, p: np.maximum(1 - t * p, 0).mean(-1),
    "cosine_similarity": lambda t, p: -(t * p).sum(-1) / np.linalg.norm(t, axis=-1)
    / np.linalg.norm(p, axis=-1),
}


@pytest.mark.parametrize("name", sorted(_ROW_LOSSES))
def test_losses_of_sequences_keep_a_loss_per_step(name):
    """Keras' functions and objects give (N, T) losses for (N, T, C) outputs, so 'none' is
    (N, T), 'sum' sums N*T losses and (N, T) sample weights weigh each step: the losses that
    reduce their last axis themselves (all but mse, mae, huber) were averaged over T again,
    giving (N,), a 'sum' T times too small and a refusal of (N, T) weights."""
    rng = np.random.default_rng(7)
    t = rng.uniform(0.2, 1.0, (2, 3, 4)).astype(np.float32)
    p = rng.uniform(0.2, 1.0, (2, 3, 4)).astype(np.float32)
    w = rng.uniform(0.0, 1.0, (2, 3)).astype(np.float32)
    expected = _ROW_LOSSES[name](t.astype(np.float64), p.astype(np.float64))
    function = getattr(keras.losses, name)
    np.testing.assert_allclose(function(t, p).data, expected, rtol=2e-5)
    loss_class = _CLASS_OF[name]
    np.testing.assert_allclose(loss_class(reduction="none")(t, p).data, expected, rtol=2e-5)
    np.testing.assert_allclose(loss_class(reduction="sum")(t, p, sample_weight=w).data,
                               (expected * w).sum(), rtol=2e-5)


@pytest.mark.parametrize("name", ["poisson", "log_cosh", "hinge", "mse", "mae"])
@pytest.mark.parametrize("weighted", [False, True])
def test_compile_with_a_sum_reduction_adds_every_step_of_a_sequence(name, weighted):
    """compile with reduction='sum' on (N, T, C) outputs: Keras sums the N*T rows' losses
    (an elementwise loss's row: its mean over C), sample weights (N,) weighing each sample's
    steps; evaluate averaged each sample's steps instead, T times too small."""
    rng = np.random.default_rng(5)
    x = rng.uniform(0.2, 1.0, (4, 3, 2)).astype(np.float32)
    y = rng.uniform(0.2, 1.0, (4, 3, 2)).astype(np.float32)
    w = rng.uniform(0.5, 2.0, 4).astype(np.float32) if weighted else None
    model = keras.Sequential([keras.Input((3, 2)),
                              keras.layers.Dense(2, activation="softplus")])
    loss = {"mse": keras.losses.MeanSquaredError, "mae": keras.losses.MeanAbsoluteError,
            **_CLASS_OF}[name](reduction="sum")
    model.compile(loss=loss)
    p = model.predict(x, verbose=0).astype(np.float64)
    rows = {"mse": lambda t, q: ((q - t) ** 2).mean(-1), "mae": lambda t, q: abs(q - t).mean(-1),
            **_ROW_LOSSES}[name](y.astype(np.float64), p)  # (N, T)
    expected = (rows.sum(axis=1) * (1.0 if w is None else w)).sum()
    assert model.evaluate(x, y, batch_size=4, sample_weight=w, verbose=0) == pytest.approx(
        expected, rel=1e-5)


_CLASS_OF = {"msle": keras.losses.MeanSquaredLogarithmicError,
             "mape": keras.losses.MeanAbsolutePercentageError,
             "poisson": keras.losses.Poisson, "kl_divergence": keras.losses.KLDivergence,
             "log_cosh": keras.losses.LogCosh, "hinge": keras.losses.Hinge,
             "cosine_similarity": keras.losses.CosineSimilarity}


def test_loss_arguments_by_position_mean_what_they_mean_in_keras():
    """Keras' positional order: reduction first for the losses without options (Keras'
    MeanSquaredError('sum') sums; rungrad took 'sum' for the name and averaged), after delta
    for Huber, after axis for the cross-entropies and CosineSimilarity."""
    t = np.array([[0.0, 1.0], [1.0, 0.0]], np.float32)
    p = np.array([[0.3, 0.5], [0.9, 0.4]], np.float32)
    squares = ((p - t) ** 2).mean(-1)
    losses = keras.losses
    np.testing.assert_allclose(losses.MeanSquaredError("sum")(t, p).data, squares.sum(),
                               rtol=1e-6)
    assert losses.MeanSquaredError("sum").name == "mean_squared_error"
    np.testing.assert_allclose(losses.Huber(1.0, "sum")(t, p).data, squares.sum() / 2,
                               rtol=1e-6)
    assert losses.Poisson("none")(t, p).shape == (2,)
    ce = -np.log(np.exp(p[[0, 1], [1, 0]]) / np.exp(p).sum(-1))
    np.testing.assert_allclose(losses.CategoricalCrossentropy(True, 0.0, -1, "sum")(t, p).data,
                               ce.sum(), rtol=1e-6)
    np.testing.assert_allclose(
        losses.SparseCategoricalCrossentropy(True, None, "sum")(np.array([1, 0]), p).data,
        ce.sum(), rtol=1e-6)
    assert losses.CosineSimilarity(-1, "none")(t, p).shape == (2,)
    with pytest.raises(NotImplementedError, match="BinaryCrossentropy: only the last axis"):
        losses.BinaryCrossentropy(axis=-2)
    with pytest.raises(NotImplementedError, match="only the last axis of the 2-D predictions"):
        losses.BinaryCrossentropy(axis=0)(t, p)


def test_axis_1_of_rows_is_their_last_axis():
    """Keras' common CosineSimilarity(axis=1) on (N, D) rows was refused."""
    t = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    p = np.array([[0.3, 0.5], [0.9, 0.4], [0.2, 0.7]])
    losses, metrics = keras.losses, keras.metrics
    for make in (losses.CosineSimilarity, losses.CategoricalCrossentropy,
                 losses.BinaryCrossentropy):
        np.testing.assert_allclose(make(axis=1)(t, p).data, make()(t, p).data, rtol=1e-12)
    np.testing.assert_allclose(losses.cosine_similarity(t, p, axis=1).data,
                               losses.cosine_similarity(t, p).data, rtol=1e-12)
    assert losses.CosineSimilarity(axis=1).get_config()["axis"] == 1
    metric = metrics.CosineSimilarity(axis=1)
    metric.update_state(t, p)
    np.testing.assert_allclose(metric.result(), -losses.CosineSimilarity()(t, p).data,
                               rtol=1e-6)
    with pytest.raises(NotImplementedError, match="of the 3-D predictions"):
        losses.CategoricalCrossentropy(axis=1)(np.ones((2, 3, 4)), np.ones((2, 3, 4)))


def test_categorical_cross_entropy_of_probabilities_normalizes_then_clips_as_keras():
    """Keras: p / sum(p), clipped to [1e-7, 1 - 1e-7], then -sum t log p; rungrad clipped
    first and normalized after (18.42 here, and a gradient through the clipped entry)."""
    y_pred = Variable(np.array([[1e-9, 5.0, 5.0]]))
    loss = keras.losses.CategoricalCrossentropy()(np.array([[1.0, 0.0, 0.0]]), y_pred)
    loss.backward()
    np.testing.assert_allclose(loss.data, -np.log(1e-7), rtol=1e-12)
    np.testing.assert_array_equal(y_pred.grad.data, 0.0)
    t = np.array([[0, 1, 0], [0, 0, 1]])
    p = np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], np.float32)
    np.testing.assert_allclose(keras.losses.CategoricalCrossentropy()(t, p).data, 1.1769392,
                               rtol=1e-6)  # Keras' documented value
    smooth = keras.losses.CategoricalCrossentropy(label_smoothing=0.3)(t, p)
    q = np.clip(p / p.sum(-1, keepdims=True), 1e-7, 1 - 1e-7)
    np.testing.assert_allclose(smooth.data, (-(t * 0.7 + 0.1) * np.log(q)).sum(-1).mean(),
                               rtol=1e-6)
    assert smooth.dtype == np.float32
    metric = keras.metrics.CategoricalCrossentropy()
    metric.update_state(np.array([[1.0, 0, 0]]), np.array([[0.0, 0.3, 2.0]]))
    np.testing.assert_allclose(metric.result(), -np.log(1e-7), rtol=1e-6)


def test_a_mean_over_the_batch_keeps_float32():
    """x.size is an int: dividing by it promoted a float32 loss to float64."""
    v = Variable(np.ones((4, 3), np.float32))
    assert keras.losses.MeanSquaredError()(np.zeros((4, 3)), v).dtype == np.float32
    assert (v.sum() / v.size).dtype == (v.size * v).dtype == np.float32


def test_a_keras_cross_entropy_config_loads():
    """Keras 3.15.1's get_config of BinaryCrossentropy(from_logits=True) (with its axis)."""
    config = {"name": "binary_crossentropy", "reduction": "sum", "from_logits": True,
              "label_smoothing": 0.0, "axis": -1}
    loss = keras.losses.BinaryCrossentropy.from_config(config)
    assert (loss.reduction, loss.from_logits) == ("sum", True)
    assert loss.get_config() == config


def test_integer_data_and_keras_argument_order_as_keras_takes_them():
    """(Integer lists, Keras' own examples, were refused by every error loss; a reduction
    given to LossFunctionWrapper second became its name; dtype= was ignored.)"""
    assert float(keras.losses.MeanSquaredError()([[0, 1], [1, 1]], [[1, 0], [1, 1]]).data) == 0.5
    for loss, expected in ((keras.losses.Huber(), 0.125), (keras.losses.Hinge(), 1.0),
                           (keras.losses.Poisson(), 0.5)):
        assert float(loss([[0, 1], [0, 0]], [[1, 1], [0, 0]]).data) == pytest.approx(
            expected, rel=1e-6)

    def squared(y_true, y_pred):
        return ((y_true - y_pred) ** 2).mean(axis=-1)
    wrapped = keras.losses.LossFunctionWrapper(squared, "sum")
    assert wrapped.reduction == "sum" and wrapped.name == "squared"
    assert float(wrapped([[0.0, 1], [0, 0]], [[1.0, 1], [0, 0]]).data) == 0.5
    half = keras.losses.MeanSquaredError(dtype="float16")
    assert half(np.float32([[0, 1]]), np.float32([[1, 1]])).dtype == np.float16


def test_focal_and_overlap_losses_give_keras_docstring_figures():
    """(BinaryFocalCrossentropy, CategoricalFocalCrossentropy, Dice, Tversky and the huber
    function were missing.)"""
    y_true, y_pred = [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]
    np.testing.assert_allclose(keras.losses.binary_focal_crossentropy(
        y_true, y_pred, gamma=2).data, [0.330, 0.206], atol=1e-3)
    labels, probabilities = [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    np.testing.assert_allclose(keras.losses.categorical_focal_crossentropy(
        labels, probabilities).data, [3.2e-05, 4.6e-01], rtol=0.02)
    assert float(keras.losses.CategoricalFocalCrossentropy()(labels, probabilities).data) == \
        pytest.approx(0.23315276, rel=1e-5)
    t, p = np.array([[0, 1], [1, 1.0]]), np.array([[0.2, 0.8], [0.6, 0.9]])
    dice = 1 - 2 * (t * p).sum() / (t.sum() + p.sum() + 1e-7)
    assert float(keras.losses.Dice()(t, p).data) == pytest.approx(dice)
    assert float(keras.losses.Tversky()(t, p).data) == pytest.approx(dice)  # (0.5, 0.5)
    missed, extra = (t * (1 - p)).sum(), ((1 - t) * p).sum()
    tversky = 1 - (t * p).sum() / ((t * p).sum() + 0.3 * missed + 0.7 * extra + 1e-7)
    assert float(keras.losses.Tversky(0.3, 0.7)(t, p).data) == pytest.approx(tversky)
    assert keras.losses.huber([[0.0, 1.0]], [[1.5, 1.0]]).data.tolist() == [0.5]


@pytest.mark.parametrize("loss", ["binary_focal_crossentropy", "dice", "Tversky"])
def test_keras_losses_by_name_compile_train_and_save(loss, tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", loss)
    history = model.fit(x, y, epochs=3, verbose=0).history["loss"]
    assert history[-1] < history[0]
    path = str(tmp_path / "m.keras")
    model.save(path)
    np.testing.assert_allclose(keras.models.load_model(path).evaluate(x, y, verbose=0),
                               model.evaluate(x, y, verbose=0), rtol=1e-6)


def test_the_focal_losses_have_the_numerical_gradient():
    from autograd import gradcheck
    rng = np.random.default_rng(1)
    t = (rng.random((3, 4)) > 0.5).astype(np.float64)
    p = Variable(rng.uniform(0.1, 0.9, (3, 4)))
    assert gradcheck(lambda v: keras.losses.binary_focal_crossentropy(
        t, v, apply_class_balancing=True, label_smoothing=0.1), p)
    assert gradcheck(lambda v: keras.losses.categorical_focal_crossentropy(
        np.eye(4)[[0, 2, 3]], v, from_logits=True), p)
    assert gradcheck(lambda v: keras.losses.tversky(t, v, 0.3, 0.7, axis=1), p)
