"""keras.wrappers: SKLearnClassifier, SKLearnRegressor and SKLearnTransformer. Training on
fixed weights matches Keras 3.15.1 (torch backend, scikit-learn 1.9.1): its figures are the
literals below. scikit-learn's own estimator checks: test_keras_sklearn_estimator_checks.py."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sklearn = pytest.importorskip("sklearn", minversion="1.6")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from nn.keras.layers import Dense, Input  # noqa: E402
from nn.keras.models import Model  # noqa: E402
from nn.keras.optimizers import SGD, Adam, RMSprop  # noqa: E402
from nn.keras.wrappers import (  # noqa: E402
    SKLearnClassifier,
    SKLearnRegressor,
    SKLearnTransformer,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
QUIET = {"verbose": 0}


def fixed_weights(model):
    """Every weight a deterministic ramp (reversed, doubled for biases), the same in Keras."""
    model.set_weights([np.linspace(-0.3, 0.3, w.size).reshape(w.shape)[..., ::-1] * (1 + i % 2)
                       for i, w in enumerate(model.get_weights())])
    return model


def mlp(X, y, hidden, activation, out_activation, loss, optimizer, fixed=True):
    """Input -> Dense(hidden) -> Dense(y's columns): sized from the data, as Keras' docs'."""
    inputs = Input(shape=(X.shape[1],))
    hidden_out = Dense(hidden, activation=activation)(inputs)
    model = Model(inputs, Dense(y.shape[1], activation=out_activation)(hidden_out))
    model.compile(loss=loss, optimizer=optimizer)
    return fixed_weights(model) if fixed else model


def small(X, y, loss="mse", out_activation=None):
    """A quick model for behaviour tests (random weights)."""
    return mlp(X, y, 3, "relu", out_activation, loss, "sgd", fixed=False)


def small_classifier(**kwargs):
    return SKLearnClassifier(small, model_kwargs={"loss": "categorical_crossentropy",
                                                  "out_activation": "softmax"},
                             fit_kwargs=QUIET, **kwargs)


def compiled_model(n_features, n_outputs):
    inputs = Input(shape=(n_features,))
    model = Model(inputs, Dense(n_outputs)(inputs))
    model.compile(loss="mse", optimizer="sgd")
    return model


def three_animals():
    X, y = make_classification(n_samples=24, n_features=4, n_informative=3, n_redundant=0,
                               n_classes=3, n_clusters_per_class=1, random_state=0)
    return X, np.array(["cat", "dog", "emu"])[y]


def regression():
    X, y = make_regression(n_samples=20, n_features=3, noise=0.1, random_state=0)
    return X, y / 100


# --- the same training as Keras' -------------------------------------------------------

def test_classifier_trains_predicts_and_scores_as_keras():
    X, labels = three_animals()
    clf = SKLearnClassifier(
        mlp, model_kwargs=dict(hidden=5, activation="relu", out_activation="softmax",
                               loss="categorical_crossentropy", optimizer=Adam(0.05)),
        fit_kwargs=dict(epochs=6, batch_size=8, shuffle=False, verbose=0)).fit(X, labels)
    np.testing.assert_allclose(clf.history_.history["loss"], [
        1.20272696, 1.12414706, 1.01862276, 0.85810763, 0.69147938, 0.56310207], rtol=2e-5)
    np.testing.assert_allclose(clf.decision_function(X[:4]), [
        [0.12414640, 0.15026812, 0.72558552], [0.97780049, 0.01930354, 0.00289605],
        [0.90831858, 0.07749733, 0.01418413], [0.32363817, 0.38982332, 0.28653845]],
        atol=2e-5)
    assert clf.predict(X).tolist() == [
        "emu", "cat", "cat", "dog", "emu", "cat", "emu", "cat", "cat", "dog", "emu", "emu",
        "emu", "cat", "cat", "cat", "emu", "cat", "emu", "emu", "cat", "dog", "cat", "emu"]
    assert clf.score(X, labels) == pytest.approx(0.7916666666666666)
    assert clf.classes_.tolist() == ["cat", "dog", "emu"]


def test_regressor_trains_predicts_and_scores_as_keras():
    X, y = regression()
    reg = SKLearnRegressor(
        mlp, model_kwargs=dict(hidden=4, activation="tanh", out_activation=None, loss="mse",
                               optimizer=SGD(0.05)),
        fit_kwargs=dict(epochs=4, batch_size=5, shuffle=False, verbose=0)).fit(X, y)
    np.testing.assert_allclose(reg.history_.history["loss"], [
        0.87038171, 0.38050464, 0.27101001, 0.24346702], rtol=1e-5)
    np.testing.assert_allclose(reg.predict(X[:5]), [
        0.02315962, -0.06841624, 0.03179298, 0.06506417, 0.14073262], atol=1e-6)
    assert reg.score(X, y) == pytest.approx(0.05547268, abs=1e-6)


def test_transformer_trains_and_transforms_as_keras():
    X, y = regression()
    trs = SKLearnTransformer(
        mlp, model_kwargs=dict(hidden=3, activation="sigmoid", out_activation=None,
                               loss="mse", optimizer=RMSprop(0.01)),
        fit_kwargs=dict(epochs=2, batch_size=4, shuffle=False, verbose=0)).fit(X, y)
    np.testing.assert_allclose(trs.transform(X[:3]), [[-0.25643072], [-0.25515056],
                                                      [-0.28309250]], atol=1e-6)


# --- targets as the model sees them -------------------------------------------------------

@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from([-3, 0, 2, 7, 11]), min_size=4, max_size=12)
       .filter(lambda labels: len(set(labels)) > 1))
def test_classifier_one_hot_encodes_sorted_classes_and_decodes_the_argmax(labels):
    seen = {}

    def spy(X, y):
        seen["y"] = y
        return small(X, y, "categorical_crossentropy", "softmax")

    y = np.array(labels)
    X = np.arange(len(y) * 2, dtype=np.float64).reshape(len(y), 2)
    clf = SKLearnClassifier(spy, fit_kwargs=QUIET).fit(X, y)
    classes = np.unique(y)
    np.testing.assert_array_equal(clf.classes_, classes)
    np.testing.assert_array_equal(seen["y"], (y[:, None] == classes).astype(float))
    raw = clf.decision_function(X)
    np.testing.assert_array_equal(clf.predict(X), classes[raw.argmax(axis=1)])


@pytest.mark.parametrize("out_activation", ["sigmoid", "linear"])
def test_decision_functions_argmax_is_predict(out_activation):
    """Keras' test_sklearn_estimator_decision_function, on its data (sigmoid where Keras
    has softmax: rungrad's binary_crossentropy refuses a softmax before it)."""
    X, y = make_classification(n_samples=10, n_features=10, n_informative=4, n_classes=2,
                               random_state=42)
    clf = SKLearnClassifier(small, model_kwargs={"loss": "binary_crossentropy",
                                                 "out_activation": out_activation},
                            fit_kwargs={"epochs": 1, **QUIET}).fit(X, y)
    assert clf.decision_function(X[:1]).argmax(axis=-1) == clf.predict(X[:1])


def test_regressor_feeds_a_column_and_predicts_1d():
    seen = {}

    def spy(X, y):
        seen["y"] = y
        return small(X, y)

    X, y = regression()
    reg = SKLearnRegressor(spy, fit_kwargs=QUIET).fit(X, y)
    assert seen["y"].shape == (20, 1)
    assert reg.predict(X).shape == (20,)
    assert reg.n_features_in_ == 3


def test_transformer_returns_the_models_outputs():
    X, y = regression()
    trs = SKLearnTransformer(small, fit_kwargs=QUIET).fit(X, y)
    np.testing.assert_array_equal(trs.transform(X), trs.model_.predict(X))


def test_predict_proba_is_absent_as_in_keras():
    assert not hasattr(SKLearnClassifier(small), "predict_proba")


# --- the model: built, cloned, warm-started ---------------------------------------------

def test_a_given_model_is_cloned_at_each_fit_and_left_untouched():
    X, y = regression()
    given_model = compiled_model(3, 1)
    before = [w.copy() for w in given_model.get_weights()]
    reg = SKLearnRegressor(given_model, fit_kwargs={"epochs": 2, **QUIET}).fit(X, y)
    first = reg.model_
    assert first is not given_model
    for w, b in zip(given_model.get_weights(), before):
        np.testing.assert_array_equal(w, b)
    reg.fit(X, y)
    assert reg.model_ is not first


def test_warm_start_trains_the_given_model_on():
    X, y = regression()
    given_model = compiled_model(3, 1)
    reg = SKLearnRegressor(given_model, warm_start=True, fit_kwargs={"epochs": 2, **QUIET})
    reg.fit(X, y)
    assert reg.model_ is given_model
    after_first = [w.copy() for w in given_model.get_weights()]
    reg.fit(X, y)
    assert reg.model_ is given_model
    assert any(not np.array_equal(w, a) for w, a in zip(given_model.get_weights(), after_first))


def test_warm_start_reuses_the_built_model():
    X, y = three_animals()
    calls = []

    def counted(X, y):
        calls.append(1)
        return small(X, y, "categorical_crossentropy", "softmax")

    clf = SKLearnClassifier(counted, warm_start=True, fit_kwargs=QUIET).fit(X, y)
    model = clf.model_
    clf.fit(X, y)
    assert clf.model_ is model and len(calls) == 1


def test_model_kwargs_reach_the_model_function():
    X, y = regression()
    reg = SKLearnRegressor(mlp, model_kwargs=dict(hidden=7, activation="relu",
                                                  out_activation=None, loss="mse",
                                                  optimizer="sgd"), fit_kwargs=QUIET)
    assert reg.fit(X, y).model_.get_weights()[0].shape == (3, 7)


def test_fit_arguments_override_fit_kwargs_without_changing_them():
    X, y = regression()
    fit_kwargs = {"epochs": 2, **QUIET}
    reg = SKLearnRegressor(small, fit_kwargs=fit_kwargs)
    assert reg.epoch_ == 0
    assert reg.fit(X, y).epoch_ == 2
    assert reg.fit(X, y, epochs=3).epoch_ == 3
    assert fit_kwargs == {"epochs": 2, "verbose": 0} and reg.fit_kwargs is fit_kwargs
    assert reg.fit(X, y, epochs=5, initial_epoch=3).epoch_ == 5


# --- scikit-learn's machinery -----------------------------------------------------------

def test_get_params_set_params_and_clone():
    given_model = compiled_model(3, 1)
    reg = SKLearnRegressor(given_model, model_kwargs={"a": 1}, fit_kwargs={"epochs": 2})
    assert reg.get_params() == {"model": given_model, "warm_start": False,
                                "model_kwargs": {"a": 1}, "fit_kwargs": {"epochs": 2}}
    assert reg.set_params(warm_start=True) is reg and reg.warm_start
    copy = clone(reg)
    assert copy.get_params()["fit_kwargs"] == {"epochs": 2}  # (Keras' clone drops them)
    assert copy.model is not given_model and isinstance(copy.model, Model)
    assert copy.warm_start and not hasattr(copy, "model_")


def test_in_a_pipeline_with_cross_validation():
    X, y = three_animals()
    pipe = make_pipeline(StandardScaler(), small_classifier())
    scores = cross_val_score(pipe, X, y, cv=KFold(3))
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))
    assert set(pipe.fit(X, y).predict(X)) <= {"cat", "dog", "emu"}


def test_grid_search_over_fit_and_model_kwargs():
    X, y = regression()
    search = GridSearchCV(SKLearnRegressor(small, fit_kwargs=QUIET), cv=2, param_grid={
        "fit_kwargs": [{"epochs": 1, **QUIET}, {"epochs": 2, **QUIET}],
        "model_kwargs": [{"loss": "mse"}, {"loss": "mae"}]}).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_estimator_.model_.loss == search.best_params_["model_kwargs"]["loss"]
    assert search.best_estimator_.epoch_ == search.best_params_["fit_kwargs"]["epochs"]


def test_transformer_as_a_pipeline_step():
    X, y = three_animals()
    features = SKLearnTransformer(small, fit_kwargs=QUIET)
    pipe = make_pipeline(features, LogisticRegression()).fit(X, (y == "cat").astype(float))
    assert pipe.predict(X).shape == (24,)


def test_fit_metadata_is_routed_once_requested():
    X, y = regression()
    with pytest.raises(RuntimeError, match="metadata routing is enabled"):
        SKLearnRegressor(small).set_fit_request(epochs=True)
    with sklearn.config_context(enable_metadata_routing=True):
        reg = SKLearnRegressor(small, fit_kwargs=QUIET).set_fit_request(epochs=True)
        make_pipeline(StandardScaler(), reg).fit(X, y, epochs=3)
    assert reg.epoch_ == 3


def test_pickles_with_its_fitted_model():
    import pickle
    X, y = three_animals()
    clf = small_classifier().fit(X, y)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).decision_function(X),
                                  clf.decision_function(X))


# --- errors -----------------------------------------------------------------------------

def test_use_before_fit_is_refused():
    X, _ = regression()
    with pytest.raises(NotFittedError):
        small_classifier().predict(X)
    with pytest.raises(NotFittedError):
        SKLearnTransformer(small).transform(X)


def test_other_feature_counts_are_refused():
    X, y = regression()
    reg = SKLearnRegressor(small, fit_kwargs=QUIET).fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but SKLearnRegressor is "
                                         "expecting 3 features"):
        reg.predict(X[:, :2])


@pytest.mark.parametrize("y, message", [
    (np.zeros(20), "only one class is present"),
    (np.linspace(0, 1, 20), "Only binary and multiclass .* Target type: continuous"),
    (np.eye(2)[np.arange(20) % 2], "y should be a 1d array"),
])
def test_classifier_refuses_targets_it_cannot_learn(y, message):
    X, _ = regression()
    with pytest.raises(ValueError, match=message):
        small_classifier().fit(X, y)


def test_regressor_refuses_several_target_columns():
    X, y = regression()
    with pytest.raises(ValueError, match="y should be a 1d array"):
        SKLearnRegressor(small).fit(X, np.stack([y, y], axis=1))


def test_an_uncompiled_model_is_refused():
    X, y = regression()
    inputs = Input(shape=(3,))
    with pytest.raises(RuntimeError, match="needs to be compiled"):
        SKLearnRegressor(Model(inputs, Dense(1)(inputs))).fit(X, y)


@pytest.mark.parametrize("model, message", [
    (5, "model must be a compiled keras Model or a callable"),
    (lambda X, y: "a model", "must return a compiled keras Model; it returned str"),
])
def test_a_model_that_is_no_model_is_refused(model, message):
    X, y = regression()
    with pytest.raises(TypeError, match=message):
        SKLearnRegressor(model).fit(X, y)
