"""keras.wrappers: Keras models as scikit-learn estimators (`SKLearnClassifier`,
`SKLearnRegressor`, `SKLearnTransformer`), with Keras' arguments and behaviour. They stand
on scikit-learn, an optional dependency (pip install 'rungrad[datasets]'), imported only
when one of them is first reached: `import nn.keras` never needs it."""
from autograd.lazy import lazy_attributes

__getattr__, __dir__ = lazy_attributes(__name__, names={
    "SKLearnClassifier": "classifier", "SKLearnRegressor": "regressor",
    "SKLearnTransformer": "transformer",
})

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
