"""keras.wrappers.SKLearnTransformer: a Keras model as a scikit-learn transformer (a
pipeline step whose output is the model's, e.g. an embedding)."""
from .sklearn_base import SKLearnBase
from .sklearn_required import sklearn


class SKLearnTransformer(sklearn.base.TransformerMixin, SKLearnBase):
    """Keras' SKLearnTransformer: fit(X, y) trains the model on (X, y), transform(X) is
    model_.predict(X). Arguments as SKLearnBase's."""

    def transform(self, X):
        """The model's outputs for X: (n_samples, outputs)."""
        return self._raw_output(X)

    def __sklearn_tags__(self):
        """The model's outputs are its own dtype (float32), whatever X's was."""
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags


__all__ = ["SKLearnTransformer"]
