"""keras.wrappers.SKLearnRegressor: a Keras regressor as a scikit-learn estimator."""
from .sklearn_base import SKLearnBase
from .sklearn_required import sklearn


class SKLearnRegressor(sklearn.base.RegressorMixin, SKLearnBase):
    """Keras' SKLearnRegressor: y (n,) is fed to the model as (n, 1), predict returns (n,).
    score: the coefficient of determination R^2. Arguments as SKLearnBase's."""

    def __sklearn_tags__(self):
        """A small network trained briefly may score below scikit-learn's bar."""
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


__all__ = ["SKLearnRegressor"]
