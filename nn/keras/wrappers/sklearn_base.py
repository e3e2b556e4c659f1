"""What Keras' three scikit-learn wrappers share: the constructor, fit, predict, the target
encoding hooks, the estimator tags and fit's metadata requests."""
from .model_source import model_to_fit
from .sklearn_required import sklearn, validate_data
from .target_shape import ColumnTargets


class SKLearnBase(sklearn.base.BaseEstimator):
    """A Keras model as a scikit-learn estimator.

    model: a compiled keras Model (cloned, fresh weights, at each fit unless warm_start), or
    a callable model(X=X, y=y, **model_kwargs) returning one, y as the model sees it.
    warm_start: reuse the last fit's model_ (weights and optimizer state) instead.
    fit_kwargs: passed to model.fit; fit's own keyword arguments take precedence.
    After fit: model_ (the fitted Model), history_ (what model.fit returned),
    n_features_in_ (and feature_names_in_ for named columns).
    """

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_tags__(self):
        """Training draws random weights and batches: scikit-learn must not expect equal
        results from two fits."""
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    @property
    def epoch_(self):
        """The epoch the last fit reached: history_.epoch's last + 1 (so fit's initial_epoch
        counts), 0 before any fit. (Keras' own reads history_ as a dict and fails.)"""
        epochs = getattr(getattr(self, "history_", None), "epoch", None)
        return epochs[-1] + 1 if epochs else 0

    def set_fit_request(self, **kwargs):
        """Route metadata to fit under scikit-learn's metadata routing: param=True, False,
        None or an alias string, as scikit-learn's set_*_request. Returns self."""
        if not sklearn.get_config().get("enable_metadata_routing", False):
            raise RuntimeError("This method is only available when metadata routing is "
                               "enabled. You can enable it using "
                               "sklearn.set_config(enable_metadata_routing=True).")
        requests = self._get_metadata_request()
        for param, alias in kwargs.items():
            requests.fit.add_request(param=param, alias=alias)
        self._metadata_request = requests
        return self

    def fit(self, X, y, **kwargs):
        """Fit the model on X (n_samples, n_features) and y (n_samples,); kwargs go to
        model.fit (over fit_kwargs). Returns self."""
        X, y = validate_data(self, X, y)
        y = self._process_target(y, reset=True)
        model = model_to_fit(self, X, y)
        self.history_ = model.fit(X, y, **{**(self.fit_kwargs or {}), **kwargs})
        self.model_ = model
        return self

    def predict(self, X):
        """The model's predictions for X, decoded back into y's form."""
        return self._reverse_process_target(self._raw_output(X))

    def _raw_output(self, X):
        """model_.predict(X) (n_samples, outputs), after checking fit and X's features."""
        sklearn.utils.validation.check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X)

    def _process_target(self, y, reset=False):
        """y as the model sees it: here one column per target (reset: learn y's shape)."""
        sklearn.utils.multiclass.type_of_target(y, raise_unknown=True)
        if reset:
            self._target_encoder = ColumnTargets().fit(y)
        return self._target_encoder.transform(y)

    def _reverse_process_target(self, y):
        """The model's outputs back in y's form."""
        return self._target_encoder.inverse_transform(y)


__all__ = ["SKLearnBase"]
