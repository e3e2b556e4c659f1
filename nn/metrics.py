"""Evaluation metrics giving scikit-learn's results, on NumPy arrays or Variables.

Label metrics (accuracy, precision, recall, f1_score, confusion_matrix) also take
model outputs, turned into labels by `to_labels`:

* 2-D scores (n, k), k > 1 (probabilities, logits, one-hot rows): argmax per row;
* an (n, 1) column is read as 1-D;
* 1-D floats that are not all whole numbers and lie in [0, 1] are probabilities of
  class 1: label 1 where p > threshold (0.5, Keras' rule), else 0;
* anything else is taken as labels.

Probabilities of class 1 are read as labels 0 and 1, so y_true must then hold 0s and 1s;
NaN outputs are refused (a diverged model's argmax would read them as class 0).

y_true itself must hold labels (or one-hot rows): fractional values there are an error,
as in scikit-learn, since they mean the arguments were swapped (metric(y_pred, y_true)).

Multi-label targets, an (n, k) matrix of 0s and 1s with some row not one-hot (several
classes per sample, or none), are scored label by label as scikit-learn does: accuracy is
the share of rows predicted exactly, precision/recall/F1 count each column (average
'micro', 'macro', 'weighted', 'samples' or None; `labels` picks columns), AUC ranks each
column; y_pred is then a 0/1 matrix of the same shape or probabilities (> threshold).

Where this differs from scikit-learn: no sample_weight; an undefined ratio (e.g.
precision with no positive prediction) is `zero_division` (default 0, scikit-learn's
value) without a warning; roc_auc_score defaults to multi_class='ovr' instead of
raising, and binary scores may be given as (n, 2) probabilities (column 1 is used);
regression metrics compute in float64.

Beside these, `nn.functional.accuracy(y, t)` (DeZero's F.accuracy) takes the arguments the
other way round, scores first, and returns a 0-d Variable without gradient, for training
loops that sum `float(acc.data) * len(t)`.
"""

import numpy as np

from autograd.backend import to_cpu

from .layers.input_layer import is_text_dtype

__all__ = ["accuracy", "precision", "recall", "f1_score", "confusion_matrix",
           "roc_auc_score", "roc_curve", "precision_recall_curve",
           "mean_squared_error", "mean_absolute_error", "r2_score", "to_labels"]


# ---------------------------------------------------------------- input checks

def _samples(x, name):
    """`x` as an array with a sample axis."""
    x = to_cpu(x)
    if x.ndim == 0:
        raise ValueError(f"{name} must be an array of samples, got a scalar")
    return x


def _check_lengths(y_true, y_pred, what="y_pred"):
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has shape {y_true.shape} but {what} has shape "
                         f"{y_pred.shape}: they need the same number of samples")


def to_labels(y, threshold=0.5, *, scores=True):
    """Class labels (n,) from labels, one-hot rows, probabilities or logits.

    See the module docstring for the rules. scores=False (true labels): fractional values
    are refused rather than thresholded: they are scores, passed first by mistake, and would
    give a plausible but wrong result.
    """
    return _read_labels(y, threshold, scores)[0]


def _read_labels(y, threshold, scores):
    """(to_labels' labels, whether they were thresholded from probabilities of class 1)."""
    y = _samples(y, "y" if scores else "y_true")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.dtype.kind == "f" and np.isnan(y).any():
        if not scores:
            raise ValueError("y_true contains NaN: a missing label cannot be scored (drop "
                             "those samples first)")
        raise ValueError("y_pred contains NaN: the model's outputs are not numbers (did "
                         "training diverge?), and no label can be read from them")
    if y.ndim == 2:
        if not scores and not _is_indicator(y):
            raise ValueError(f"y_true of shape {y.shape} holds rows that are not one-hot (soft "
                             "or smoothed labels, or scores passed first): give the class "
                             "labels, or one-hot rows")
        return y.argmax(axis=1), False
    if y.ndim != 1:
        raise ValueError(f"expected labels (n,) or scores (n, k), got shape {y.shape}")
    if y.dtype.kind != "f" or np.all(y == np.round(y)):
        return y, False
    if not scores:
        shown = ", ".join(f"{v:g}" for v in y[y != np.round(y)][:3])
        raise ValueError(f"y_true holds fractional values ({shown}, ...), not class labels: "
                         "the true labels go first and the predictions or scores second, "
                         "metric(y_true, y_pred)")
    if np.all((y >= 0) & (y <= 1)):
        return (y > threshold).astype(np.int64), True
    raise ValueError("1-D float predictions outside [0, 1] that are not whole numbers: "
                     "pass labels, probabilities (apply a sigmoid to logits), or (n, k) "
                     "class scores")


def _label_pair(y_true, y_pred, threshold=0.5):
    y_true, y_pred = _samples(y_true, "y_true"), _samples(y_pred, "y_pred")
    _check_classes_fit(y_true, y_pred)
    y_true = to_labels(y_true, scores=False)
    y_pred, thresholded = _read_labels(y_pred, threshold, scores=True)
    _check_lengths(y_true, y_pred)
    _check_label_kinds(y_true, y_pred)
    if thresholded and y_true.dtype.kind in "fiub" and not np.isin(y_true, (0, 1)).all():
        classes = np.unique(y_true)
        raise ValueError(f"y_pred holds probabilities of class 1, read as labels 0 and 1, but "
                         f"y_true's labels are {classes[:6].tolist()}: give y_pred as labels "
                         f"of y_true's kind, or y_true as 0 and 1")
    if len(y_true) == 0:
        raise ValueError("no samples: a label metric of nothing is undefined")
    return y_true, y_pred


def _check_classes_fit(y_true, y_pred):
    """Where y_pred is (n, k) class scores, read by argmax as classes 0..k-1: y_true's
    labels must be among them (one-hot rows k wide), or column j would be scored against
    some other label j."""
    if y_pred.ndim != 2 or y_pred.shape[1] < 2:
        return
    k = y_pred.shape[1]
    if y_true.ndim == 2 and y_true.shape[1] > 1:
        if y_true.shape[1] != k:
            raise ValueError(f"y_true's one-hot rows are {y_true.shape[1]} wide but y_pred "
                             f"scores {k} classes (shape {y_pred.shape}): they must agree")
        return
    labels = y_true.reshape(-1)
    if is_text_dtype(labels.dtype) or labels.dtype.kind not in "biuf" or not len(labels):
        return  # (a mix of kinds, or no samples: refused by the checks after this one)
    outside = labels[~((labels >= 0) & (labels < k) & (labels == np.round(labels)))]
    if len(outside):
        raise ValueError(f"y_pred scores {k} classes (shape {y_pred.shape}), read as labels "
                         f"0..{k - 1} by their largest score, but y_true holds labels outside "
                         f"them: {np.unique(outside)[:6].tolist()}")


def _check_label_kinds(*arrays):
    """Strings and numbers never compare equal: a mix would score every sample wrong."""
    kinds = {"text" if is_text_dtype(a.dtype) else "number" for a in arrays}
    if len(kinds) > 1:
        raise ValueError(f"a mix of label types (strings and numbers: {arrays[0].dtype} and "
                         f"{arrays[1].dtype}); give both as the same kind")


def _check_labels_kind(y_true, labels, function):
    """`labels` (non-empty) must be of y_true's kind: a string never equals a number, so
    labels of the other kind would match no sample and score a silent 0."""
    if labels.size and is_text_dtype(labels.dtype) != is_text_dtype(y_true.dtype):
        kinds = ("numbers", "strings")[::1 if is_text_dtype(y_true.dtype) else -1]
        raise ValueError(f"{function}: labels {labels.tolist()[:6]} are {kinds[0]} but y_true "
                         f"holds {kinds[1]} ({y_true.dtype}): none could match; give labels "
                         f"of y_true's kind")


def _is_indicator(y):
    """Whether y is an (n, k > 1) matrix of 0s and 1s."""
    return (y.ndim == 2 and y.shape[1] > 1 and y.dtype.kind in "biuf"
            and bool(np.isin(y, (0, 1)).all()))


def _multilabel_pair(y_true, y_pred, threshold=0.5, indicators=False):
    """(T, P) as boolean (n, k) when either side is multi-label (a 0/1 matrix with a row
    that is not one-hot, or with `indicators` any 0/1 matrix, as scikit-learn reads one for
    average='samples'); None for single-label data."""
    y_true, y_pred = _samples(y_true, "y_true"), _samples(y_pred, "y_pred")
    if not any(_is_indicator(y) and (indicators or not (y.sum(axis=1) == 1).all())
               for y in (y_true, y_pred)):
        return None
    if not _is_indicator(y_true) or y_pred.shape != y_true.shape:
        raise ValueError(f"multi-label data needs y_true and y_pred as (n, k) matrices of the "
                         f"same shape, y_true of 0s and 1s; got {y_true.shape} ({y_true.dtype}) "
                         f"and {y_pred.shape} ({y_pred.dtype})")
    if not _is_indicator(y_pred):
        if y_pred.dtype.kind != "f" or not np.all((y_pred >= 0) & (y_pred <= 1)):
            raise ValueError("multi-label y_pred must be 0s and 1s or probabilities in [0, 1]")
        y_pred = y_pred > threshold
    if len(y_true) == 0:
        raise ValueError("no samples: a label metric of nothing is undefined")
    return y_true.astype(bool), y_pred.astype(bool)


def _one_hot_classes(y_true, labels, average=None):
    """`labels`, or for one-hot y_true (n, k) every class 0..k-1, as scikit-learn scores the
    k columns of an indicator matrix (a class absent from both sides counts, with 0)."""
    y_true = _samples(y_true, "y_true")
    one_hot = _is_indicator(y_true)
    if one_hot and average == "binary" and y_true.shape[1] > 2:  # (labels= or not)
        raise ValueError(f"one-hot y_true of {y_true.shape[1]} classes is multi-class but "
                         "average='binary': choose 'macro', 'micro', 'weighted' or None")
    if labels is not None:
        return _distinct(labels)
    return np.arange(y_true.shape[1]) if one_hot else None


def _distinct(labels):
    """`labels` as an array, refused when a label repeats (its counts would be split)."""
    labels = np.asarray(labels)
    if len(np.unique(labels)) != len(labels):
        raise ValueError(f"labels must be distinct, got {labels.tolist()}")
    return labels


def _positions(values, labels):
    """Index of each value in `labels`, or -1 where it is not one of them."""
    if len(labels) == 0:
        return np.full(len(values), -1)
    order = np.argsort(labels, kind="stable")
    pos = np.searchsorted(labels[order], values).clip(max=len(labels) - 1)
    return np.where(labels[order][pos] == values, order[pos], -1)


# ------------------------------------------------------------ label metrics

def accuracy(y_true, y_pred, normalize=True, threshold=0.5):
    """Fraction (or with normalize=False, count) of samples whose label is right.

    y_true, y_pred: labels (n,), or scores as described in the module docstring; for
    multi-label data a sample is right when its whole row is.
    """
    indicators = _multilabel_pair(y_true, y_pred, threshold)
    if indicators is not None:
        right = (indicators[0] == indicators[1]).all(axis=1)
    else:
        try:
            y_true, y_pred = _label_pair(y_true, y_pred, threshold)
        except ValueError as exc:
            raise ValueError(f"accuracy: {exc}") from None
        right = y_true == y_pred
    correct = np.count_nonzero(right)
    return float(correct / len(right)) if normalize else float(correct)


def confusion_matrix(y_true, y_pred, labels=None, normalize=None):
    """(k, k) matrix: entry [i, j] counts samples of class labels[i] predicted as
    labels[j]. labels default to the sorted union of both arrays.

    normalize: None (counts, int64), 'true' (rows sum to 1), 'pred' (columns sum to
    1) or 'all'; empty rows/columns give 0.
    """
    if _multilabel_pair(y_true, y_pred) is not None:
        raise ValueError("confusion_matrix: multi-label data (several classes per sample, or "
                         "none) has no single confusion matrix; score each label with "
                         "precision/recall/f1_score(average=None)")
    labels = _one_hot_classes(y_true, labels)
    y_true, y_pred = _label_pair(y_true, y_pred)
    if labels is None:
        labels = np.union1d(y_true, y_pred)
    else:
        labels = np.asarray(labels)
        _check_labels_kind(y_true, labels, "confusion_matrix")
        if not np.isin(y_true, labels).any():
            raise ValueError("confusion_matrix: no label of y_true is in `labels`")
    k = len(labels)
    t, p = _positions(y_true, labels), _positions(y_pred, labels)
    keep = (t >= 0) & (p >= 0)
    cm = np.bincount(t[keep] * k + p[keep], minlength=k * k).reshape(k, k)
    totals = {None: None, "true": cm.sum(axis=1, keepdims=True),
              "pred": cm.sum(axis=0, keepdims=True), "all": cm.sum()}
    if normalize not in totals:
        raise ValueError(f"normalize must be None, 'true', 'pred' or 'all', "
                         f"got {normalize!r}")
    if normalize is None:
        return cm
    with np.errstate(all="ignore"):
        return np.nan_to_num(cm / totals[normalize])


_AVERAGES = ("binary", "micro", "macro", "weighted", "samples", None)


def _scored_labels(y_true, y_pred, average, pos_label, labels):
    """The labels precision/recall/F1 are computed for (scikit-learn's rules)."""
    if average not in _AVERAGES:
        raise ValueError(f"average must be one of {_AVERAGES}, got {average!r}")
    if average == "samples":
        raise ValueError("average='samples' applies to multi-label data only (a score per "
                         "sample); choose 'macro', 'micro', 'weighted' or None")
    present = np.union1d(y_true, y_pred)
    if average != "binary":
        if labels is None:
            return present
        labels = np.asarray(labels)
        _check_labels_kind(y_true, labels, "precision/recall/f1_score")
        return labels
    if len(present) > 2:
        raise ValueError(f"the target is multi-class ({len(present)} labels) but "
                         f"average='binary': choose 'macro', 'micro', 'weighted' or None")
    if len(present) == 2 and not np.any(present == pos_label):
        raise ValueError(f"pos_label={pos_label!r} is not a valid label: it should be "
                         f"one of {present.tolist()}")
    return np.asarray([pos_label])


def _divide(numerator, denominator, zero_division):
    """numerator / denominator elementwise, `zero_division` where the denominator is 0."""
    out = np.full(len(numerator), float(zero_division))
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def _average(scores, average, support):
    """Reduce per-label scores as scikit-learn does (NaN scores are left out)."""
    if average is None:
        return scores
    kept = ~np.isnan(scores)
    if not kept.any():
        return float("nan")
    weights = support[kept] if average == "weighted" else None
    if weights is not None and weights.sum() == 0:  # nothing to weigh by: plain mean
        weights = None
    return float(np.average(scores[kept], weights=weights))


def _precision_recall_f1(y_true, y_pred, average, pos_label, labels, zero_division):
    """Per-label (or micro-pooled) precision, recall and F1, each averaged."""
    if zero_division == "warn":  # scikit-learn's default spelling: means 0
        zero_division = 0.0
    if not (isinstance(zero_division, (int, float, np.number))
            and (zero_division in (0, 1) or np.isnan(zero_division))):
        raise ValueError(f"zero_division must be 'warn', 0, 1 or nan (scikit-learn's), got "
                         f"{zero_division!r}")
    indicators = _multilabel_pair(y_true, y_pred, indicators=average == "samples")
    if indicators is not None:
        counts = _indicator_counts(*indicators, average,
                                   labels if labels is None else _distinct(labels))
    else:
        counts = _label_counts(*_label_pair(y_true, y_pred), average, pos_label,
                               _one_hot_classes(y_true, labels, average))
    if average == "micro":  # pool the counts over labels first
        counts = counts.sum(axis=1, keepdims=True)
    tp, true_sum, pred_sum = counts
    scores = (_divide(tp, pred_sum, zero_division),
              _divide(tp, true_sum, zero_division),
              _divide(2 * tp, true_sum + pred_sum, zero_division))
    return tuple(_average(s, average, true_sum) for s in scores)


def _label_counts(y_true, y_pred, average, pos_label, labels):
    """(3, k) counts per scored label: true positives, true and predicted totals."""
    labels = _scored_labels(y_true, y_pred, average, pos_label, labels)
    t, p = _positions(y_true, labels), _positions(y_pred, labels)
    k = len(labels)
    return np.stack([np.bincount(t[(t >= 0) & (t == p)], minlength=k),
                     np.bincount(t[t >= 0], minlength=k),
                     np.bincount(p[p >= 0], minlength=k)]).astype(float)


def _indicator_counts(t, p, average, labels):
    """The same counts for multi-label data: per column (per row for 'samples')."""
    if average not in _AVERAGES or average == "binary":
        raise ValueError(f"multi-label data: average must be 'micro', 'macro', 'weighted', "
                         f"'samples' or None, got {average!r}")
    if labels is not None:
        columns = np.asarray(labels)
        if columns.dtype.kind not in "iu" or columns.size and (
                columns.min() < 0 or columns.max() >= t.shape[1]):
            raise ValueError(f"multi-label data: labels are column indices in [0, "
                             f"{t.shape[1]}), got {columns.tolist()}")
        t, p = t[:, columns], p[:, columns]
    axis = 1 if average == "samples" else 0
    return np.stack([(t & p).sum(axis=axis), t.sum(axis=axis), p.sum(axis=axis)]).astype(float)


def precision(y_true, y_pred, *, average="binary", pos_label=1, labels=None,
              zero_division=0.0):
    """tp / (tp + fp). average: 'binary' (the class `pos_label` only), 'micro',
    'macro', 'weighted' (by support), None (array, one per label) or, for multi-label
    data, 'samples' (the mean of each sample's score)."""
    return _precision_recall_f1(y_true, y_pred, average, pos_label, labels,
                                zero_division)[0]


def recall(y_true, y_pred, *, average="binary", pos_label=1, labels=None,
           zero_division=0.0):
    """tp / (tp + fn); `average` as in precision()."""
    return _precision_recall_f1(y_true, y_pred, average, pos_label, labels,
                                zero_division)[1]


def f1_score(y_true, y_pred, *, average="binary", pos_label=1, labels=None,
             zero_division=0.0):
    """2 tp / (2 tp + fp + fn), the harmonic mean of precision and recall;
    `average` as in precision()."""
    return _precision_recall_f1(y_true, y_pred, average, pos_label, labels,
                                zero_division)[2]


# ---------------------------------------------------------- ranking metrics

def _binary_scores(y_true, y_score):
    """(y_true (n,), y_score (n,)) for curves; an (n, 2) score keeps column 1."""
    y_true = _samples(y_true, "y_true")
    if len(y_true) == 0:
        raise ValueError("no samples: a curve of nothing is undefined")
    y_true = y_true.reshape(len(y_true), -1)
    if y_true.shape[1] != 1:
        raise ValueError(f"y_true must be 1-D labels, got shape {y_true.shape}")
    y_score = _samples(y_score, "y_score")
    if y_score.ndim == 2 and y_score.shape[1] == 2 and not _probability_rows(y_score):
        raise ValueError("y_score of shape (n, 2) must hold probabilities, each row summing "
                         "to 1 (apply softmax to logits), as column 1 is ranked; or give 1-D "
                         "scores of the positive class")
    if y_score.ndim == 2 and y_score.shape[1] in (1, 2):
        y_score = y_score[:, -1]
    if y_score.ndim != 1:
        raise ValueError(f"y_score must be 1-D scores for binary labels (or (n, 2) "
                         f"probabilities), got shape {y_score.shape}")
    _check_lengths(y_true, y_score, "y_score")
    if not np.all(np.isfinite(y_score)):
        raise ValueError("y_score contains NaN or infinity")
    return y_true[:, 0], y_score


def _positive_label(y_true, pos_label):
    """pos_label, or 1 when y_true's classes are {0, 1} or {-1, 1} (or one of them)."""
    if pos_label is not None:
        return pos_label
    classes = np.unique(y_true)
    if classes.dtype.kind in "fiub" and set(classes.tolist()) in (
            {0, 1}, {-1, 1}, {0}, {1}, {-1}):
        return 1
    raise ValueError(f"y_true takes values {classes.tolist()}: make it take values in "
                     f"{{0, 1}} or {{-1, 1}}, or pass pos_label")


def _threshold_counts(y_true, y_score, pos_label):
    """False and true positive counts when predicting positive for score >= each
    distinct score (decreasing); returns (fps, tps, thresholds)."""
    y_true, y_score = _binary_scores(y_true, y_score)
    positive = y_true == _positive_label(y_true, pos_label)
    order = np.argsort(y_score, kind="stable")[::-1]
    y_score, positive = y_score[order], positive[order]
    # Tied scores are one threshold: only the last index of each run counts.
    last = np.r_[np.flatnonzero(np.diff(y_score)), len(y_score) - 1]
    tps = np.cumsum(positive, dtype=np.float64)[last]
    return 1 + last - tps, tps, y_score[last]


def roc_curve(y_true, y_score, *, pos_label=None, drop_intermediate=True):
    """(fpr, tpr, thresholds) of the ROC curve, as scikit-learn computes them.

    thresholds decrease from +inf (nothing predicted positive); with
    drop_intermediate, collinear points that cannot change the plot are dropped.
    A missing class makes its rate NaN.
    """
    fps, tps, thresholds = _threshold_counts(y_true, y_score, pos_label)
    if drop_intermediate and len(fps) > 2:
        corner = np.r_[True, np.diff(fps, 2).astype(bool) | np.diff(tps, 2).astype(bool),
                       True]
        fps, tps, thresholds = fps[corner], tps[corner], thresholds[corner]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    thresholds = np.r_[np.inf, thresholds.astype(np.float64)]
    fpr = fps / fps[-1] if fps[-1] > 0 else np.full(fps.shape, np.nan)
    tpr = tps / tps[-1] if tps[-1] > 0 else np.full(tps.shape, np.nan)
    return fpr, tpr, thresholds


def precision_recall_curve(y_true, y_score, *, pos_label=None, drop_intermediate=False):
    """(precision, recall, thresholds), as scikit-learn computes them: recall
    decreases to a final point (precision 1, recall 0) that has no threshold."""
    fps, tps, thresholds = _threshold_counts(y_true, y_score, pos_label)
    if drop_intermediate and len(fps) > 2:
        # Keep only the first and last point of each run of equal recall.
        keep = np.r_[True, (np.diff(tps[:-1]) != 0) | (np.diff(tps[1:]) != 0), True]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    predicted = tps + fps
    prec = np.zeros_like(tps)
    np.divide(tps, predicted, out=prec, where=predicted != 0)
    rec = tps / tps[-1] if tps[-1] != 0 else np.ones_like(tps)
    return np.r_[prec[::-1], 1.0], np.r_[rec[::-1], 0.0], thresholds[::-1]


def _binary_auc(positive, y_score):
    """Area under the ROC curve; NaN when `positive` has a single class."""
    if positive.all() or not positive.any():
        return float("nan")
    fpr, tpr, _ = roc_curve(positive, y_score)
    # Trapezoids over the distinct thresholds = the rank statistic with ties as 1/2
    # (written out as np.trapezoid computes it; NumPy 1 lacks that name).
    return float((np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0).sum())


def roc_auc_score(y_true, y_score, *, average="macro", multi_class="ovr", labels=None):
    """Area under the ROC curve.

    Binary: y_score (n,) is the score of the greater label (or (n, 2) probabilities, column j
    for labels[j]: default the sorted classes).
    Multi-class: y_score (n, k), column j for labels[j] (default: sorted classes of
    y_true); one-vs-rest AUCs averaged by `average` ('macro', 'weighted' by
    prevalence, 'micro' over all (sample, class) pairs, or None for the array), or with
    multi_class='ovo' one-vs-one AUCs of each pair of classes ('macro' or 'weighted').
    Multi-label y_true (an (n, k) 0/1 matrix) also takes 'samples': the mean of each
    sample's AUC over its k labels.
    Only one class in y_true gives NaN, as in scikit-learn.
    """
    if average not in ("macro", "weighted", "micro", "samples", None):
        raise ValueError(f"roc_auc_score: average must be 'macro', 'weighted', 'micro', "
                         f"'samples' or None, got {average!r}")
    scores = _samples(y_score, "y_score")
    given = _samples(y_true, "y_true")
    if len(given) == 0:
        raise ValueError("roc_auc_score: no samples: the AUC of nothing is undefined")
    if _is_indicator(given):  # multi-label (or one-hot): column by column
        return _indicator_auc(given.astype(bool), scores, average)
    if average == "samples":
        raise ValueError("roc_auc_score: average='samples' applies to multi-label y_true (an "
                         "(n, k) matrix of 0s and 1s); choose 'macro', 'weighted', 'micro' or "
                         "None")
    y_true = to_labels(given, scores=False)
    present = np.unique(y_true)
    if len(present) <= 2 and (scores.ndim == 1 or scores.shape[1] <= 2):
        positive = present[-1] if labels is None else _binary_positive(labels, present)
        if labels is not None and scores.ndim == 2 and scores.shape[1] == 2:
            column = list(labels).index(positive)  # (the positive's, ranked as column 1)
            scores = scores[:, [1 - column, column]]
        return _binary_auc(y_true == positive, scores)
    if multi_class not in ("ovr", "ovo"):
        raise ValueError(f"roc_auc_score: multi_class must be 'ovr' or 'ovo', got "
                         f"{multi_class!r}")
    if multi_class == "ovo" and average not in ("macro", "weighted"):
        raise ValueError(f"roc_auc_score: multi_class='ovo' averages class pairs by 'macro' "
                         f"or 'weighted', got average={average!r}")
    classes = present if labels is None else np.asarray(labels)
    _check_lengths(y_true, scores, "y_score")
    if scores.ndim != 2 or scores.shape[1] != len(classes):
        raise ValueError(f"y_score has shape {scores.shape} but y_true has "
                         f"{len(classes)} classes {classes.tolist()}: multi-class AUC "
                         f"needs one score column per class")
    _check_label_kinds(y_true, classes)
    unknown = np.setdiff1d(present, classes)
    if unknown.size:
        raise ValueError(f"roc_auc_score: y_true holds labels {unknown.tolist()} that are not "
                         f"in labels {classes.tolist()}")
    if not np.all(np.isfinite(scores)):
        raise ValueError("roc_auc_score: y_score contains NaN or infinity")
    if not _probability_rows(scores):
        raise ValueError("roc_auc_score: multi-class scores must be probabilities, each row "
                         "summing to 1 (apply softmax to logits): one-vs-rest ranks each "
                         "column, and logits rank differently")
    if multi_class == "ovo":
        return _one_vs_one_auc(y_true, classes, scores, average)
    return _indicator_auc(y_true[:, None] == classes[None, :], scores, average)


def _one_vs_one_auc(y_true, classes, scores, average):
    """Hand & Till's multi-class AUC: for each pair (a, b) of classes in y_true, the mean of
    a's column ranking a against b and b's ranking b against a, over those samples only;
    pairs averaged plainly ('macro') or by their share of the samples ('weighted')."""
    columns = np.flatnonzero(np.isin(classes, y_true))
    pair_aucs, shares = [], []
    for i, a in enumerate(columns):
        for b in columns[i + 1:]:
            is_a, is_b = y_true == classes[a], y_true == classes[b]
            pair = is_a | is_b
            pair_aucs.append((_binary_auc(is_a[pair], scores[pair, a])
                              + _binary_auc(is_b[pair], scores[pair, b])) / 2)
            shares.append(pair.mean())
    if not pair_aucs:
        return float("nan")  # a single class in y_true: no pair to rank
    return float(np.average(pair_aucs, weights=shares if average == "weighted" else None))


def _binary_positive(labels, present):
    """The positive class of a binary AUC given `labels`: the greater of the two (as
    without them), whose column of (n, 2) scores is the one labels names it in."""
    labels = np.asarray(labels)
    _check_label_kinds(present, labels)
    if labels.ndim != 1 or len(labels) != 2 or labels[0] == labels[1]:
        raise ValueError(f"roc_auc_score: binary labels must be two distinct classes, got "
                         f"{labels.tolist()}")
    unknown = np.setdiff1d(present, labels)
    if unknown.size:
        raise ValueError(f"roc_auc_score: y_true holds labels {unknown.tolist()} that are not "
                         f"in labels {labels.tolist()}")
    return np.sort(labels)[-1]  # (np.max has no loop for strings)


def _probability_rows(scores):
    """Whether each row of the (n, k) scores is a probability distribution (to rounding)."""
    return bool(np.all(scores >= 0) and np.allclose(scores.sum(axis=1), 1.0, rtol=0,
                                                    atol=1e-4 * scores.shape[1]))


def _indicator_auc(one_hot, scores, average):
    """One-vs-rest AUC of each column of the boolean (n, k) `one_hot`, averaged."""
    _check_lengths(one_hot, scores, "y_score")
    if scores.shape != one_hot.shape:
        raise ValueError(f"y_score has shape {scores.shape} but y_true has shape "
                         f"{one_hot.shape}: one score column per label")
    if average == "micro":
        return _binary_auc(one_hot.ravel(), scores.ravel())
    if average == "samples":  # each row ranks its labels (NaN for a row of one class)
        return float(np.mean([_binary_auc(row, row_scores)
                              for row, row_scores in zip(one_hot, scores)]))
    aucs = np.array([_binary_auc(one_hot[:, j], scores[:, j])
                     for j in range(one_hot.shape[1])])
    if average is None:
        return aucs
    if average == "weighted":  # a label no sample has weighs 0, its NaN AUC too
        weights = one_hot.sum(axis=0)
        if not weights.any():
            return 0.0  # scikit-learn's value when no sample has any label
        return float(np.average(np.where(weights > 0, aucs, 0.0), weights=weights))
    return float(np.mean(aucs))


# -------------------------------------------------------- regression metrics

def _regression_pair(y_true, y_pred):
    """Both as float64 (n, outputs); 1-D means one output, as in scikit-learn."""
    y_true = _samples(y_true, "y_true").astype(np.float64)
    y_pred = _samples(y_pred, "y_pred").astype(np.float64)
    _check_lengths(y_true, y_pred)
    if len(y_true) == 0:
        raise ValueError("no samples: a regression metric of nothing is undefined")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if not np.all(np.isfinite(y)):
            raise ValueError(f"{name} contains NaN or infinity (a missing value, or a diverged "
                             "model's output): a regression metric of it is not a number")
    y_true, y_pred = y_true.reshape(len(y_true), -1), y_pred.reshape(len(y_pred), -1)
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has shape "
                         f"{y_pred.shape}: the number of outputs differs")
    return y_true, y_pred


def _combine_outputs(per_output, multioutput):
    """'raw_values' (the array), 'uniform_average', or an array of output weights."""
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return per_output
        if multioutput != "uniform_average":
            raise ValueError(f"multioutput must be 'raw_values', 'uniform_average' or "
                             f"weights, got {multioutput!r}")
        return float(np.mean(per_output))
    weights = np.asarray(multioutput, dtype=float)
    if weights.shape != per_output.shape:
        raise ValueError(f"multioutput: {weights.size} weight(s) given for "
                         f"{per_output.size} output(s)")
    return float(np.average(per_output, weights=weights))


def mean_squared_error(y_true, y_pred, *, multioutput="uniform_average"):
    """mean((y_true - y_pred) ** 2) per output, then combined by `multioutput`."""
    y_true, y_pred = _regression_pair(y_true, y_pred)
    return _combine_outputs(np.mean((y_true - y_pred) ** 2, axis=0), multioutput)


def mean_absolute_error(y_true, y_pred, *, multioutput="uniform_average"):
    """mean(|y_true - y_pred|) per output, then combined by `multioutput`."""
    y_true, y_pred = _regression_pair(y_true, y_pred)
    return _combine_outputs(np.mean(np.abs(y_pred - y_true), axis=0), multioutput)


def r2_score(y_true, y_pred, *, multioutput="uniform_average", force_finite=True):
    """Coefficient of determination 1 - SS_res / SS_tot per output.

    With force_finite (scikit-learn's default) a constant y_true scores 1.0 if
    predicted exactly, else 0.0. Fewer than two samples give NaN.
    multioutput also accepts 'variance_weighted' (weights SS_tot).
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    if len(y_true) < 2:
        return float("nan")
    residual = np.sum((y_true - y_pred) ** 2, axis=0)
    total = np.sum((y_true - np.mean(y_true, axis=0)) ** 2, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = 1 - residual / total
    if force_finite:
        scores = np.where(total != 0, scores, np.where(residual != 0, 0.0, 1.0))
    if isinstance(multioutput, str) and multioutput == "variance_weighted":
        # Weigh outputs by SS_tot; if every output is constant, all weigh the same.
        multioutput = total if np.any(total) else "uniform_average"
    return _combine_outputs(scores, multioutput)
