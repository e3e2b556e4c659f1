"""keras.wrappers.SKLearnClassifier: a Keras classifier as a scikit-learn estimator."""
import numpy as np

from .sklearn_base import SKLearnBase
from .sklearn_required import sklearn
from .target_shape import one_hot_targets


class SKLearnClassifier(sklearn.base.ClassifierMixin, SKLearnBase):
    """Keras' SKLearnClassifier: labels (n,) of any kind are one-hot encoded, (n, classes),
    for the model, and predict returns each row's argmax class. classes_: the sorted labels.
    score: mean accuracy. decision_function: the model's raw outputs (Keras has no
    predict_proba). Binary and multiclass targets only. Arguments as SKLearnBase's."""

    def decision_function(self, X):
        """The model's raw outputs for X: (n_samples, n_classes)."""
        return self._raw_output(X)

    def _process_target(self, y, reset=False):
        """One-hot (n, classes) targets; reset learns the classes (at least two)."""
        target_type = sklearn.utils.multiclass.type_of_target(y, raise_unknown=True)
        if target_type not in ("binary", "multiclass"):
            raise ValueError("Only binary and multiclass target types are supported. "
                             f"Target type: {target_type}")
        if reset:
            self._target_encoder = one_hot_targets().fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._target_encoder.transform(y)

    def __sklearn_tags__(self):
        """A small network trained briefly may score below scikit-learn's bar."""
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


__all__ = ["SKLearnClassifier"]
