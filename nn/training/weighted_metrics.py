"""What `Model.compile(weighted_metrics=[...])` becomes: Keras 3's weighted metrics.

Compile's `metrics` never see the sample weights (nor class_weight's); its
`weighted_metrics` do, batch by batch: each is one of Keras' metric objects
(nn.keras.metrics), updated with the batch's targets, the model's outputs and the batch's
weights (sample_weight, class_weight turned into sample weights, a validation triple's),
the weighted mean or weighted counts of Keras' metric of that name. As Keras resolves them:

* a name ('AUC', 'precision', 'mse', 'binary_accuracy') is `keras.metrics.get(name)`'s
  object, logged under the name as given; 'accuracy' ('acc') is BinaryAccuracy,
  SparseCategoricalAccuracy or CategoricalAccuracy, chosen from the first batch's shapes;
* a metric object streams as it is; a function `fn(y_true, y_pred)` of one value per
  sample is averaged over the samples with their weights (Keras' MeanMetricWrapper);
* one that has the name of an unweighted metric is logged as 'weighted_' + name, after
  the others (those sorted by name), where Keras' evaluate lists it.

Without weights they equal the unweighted ones of Keras (not rungrad's whole-epoch named
metrics: a weighted 'AUC' is Keras' AUC of 200 thresholds, as in Keras).
"""
from .metrics import StreamingMetric, _is_metric_object, metric_list, number_if_taken


class KerasAccuracy:
    """Keras' 'accuracy' in compile: the accuracy metric that fits the first batch (Keras'
    compile_utils.get_metric): BinaryAccuracy for one output, SparseCategoricalAccuracy
    for targets of lower rank (or one label column), CategoricalAccuracy otherwise."""

    def __init__(self, name):
        self.name, self.chosen = name, None

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self.chosen is None:
            self.chosen = _accuracy_for(y_true, y_pred, self.name)
        self.chosen.update_state(y_true, y_pred, sample_weight=sample_weight)

    def result(self):
        return 0.0 if self.chosen is None else self.chosen.result()

    def reset_state(self):
        if self.chosen is not None:
            self.chosen.reset_state()

    @property
    def variables(self):
        return [] if self.chosen is None else self.chosen.variables


def _accuracy_for(y_true, y_pred, name):
    from ..keras import metrics as keras_metrics  # (lazily: nn.keras imports nn.training)
    true_rank, pred_rank = len(y_true.shape), len(y_pred.shape)
    if y_pred.shape[-1] == 1:
        return keras_metrics.BinaryAccuracy(name=name)
    if true_rank < pred_rank or y_true.shape[-1] == 1:
        return keras_metrics.SparseCategoricalAccuracy(name=name)
    return keras_metrics.CategoricalAccuracy(name=name)


def resolve_weighted_metrics(weighted_metrics, unweighted):
    """StreamingMetrics updated with the sample weights, from compile's weighted_metrics
    (None, one metric, or a list; see the module doc); `unweighted`: compile's metrics,
    whose names a weighted one of the same name gives way to ('weighted_' + name)."""
    taken = {m.name for m in unweighted}
    resolved, renamed = [], []
    for metric in metric_list(weighted_metrics):
        streaming = StreamingMetric(_keras_object(metric), weighted=True)
        if isinstance(metric, str):
            streaming.given = metric  # (saved by the name as given)
        clash = streaming.name in taken
        if clash:
            streaming.name = f"weighted_{streaming.name}"
        number_if_taken(streaming, taken | {"loss"})
        if streaming.name in taken | {"loss"}:
            raise ValueError(f"compile: weighted metric name {streaming.name!r} is used twice "
                             "(the loss is 'loss'); give the metric object another name=")
        taken.add(streaming.name)
        (renamed if clash else resolved).append(streaming)
    # those renamed last, sorted: Keras' evaluate lists them after its metrics' own names
    return resolved + sorted(renamed, key=lambda m: m.name)


def _keras_object(metric):
    """The Keras metric object a weighted metric is (Keras' compile_utils.get_metric)."""
    from ..keras import metrics as keras_metrics  # (lazily: nn.keras imports nn.training)
    if isinstance(metric, str):
        if metric.lower() in ("accuracy", "acc"):
            return KerasAccuracy(metric)
        try:
            found = keras_metrics.get(metric)
        except ValueError:
            raise ValueError(f"compile: unknown weighted metric {metric!r}; weighted metrics "
                             "are Keras' (keras.metrics' classes and their snake-case names, "
                             "'accuracy'), metric objects or functions of one value per "
                             "sample") from None
        if _is_metric_object(found):
            found.name = metric  # (Keras names it as given)
        metric = found
    if _is_metric_object(metric):
        return metric
    if callable(metric):
        return keras_metrics.MeanMetricWrapper(metric)
    raise TypeError(f"compile: a weighted metric must be a name, a callable or a metric "
                    f"object (update_state, result, reset_state), got "
                    f"{type(metric).__name__}")


__all__ = ["KerasAccuracy", "resolve_weighted_metrics"]
