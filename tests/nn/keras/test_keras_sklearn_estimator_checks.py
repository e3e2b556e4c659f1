"""scikit-learn's own estimator checks on keras.wrappers, as Keras' sklearn_test.py runs
them: the same estimators, model function and expected failures. On scikit-learn 1.9 with
Keras 3.15.1 (torch), Keras passes every check not listed here and xpasses five listed."""
import pytest

pytest.importorskip("sklearn", minversion="1.6")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from nn.keras.layers import Dense, Input  # noqa: E402
from nn.keras.models import Model  # noqa: E402
from nn.keras.wrappers import (  # noqa: E402
    SKLearnClassifier,
    SKLearnRegressor,
    SKLearnTransformer,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning",
                                        "ignore::sklearn.exceptions.DataConversionWarning")


def dynamic_model(X, y, loss, out_activation_function="softmax", layers=(10,)):
    """Keras' test model: an MLP sized from X's features and y's (encoded) columns."""
    inputs = Input(shape=(X.shape[1],))
    hidden = inputs
    for units in layers:
        hidden = Dense(units, activation="relu")(hidden)
    outputs = [Dense(y.shape[1] if y.ndim > 1 else 1,
                     activation=out_activation_function)(hidden)]
    model = Model(inputs, outputs)
    model.compile(loss=loss, optimizer="rmsprop")
    return model


# Keras' list, reasons included: the checks it marks as expected to fail.
EXPECTED_FAILED_CHECKS = {
    "SKLearnClassifier": {
        "check_classifiers_regression_target": "not an issue in sklearn>=1.6",
        "check_parameters_default_constructible": "not an issue in sklearn>=1.6",
        "check_classifiers_one_label_sample_weights": "0 sample weight is not ignored",
        "check_classifiers_classes": ("with small test cases the estimator returns not all "
                                      "classes sometimes"),
        "check_classifier_data_not_an_array": "This test assumes reproducibility in fit.",
        "check_supervised_y_2d": "This test assumes reproducibility in fit.",
        "check_fit_idempotent": "This test assumes reproducibility in fit.",
        "check_classifiers_train": "decision_function can return both probabilities and logits",
    },
    "SKLearnRegressor": {
        "check_parameters_default_constructible": "not an issue in sklearn>=1.6",
    },
    "SKLearnTransformer": {
        "check_parameters_default_constructible": "not an issue in sklearn>=1.6",
    },
}


@parametrize_with_checks(
    [
        SKLearnClassifier(model=dynamic_model,
                          model_kwargs={"loss": "categorical_crossentropy",
                                        "layers": [20, 20, 20]},
                          fit_kwargs={"epochs": 5, "verbose": 0}),
        SKLearnRegressor(model=dynamic_model, model_kwargs={"loss": "mse"},
                         fit_kwargs={"verbose": 0}),
        SKLearnTransformer(model=dynamic_model, model_kwargs={"loss": "mse"},
                           fit_kwargs={"verbose": 0}),
    ],
    expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS[type(estimator).__name__],
)
def test_sklearn_estimator_checks(estimator, check):
    """Each of scikit-learn's checks that Keras' wrappers pass, passes here."""
    check(estimator)
