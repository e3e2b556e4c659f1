"""Keras' intersection-over-union metrics (segmentation): a (num_classes, num_classes)
confusion matrix of true against predicted labels, weighted and accumulated batch by batch
(so ranks add theirs), and from it each class's IoU = tp / (tp + fp + fn), averaged over the
target classes that occur.

IoU is the general one; MeanIoU averages every class; OneHotIoU / OneHotMeanIoU take one-hot
targets (and scores); BinaryIoU thresholds predictions into classes 0 and 1. As in Keras the
state is int32 unless `dtype` says otherwise, so fractional sample weights are truncated
(Keras' behaviour; a warning says so): pass dtype="float32" to weight by fractions.
"""

import numpy as np

from autograd.user_warnings import user_warning

from .metric import Metric, as_array, shape_error
from .thresholds import EPSILON

_VALID = 1e-9  # a class whose union is below this does not occur (is left out of the mean)


class IoU(Metric):
    """Keras' IoU: the mean IoU of the classes `target_class_ids` (one id: that class's IoU).
    Labels outside [0, num_classes), and targets equal to ignore_class, are not counted.
    sparse_y_true / sparse_y_pred False: the argmax along `axis` is the label."""

    _direction = "up"

    _options = ("num_classes", "target_class_ids", "ignore_class", "sparse_y_true",
                "sparse_y_pred", "axis")  # what get_config gives besides name and dtype

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None,
                 ignore_class=None, sparse_y_true=True, sparse_y_pred=True, axis=-1):
        who = type(self).__name__
        num_classes = _class_count(num_classes, who)
        ids = list(target_class_ids)
        if not ids or min(ids) < 0 or max(ids) >= num_classes:
            raise ValueError(f"{who}: target_class_ids must be class ids in [0, {num_classes}), "
                             f"got {ids}")
        super().__init__(name=name, dtype=dtype or "int32")  # (Keras' default: integer counts)
        self.num_classes, self.target_class_ids = num_classes, ids
        self.ignore_class, self.axis = ignore_class, axis
        self.sparse_y_true, self.sparse_y_pred = sparse_y_true, sparse_y_pred
        self.total_cm = self.add_variable(shape=(num_classes, num_classes), initializer="zeros",
                                          name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        given = y_true, y_pred
        true = self._labels(y_true, self.sparse_y_true)
        predicted = self._labels(y_pred, self.sparse_y_pred)
        if true.size != predicted.size:
            raise shape_error(self, *given, sample_weight, " (as many labels in each)")
        weights = self._weights(sample_weight, true.size, given)
        # only labels of classes count (Keras masks the others out), and no ignore_class target
        counted = (true >= 0) & (true < self.num_classes) & \
                  (predicted >= 0) & (predicted < self.num_classes)
        if self.ignore_class is not None:
            counted &= true != self.ignore_class
        cells = true[counted].astype(np.int64) * self.num_classes + \
            predicted[counted].astype(np.int64)
        matrix = np.bincount(cells, weights[counted], minlength=self.num_classes ** 2)
        self.total_cm.assign_add(matrix.reshape(self.total_cm.shape).astype(self.dtype))

    def _labels(self, values, sparse):
        """Flat labels in the metric's dtype (Keras casts them, truncating fractions); dense
        rows become their argmax along `axis`."""
        values = as_array(values)
        if not sparse:
            values = np.argmax(values, axis=self.axis)
        return values.astype(self.dtype).reshape(-1)

    def _weights(self, sample_weight, size, given):
        """One weight per label, in the metric's dtype (flattened and broadcast, as Keras)."""
        if sample_weight is None:
            return np.ones(size, self.dtype)
        weights = as_array(sample_weight).reshape(-1)
        if weights.size not in (1, size):
            raise shape_error(self, *given, sample_weight, f" ({size} labels, so 1 or {size} "
                                                           "weights)")
        cast = weights.astype(self.dtype)
        if cast.dtype.kind in "iu" and np.any(cast != weights):
            user_warning(f"{type(self).__name__} ({self.name!r}): sample weights cast to "
                         f"{self.dtype}, as Keras does, lose their fractions; give the "
                         "metric dtype='float32' to weight by fractions")
        return np.broadcast_to(cast, (size,))

    def result(self):
        matrix = self.total_cm.value
        true_positives = np.diagonal(matrix)
        union = matrix.sum(axis=0) + matrix.sum(axis=1) - true_positives  # tp + fp + fn
        ids = self.target_class_ids
        true_positives = true_positives[ids].astype(np.float32)  # (Keras: in float32)
        union = union[ids].astype(np.float32)
        occurs = union > _VALID
        iou = true_positives / (union + np.float32(EPSILON))  # (0 where union is: tp <= union)
        return (np.sum(iou, dtype=np.float32) / (np.float32(occurs.sum()) +
                                                 np.float32(EPSILON))).astype(np.float32)

    def get_config(self):
        return {**super().get_config(), **{key: getattr(self, key) for key in self._options}}


class MeanIoU(IoU):
    """Keras' MeanIoU: IoU averaged over every class that occurs."""

    _options = ("num_classes", "ignore_class", "sparse_y_true", "sparse_y_pred", "axis")

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        classes = range(_class_count(num_classes, type(self).__name__))
        super().__init__(num_classes, classes, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)


class OneHotIoU(IoU):
    """Keras' OneHotIoU: IoU of one-hot targets (their argmax along `axis`) against scores
    (their argmax, or labels with sparse_y_pred=True)."""

    _options = ("num_classes", "target_class_ids", "ignore_class", "sparse_y_pred", "axis")

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None,
                 ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)


class OneHotMeanIoU(MeanIoU):
    """Keras' OneHotMeanIoU: MeanIoU of one-hot targets, as OneHotIoU reads them."""

    _options = OneHotIoU._options[:1] + OneHotIoU._options[2:]  # (no target_class_ids)

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)


class BinaryIoU(IoU):
    """Keras' BinaryIoU: IoU of 0/1 targets against predictions made class 1 where they are
    >= threshold (compared in float32, as Keras), else 0; target_class_ids (0, 1): the mean
    of both classes' IoU."""

    _options = ("target_class_ids", "threshold")

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        predicted = as_array(y_pred, np.float32) >= np.float32(self.threshold)
        super().update_state(y_true, predicted, sample_weight)


def _class_count(num_classes, who):
    """num_classes, checked to be an integer >= 1."""
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) \
            or num_classes < 1:
        raise ValueError(f"{who}: num_classes must be an integer >= 1, got {num_classes!r}")
    return num_classes


__all__ = ["IoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU", "BinaryIoU"]
