"""Keras' thresholded confusion counts (metrics_utils.update_confusion_matrix_variables):
for each threshold t, the (weighted) number of true positives, false positives, true and
false negatives when a prediction p counts as positive where p > t. What Precision, Recall,
AUC and the counts accumulate, batch by batch.

Evenly spaced thresholds (AUC's 200) are counted as Keras counts them, by bucketing each
prediction at ceil(p (T - 1)) - 1 in the metric's dtype (predictions clipped to [0, 1]),
which is also what makes a prediction exactly on a threshold fall where Keras puts it;
other thresholds by comparing every prediction with each.
"""
import numpy as np

from ..losses import EPSILON  # keras.backend.epsilon()
from .metric import as_array, same_rank

NEG_INF = -1e10  # what top_k gives the predictions it leaves out (Keras')
COUNTS = ("tp", "fp", "tn", "fn")
COUNT_NAMES = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives",
               "fn": "false_negatives"}  # the attributes (and variables) as Keras names them


def add_counts(metric, keys, shape):
    """The confusion counts `keys` as the metric's variables of `shape`, zeros, each an
    attribute named as Keras names it (metric.true_positives, ...)."""
    for key in keys:
        name = COUNT_NAMES[key]
        setattr(metric, name, metric.add_variable(shape=shape, initializer="zeros", name=name))


def counts_of(metric, keys):
    """{key: the metric's variable} for the counts `keys` (what update_confusion fills)."""
    return {key: getattr(metric, COUNT_NAMES[key]) for key in keys}


def count_values(metric, keys):
    """The arrays of the metric's counts `keys`, in that order."""
    return [getattr(metric, COUNT_NAMES[key]).value for key in keys]


def parse_thresholds(thresholds, default, who):
    """A list of thresholds from None (the default), a number or a list, each in [0, 1]."""
    values = [default] if thresholds is None else (
        list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds])
    if thresholds is not None:
        bad = [t for t in values if t is None or not 0 <= t <= 1]
        if bad:
            raise ValueError(f"{who}: threshold values must be in [0, 1], got {bad}")
    return values


def evenly_spaced_inner(n):
    """Keras' n evenly spaced thresholds without their two ends: i / (n - 1), 0 < i < n-1."""
    return [(i + 1) / (n - 1) for i in range(n - 2)]


def evenly_spaced(thresholds):
    """Whether the thresholds are i / (n - 1), i = 0..n-1, n >= 3 (Keras' test)."""
    n = len(thresholds)
    return n >= 3 and np.allclose(thresholds, np.arange(n, dtype=np.float32) / (n - 1),
                                  atol=EPSILON)


def filter_top_k(y_pred, k):
    """y_pred with all but the k largest of each row (the first of ties) set to NEG_INF."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, bool)
    np.put_along_axis(keep, order, True, axis=-1)
    return np.where(keep, y_pred, NEG_INF).astype(y_pred.dtype)


def update_confusion(variables, y_true, y_pred, thresholds, evenly=False, top_k=None,
                     class_id=None, sample_weight=None, multi_label=False,
                     label_weights=None):
    """Add the counts of this batch to `variables` ({'tp'|'fp'|'tn'|'fn': MetricVariable},
    each of shape (T,), or (T, labels) with multi_label: counted per label)."""
    dtype = next(iter(variables.values())).dtype
    y_pred, y_true = same_rank(as_array(y_pred, dtype), as_array(y_true, dtype))
    weights = None
    if sample_weight is not None:
        _, weights = same_rank(y_true, as_array(sample_weight, dtype)[..., None],
                               expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 0 or not -y_pred.shape[-1] <= class_id < y_pred.shape[-1]:
            raise ValueError(f"class_id={class_id} is not a class of y_pred of shape "
                             f"{y_pred.shape} (its last axis holds the classes)")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    if weights is not None:
        weights = np.broadcast_to(weights, y_pred.shape)
    if label_weights is not None:
        lw = np.broadcast_to(np.asarray(label_weights, dtype), y_pred.shape)
        weights = lw if weights is None else weights * lw
    columns = y_pred.shape[-1] if multi_label else 1  # one count per label, or for all
    y_true, y_pred = y_true.reshape(-1, columns), y_pred.reshape(-1, columns)
    weights = np.ones_like(y_pred) if weights is None else weights.reshape(-1, columns)
    counts = (_bucketed if evenly else _compared)(y_true != 0, y_pred,
                                                  np.asarray(thresholds, dtype), weights)
    for key, variable in variables.items():
        variable.assign_add(counts[key] if multi_label else counts[key][:, 0])


def _bucketed(positive, y_pred, thresholds, weights):
    """Counts for evenly spaced thresholds: each prediction's weight added to the bucket of
    the highest threshold it exceeds (bucket -1: none, NaN included), then summed from the
    top down for the counts above a threshold (Keras' order) and from the bottom up for
    those not above it, so that a count with nothing in it is exactly 0 (total - above, in
    float32, can come out below 0 and make a rate negative)."""
    steps = len(thresholds)
    y_pred = np.clip(y_pred, 0.0, 1.0)
    bucket = np.ceil(y_pred * y_pred.dtype.type(steps - 1)) - 1
    if thresholds[0] < 0 or thresholds[-1] > 1:  # (AUC's outer thresholds, -eps and 1 + eps)
        bucket = np.maximum(bucket, 0)
    # row 0: above no threshold (a prediction of 0, or NaN); row b + 1: bucket b
    rows = np.where(np.isnan(bucket), 0, bucket + 1).astype(np.int64)
    columns = np.broadcast_to(np.arange(y_pred.shape[1]), y_pred.shape)
    hist = {}
    for key, label in (("true", positive), ("false", ~positive)):
        hist[key] = np.zeros((steps + 1, y_pred.shape[1]))
        np.add.at(hist[key], (rows, columns), weights * label)
    above = {key: np.cumsum(h[::-1], axis=0)[::-1][1:] for key, h in hist.items()}
    below = {key: np.cumsum(h, axis=0)[:-1] for key, h in hist.items()}
    return {"tp": above["true"], "fp": above["false"], "tn": below["false"],
            "fn": below["true"]}


def _compared(positive, y_pred, thresholds, weights):
    """Counts for any thresholds: every prediction compared with each, (T, N, columns)."""
    above = y_pred[None] > thresholds[:, None, None]
    truth = positive[None]
    return {key: np.where(label & predicted, weights[None], 0).sum(axis=1)
            for key, label, predicted in (("tp", truth, above), ("fp", ~truth, above),
                                          ("tn", ~truth, ~above), ("fn", truth, ~above))}


def divide_no_nan(a, b):
    """a / b, 0 where b is 0 (Keras' ops.divide_no_nan)."""
    a, b = np.broadcast_arrays(np.asarray(a), np.asarray(b))
    return np.divide(a, b, out=np.zeros(a.shape, np.result_type(a, b)), where=b != 0)


__all__ = ["add_counts", "counts_of", "count_values", "parse_thresholds", "evenly_spaced",
           "update_confusion", "divide_no_nan", "filter_top_k", "NEG_INF", "EPSILON", "COUNTS",
           "COUNT_NAMES"]
