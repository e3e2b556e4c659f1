"""fit's sample_weight and class_weight, evaluate's sample_weight (Keras' semantics): the
weighted loss is sum_i w_i l_i / N, checked against a hand-written training loop."""
import numpy as np
import pytest

import nn
import nn.functional as F
import optim
from autograd import Variable
from nn.data import DataLoader, TensorDataset

N, FEATURES, CLASSES = 24, 4, 3


def _data(loss):
    """(x, y) for `loss`: labels, one-hot rows, binary (N, 1) columns or regression targets."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(N, FEATURES))
    labels = rng.integers(0, CLASSES, size=N)
    if loss == "categorical_crossentropy":
        return x, np.eye(CLASSES)[labels]
    if loss == "binary_crossentropy":
        return x, (labels % 2).astype(np.float64).reshape(N, 1)
    if loss in ("mse", "mae", "huber"):
        return x, rng.normal(size=(N, 2))
    return x, labels


def _model(outputs, seed=0):
    np.random.seed(seed)
    model = nn.Sequential([nn.Dense(5, activation="tanh", input_shape=(FEATURES,)),
                           nn.Dense(outputs)])
    for p in model.parameters():
        p.data = p.data.astype(np.float64)
    return model


def _outputs(loss):
    return {"binary_crossentropy": 1, "mse": 2, "mae": 2, "huber": 2}.get(loss, CLASSES)


def _per_sample(loss, out, y):
    """Each sample's loss, written with nn.functional's reduction='none'."""
    if loss == "sparse_categorical_crossentropy":
        return F.cross_entropy(out, y, reduction="none")
    if loss == "categorical_crossentropy":
        return F.cross_entropy(out, y, reduction="none")
    fn = {"binary_crossentropy": F.binary_cross_entropy_with_logits, "mse": F.mse_loss,
          "mae": F.l1_loss, "huber": F.huber_loss}[loss]
    return fn(out, y, reduction="none").mean(axis=1)


def _by_hand(loss, x, y, weights, batch, epochs, lr=0.1):
    """SGD on sum_i w_i l_i / B over consecutive batches of B: the reference."""
    model = _model(_outputs(loss))
    opt = optim.SGD(model.parameters(), lr=lr)
    for _ in range(epochs):
        for start in range(0, N, batch):
            part = slice(start, start + batch)
            losses = _per_sample(loss, model(Variable(x[part])), y[part])
            opt.zero_grad()
            ((losses * weights[part]).sum() / len(x[part])).backward()
            opt.step()
    return model.state_dict()


def _fit(loss, x, y, epochs=2, batch=8, jit=False, **weighting):
    model = _model(_outputs(loss))
    model.compile(optimizer=optim.SGD(lr=0.1), loss=loss, jit_compile=jit)
    history = model.fit(x, y, epochs=epochs, batch_size=batch, shuffle=False, verbose=0,
                        **weighting)
    return model, history


def _assert_same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=1e-12, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "categorical_crossentropy",
                                  "binary_crossentropy", "mse", "mae", "huber"])
@pytest.mark.parametrize("jit", [False, True])
def test_sample_weight_trains_on_the_weighted_loss_as_keras(loss, jit):
    x, y = _data(loss)
    weights = np.random.default_rng(5).uniform(0, 3, size=N)
    model, history = _fit(loss, x, y, epochs=3, batch=10, jit=jit, sample_weight=weights)
    _assert_same(model.state_dict(), _by_hand(loss, x, y, weights, batch=10, epochs=3))
    unweighted, _ = _fit(loss, x, y, epochs=3, batch=10)
    assert not np.allclose(unweighted.state_dict()["0.weight"], model.state_dict()["0.weight"])


@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "categorical_crossentropy",
                                  "binary_crossentropy"])
def test_class_weight_is_the_sample_weight_of_each_label(loss):
    x, y = _data(loss)
    class_weight = {0: 0.25, 1: 3.0}  # class 2, not named, weighs 1
    labels = _data("sparse_categorical_crossentropy")[1]
    if loss == "binary_crossentropy":
        labels = labels % 2
    weights = np.array([class_weight.get(k, 1.0) for k in labels])
    by_class, history = _fit(loss, x, y, class_weight=class_weight)
    by_sample, expected = _fit(loss, x, y, sample_weight=weights)
    _assert_same(by_class.state_dict(), by_sample.state_dict())
    assert history.history["loss"] == expected.history["loss"]


def test_class_and_sample_weights_multiply():
    x, y = _data("sparse_categorical_crossentropy")
    sample = np.linspace(0.5, 2, N)
    both, _ = _fit("sparse_categorical_crossentropy", x, y, sample_weight=sample,
                   class_weight={1: 5.0})
    product, _ = _fit("sparse_categorical_crossentropy", x, y,
                      sample_weight=sample * np.where(y == 1, 5.0, 1.0))
    _assert_same(both.state_dict(), product.state_dict())


def test_unit_weights_change_nothing():
    x, y = _data("sparse_categorical_crossentropy")
    weighted, a = _fit("sparse_categorical_crossentropy", x, y, sample_weight=np.ones(N))
    plain, b = _fit("sparse_categorical_crossentropy", x, y)
    _assert_same(weighted.state_dict(), plain.state_dict())
    np.testing.assert_allclose(a.history["loss"], b.history["loss"], rtol=1e-12)


@pytest.mark.parametrize("batch", [1, 5, 24, 100])
def test_evaluate_gives_the_weighted_mean_whatever_the_batch_size(batch):
    x, y = _data("sparse_categorical_crossentropy")
    weights = np.random.default_rng(0).uniform(0, 2, size=N)
    model = _model(CLASSES)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    expected = float(F.cross_entropy(model(Variable(x)), y, reduction="none").data @ weights) / N
    assert model.evaluate(x, y, sample_weight=weights, batch_size=batch) == pytest.approx(
        expected, rel=1e-12)


def test_epoch_loss_is_the_weighted_loss_of_the_epoch():
    x, y = _data("mse")
    weights = np.random.default_rng(1).uniform(0, 2, size=N)
    model = _model(2)
    model.compile(optimizer=optim.SGD(lr=0.0), loss="mse")  # lr 0: the weights stay
    history = model.fit(x, y, batch_size=7, sample_weight=weights, verbose=0)
    per_sample = ((model.predict(x) - y) ** 2).mean(axis=1)
    assert history.history["loss"][0] == pytest.approx(per_sample @ weights / N, rel=1e-12)


def test_validation_weights_come_from_the_triple_or_the_split():
    x, y = _data("sparse_categorical_crossentropy")
    weights = np.random.default_rng(2).uniform(0, 2, size=N)
    model = _model(CLASSES)
    model.compile(optimizer=optim.SGD(lr=0.0), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, validation_data=(x[:10], y[:10], weights[:10]), verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(x[:10], y[:10], sample_weight=weights[:10]), rel=1e-12)
    history = model.fit(x, y, validation_split=0.25, sample_weight=weights, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(x[18:], y[18:], sample_weight=weights[18:]), rel=1e-12)
    history = model.fit(x, y, validation_split=0.25, class_weight={0: 3.0}, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(  # class_weight: training only
        model.evaluate(x[18:], y[18:]), rel=1e-12)


def test_a_loader_gives_weights_as_its_batches_third_item():
    x, y = _data("sparse_categorical_crossentropy")
    weights = np.random.default_rng(4).uniform(0, 2, size=N)
    arrays, _ = _fit("sparse_categorical_crossentropy", x, y, sample_weight=weights,
                     class_weight={2: 0.5})
    model = _model(CLASSES)
    model.compile(optimizer=optim.SGD(lr=0.1), loss="sparse_categorical_crossentropy")
    loader = DataLoader(TensorDataset(x, y, weights), batch_size=8)
    model.fit(loader, epochs=2, class_weight={2: 0.5}, verbose=0)
    _assert_same(model.state_dict(), arrays.state_dict())


@pytest.mark.parametrize("loss", [nn.CrossEntropyLoss(), F.cross_entropy])
def test_loss_modules_and_functions_taking_reduction_are_weighted_too(loss):
    x, y = _data("sparse_categorical_crossentropy")
    weights = np.random.default_rng(6).uniform(0, 2, size=N)
    model = _model(CLASSES)
    model.compile(optimizer=optim.SGD(lr=0.1), loss=loss)
    model.fit(x, y, epochs=2, batch_size=8, shuffle=False, sample_weight=weights, verbose=0)
    named, _ = _fit("sparse_categorical_crossentropy", x, y, sample_weight=weights)
    _assert_same(model.state_dict(), named.state_dict())
    if isinstance(loss, nn.Module):
        assert loss.reduction == "mean"  # the module compiled is left as it was


def test_weights_steer_training_toward_the_class_that_counts():
    """A class the weights favour is recalled more (a quality the weights must reach).

    Class 1 is a minority (1 in 6) whose mean sits 2.5 standard deviations away along one
    axis. The best rule recalls 0.73 of it unweighted and 0.89 with the minority weighted 5x
    (its odds then even). Random blob centres made that separation luck: one draw recalled
    0.725 weighted. With the separation fixed, 16 seeds give 0.63-0.82 unweighted, 0.87-0.95
    weighted, at least 0.11 apart."""
    rng = np.random.default_rng(1)
    y = (rng.uniform(size=800) < 1 / 6).astype(np.int64)
    x = rng.normal(size=(800, 4)).astype(np.float32)
    x[:, 0] += 2.5 * y
    recalls = []
    for weight in (1.0, 5.0):
        np.random.seed(1)
        model = nn.Sequential([nn.Dense(2)])
        model.compile(optimizer=optim.Adam(lr=0.05), loss="sparse_categorical_crossentropy")
        model.fit(x, y, epochs=30, batch_size=32, class_weight={1: weight}, verbose=0)
        predicted = model.predict(x).argmax(axis=1)
        recalls.append((predicted[y == 1] == 1).mean())
    assert recalls[1] > recalls[0] + 0.05 and recalls[1] > 0.75, recalls


@pytest.mark.parametrize("kwargs, error, match", [
    ({"sample_weight": np.ones(N - 1)}, ValueError, r"sample_weight must have shape \(24,\)"),
    ({"sample_weight": np.ones((N, 2))}, ValueError,
     r"sample_weight of shape \(24, 2\) weighs the steps of losses of shape \(24,\)"),
    ({"sample_weight": np.r_[np.ones(N - 1), np.nan]}, ValueError, "NaN or infinite.*index 23"),
    ({"sample_weight": np.array(["a"] * N)}, TypeError, "sample_weight must hold numbers"),
    ({"class_weight": [1.0, 2.0]}, TypeError, "class_weight must be a dict"),
    ({"class_weight": {-1: 2.0}}, ValueError, "keys must be class indices"),
    ({"class_weight": {"cat": 2.0}}, ValueError, "keys must be class indices"),
    ({"class_weight": {0: float("inf")}}, ValueError, r"class_weight\[0\] must be a finite"),
])
def test_bad_weights_are_named(kwargs, error, match):
    x, y = _data("sparse_categorical_crossentropy")
    model = _model(CLASSES)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(error, match=match):
        model.fit(x, y, verbose=0, **kwargs)


def test_class_weight_needs_one_class_per_sample():
    x = np.zeros((4, FEATURES))
    model = _model(2)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    multi_label = np.array([[1, 1], [0, 1], [1, 0], [0, 0]], dtype=np.float64)
    with pytest.raises(ValueError, match="neither.*multi-label targets take sample_weight"):
        model.fit(x, multi_label, class_weight={0: 2.0}, verbose=0)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="non-integer targets outside"):
        model.fit(x, np.full((4, 1), 1.5), class_weight={0: 2.0}, verbose=0)


def test_a_loss_returning_only_the_batch_s_loss_cannot_be_weighted():
    x, y = _data("sparse_categorical_crossentropy")
    model = _model(CLASSES)
    model.compile(optimizer="sgd", loss=lambda out, t: F.cross_entropy(out, t))
    with pytest.raises(TypeError, match="need each sample's loss.*reduction='none'"):
        model.fit(x, y, sample_weight=np.ones(N), verbose=0)


def test_a_loader_takes_no_separate_sample_weight():
    x, y = _data("sparse_categorical_crossentropy")
    model = _model(CLASSES)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"its batches hold the weights, as \(x, y, "):
        model.fit(DataLoader(TensorDataset(x, y), batch_size=8), sample_weight=np.ones(N),
                  verbose=0)
    bad = DataLoader(TensorDataset(x, y, np.ones((N, 3))), batch_size=8)
    with pytest.raises(ValueError, match=r"sample_weight of shape \(8, 3\) weighs the steps"):
        model.fit(bad, verbose=0)


def test_a_loss_module_summing_sums_the_weighted_losses_and_is_read_when_called():
    x, y = _data("mse")
    weights = np.random.default_rng(7).uniform(0, 2, size=N)
    model = _model(2)
    loss = nn.MSELoss(reduction="sum")
    model.compile(optimizer="sgd", loss=loss)
    squares = (model.predict(x) - y) ** 2
    assert model.evaluate(x, y, batch_size=N, sample_weight=np.ones(N)) == pytest.approx(
        model.evaluate(x, y, batch_size=N), rel=1e-12)
    assert model.evaluate(x, y, batch_size=N, sample_weight=weights) == pytest.approx(
        squares.sum(axis=1) @ weights, rel=1e-12)
    loss.reduction = "mean"  # the module's options as they are at each call
    assert model.evaluate(x, y, batch_size=N, sample_weight=weights) == pytest.approx(
        squares.mean(axis=1) @ weights / N, rel=1e-12)


def test_weights_a_loss_cannot_take_are_refused_before_any_step():
    x, y = _data("sparse_categorical_crossentropy")
    model = _model(CLASSES)
    model.compile(optimizer=optim.SGD(lr=0.1), loss=lambda out, t: F.cross_entropy(out, t))
    before = model.state_dict()
    with pytest.raises(TypeError, match="fit: loss <lambda>: sample_weight"):
        model.fit(x, y, validation_data=(x, y, np.ones(N)), verbose=0)
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())
    with pytest.raises(ValueError, match="evaluate: sample_weight must be an array of numbers"):
        model.evaluate(x, y, sample_weight=[1.0, [2.0, 3.0]] + [1.0] * (N - 2))


def test_kl_div_batchmean_with_unit_weights_is_unweighted():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)).astype(np.float32)
    targets = rng.dirichlet(np.ones(5), size=16).astype(np.float32)
    np.random.seed(0)
    model = nn.Sequential(nn.Dense(5, input_shape=(4,)), nn.LogSoftmax(dim=-1))
    model.compile(optimizer="sgd", loss=nn.KLDivLoss(reduction="batchmean"))
    plain = model.evaluate(x, targets)
    assert model.evaluate(x, targets, sample_weight=np.ones(16)) == pytest.approx(plain)
    doubled = model.evaluate(x, targets, sample_weight=np.full(16, 2.0))
    assert doubled == pytest.approx(2 * plain)


@pytest.mark.parametrize("mask_zero, jit", [(False, False), (True, False), (True, True)])
def test_weights_of_each_step_of_a_sequence_as_keras_3(mask_zero, jit):
    """sample_weight (N, T) for (N, T, C) outputs, Keras 3's form: the loss weighs each step
    (over the N T steps; with a mask over the real ones), the weighted metrics too. Keras
    3.15.1's numbers for these data."""
    import nn.keras as keras
    rng = np.random.default_rng(0)
    x = rng.integers(1, 6, (8, 5))
    x[0, 3:] = 0
    x[1, 2:] = 0
    y = rng.integers(0, 3, (8, 5))
    w = rng.uniform(0.2, 2, (8, 5)).astype(np.float32)
    w[:, 0] = 0
    model = keras.Sequential([keras.Input((5,)), keras.layers.Embedding(6, 4, mask_zero=mask_zero),
                              keras.layers.Dense(3)])
    model.set_weights([np.linspace(-1, 1, 24).reshape(6, 4), np.linspace(-0.5, 0.5, 12).reshape(
        4, 3), np.zeros(3)])
    model.compile(optimizer=keras.optimizers.SGD(0.5), jit_compile=jit,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  weighted_metrics=["sparse_categorical_accuracy"])
    expected = {False: (0.904374, [0.908029, 0.888057]), True: (0.887809, [0.858926, 0.831876])}
    loss, _ = model.evaluate(x, y, sample_weight=w)
    assert loss == pytest.approx(expected[mask_zero][0], rel=1e-5)
    history = model.fit(x, y, sample_weight=w, batch_size=4, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], expected[mask_zero][1], rtol=1e-5)
    with pytest.raises(ValueError, match="class_weight needs one class per sample.*weigh the "
                                         "elements with sample_weight"):
        model.fit(x, y, class_weight={0: 2.0}, verbose=0)


def test_class_weight_reads_label_smoothed_and_soft_binary_targets_as_keras():
    from nn.training.sample_weights import class_weights_of
    weights = {0: 0.5, 1: 2.0, 2: 3.0}
    smoothed = np.array([[0.9, 0.05, 0.05], [0.05, 0.05, 0.9], [0.05, 0.9, 0.05]])
    np.testing.assert_array_equal(class_weights_of(smoothed, weights, "fit"), [0.5, 3.0, 2.0])
    soft = np.array([0.1, 0.9, 0.8, 0.2], np.float32).reshape(-1, 1)
    np.testing.assert_array_equal(class_weights_of(soft, weights, "fit"), [0.5, 2, 2, 0.5])
    with pytest.raises(ValueError, match="non-integer targets outside"):
        class_weights_of(np.array([0.5, 2.7]), weights, "fit")
    with pytest.raises(ValueError, match="NaN or infinite"):
        class_weights_of(np.array([0.0, np.nan]), weights, "fit")
    with pytest.raises(ValueError, match="neither"):  # multi-label rows: sample_weight
        class_weights_of(np.array([[1, 1, 0], [0, 1, 0]]), weights, "fit")
