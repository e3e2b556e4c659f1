"""Targets as the wrapped model sees them: 1-D y becomes one column, and the model's
one-column predictions become 1-D again (what a 1-D y was)."""
import numpy as np

from .sklearn_required import sklearn


class ColumnTargets(sklearn.base.TransformerMixin, sklearn.base.BaseEstimator):
    """y (n,) <-> (n, 1); y of two or more dimensions passes through unchanged."""

    def fit(self, y):
        """Remember y's ndim (ndim_), so inverse_transform knows whether to flatten."""
        self.ndim_ = np.ndim(y)
        return self

    def transform(self, y):
        """(n,) -> (n, 1); other shapes unchanged."""
        y = np.asarray(y)
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, y):
        """(n, 1) -> (n,) when fitted on 1-D targets; anything else unchanged (a model
        with more output columns than y had keeps them)."""
        sklearn.utils.validation.check_is_fitted(self)
        y = np.asarray(y)
        if self.ndim_ == 1 and y.ndim == 2 and y.shape[1] == 1:
            return y[:, 0]
        return y


def one_hot_targets():
    """Class labels (n,) <-> one-hot (n, classes): the column reshaping, then scikit-learn's
    OneHotEncoder, whose inverse takes each row's argmax (so probabilities decode too)."""
    return sklearn.pipeline.make_pipeline(
        ColumnTargets(), sklearn.preprocessing.OneHotEncoder(sparse_output=False))


__all__ = ["ColumnTargets", "one_hot_targets"]
