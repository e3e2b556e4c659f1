"""Keras 3's metric objects on fixed inputs, for tests/nn/keras/test_metrics.py (run with
Keras installed, any backend: `KERAS_BACKEND=jax python make_metrics.py`; not run by the
test suite). Writes metrics.json: for each case the metric's class and arguments, the
batches given to update_state (targets, predictions, sample weights, all float64 lists;
the weights one per sample, or per target value where a case says so), the result after
each batch and after reset_state, and the config; and the default name of each class (a
fresh session's first instance: Keras numbers later ones)."""
import json
import os

import keras
import numpy as np

SIZES = (7, 5, 9)  # three batches of update_state


def _binary(rng, n, logits=False):
    y = rng.integers(0, 2, size=(n, 1)).astype(float)
    if logits:
        return y, rng.normal(scale=2.0, size=(n, 1))
    p = rng.uniform(size=(n, 1))
    p[rng.uniform(size=(n, 1)) < 0.3] = rng.choice([0.0, 0.5, 1.0, 40 / 199, 0.25])
    return y, p  # (some predictions exactly on thresholds, 0 and 1 included)


def _probabilities(rng, n, classes, logits=False):
    scores = rng.normal(scale=1.5, size=(n, classes))
    if logits:
        return scores
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


DATA = {
    "binary": lambda rng, n: _binary(rng, n),
    "binary_logits": lambda rng, n: _binary(rng, n, logits=True),
    "binary_1d": lambda rng, n: tuple(a[:, 0] for a in _binary(rng, n)),
    "onehot": lambda rng, n: (np.eye(4)[rng.integers(0, 4, n)], _probabilities(rng, n, 4)),
    "onehot_logits": lambda rng, n: (np.eye(4)[rng.integers(0, 4, n)],
                                     _probabilities(rng, n, 4, logits=True)),
    "sparse": lambda rng, n: (rng.integers(0, 4, n).astype(float), _probabilities(rng, n, 4)),
    "sparse_logits": lambda rng, n: (rng.integers(0, 4, n).astype(float),
                                     _probabilities(rng, n, 4, logits=True)),
    "multilabel": lambda rng, n: (rng.integers(0, 2, (n, 3)).astype(float),
                                  rng.uniform(size=(n, 3))),
    "regression": lambda rng, n: (rng.normal(size=(n, 2)), rng.normal(size=(n, 2))),
    "positive": lambda rng, n: (rng.uniform(0.1, 3, size=(n, 2)),
                                rng.uniform(0.1, 3, size=(n, 2))),
    "labels": lambda rng, n: (rng.integers(0, 3, (n, 1)).astype(float),
                              rng.integers(0, 3, (n, 1)).astype(float)),
    "outputs": lambda rng, n: _related(rng, (n, 4)),
    "column": lambda rng, n: (lambda t, p: (t[:, 0], p))(*_related(rng, (n, 1))),
    "labels4": lambda rng, n: (rng.integers(0, 4, n).astype(float),
                               rng.integers(0, 4, n).astype(float)),
    # segmentation maps of 4 classes, with labels outside them (-1, 4) that are not counted
    "segments": lambda rng, n: (rng.integers(-1, 5, (n, 3)).astype(float),
                                rng.integers(0, 5, (n, 3)).astype(float)),
}


def _related(rng, shape):
    """Regression targets and predictions that follow them loosely."""
    y = rng.normal(size=shape)
    return y, 0.7 * y + rng.normal(scale=0.6, size=shape) + 0.2


# the sample weights of a weighted case: True one per sample in [0, 2), "integers" one per
# sample in {0, 1, 2} (what integer state counts exactly), "per_value" one per target value
WEIGHTS = {True: lambda rng, y: rng.uniform(0, 2, size=len(y)),
           "integers": lambda rng, y: rng.integers(0, 3, size=len(y)).astype(float),
           "per_value": lambda rng, y: rng.uniform(0, 2, size=y.shape)}

# (case, class, arguments, data, weighted)
CASES = [
    ("mean", "Mean", {}, "regression", True),
    ("sum", "Sum", {}, "regression", True),
    ("accuracy", "Accuracy", {}, "labels", True),
    ("binary_accuracy", "BinaryAccuracy", {}, "binary", True),
    ("binary_accuracy_threshold", "BinaryAccuracy", {"threshold": 0.7}, "binary", False),
    ("binary_accuracy_1d", "BinaryAccuracy", {}, "binary_1d", False),
    ("categorical_accuracy", "CategoricalAccuracy", {}, "onehot", True),
    ("sparse_categorical_accuracy", "SparseCategoricalAccuracy", {}, "sparse", True),
    ("top_k", "TopKCategoricalAccuracy", {"k": 2}, "onehot", True),
    ("sparse_top_k", "SparseTopKCategoricalAccuracy", {"k": 2}, "sparse", False),
    ("precision", "Precision", {}, "binary", False),
    ("precision_weighted", "Precision", {}, "binary", True),
    ("precision_thresholds", "Precision", {"thresholds": [0.3, 0.5, 0.9]}, "binary", True),
    ("precision_even_thresholds", "Precision", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]},
     "binary", False),
    ("precision_top_k", "Precision", {"top_k": 2}, "multilabel", False),
    ("precision_class_id", "Precision", {"class_id": 2}, "onehot", True),
    ("recall", "Recall", {}, "binary", True),
    ("recall_thresholds", "Recall", {"thresholds": [0.2, 0.6]}, "multilabel", False),
    ("recall_top_k_class", "Recall", {"top_k": 2, "class_id": 1}, "onehot", False),
    ("true_positives", "TruePositives", {}, "binary", True),
    ("false_positives", "FalsePositives", {"thresholds": [0.25, 0.75]}, "binary", False),
    ("true_negatives", "TrueNegatives", {}, "multilabel", True),
    ("false_negatives", "FalseNegatives", {}, "binary_1d", False),
    ("auc", "AUC", {}, "binary", False),
    ("auc_weighted", "AUC", {}, "binary", True),
    ("auc_logits", "AUC", {"from_logits": True}, "binary_logits", False),
    ("auc_pr", "AUC", {"curve": "PR"}, "binary", True),
    ("auc_pr_minoring", "AUC", {"curve": "PR", "summation_method": "minoring"}, "binary",
     False),
    ("auc_roc_majoring", "AUC", {"summation_method": "majoring", "num_thresholds": 7},
     "binary", False),
    ("auc_thresholds", "AUC", {"thresholds": [0.1, 0.35, 0.5, 0.8]}, "binary", True),
    ("auc_multi_label", "AUC", {"multi_label": True}, "multilabel", False),
    ("auc_multi_label_weights", "AUC", {"multi_label": True, "label_weights": [1.0, 2.0, 0.5],
                                        "curve": "PR"}, "multilabel", True),
    ("auc_flattened", "AUC", {"label_weights": [1.0, 2.0, 0.5]}, "multilabel", False),
    ("auc_1d", "AUC", {}, "binary_1d", True),
    ("f1_none", "F1Score", {}, "onehot", False),
    ("f1_micro", "F1Score", {"average": "micro"}, "onehot", True),
    ("f1_macro", "F1Score", {"average": "macro", "threshold": 0.3}, "multilabel", False),
    ("f1_weighted", "F1Score", {"average": "weighted"}, "onehot", True),
    ("f1_binary", "F1Score", {"threshold": 0.5}, "binary", False),
    ("fbeta", "FBetaScore", {"beta": 2.0, "average": "macro", "threshold": 0.4},
     "multilabel", True),
    ("precision_at_recall", "PrecisionAtRecall", {"recall": 0.6}, "binary", False),
    ("recall_at_precision", "RecallAtPrecision", {"precision": 0.7, "num_thresholds": 50},
     "binary", True),
    ("sensitivity_at_specificity", "SensitivityAtSpecificity", {"specificity": 0.5}, "binary",
     False),
    ("specificity_at_sensitivity", "SpecificityAtSensitivity", {"sensitivity": 0.5},
     "binary", False),
    ("mse", "MeanSquaredError", {}, "regression", True),
    ("mse_1d", "MeanSquaredError", {}, "binary_1d", False),
    ("mae", "MeanAbsoluteError", {}, "regression", False),
    ("rmse", "RootMeanSquaredError", {}, "regression", True),
    ("mape", "MeanAbsolutePercentageError", {}, "positive", True),
    ("msle", "MeanSquaredLogarithmicError", {}, "positive", False),
    ("log_cosh", "LogCoshError", {}, "regression", False),
    ("cosine_similarity", "CosineSimilarity", {}, "regression", True),
    ("poisson", "Poisson", {}, "positive", False),
    ("kl_divergence", "KLDivergence", {}, "onehot", False),
    ("hinge", "Hinge", {}, "binary", False),
    ("squared_hinge", "SquaredHinge", {}, "binary", True),
    ("categorical_hinge", "CategoricalHinge", {}, "onehot", False),
    ("bce", "BinaryCrossentropy", {}, "binary", True),
    ("bce_logits", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
     "binary_logits", False),
    ("cce", "CategoricalCrossentropy", {}, "onehot", True),
    ("cce_logits", "CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2},
     "onehot_logits", False),
    ("scce", "SparseCategoricalCrossentropy", {}, "sparse", False),
    ("scce_logits", "SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits",
     True),
    ("r2", "R2Score", {}, "outputs", False),
    ("r2_weighted", "R2Score", {}, "outputs", True),
    ("r2_per_value", "R2Score", {}, "outputs", "per_value"),
    ("r2_raw", "R2Score", {"class_aggregation": None}, "outputs", True),
    ("r2_variance_weighted", "R2Score", {"class_aggregation": "variance_weighted_average"},
     "outputs", False),
    ("r2_adjusted", "R2Score", {"num_regressors": 3}, "outputs", True),
    ("r2_adjusted_fallback", "R2Score", {"num_regressors": 30}, "outputs", False),
    ("r2_column", "R2Score", {}, "column", True),
    ("pearson", "PearsonCorrelation", {}, "outputs", False),
    ("pearson_weighted", "PearsonCorrelation", {}, "outputs", True),
    ("pearson_axis0", "PearsonCorrelation", {"axis": 0}, "outputs", False),
    ("concordance", "ConcordanceCorrelation", {}, "outputs", False),
    ("concordance_weighted", "ConcordanceCorrelation", {}, "outputs", True),
    ("iou", "IoU", {"num_classes": 4, "target_class_ids": [0, 2]}, "labels4", False),
    ("iou_integer_weights", "IoU", {"num_classes": 4, "target_class_ids": [1, 2, 3],
                                    "ignore_class": 0}, "labels4", "integers"),
    ("iou_truncated_weights", "IoU", {"num_classes": 4, "target_class_ids": [0, 1, 2, 3]},
     "labels4", True),
    ("iou_segments", "IoU", {"num_classes": 4, "target_class_ids": [3]}, "segments", False),
    ("iou_float_weights", "IoU", {"num_classes": 4, "target_class_ids": [0, 1, 3],
                                  "dtype": "float32"}, "segments", "per_value"),
    ("iou_dense_pred", "IoU", {"num_classes": 4, "target_class_ids": [0, 1, 3],
                               "sparse_y_pred": False}, "sparse", False),
    ("iou_dense_both", "IoU", {"num_classes": 4, "target_class_ids": [2],
                               "sparse_y_true": False, "sparse_y_pred": False,
                               "dtype": "float32"}, "onehot", True),
    ("mean_iou", "MeanIoU", {"num_classes": 4}, "segments", False),
    ("mean_iou_ignore", "MeanIoU", {"num_classes": 4, "ignore_class": 1, "dtype": "float32"},
     "labels4", True),
    ("one_hot_iou", "OneHotIoU", {"num_classes": 4, "target_class_ids": [0, 3]}, "onehot",
     False),
    ("one_hot_mean_iou", "OneHotMeanIoU", {"num_classes": 4, "dtype": "float32"}, "onehot",
     True),
    ("binary_iou", "BinaryIoU", {}, "binary", False),
    ("binary_iou_weighted", "BinaryIoU", {"target_class_ids": [1], "threshold": 0.3,
                                          "dtype": "float32"}, "binary", True),
    ("binary_iou_1d", "BinaryIoU", {"threshold": 0.25}, "binary_1d", "integers"),
]


def _value(result):
    return np.asarray(result, dtype=np.float64).tolist()


def run_case(index, class_name, kwargs, data, weighted):
    rng = np.random.default_rng(100 + index)
    metric = getattr(keras.metrics, class_name)(**kwargs)
    batches, results = [], []
    for n in SIZES:
        y_true, y_pred = DATA[data](rng, n)
        weights = WEIGHTS[weighted](rng, y_true) if weighted else None
        if class_name in ("Mean", "Sum"):
            metric.update_state(y_pred, sample_weight=weights)
        else:
            metric.update_state(y_true, y_pred, sample_weight=weights)
        batches.append({"y_true": y_true.tolist(), "y_pred": y_pred.tolist(),
                        "sample_weight": None if weights is None else weights.tolist()})
        results.append(_value(metric.result()))
    metric.reset_state()
    config = {k: v for k, v in metric.get_config().items() if k != "name"}
    return {"class": class_name, "kwargs": kwargs, "batches": batches, "results": results,
            "after_reset": _value(metric.result()), "config": json.loads(json.dumps(
                config, default=lambda v: np.asarray(v).tolist()))}


def main():
    classes = sorted({c for _, c, *_ in CASES} | {"PrecisionAtRecall"})
    names = {c: getattr(keras.metrics, c)(**_required(c)).name for c in classes}
    cases = {case: run_case(i, *rest) for i, (case, *rest) in enumerate(CASES)}
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "metrics.json"), "w") as f:
        json.dump({"keras": keras.__version__, "backend": keras.backend.backend(),
                   "default_names": names, "cases": cases}, f, indent=None)


def _required(class_name):
    return {"PrecisionAtRecall": {"recall": 0.5}, "RecallAtPrecision": {"precision": 0.5},
            "SensitivityAtSpecificity": {"specificity": 0.5},
            "SpecificityAtSensitivity": {"sensitivity": 0.5},
            "IoU": {"num_classes": 2, "target_class_ids": [0]}, "MeanIoU": {"num_classes": 2},
            "OneHotIoU": {"num_classes": 2, "target_class_ids": [0]},
            "OneHotMeanIoU": {"num_classes": 2}}.get(class_name, {})


if __name__ == "__main__":
    main()
