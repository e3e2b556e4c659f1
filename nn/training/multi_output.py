"""compile, fit and evaluate for a model of several outputs (a functional model's), as Keras 3.

    model = keras.Model([a, b], [reg, cls])   # output layers named "reg" and "cls"
    model.compile(optimizer="adam",
                  loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                  loss_weights={"reg": 1.0, "cls": 0.5},
                  metrics={"reg": ["mae"], "cls": ["accuracy"]})
    model.fit([xa, xb], {"reg": y_reg, "cls": y_cls})

Each output is named by the layer that produces it (several outputs of one
layer are numbered apart: nn.keras.output_keys). compile's loss is one loss (each output
gets its own copy of it), a list in the outputs' order or a dict naming every output (None:
no loss for that output, whose targets y may then leave out if no metric reads them: a list
of the others' arrays, as Keras 3 takes it, or a dict without it); loss_weights a list or
a dict of every output's weight (default 1); metrics and weighted_metrics a list with one
entry per output (a metric, a list of them or None) or a dict naming some outputs. A flat
list that does not have one entry per output is refused, as Keras 3 refuses it.

The minimized and logged `loss` is sum_k w_k loss_k (plus the layers' penalties); where
several outputs have a loss, the logs also hold each one's unweighted loss,
'<output>_loss', the mean of its batch losses weighted by batch size, as Keras' loss
trackers; and every output's metrics as '<output>_<metric>', an output without a loss
included (in the name order Keras 3 returns them from evaluate: 'loss', the outputs'
losses in the outputs' order, for a dict of outputs in that of compile's loss dict, then
the metrics sorted by name). sample_weight: one (N,) array weighs
every output's loss, a list weighs each its own; class_weight is refused (Keras' rule).
"""
import contextlib

import numpy as np

from autograd.config import enable_grad, no_grad
from autograd.variable import as_variable

from .compile_options import checked_weight
from .losses import resolve_loss
from .metrics import MetricAccumulator, _is_metric_object, resolve_metrics
from .named_arrays import sample_count
from .weighted_metrics import resolve_weighted_metrics


class MultiOutputLoss:
    """The compiled loss of a model of several outputs (see the module doc): it runs the
    model as each output's loss needs it and sums the weighted losses. `losses`: each
    output's CompiledLoss or None; `weights`: compile's loss_weights; `metrics`: each
    output's compiled metrics."""

    per_output_logs = True
    keras_object = None  # (model.save names what it cannot write: see model_config)

    def __init__(self, names, losses, weights, metrics, order=None):
        self.names, self.losses, self.weights, self.metrics = names, losses, weights, metrics
        self.name = "+".join(loss.name for loss in losses if loss is not None)
        # the outputs in the order their losses are logged: for a dict of outputs compile's
        # loss dict's, as Keras (which builds its loss trackers from that dict), else the
        # outputs'
        self.order = list(range(len(names))) if order is None else order

    @property
    def flat_metrics(self):
        """Every output's metrics in one list (Model.compiled_metrics)."""
        return [metric for metrics in self.metrics for metric in metrics]

    def logged_metrics(self):
        """(name in the logs, compiled metric) of every output's metrics."""
        return [(f"{name}_{metric.name}", metric)
                for name, metrics in zip(self.names, self.metrics) for metric in metrics]

    def inputs(self, model, x):
        """The model's outputs as their losses take them: the logits before a final
        sigmoid or softmax a cross-entropy absorbs, the outputs otherwise."""
        finals = model.final_activations()
        logits = [i for i, (loss, final) in enumerate(zip(self.losses, finals))
                  if loss is not None and loss.takes_logits(final)]
        reads = [loss is not None and loss.reads_graph(final)
                 for loss, final in zip(self.losses, finals)]
        # (evaluate runs without a graph; a final activation only the graph shows needs one)
        with enable_grad() if any(reads) else contextlib.nullcontext():
            outputs = model.forward_outputs(x, logits)
            return tuple(loss.read_logits(out) if read else out
                         for loss, out, read in zip(self.losses, outputs, reads))

    def __call__(self, inputs, targets, weights=None, mask=None):
        if mask is not None and any(m is not None for m in mask):
            raise NotImplementedError("fit: masks on the outputs of a model of several "
                                      "outputs (Embedding's mask_zero, Masking) are not "
                                      "supported; end each masked branch without its steps "
                                      "(return_sequences=False, GlobalAveragePooling1D)")
        total = None
        for k, (loss, weight) in enumerate(zip(self.losses, self.weights)):
            if loss is None:
                continue
            part = loss(inputs[k], targets[k], output_weights(weights, k))
            part = part if weight == 1.0 else part * weight
            total = part if total is None else total + part
        return total

    def unread_outputs(self):
        """The outputs whose targets nothing reads (no loss, no metric): y may leave them
        out."""
        return [name for name, loss, metrics in zip(self.names, self.losses, self.metrics)
                if loss is None and not metrics]

    def check_weighable(self, who):
        for loss in self.losses:
            if loss is not None:
                loss.check_weighable(who)

    def accumulator(self, metrics):
        return MultiOutputAccumulator(self)

    def __repr__(self):
        return f"MultiOutputLoss({dict(zip(self.names, self.losses))!r})"


def output_weights(weights, k):
    """Output k's sample weights: its own (a tuple holds one per output), or those of all."""
    return weights[k] if isinstance(weights, tuple) else weights


class MultiOutputAccumulator:
    """MetricAccumulator's part for a model of several outputs: each output's loss (the
    batches' losses, recomputed from the outputs the step returned, weighted by batch size)
    and its metrics, logged under the output's name."""

    def __init__(self, compiled):
        self.compiled = compiled
        self.trackers = [MetricAccumulator(metrics, NO_LOSS if loss is None else loss)
                         for metrics, loss in zip(compiled.metrics, compiled.losses)]
        # each output's loss is logged where several outputs have one (Keras' CompileLoss
        # adds its trackers only for more than one loss)
        self.logs_each_loss = sum(loss is not None for loss in compiled.losses) > 1
        self.sums = [0.0] * len(compiled.names)
        self.samples = 0
        # (what Model's loop asks to know whether there is anything to compute: always)
        self.metrics = compiled.names

    def add(self, targets, inputs, weights=None, mask=None):
        count = sample_count(inputs)  # (a mask is refused with the loss: see __call__)
        self.samples += count
        with no_grad():
            for k, (loss, tracker) in enumerate(zip(self.compiled.losses, self.trackers)):
                weight = output_weights(weights, k)
                if loss is not None:
                    value = loss(as_variable(inputs[k]), targets[k], weight)
                    self.sums[k] += float(value.data) * count
                tracker.add(targets[k], inputs[k], weight)  # (an output without a loss too)

    def join(self, gather_rows, reduce):
        """Several ranks' numbers as one (collective, as MetricAccumulator.join): the
        outputs' loss sums and the sample count added up, then each output's metrics."""
        totals = reduce(np.array(self.sums + [self.samples], np.float64), "sum")
        self.sums, self.samples = totals[:-1].tolist(), int(totals[-1])
        for tracker in self.trackers:
            if tracker.metrics:
                tracker.join(gather_rows, reduce)

    def results(self):
        """{'<output>_loss': ..., '<output>_<metric>': ...} so far (empty before any batch)."""
        if not self.samples:
            return {}
        compiled, logs, metrics = self.compiled, {}, {}
        for k in compiled.order:
            if compiled.losses[k] is not None and self.logs_each_loss:
                logs[f"{compiled.names[k]}_loss"] = self.sums[k] / self.samples
        for name, tracker in zip(compiled.names, self.trackers):
            metrics.update({f"{name}_{key}": value for key, value in tracker.results().items()})
        logs.update(sorted(metrics.items()))
        return logs


# ----- compile's arguments -----
def resolve_outputs(names, loss, loss_weights, metrics, weighted_metrics, keyed=False):
    """The MultiOutputLoss of compile's arguments for a model whose outputs are `names`
    (`keyed`: a dict of outputs, whose losses Keras logs in the order of a loss dict)."""
    if loss is None:
        raise ValueError("compile: loss is required: one loss for every output, a list of "
                         f"one per output or a dict naming the outputs {names}")
    each = not isinstance(loss, (list, tuple, dict))
    losses = [None if item is None else resolve_loss(item)
              for item in ([loss] * len(names) if each else per_output(loss, names, "loss"))]
    if all(item is None for item in losses):
        raise ValueError("compile: loss names no loss for any output")
    compiled = [_output_metrics(item, m, wm) for item, m, wm in zip(
        losses, _metrics_per_output(metrics, names, "metrics"),
        _metrics_per_output(weighted_metrics, names, "weighted_metrics"))]
    order = [names.index(key) for key in loss] if keyed and isinstance(loss, dict) else None
    return MultiOutputLoss(names, losses, _weights(loss_weights, names), compiled, order)


def per_output(value, names, what, required=True):
    """A list or dict of one entry per output as a list in the outputs' order; a dict may
    leave outputs out unless `required` (their entries are None)."""
    if isinstance(value, dict):
        unknown = [key for key in value if key not in names]
        missing = [name for name in names if name not in value]
        if unknown or (missing and required):
            raise ValueError(f"compile: {what} is a dict whose keys must be the model's "
                             f"outputs {names}" + (f"; {unknown} are none of them" if unknown
                                                   else f"; it lacks {missing}"))
        return [value.get(name) for name in names]
    if isinstance(value, (list, tuple)) and len(value) == len(names):
        return list(value)
    got = f"a list of {len(value)}" if isinstance(value, (list, tuple)) else repr(value)
    raise ValueError(f"compile: the model has {len(names)} outputs {names}, so {what} takes "
                     f"one entry per output (a list of {len(names)}, or a dict keyed by "
                     f"those names); got {got}")


def _weights(loss_weights, names):
    if loss_weights is None:
        return [1.0] * len(names)
    if not isinstance(loss_weights, (list, tuple, dict)):
        raise TypeError(f"compile: the model has {len(names)} outputs {names}: give "
                        "loss_weights as a list of one weight per output, or a dict keyed "
                        f"by those names; got {loss_weights!r}")
    return [checked_weight(w, loss_weights, "for each output")
            for w in per_output(loss_weights, names, "loss_weights")]


def _metrics_per_output(metrics, names, what):
    if metrics is None:
        return [None] * len(names)
    if isinstance(metrics, str) or callable(metrics) or _is_metric_object(metrics):
        metrics = [metrics]  # one metric: Keras refuses it as a list of one
    return per_output(metrics, names, what, required=False)


class _NoLoss:
    """What an output without a loss gives its metrics: its outputs as they are."""

    ignore_class = None

    @staticmethod
    def outputs(array):
        return array

    scores = outputs


NO_LOSS = _NoLoss()


def _output_metrics(loss, metrics, weighted_metrics):
    """An output's compiled metrics (one without a loss has them too, as in Keras)."""
    unweighted = resolve_metrics(metrics, independent_outputs=loss is not None and
                                 loss.independent)
    return unweighted + resolve_weighted_metrics(weighted_metrics, unweighted)


__all__ = ["MultiOutputLoss", "MultiOutputAccumulator", "resolve_outputs", "per_output",
           "output_weights"]
