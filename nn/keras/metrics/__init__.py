"""Keras' metrics (`keras.metrics`): metric objects that accumulate over batches.

    m = keras.metrics.AUC()
    m.update_state(y_true, y_pred)          # batch after batch
    m.result(); m.reset_state()
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=[keras.metrics.Precision(), keras.metrics.AUC(name="auc")])

Keras 3's semantics, state as NumPy arrays (float32 by default, the IoUs' int32, as
Keras): the mean-valued metrics (accuracies, regression errors, cross-entropies, the
correlations) keep a weighted sum and count, Precision / Recall / AUC / the counts keep
confusion counts at their thresholds (AUC's 200 evenly spaced ones bucketed as Keras
buckets them), F1Score / FBetaScore counts per class, the IoUs a confusion matrix of the
classes, R2Score sums per output column.
Given to compile, an object is updated with each batch's targets and the model's outputs
(what the model returns: probabilities after a final sigmoid or softmax, else its outputs
as they are), reset at each epoch and each evaluation, and logged under its `name`
('val_' + name for validation); compile's `metrics` are unweighted, as Keras'. A `Metric`
subclass of one's own (add_variable, update_state, result) works the same way.
"""
from ..losses import binary_focal_crossentropy, categorical_focal_crossentropy, huber
from ..serialization import module_functions
from .accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from .auc import AUC
from .confusion import (
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from .f_score import F1Score, FBetaScore
from .iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .loss_means import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    KLDivergence,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    RootMeanSquaredError,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine_similarity,
    hinge,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from .metric import Metric
from .reduction import Mean, MeanMetricWrapper, Sum
from .regression import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    R2Score,
    concordance_correlation,
    pearson_correlation,
)
from .variable import MetricVariable

# Keras' short names for get() (and compile's strings, which nn.training.metrics resolves)
_SHORT = {"acc": Accuracy, "accuracy": Accuracy, "auc": AUC, "precision": Precision,
          "recall": Recall, "mse": MeanSquaredError, "mae": MeanAbsoluteError,
          "mape": MeanAbsolutePercentageError, "msle": MeanSquaredLogarithmicError,
          "f1_score": F1Score, "fbeta_score": FBetaScore, "r2_score": R2Score}


def get(identifier):
    """Keras' metrics.get: a metric object for a class name ('AUC'), a short name ('auc',
    'precision', 'mse'), a metric function's name (the function); what is given otherwise."""
    if not isinstance(identifier, str):
        return identifier
    found = _SHORT.get(identifier) or (globals().get(identifier)
                                       if identifier in __all__ else None)
    if found is None or identifier in ("get", "Metric", "MetricVariable", "MeanMetricWrapper"):
        raise ValueError(f"keras.metrics.get: unknown metric {identifier!r}")
    return found() if isinstance(found, type) else found


serialize, deserialize = module_functions("metrics", lambda: {
    key: globals()[key] for key in __all__
    if key not in ("get", "serialize", "deserialize", "Metric", "MetricVariable")})

__all__ = ["serialize", "deserialize", "binary_focal_crossentropy",
           "categorical_focal_crossentropy", "huber", "Metric", "MetricVariable", "Mean", "Sum",
           "MeanMetricWrapper", "Accuracy",
           "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
           "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "AUC", "Precision",
           "Recall", "PrecisionAtRecall", "RecallAtPrecision", "SensitivityAtSpecificity",
           "SpecificityAtSensitivity", "TruePositives", "FalsePositives", "TrueNegatives",
           "FalseNegatives", "F1Score", "FBetaScore", "IoU", "MeanIoU", "BinaryIoU",
           "OneHotIoU", "OneHotMeanIoU", "R2Score", "PearsonCorrelation",
           "ConcordanceCorrelation", "MeanSquaredError",
           "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
           "RootMeanSquaredError", "LogCoshError", "CosineSimilarity", "KLDivergence",
           "Poisson", "Hinge", "SquaredHinge", "CategoricalHinge", "BinaryCrossentropy",
           "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "accuracy",
           "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
           "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "log_cosh", "cosine_similarity",
           "kl_divergence", "poisson", "hinge", "squared_hinge", "categorical_hinge",
           "binary_crossentropy", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "pearson_correlation",
           "concordance_correlation", "get"]
