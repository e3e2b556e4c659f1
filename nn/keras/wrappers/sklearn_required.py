"""scikit-learn, imported here once for keras.wrappers: a missing (or pre-1.6) install
raises an ImportError that names the extra providing it."""
try:
    import sklearn
    import sklearn.base
    import sklearn.pipeline
    import sklearn.preprocessing
    import sklearn.utils.multiclass
    import sklearn.utils.validation
    from sklearn.utils.validation import validate_data
except ImportError:
    # validate_data arrived in scikit-learn 1.6; older ones lack the estimator tags API too.
    raise ImportError("keras.wrappers (SKLearnClassifier, SKLearnRegressor, "
                      "SKLearnTransformer) need scikit-learn>=1.6: "
                      "pip install 'rungrad[datasets]' (or pip install scikit-learn)") from None

__all__ = ["sklearn", "validate_data"]
