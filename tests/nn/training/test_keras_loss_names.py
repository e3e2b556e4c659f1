"""compile(loss=...) with Keras' other loss names ('msle', 'mape', the hinges, 'poisson',
'kl_divergence', 'log_cosh', 'cosine_similarity' and their aliases): evaluate gives Keras'
value (a NumPy reference of Keras 3's formulas) with and without sample_weight, fit trains,
a captured step gives the eager one's result, the metrics of those names, saving."""
import numpy as np
import pytest

import nn
import optim
from nn.training.losses import LOSS_NAMES

from .._keras_reference import keras_loss

NAMES = ["msle", "mape", "hinge", "squared_hinge", "categorical_hinge", "poisson",
         "kl_divergence", "log_cosh", "cosine_similarity"]
ALIASES = {"mean_squared_logarithmic_error": "msle", "mean_absolute_percentage_error": "mape",
           "kld": "kl_divergence", "kullback_leibler_divergence": "kl_divergence",
           "logcosh": "log_cosh", "MSLE": "msle", "MAPE": "mape", "KLD": "kl_divergence",
           # Keras' class names, which its losses.get looks up as well
           "MeanSquaredLogarithmicError": "msle", "MeanAbsolutePercentageError": "mape",
           "Hinge": "hinge", "SquaredHinge": "squared_hinge",
           "CategoricalHinge": "categorical_hinge", "Poisson": "poisson",
           "KLDivergence": "kl_divergence", "LogCosh": "log_cosh",
           "CosineSimilarity": "cosine_similarity"}
N, FEATURES = 24, 4


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _problem(name, outputs, seed=0, samples=N):
    """(x, y, the final activation) for `name` with `outputs` columns: targets of the kind
    the loss takes, from a random teacher (so that fit has something to learn)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, FEATURES))
    z = x @ rng.normal(size=(FEATURES, outputs))
    if name == "msle":
        return x, np.exp(0.5 * z), "softplus"
    if name == "poisson":
        return x, rng.poisson(np.exp(0.5 * z)).astype(float), "softplus"
    if name == "mape":
        return x, 0.5 * z + 4, None  # (well away from 0)
    if name in ("hinge", "squared_hinge"):
        return x, (z > 0).astype(float), None  # 0/1 labels: read as -1/+1
    if name == "categorical_hinge":
        return x, (np.eye(outputs)[z.argmax(axis=1)] if outputs > 1
                   else (z > 0).astype(float)), None
    if name == "kl_divergence":
        return x, (_softmax(z) if outputs > 1 else 1 / (1 + np.exp(-z))), (
            "softmax" if outputs > 1 else "sigmoid")
    return x, z, None


def _model(outputs, activation, seed=0, dtype=np.float64):
    np.random.seed(seed)
    model = nn.Sequential([nn.Dense(8, activation="tanh", input_shape=(FEATURES,)),
                           nn.Dense(outputs, activation=activation)])
    for p in model.parameters():
        p.data = p.data.astype(dtype)
    return model


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("outputs, flat_target", [(1, False), (1, True), (3, False)],
                         ids=["N,1", "N,1-target-N", "N,K"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "sample_weight"])
def test_evaluate_gives_keras_value(name, outputs, flat_target, weighted):
    x, y, activation = _problem(name, outputs)
    if flat_target:
        y = y.reshape(-1)  # (N,) against an (N, 1) output: aligned, as Keras does
    model = _model(outputs, activation)
    model.compile(optimizer="sgd", loss=name)
    weights = np.random.default_rng(1).uniform(0, 3, size=N) if weighted else None
    predicted = model.predict(x, verbose=0)
    expected = keras_loss(name, y.reshape(predicted.shape), predicted, weights)
    got = model.evaluate(x, y, sample_weight=weights, batch_size=N, verbose=0)
    assert got == pytest.approx(expected, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_evaluate_over_several_batches_is_the_mean_over_samples(name):
    x, y, activation = _problem(name, 3)
    model = _model(3, activation)
    model.compile(optimizer="sgd", loss=name)
    expected = keras_loss(name, y, model.predict(x, verbose=0))
    assert model.evaluate(x, y, batch_size=8, verbose=0) == pytest.approx(expected, rel=1e-10)


def _evaluated_alike(alias, name, x, y, activation):
    """Whether models compiled with the two loss names evaluate (x, y) to the same value."""
    values = []
    for given in (alias, name):
        model = _model(3, activation)
        model.compile(optimizer="sgd", loss=given)
        values.append(model.evaluate(x, y, verbose=0))
    return values[0] == values[1]


@pytest.mark.parametrize("alias, name", list(ALIASES.items()))
def test_aliases_are_the_same_loss(alias, name):
    assert _evaluated_alike(alias, name, *_problem(name, 3))


@pytest.mark.parametrize("class_name, name", [
    ("MeanSquaredError", "mse"), ("MeanAbsoluteError", "mae"), ("Huber", "huber"),
    ("BinaryCrossentropy", "binary_crossentropy"), ("bce", "binary_crossentropy"),
    ("BCE", "binary_crossentropy"),
    ("CategoricalCrossentropy", "categorical_crossentropy")])
def test_keras_class_names_are_the_losses_of_their_names(class_name, name):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(N, FEATURES))
    y = np.eye(3)[rng.integers(0, 3, N)]
    activation = {"binary_crossentropy": "sigmoid",
                  "categorical_crossentropy": "softmax"}.get(name)
    assert _evaluated_alike(class_name, name, x, y, activation)


def test_hinge_takes_minus_one_plus_one_labels_as_0_1_ones():
    x, y, _ = _problem("hinge", 1)
    model = _model(1, None)
    for name in ("hinge", "squared_hinge"):
        model.compile(optimizer="sgd", loss=name)
        assert model.evaluate(x, y, verbose=0) == model.evaluate(x, 2 * y - 1, verbose=0)


@pytest.mark.parametrize("name", NAMES)
def test_a_one_d_output_is_one_value_per_sample(name):
    """An output of shape (N,) counts as the column (N, 1) it means, sample weights too."""
    x, y, activation = _problem(name, 1)
    weights = np.random.default_rng(2).uniform(0, 3, size=N)
    values = []
    for flatten in (False, True):
        model = _model(1, activation)
        if flatten:
            model.add(nn.Lambda(lambda v: v[:, 0]))
        model.compile(optimizer="sgd", loss=name)
        values.append([model.evaluate(x, y.reshape(-1), sample_weight=w, verbose=0)
                       for w in (None, weights)])
    np.testing.assert_allclose(values[1], values[0], rtol=1e-12)


# Checked over seeds 0-40 before settling on 3: 0.147 for poisson (0.05 asked), whose loss
# may end below 0 (it leaves out log(y!)), so that a share of it means nothing. mape's
# output bias has to travel to the targets' 4, which Adam(0.02) may not finish in 30 epochs:
# over 96 draws of data and weights (seeds 0-59 and 36 others) its least drop was 34 % of
# the starting loss (50 % is asked) with 0.02, 66 % with 0.1 (median 97 %).
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_lowers_the_loss(name, seed):
    outputs = 3 if name in ("categorical_hinge", "kl_divergence", "log_cosh",
                            "cosine_similarity") else 1
    x, y, activation = _problem(name, outputs, seed, samples=64)
    model = _model(outputs, activation, seed, dtype=np.float32)
    model.compile(optimizer=optim.Adam(lr=0.1 if name == "mape" else 0.02), loss=name)
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    after = model.evaluate(x, y, verbose=0)
    needed = 0.05 if name == "poisson" else 0.5 * abs(before)
    assert before - after > needed, (before, after)


@pytest.mark.parametrize("name", NAMES)
def test_a_captured_fit_trains_as_the_eager_one(name):
    x, y, activation = _problem(name, 3, samples=64)
    if name in ("hinge", "squared_hinge"):  # 0/1 labels in some batches, -1/+1 in others:
        y[32:48] = 2 * y[32:48] - 1      # each replay tests its own batch, as Keras
    runs = []
    for jit_compile in (False, True):
        model = _model(3, activation)
        model.compile(optimizer=optim.Adam(lr=0.01), loss=name, jit_compile=jit_compile)
        history = model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
        runs.append((model, history.history["loss"]))
    (eager, eager_loss), (captured, captured_loss) = runs
    assert captured._captured_update.captured == 1
    np.testing.assert_allclose(captured_loss, eager_loss, rtol=1e-12)
    for p, q in zip(eager.parameters(), captured.parameters()):
        np.testing.assert_allclose(q.data, p.data, rtol=1e-12, atol=1e-14)


METRICS = {"mape": "mape", "mean_absolute_percentage_error": "mape", "msle": "msle",
           "mean_squared_logarithmic_error": "msle", "hinge": "hinge",
           "squared_hinge": "squared_hinge", "categorical_hinge": "categorical_hinge",
           "poisson": "poisson", "kl_divergence": "kl_divergence", "kld": "kl_divergence",
           "log_cosh_error": "log_cosh", "logcosh": "log_cosh"}


@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy"])
def test_keras_metrics_of_those_names_average_the_per_sample_losses(loss):
    x, y, _ = _problem("kl_divergence", 3)  # probabilities: fit for every metric
    model = _model(3, "sigmoid" if loss == "binary_crossentropy" else "softplus")
    model.compile(optimizer="sgd", loss=loss, metrics=[*METRICS, "cosine_similarity"])
    logs = model.evaluate(x, y, batch_size=5, verbose=0, return_dict=True)
    predicted = model.predict(x, verbose=0)  # (probabilities with a cross-entropy)
    for metric, name in METRICS.items():
        assert logs[metric] == pytest.approx(keras_loss(name, y, predicted), rel=1e-10), metric
    # Keras' metric is the similarity itself, the loss negated
    assert logs["cosine_similarity"] == pytest.approx(
        -keras_loss("cosine_similarity", y, predicted), rel=1e-10)


def test_monitors_know_which_way_those_metrics_improve():
    from nn.training.callbacks.monitor import Monitor
    for name in ("val_mape", "msle", "val_squared_hinge", "poisson", "kl_divergence", "kld",
                 "log_cosh_error", "val_logcosh"):
        assert Monitor(name).mode == "min", name
    assert Monitor("val_cosine_similarity").mode == "max"


@pytest.mark.parametrize("name", ["kld", "msle", "cosine_similarity"])
def test_a_saved_model_keeps_its_loss_name(name, tmp_path):
    x, y, activation = _problem(name if name != "kld" else "kl_divergence", 3)
    model = _model(3, activation)
    model.compile(optimizer="sgd", loss=name, metrics=["mape", "log_cosh_error"])
    model.save(tmp_path / "m.rungrad")
    loaded = nn.load_model(tmp_path / "m.rungrad")
    assert loaded.compiled_loss.name == name
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)


def test_an_unknown_loss_lists_every_name():
    with pytest.raises(ValueError, match="unknown loss 'lovasz_hinge'") as error:
        _model(1, None).compile(loss="lovasz_hinge")
    for name in NAMES + list(ALIASES) + ["mse", "binary_crossentropy"]:
        if name.islower():
            assert name in str(error.value), name
    assert set(NAMES) | {a for a in ALIASES if a.islower()} <= set(LOSS_NAMES)
