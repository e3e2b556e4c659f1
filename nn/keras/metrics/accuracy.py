"""Keras' accuracy metrics: the share of samples whose prediction matches the target, as
functions of (y_true, y_pred) giving each sample's 0/1 and as the running-mean classes."""
import numpy as np

from .mean_of import MeanOf
from .metric import as_array, same_rank


def accuracy(y_true, y_pred):
    """1 where y_pred equals y_true exactly (Keras' Accuracy: for labels, not scores)."""
    y_pred = as_array(y_pred)
    y_true, y_pred = same_rank(as_array(y_true, y_pred.dtype), y_pred)
    return (y_true == y_pred).astype("float32")


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1 where (y_pred > threshold) equals y_true, element by element."""
    y_true, y_pred = same_rank(as_array(y_true), as_array(y_pred))
    return (y_true == (y_pred > threshold).astype(y_true.dtype)).astype("float32")


def categorical_accuracy(y_true, y_pred):
    """1 where the argmax of y_pred is that of the one-hot y_true."""
    return _matches(as_array(y_true).argmax(axis=-1), as_array(y_pred), "categorical_accuracy")


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the argmax of y_pred is the label y_true ((N,) or (N, 1))."""
    return _matches(as_array(y_true), as_array(y_pred), "sparse_categorical_accuracy")


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the class of the one-hot y_true is among y_pred's k largest (ties in)."""
    return _in_top_k(as_array(y_true).argmax(axis=-1), as_array(y_pred), k,
                     "top_k_categorical_accuracy")


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1 where the label y_true is among y_pred's k largest; with from_sorted_ids, y_pred
    holds class ids, best first, and the label is looked for in the first k."""
    y_true, y_pred = as_array(y_true), as_array(y_pred)
    if from_sorted_ids:
        labels = _labels(y_true, y_pred, "sparse_top_k_categorical_accuracy", check=False)
        found = (_rows(y_pred, labels)[:, :k] == labels[:, None]).any(axis=1)
        return found.astype("float32").reshape(y_pred.shape[:-1])
    return _in_top_k(y_true, y_pred, k, "sparse_top_k_categorical_accuracy")


def _labels(y_true, y_pred, who, check=True):
    """The labels flattened, one per row of y_pred (classes on its last axis), checked to be
    classes of it."""
    rows = int(np.prod(y_pred.shape[:-1]))
    if y_pred.ndim < 2 or y_true.size != rows:
        raise ValueError(f"{who}: y_true of shape {y_true.shape} does not hold one label per "
                         f"row of y_pred of shape {y_pred.shape} (classes on its last axis)")
    labels = y_true.reshape(-1)
    if check and labels.size and (labels.min() < 0 or labels.max() >= y_pred.shape[-1]
                                  or np.any(labels != np.floor(labels))):
        raise ValueError(f"{who}: labels must be class indices in [0, {y_pred.shape[-1]}), got "
                         f"{np.unique(labels[(labels < 0) | (labels >= y_pred.shape[-1])])[:10]}")
    return labels.astype(np.int64)


def _rows(y_pred, labels):
    """y_pred as (labels, classes), one row per label (the classes' count given: an empty
    batch, such as one whose every label the loss ignores, reshapes too)."""
    return y_pred.reshape(len(labels), y_pred.shape[-1])


def _matches(y_true, y_pred, who):
    # (a label that is no class, a void label such as 255, is a miss: Keras compares)
    labels = _labels(y_true, y_pred, who, check=False)
    predicted = _rows(y_pred, labels).argmax(axis=1)
    return (predicted == labels).astype("float32").reshape(y_pred.shape[:-1])


def _in_top_k(y_true, y_pred, k, who):
    """Whether each label is among its row's k largest scores (a label that is no class,
    and any label for k < 1, a miss, as Keras' in_top_k)."""
    labels = _labels(y_true, y_pred, who, check=False)
    scores = _rows(y_pred, labels)
    classes = (labels >= 0) & (labels < scores.shape[1])
    if k < 1:
        hit = np.zeros(len(labels), bool)
    elif k >= scores.shape[1]:
        hit = classes
    else:
        kth = np.partition(scores, -k, axis=1)[:, -k]  # the k-th largest: a tie with it is in
        hit = classes & (scores[np.arange(len(labels)), np.where(classes, labels, 0)] >= kth)
    return hit.astype("float32").reshape(y_pred.shape[:-1])


class Accuracy(MeanOf):
    """Keras' Accuracy: how often y_pred equals y_true (labels against labels)."""

    _direction = "up"

    function = staticmethod(accuracy)

    def __init__(self, name="accuracy", dtype=None):
        self._start(name, dtype)


class BinaryAccuracy(MeanOf):
    """Keras' BinaryAccuracy: y_pred > threshold against the 0/1 targets."""

    _direction = "up"

    function = staticmethod(binary_accuracy)

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        self._start(name, dtype, threshold=threshold)


class CategoricalAccuracy(MeanOf):
    """Keras' CategoricalAccuracy: the argmax against one-hot targets."""

    _direction = "up"

    function = staticmethod(categorical_accuracy)

    def __init__(self, name="categorical_accuracy", dtype=None):
        self._start(name, dtype)


class SparseCategoricalAccuracy(MeanOf):
    """Keras' SparseCategoricalAccuracy: the argmax against integer labels."""

    _direction = "up"

    function = staticmethod(sparse_categorical_accuracy)

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        self._start(name, dtype)


class TopKCategoricalAccuracy(MeanOf):
    """Keras' TopKCategoricalAccuracy: the one-hot target's class among the k largest."""

    _direction = "up"

    function = staticmethod(top_k_categorical_accuracy)

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        self._start(name, dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanOf):
    """Keras' SparseTopKCategoricalAccuracy: the label among the k largest."""

    _direction = "up"

    function = staticmethod(sparse_top_k_categorical_accuracy)

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        self._start(name, dtype, k=k, from_sorted_ids=from_sorted_ids)

    def get_config(self):
        config = super().get_config()
        if not self.from_sorted_ids:  # (Keras writes it only when set)
            del config["from_sorted_ids"]
        return config


__all__ = ["accuracy", "binary_accuracy", "categorical_accuracy",
           "sparse_categorical_accuracy", "top_k_categorical_accuracy",
           "sparse_top_k_categorical_accuracy", "Accuracy", "BinaryAccuracy",
           "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
           "SparseTopKCategoricalAccuracy"]
