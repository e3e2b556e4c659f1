"""What `Model.compile(loss=...)` becomes: a loss that knows what the model outputs.

Keras' cross-entropy names ('binary_crossentropy', 'categorical_crossentropy',
'sparse_categorical_crossentropy') are computed from logits, in one stable fused step
(log-sigmoid / log-softmax inside the loss), never as log(probability):

* a model whose last step is the matching activation (a `Dense(..., activation='sigmoid')`
  or `'softmax'`, or an `nn.Sigmoid` / `nn.Softmax` layer) outputs probabilities from
  `predict`, but `fit` and `evaluate` run it without that activation and feed the logits
  to the fused loss — the same loss value as Keras' on the probabilities, without its
  clipping at 1e-7 and with exact gradients where the sigmoid/softmax saturates;
* a model ending with a hard sigmoid (or any clip into [0, 1]) outputs probabilities, which
  'binary_crossentropy' takes as Keras does, kept within [1e-7, 1 - 1e-7];
* a model without a final activation is taken to output logits (PyTorch's habit);
* the mismatched activation (softmax with 'binary_crossentropy', sigmoid with a
  categorical one) is an error at the first batch.

A subclass whose `forward` ends with the activation (`return F.sigmoid(self.out(h))`) is
read from its graph: the loss takes the Variable the final sigmoid or softmax (over the last
axis) was applied to, so Keras' habit of returning probabilities gives Keras' loss and
metrics, and a `forward` returning logits is used as it is.

Keras' other names ('msle', 'mape', 'hinge', 'squared_hinge', 'categorical_hinge',
'poisson', 'kl_divergence', 'log_cosh', 'cosine_similarity', with Keras' aliases) are
nn.functional's Keras losses (keras_losses.py): one loss per sample over the output's last
axis, averaged over the batch, each sample's weighted by its sample_weight; the output is
taken as it is (probabilities for 'kl_divergence', rates for 'poisson').

Targets are aligned with the output as Keras does: (N,) against an (N, 1) output is
reshaped (never broadcast to (N, N)), integer and float64 targets become the output's
float dtype for elementwise losses, and (N, 1) class labels lose their last axis.
"""
import copy
import functools
import inspect

import numpy as np

from autograd.backend import array_of, get_array_module, to_cpu
from autograd.config import enable_grad
from autograd.function import Function
from autograd.ops import astype, broadcast_to, expand_dims, maximum, reshape, transpose, where
from autograd.ops.elementwise import Clip, Sigmoid, clip, log, log1p
from autograd.ops.indexing import GetItem
from autograd.ops.linalg import MatMul
from autograd.ops.shape import Reshape, Transpose
from autograd.variable import Variable, as_variable

from .. import functional as F
from ..call_losses import top_level_call
from ..functional.activation import Hardtanh, Softmax
from ..functional.linear import Linear
from ..layers.keras_name import snake_case
from ..losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss
from .masking import carried_mask, carry_mask
from .metrics import MetricAccumulator, check_labels, sigmoid_array, softmax_array
from .same_rank import same_rank

# Keras' loss names -> (canonical name, the fused function, the activation it absorbs).
_ELEMENTWISE = {"mse": F.mse_loss, "mae": F.l1_loss, "huber": F.huber_loss}
# Keras' losses of one value per sample, over the output's last axis (targets aligned and
# cast as for the elementwise ones)
_PER_SAMPLE = ("msle", "mape", "hinge", "squared_hinge", "categorical_hinge", "poisson",
               "kl_divergence", "log_cosh", "cosine_similarity")
_ALIASES = {"mean_squared_error": "mse", "mean_absolute_error": "mae",
            "huber_loss": "huber", "mean_squared_logarithmic_error": "msle",
            "mean_absolute_percentage_error": "mape", "kld": "kl_divergence",
            "kullback_leibler_divergence": "kl_divergence", "logcosh": "log_cosh",
            "bce": "binary_crossentropy"}
_CROSS_ENTROPY = {"binary_crossentropy": "sigmoid", "categorical_crossentropy": "softmax",
                  "sparse_categorical_crossentropy": "softmax"}
LOSS_NAMES = tuple(_ELEMENTWISE) + _PER_SAMPLE + tuple(_ALIASES) + tuple(_CROSS_ENTROPY)
_LOGIT_LOSSES = {"sigmoid": "nn.BCEWithLogitsLoss()", "softmax": "nn.CrossEntropyLoss()"}
_PROBABILITY_LOSSES = {"sigmoid": ", or keep it and compile with loss=nn.BCELoss() (which "
                                  "takes probabilities)", "softmax": ""}
_ACTIVATIONS = {"sigmoid": sigmoid_array, "softmax": softmax_array, None: lambda array: array}
# ops whose outputs are logits, never a hand-written sigmoid's probabilities
_AFFINE = (Linear, MatMul)
# what may follow a final sigmoid (keeping each value with its logit), or a softmax (Clip)
_AFTER_SIGMOID = (Reshape, Transpose, GetItem, Clip)


class CompiledLoss:
    """The loss of a compiled model.

    `inputs(model, x)` runs the model as the loss needs it (logits for the fused
    cross-entropies); `__call__(inputs, target, weights=None)` gives the scalar loss
    Variable, Keras' weighted mean sum_i w_i l_i / N with weights, times `weight` (compile's
    loss_weights); `scores(array)` turns those inputs into what the classifying named
    metrics read (probabilities for classifiers, the outputs themselves otherwise),
    `outputs(array)` into what the model itself returned (every other metric reads those,
    as in Keras). `per_sample(inputs, target)`, the (N, ...) losses before the reduction, is
    None for a callable that only returns the batch's loss. `independent`: a binary
    cross-entropy, each output its own yes/no (how the metrics score them).
    """

    def __init__(self, name, fn, absorbs=None, score_activation=None, elementwise=False,
                 per_sample=None, keras_object=None):
        self.name = name
        self.fn = fn
        self.keras_object = keras_object  # the nn.keras.losses object it was made from
        self.per_sample = per_sample
        self.independent = score_activation == "sigmoid" or _independent_outputs(fn)
        self.absorbs = absorbs                # 'sigmoid'/'softmax' taken from logits, or None
        self.score_activation = score_activation
        self.elementwise = elementwise        # target must match the output element for element
        self._logits_seen, self._unit_values = False, 0  # see _refuse_probabilities
        # the model's final activation that inputs() ran it without, or None (the inputs are
        # its outputs); the same at every batch (a captured step replays the first's choice)
        self.taken = None
        self.weight = 1.0  # compile's loss_weights (see nn.training.compile_options)
        # a Keras loss object's reduction: 'sum' or 'mean_with_sample_weight' reduce the
        # samples' (weighted) losses by it; the default is the mean over the batch
        self.reduction = _keras_reduction(keras_object, name)
        # what the last call divided its weighted sum by (see `adds_up`, _reduced): None for
        # the batch's samples, else a number or a 0-d Variable (fit on several ranks weighs
        # each rank's gradient by it)
        self.denominator = self._labels = None

    # the model's outputs as the loss takes them; in a model of several outputs, each
    # output's loss asks takes_logits and reads_graph, and takes read_logits' answer
    # (nn.training.multi_output)
    per_output_logs = False  # (a MultiOutputLoss logs each output's loss)
    ignore_class = None  # a label the loss and the metrics skip (Keras' ignore_class)
    # Keras' metrics skip no label: they count an ignored label that is a class, as any
    # other; only a void one (-1, 255), which the named metrics could not score, is skipped
    metrics_count_ignored_classes = False

    def inputs(self, model, x):
        with top_level_call((x,), None, model):  # (forward_logits is a model call too)
            return self._inputs(model, x)

    def _inputs(self, model, x):
        if self.absorbs is None:
            return model(x)
        final = model.final_activation()
        if final is not None:
            return model.forward_logits(x) if self.takes_logits(final) else model(x)
        with enable_grad():  # (evaluate runs without a graph; here it tells the logits)
            output = model(x)
            logits = self.read_logits(output)
        carry_mask(logits, carried_mask(output))  # (a subclassed model's outputs carry theirs)
        return logits

    def takes_logits(self, final):
        """Whether the loss takes the logits before the model's final activation `final`
        ('sigmoid', 'softmax', or None where its layers do not say)."""
        split = self.absorbs is not None and final is not None and \
            _check_final_activation(self.name, self.absorbs, final)
        self.taken = self.absorbs if split else None
        return split

    def reads_graph(self, final):
        """Whether the logits are to be read from the graph of the model's output (a final
        activation its layers do not name, which a subclass's forward may hold)."""
        return self.absorbs is not None and final is None

    def read_logits(self, output):
        """The logits before the final activation found in `output`'s graph, or `output`
        itself (checked not to look like probabilities)."""
        logits = _logits_of(output, self.name, self.absorbs)
        self.taken = None if logits is output else self.absorbs
        if logits is output:
            self._refuse_probabilities(output)
        return logits

    def accumulator(self, metrics):
        """What gathers an epoch's (or evaluation's) metrics for this loss."""
        return MetricAccumulator(metrics, self)

    def _refuse_probabilities(self, output):
        """Outputs taken as logits that look like probabilities (the first 32 values of
        batches that are not constant, none outside [0, 1]) are refused: a sigmoid or softmax
        this loss cannot see in the graph (written by hand) would be applied twice, a
        silently wrong loss. Real logits leave [0, 1] within a few values."""
        if self._logits_seen:
            return
        if isinstance(output.creator, _AFFINE):  # a Dense's outputs: logits, whatever values
            self._logits_seen = True                # (near 0 from zeros, they lie in [0, 1])
            return
        data = output.data
        if bool(((data < 0) | (data > 1)).any()):
            self._logits_seen = True
            return
        if data.size > 1 and bool(data.min() == data.max()):  # (zero weights: no sign yet)
            return
        self._unit_values += int((data != 0).sum())  # (zero-initialized logits are exactly 0)
        if self._unit_values >= 32:
            raise ValueError(
                f"loss {self.name!r}: the model's outputs all lie in [0, 1] (the first "
                f"{self._unit_values} of them), like probabilities, but it does not end with "
                f"a {self.absorbs} this loss can see, so they would be taken as logits and "
                f"put through a {self.absorbs} again. End the model with "
                f"activation='{self.absorbs}' (or nn.{self.absorbs.capitalize()}, "
                f"F.{self.absorbs}){_PROBABILITY_LOSSES[self.absorbs]}; if they are "
                f"logits, compile with loss={_LOGIT_LOSSES[self.absorbs]}")

    def __call__(self, inputs, target, weights=None, mask=None):
        """The loss; `mask`: Keras' mask of the outputs (N, T) (nn.training.masking), whose
        steps that are padding it leaves out (see _masked)."""
        _check_one_output(inputs, self.name)
        inputs = at_least_float32(inputs)
        target = align_target(inputs, target, self.name, cast=self.elementwise)
        self.denominator = self._labels = None
        if mask is not None:
            loss = self._masked(inputs, target, weights, mask)
        elif weights is None and self.reduction == "sum_over_batch_size":
            loss = self._unweighted(inputs, target)
        else:
            loss = self._weighted(inputs, target, weights)
        # compile(loss_weights=w) scales the loss that is minimized and logged, as Keras
        return loss if self.weight == 1.0 else loss * self.weight

    def _unweighted(self, inputs, target):
        loss = self.fn(inputs, target)
        if getattr(loss, "size", 1) != 1:
            raise ValueError(f"loss {self.name}: returned shape {tuple(loss.shape)}, expected "
                             "a scalar (use reduction='mean' or 'sum')")
        self._labels = target  # (the class weights' sum is read only where fit asks)
        return loss

    def last_denominator(self):
        """What the last call divided its (weighted) sum by: None for the batch's samples,
        else a number or a 0-d Variable (fit on several ranks weighs each rank by it)."""
        if self.denominator is not None:
            return self.denominator
        return _class_weight_sum(self.fn, self._labels)

    @property
    def may_ignore_labels(self):
        """Whether the loss divides by the labels it keeps, where only the labels tell which:
        a plain CrossEntropyLoss or NLLLoss skips labels equal to its ignore_index (-100 by
        default, PyTorch's label for padding), so its denominator is the samples only where
        no label is ignored."""
        fn = self.fn
        return isinstance(fn, (CrossEntropyLoss, NLLLoss)) and fn.reduction == "mean" and \
            fn.weight is None and fn.ignore_index < 0

    @property
    def adds_up(self):
        """Whether the loss is its samples' losses summed, not divided by anything."""
        return self.reduction == "sum" or getattr(self.fn, "reduction", None) == "sum"

    def check_weighable(self, who):
        """A TypeError before any step where sample weights cannot be applied."""
        if self.per_sample is None:
            raise TypeError(f"{who}: loss {self.name}: sample_weight and class_weight need each "
                            "sample's loss, and this callable returns the batch's only; "
                            "compile with a loss name, an nn loss module, or a function "
                            "taking reduction='none'")

    def _weighted(self, inputs, target, weights):
        """sum_i w_i l_i / N, l_i the mean of sample i's losses; for a loss module reducing by
        'sum', sum_i w_i l_i with l_i their sum, by 'batchmean' (KLDivLoss) that over N (ops
        only: a captured step replays it with each batch's weights)."""
        self.check_weighable("fit")
        losses = as_variable(self.per_sample(inputs, target))
        counted = carried_mask(losses)  # (entries a loss leaves out: Keras' ignore_class)
        if counted is not None:
            return self._masked_mean(losses, weights, counted)
        if weights is not None and weights.ndim > 1:
            return self._weighted_steps(losses, weights)
        samples = len(inputs)
        if losses.ndim == 0:  # (the batch's one loss, Keras' Dice of axis=None: Keras scales
            if weights is None:  # it by each sample's weight, and any reduction keeps it)
                return losses
            losses = losses * get_array_module(losses.data).ones(samples, losses.dtype)
        if losses.shape[:1] != (samples,):
            raise ValueError(f"loss {self.name}: reduction='none' returned shape "
                             f"{tuple(losses.shape)}, expected one loss per sample first "
                             f"({samples}, ...)")
        reduction = getattr(self.fn, "reduction", "mean")
        if losses.ndim > 1:
            losses = self._sample_losses(losses, reduction, tuple(inputs.shape))
        if weights is None:  # (a Keras reduction of its own, without sample weights)
            weights = get_array_module(losses.data).ones(samples, losses.dtype)
        weights = as_variable(weights)
        if weights.dtype != losses.dtype:
            weights = astype(weights, losses.dtype)
        return self._reduced((losses * weights).sum(), weights, samples,
                             "sum" if reduction == "sum" else self.reduction)

    def _sample_losses(self, losses, reduction, shape):
        """Each sample's loss from its elements' (N, ...) (`shape`: the outputs'): their sum
        where the loss module reduces by 'sum' (or 'batchmean', KLDivLoss' sum / N), else
        their mean; under a Keras 'sum' the sum of its rows' losses (an elementwise loss's
        row: the mean over the last axis, Keras' own), where a mean over a sequence's steps
        made it T times too small."""
        if self.reduction == "sum":
            if self.elementwise and tuple(losses.shape) == shape:
                losses = losses.mean(axis=-1)
            return losses.sum(axis=tuple(range(1, losses.ndim))) if losses.ndim > 1 else losses
        within = tuple(range(1, losses.ndim))
        adds = reduction in ("sum", "batchmean")
        return losses.sum(axis=within) if adds else losses.mean(axis=within)

    def _weighted_steps(self, losses, weights):
        """Keras 3's weights of the steps (N, T): sum of w_it l_it over the N T entries'
        count (l_it the mean of step t's losses over any further axes)."""
        losses = self._step_losses(losses, tuple(weights.shape), _WEIGHTS_MISMATCH)
        weights = astype(as_variable(weights), losses.dtype)
        loss = self._reduced((losses * weights).sum(), weights, losses.size, self.reduction)
        if self.reduction == "sum_over_batch_size":
            self.denominator = losses.size  # the steps, not the samples
        return loss

    def _masked(self, inputs, target, weights, mask):
        """Keras' masked mean: sum of w_i l_it over the real steps (mask True) / their count
        (0 when there is none), l_it the mean of step t's losses (over the features), w_i
        sample i's weight (1 without)."""
        if self.per_sample is None:
            raise TypeError(f"fit: loss {self.name}: a mask on the outputs (Embedding's "
                            "mask_zero, Masking) needs each step's loss, and this callable "
                            "returns the batch's only; compile with a loss name, an nn loss "
                            "module, or a function taking reduction='none'")
        losses = as_variable(self.per_sample(inputs, target))
        counted = carried_mask(losses)
        if counted is not None:  # both the outputs' mask and the loss's own
            mask = astype(as_variable(mask), losses.dtype) * astype(counted, losses.dtype)
        return self._masked_mean(losses, weights, mask)

    def _masked_mean(self, losses, weights, mask):
        """sum of w_i l_it where mask (N, T) holds / how many it holds (0 for none)."""
        keep = astype(as_variable(mask), losses.dtype)
        steps = tuple(keep.shape)
        losses = self._step_losses(_spread_over(losses, steps), steps, _MASK_MISMATCH)
        weighted = keep if weights is None else keep * _weights_per_step(
            astype(as_variable(weights), losses.dtype), steps)
        if self.reduction != "sum_over_batch_size":
            return self._reduced((losses * weighted).sum(), weighted, None, self.reduction)
        self.denominator = keep.sum()
        return (losses * weighted).sum() / maximum(self.denominator, 1.0)

    def _reduced(self, total, weights, samples, reduction):
        """The batch's loss from its weighted sum: itself ('sum'), over the weights' sum
        ('mean_with_sample_weight', 0 where they sum to 0, Keras' divide_no_nan) or over the
        samples (Keras' 'sum_over_batch_size'); notes the denominator."""
        if reduction == "sum":
            return total
        if reduction == "mean_with_sample_weight" or samples is None:
            self.denominator = weights.sum()
            return total / maximum(self.denominator, _TINY)
        return total / samples  # (the batch's samples, the denominator fit assumes)

    def _step_losses(self, losses, steps, mismatch):
        """The losses (N, T, ...) of the steps (N, T): their mean over any further axes; a
        ValueError (`mismatch`, filled in) where they do not start with `steps`."""
        if tuple(losses.shape[:len(steps)]) != steps:
            raise ValueError(f"loss {self.name}: " + mismatch.format(
                steps=steps, losses=tuple(losses.shape)))
        if losses.ndim > len(steps):
            losses = losses.mean(axis=tuple(range(len(steps), losses.ndim)))
        return losses

    def scores(self, array):
        return _ACTIVATIONS[self.score_activation](array)

    def outputs(self, array):
        """The model's own outputs from the array of its inputs() (its final activation
        applied again where the loss took it), as a Keras model's metrics see them."""
        return _ACTIVATIONS[self.taken](array)

    def __repr__(self):
        return f"CompiledLoss({self.name!r})"


_WEIGHTS_MISMATCH = ("sample_weight of shape {steps} weighs the steps of losses of shape "
                     "{losses}: expected them to start with it")
_MASK_MISMATCH = ("the outputs' mask has shape {steps}, and reduction='none' returned losses "
                  "of shape {losses}: expected one per step first")


def _spread_over(losses, steps):
    """Losses that do not start with the steps (N, T) but broadcast to them, as Keras
    weighs them by the mask (after squeeze_or_expand_to_same_rank): Dice's one of axis=None,
    one per sample and class (N, 1); the others as they are."""
    if tuple(losses.shape[:len(steps)]) == steps:
        return losses
    spread, _ = same_rank(losses, np.empty(steps, np.bool_))
    try:
        fits = np.broadcast_shapes(tuple(spread.shape), steps) == steps
    except ValueError:
        fits = False
    return broadcast_to(spread, steps) if fits else losses


def _weights_per_step(weights, steps):
    """Sample weights (N,), or the steps' own (N, T), as an array of the steps' shape."""
    if weights.ndim == len(steps):
        return weights
    return reshape(weights, (steps[0],) + (1,) * (len(steps) - 1))


def _keras_reduction(keras_object, name):
    """The reduction of the Keras loss object compiled ('mean' is Keras' alias of the
    default); 'none' is refused: compile minimizes one number per batch."""
    reduction = getattr(keras_object, "reduction", "sum_over_batch_size")
    if reduction == "none":
        raise ValueError(f"compile: loss {name!r} has reduction='none', a loss per sample; "
                         "compile needs one number per batch: leave the default "
                         "('sum_over_batch_size'), or give 'sum' or 'mean_with_sample_weight'")
    return "sum_over_batch_size" if reduction == "mean" else reduction


def _class_weight_sum(fn, target):
    """What a class-weighted or ignore_index mean (CrossEntropyLoss, NLLLoss) divides by: the
    weights of the counted labels; None where the loss divides by the samples."""
    if target is None or not isinstance(fn, (CrossEntropyLoss, NLLLoss)) or \
            fn.reduction != "mean":
        return None
    labels = to_cpu(array_of(target))
    if labels.dtype.kind not in "iu":  # class probabilities: torch divides by the samples
        return None
    kept = labels != fn.ignore_index  # (the default -100 too: PyTorch's label for padding)
    if fn.weight is None and kept.all():
        return None  # every label counted: a plain mean over the samples
    counted = labels[kept]
    weight = fn.weight
    return float(len(counted) if weight is None else to_cpu(array_of(weight))[counted].sum())


_TINY = 1e-30  # (a total of 0 over weights summing to 0 stays 0)


def resolve_loss(loss):
    """A CompiledLoss from a Keras name or a callable `loss(pred, target)`."""
    if loss is None:
        raise ValueError("compile: loss is required: a name such as 'mse' or "
                         "'sparse_categorical_crossentropy', or a callable loss(pred, target)")
    if isinstance(loss, str):
        try:
            return _named_loss(loss)
        except ValueError:  # (Keras' other losses by name: 'dice', 'binary_focal_...')
            from ..keras.losses import compiled_by_name
            found = compiled_by_name(loss)
            if found is None:
                raise
            return found.compiled_form()
    if hasattr(loss, "compiled_form"):  # an nn.keras.losses object
        return loss.compiled_form()
    if not callable(loss):
        raise TypeError(f"compile: loss must be a name or a callable, got {type(loss).__name__}")
    if _in_keras_order(loss):
        from ..keras.losses import LossFunctionWrapper
        return LossFunctionWrapper(loss).compiled_form()
    compiled = CompiledLoss(_callable_name(loss), loss,
                            score_activation=_logit_activation(loss), per_sample=_unreduced(loss))
    if isinstance(loss, (CrossEntropyLoss, NLLLoss)):  # (PyTorch's padding label)
        compiled.ignore_class = loss.ignore_index      # the metrics skip it as the loss does
    return compiled


def keras_named_loss(name, fn=None, from_logits=False, keras_object=None):
    """The loss compile makes of a Keras loss object (nn.keras.losses): the named loss, with
    `fn` (taking reduction=) in place of its function where the object has options (Huber's
    delta, label smoothing), and with from_logits the model's outputs taken as the logits
    they are (no final activation taken into the loss)."""
    named = _named_loss(name)
    fn = named.fn if fn is None else fn
    absorbs = None if from_logits else named.absorbs
    return _compiled(name, fn, absorbs, named.score_activation, elementwise=named.elementwise,
                     keras_object=keras_object)


# The first argument's names that tell the order: Keras' (y_true, y_pred), or rungrad's and
# PyTorch's (pred, target) (DeZero's (y, t) among them)
_KERAS_FIRST = frozenset(("y_true", "true", "target", "targets", "label", "labels"))
_PREDICTION_FIRST = frozenset(("input", "inputs", "pred", "preds", "prediction",
                               "predictions", "y_pred", "output", "outputs", "out", "logits",
                               "scores", "y", "y_hat", "yhat", "x", "x0", "input1"))


def _in_keras_order(loss):
    """Whether a plain function takes Keras' (y_true, y_pred), by its first argument's name
    (rungrad's losses take (pred, target), PyTorch's order): a Keras user's own loss must not
    have its arguments swapped, and a name that tells neither order is refused, not guessed."""
    if hasattr(loss, "forward"):  # an nn loss module: PyTorch's order
        return False
    try:
        names = list(inspect.signature(loss).parameters)
    except (TypeError, ValueError):  # a builtin without a signature: rungrad's order
        return False
    first = names[0] if names else None
    if first in _KERAS_FIRST:
        return True
    if first in _PREDICTION_FIRST or first is None or _is_rungrads(loss):
        return False
    raise ValueError(
        f"compile: cannot tell the order of the arguments of loss {_callable_name(loss)}"
        f"({', '.join(names[:2])}): name them (y_true, y_pred) for Keras' order, or "
        f"(pred, target) for rungrad's and PyTorch's")


def _is_rungrads(loss):
    module = getattr(loss, "__module__", None) or ""
    return module.split(".")[0] in ("nn", "autograd")


def _unreduced(loss):
    """The callable giving `loss`'s per-sample losses, or None where it has no such form:
    an nn loss module is called as a copy with reduction 'none' (made at each call: its
    options as they are then), a function taking `reduction` is called with it."""
    if isinstance(getattr(loss, "reduction", None), str) and hasattr(loss, "forward"):
        return functools.partial(_called_unreduced, loss)
    try:
        parameters = inspect.signature(loss).parameters
    except (TypeError, ValueError):  # a builtin without a signature
        return None
    return functools.partial(loss, reduction="none") if "reduction" in parameters else None


def _named_loss(name):
    key = snake_case(name).lower()  # (Keras' class names too: 'MeanSquaredError')
    key = _ALIASES.get(key, key)
    if key in _ELEMENTWISE:
        return _compiled(name, _ELEMENTWISE[key], elementwise=True)
    if key in _PER_SAMPLE:
        return _compiled(name, _per_sample_loss(key), elementwise=True)
    if key == "binary_crossentropy":
        return _compiled(name, binary_cross_entropy, "sigmoid", "sigmoid", elementwise=True)
    if key == "categorical_crossentropy":
        return _compiled(name, categorical_cross_entropy, "softmax", "softmax")
    if key == "sparse_categorical_crossentropy":
        return _compiled(name, sparse_categorical_cross_entropy, "softmax", "softmax")
    raise ValueError(f"compile: unknown loss {name!r}; use a callable or one of "
                     f"{', '.join(LOSS_NAMES)} (or Keras' class name of one: "
                     "'MeanSquaredError')")


@functools.cache
def _per_sample_loss(key):
    """F.<key>_loss (nn.functional.keras_losses), taking an output of one value per sample,
    (N,), as the column (N, 1) it means (each value its own sample, as the elementwise
    losses count it) rather than as one sample of N values. One function per name: a saved
    model names its loss by it."""
    fn = getattr(F, f"{key}_loss")

    def loss(inputs, target, reduction="mean"):
        if inputs.ndim == 1:
            inputs, target = reshape(inputs, (-1, 1)), reshape(as_variable(target), (-1, 1))
        return fn(inputs, target, reduction=reduction)

    loss.__name__ = loss.__qualname__ = fn.__name__
    return loss


def _called_unreduced(module, inputs, target):
    unreduced = copy.copy(module)
    unreduced.reduction = "none"
    return unreduced(inputs, target)


def _compiled(name, fn, *args, **kwargs):
    """A named loss, whose function takes reduction='none' for per-sample losses."""
    return CompiledLoss(name, fn, *args, per_sample=functools.partial(fn, reduction="none"),
                        **kwargs)


def _logits_of(output, name, wanted):
    """The Variable a subclass's final sigmoid or softmax (over the last axis) was applied to,
    read from the graph, with what followed it applied again: for a sigmoid (elementwise)
    reshapes, transposes and indexing (`[:, 0]`), for either a clip (probabilities kept off
    0 and 1: the logits need none). Or `output` itself where it ends with neither (logits)."""
    _check_one_output(output, name)
    after, f = [], output.creator
    while isinstance(f, _AFTER_SIGMOID) and not getattr(f, "index_variables", ()):
        if isinstance(f.inputs[0].creator, Softmax) and not _keeps_rows(f):
            raise ValueError(f"loss {name!r}: the model reshapes or indexes its softmax's "
                             "output, which may move the classes off the last axis; end "
                             "with the softmax, or return logits")
        after.append(f)
        f = f.inputs[0].creator
    ends = None
    if isinstance(f, Sigmoid):
        ends = "sigmoid"
    elif isinstance(f, Softmax):
        if f.axis not in (-1, f.inputs[0].ndim - 1, (f.inputs[0].ndim - 1,)):
            raise ValueError(f"loss {name!r}: the model's softmax is over axis {f.axis}; the "
                             f"cross-entropy losses take the classes on the last axis")
        ends = "softmax"
    if ends is None and wanted == "sigmoid" and _clipped_to_unit(output.creator):
        return _logits_of_probabilities(output)
    if not _check_final_activation(name, wanted, ends):
        return output
    logits = f.inputs[0]
    for step in reversed(after):
        logits = _again(step, logits)
    return logits


def _keeps_rows(f):
    """Whether Function `f`, after a softmax, keeps each row of classes whole on the last
    axis: a clip, or a reshape that keeps the last axis (TimeDistributed's (N T, C) back to
    (N, T, C))."""
    if isinstance(f, Clip):
        return True
    return isinstance(f, Reshape) and f.outputs[0]().shape[-1:] == f.inputs[0].shape[-1:]


def _clipped_to_unit(f):
    """Whether Function `f` clips its outputs into [0, 1]: probabilities, whatever came
    before (a hard sigmoid, Keras' 'hard_sigmoid')."""
    return isinstance(f, Hardtanh) and f.low >= 0 and f.high <= 1


def _logits_of_probabilities(p):
    """The logits log(p / (1 - p)) of probabilities p kept within [1e-7, 1 - 1e-7]: the
    fused loss on them is Keras' binary cross-entropy on the probabilities, clipped as it
    clips them."""
    kept = clip(p, _EPSILON, 1 - _EPSILON)
    return log(kept) - log1p(-kept)


_EPSILON = 1e-7  # Keras' backend.epsilon()


def _check_one_output(output, name):
    if not isinstance(output, Variable):
        hint = (" (PyTorch's recurrent layers return (output, state): end the model with "
                "nn.Lambda(lambda out: out[0][:, -1]) for the last time step's output)"
                if isinstance(output, tuple) else "")
        raise TypeError(f"loss {name!r}: the model returned a {type(output).__name__}, not one "
                        f"Variable; compile's losses take a model with one output{hint}")


def _again(f, x):
    """What Function `f` (a reshape, transpose, index or clip) did, done to x instead; a
    clip is left out."""
    if isinstance(f, Reshape):
        return reshape(x, f.outputs[0]().shape)  # (alive: the graph holds it)
    if isinstance(f, Transpose):
        return transpose(x, f.axes)
    if isinstance(f, GetItem):
        return x[f.index]
    return x


def _check_final_activation(name, wanted, final):
    """Whether to feed the logits before the final activation (True) or the output."""
    if final is None:
        return False
    if final != wanted:
        raise ValueError(f"loss {name!r} needs a final {wanted} (or no final activation, "
                         f"for logits), but the model ends with {final}")
    return True


def binary_cross_entropy(logits, target, reduction="mean"):
    """Binary cross-entropy of targets in [0, 1] (0/1 labels or probabilities), from logits.
    Targets outside are refused: class labels such as 0..9 would give a negative loss and a
    meaningless accuracy, silently (Keras computes them)."""
    target = CheckedBinaryTargets()(as_variable(target))
    return F.binary_cross_entropy_with_logits(logits, target, reduction=reduction)


def categorical_cross_entropy(logits, target, reduction="mean", label_smoothing=0.0):
    """Cross-entropy of one-hot (or probability) targets over the last axis; integer and
    bool one-hot rows (pandas' get_dummies, one_hot) are cast, as Keras casts them.
    label_smoothing s mixes the targets with the uniform: t (1 - s) + s / K."""
    target = one_hot_target(target, logits)
    return F.cross_entropy(_classes_to_axis1(logits), _classes_to_axis1(target),
                           reduction=reduction, label_smoothing=label_smoothing)


def one_hot_target(target, output):
    """One-hot (or probability) targets checked to have the output's shape; integer and bool
    rows cast to its dtype."""
    if target.dtype.kind in "biu" and target.shape == tuple(output.shape):
        target = (astype(target, output.dtype) if isinstance(target, Variable)
                  else target.astype(output.dtype))
    if target.dtype.kind != "f" or target.shape != tuple(output.shape):
        raise ValueError(f"loss 'categorical_crossentropy': needs one-hot targets of the "
                         f"output's shape {tuple(output.shape)}, got {target.dtype} targets of "
                         f"shape {target.shape}; integer labels take "
                         "'sparse_categorical_crossentropy'")
    return target


def sparse_categorical_cross_entropy(logits, target, reduction="mean", ignore_class=None,
                                     loss=F.cross_entropy):
    """Cross-entropy of integer class labels; the classes are on the output's last axis.
    `loss` (classes on axis 1, labels, reduction): F.cross_entropy of logits, or F.nll_loss
    where `logits` are log-probabilities already.

    Labels outside [0, classes) are refused (Keras' rule), -100 included: F.cross_entropy
    would skip it as PyTorch's ignore_index while the accuracy counted it. The labels are
    reshaped and cast with ops (a captured step replays them); the checks read the values.
    ignore_class: Keras' label that counts for nothing (a segmentation's void, -1 or 255):
    its entries' losses are 0 and the mean is over the others; with reduction='none' the
    losses carry the mask of the counted entries, which Keras' reductions read."""
    target = as_variable(target)
    if target.ndim == logits.ndim and target.shape[-1] == 1:  # (N, 1) labels
        target = reshape(target, target.shape[:-1])
    elif target.shape == tuple(logits.shape):  # the usual mix-up: one row per sample
        raise ValueError(f"{CheckedLabels.name}: needs integer class labels of shape "
                         f"{tuple(logits.shape[:-1])}, got targets of the output's shape "
                         f"{target.shape}; one-hot targets take 'categorical_crossentropy'")
    if tuple(target.shape) != tuple(logits.shape[:-1]):  # (named before the classes move)
        raise ValueError(f"{CheckedLabels.name}: labels of shape {tuple(target.shape)} do not "
                         f"match the model's output of shape {tuple(logits.shape)}: one class "
                         f"label per output row is shape {tuple(logits.shape[:-1])}")
    counted = None
    if ignore_class is not None:  # (Keras zeroes the ignored logits too: no NaN reaches back)
        target, counted = IgnoredClass(ignore_class)(target)
        logits = where(expand_dims(counted, -1), logits, 0.0)
    target = CheckedLabels(logits.shape[-1])(target)
    if target.dtype.kind in "fb":  # (Keras casts float and boolean labels alike)
        target = astype(target, np.int64)
    if counted is None:
        return loss(_classes_to_axis1(logits), target, reduction=reduction)
    losses = loss(_classes_to_axis1(logits), target, reduction="none")
    losses = where(counted, losses, 0.0)
    if reduction == "none":
        carry_mask(losses, counted)
        return losses
    total = losses.sum()
    return total if reduction == "sum" else total / maximum(
        astype(counted, losses.dtype).sum(), 1.0)


class IgnoredClass(Function):
    """(the labels with `ignore_class` replaced by class 0, where they are not it): Keras'
    ignore_class as an op, so that a captured step finds each batch's."""

    def __init__(self, ignore_class):
        self.ignore_class = ignore_class

    def forward(self, labels):
        counted = labels != self.ignore_class
        return labels * counted.astype(labels.dtype), counted


class CheckedLabels(Function):
    """The labels themselves, checked to be class indices in [0, classes) (Keras' rule): an
    op, so that a captured step (compile(jit_compile=True)) checks every batch."""

    name = "loss 'sparse_categorical_crossentropy'"  # errors read as the loss's

    def __init__(self, classes):
        self.classes = classes

    def forward(self, labels):
        if labels.dtype.kind == "f" and np.isnan(labels).any():
            raise ValueError(f"{self.name}: targets must be integer class labels; got NaN")
        if labels.dtype.kind == "f" and not np.all(labels == np.round(labels)):
            raise ValueError(f"{self.name}: targets must be integer class labels; got "
                             "fractional values (one-hot targets take "
                             "'categorical_crossentropy')")
        check_labels(labels, self.classes, self.name)
        return labels


class CheckedBinaryTargets(Function):
    """The targets themselves, checked to lie in [0, 1]: an op, so that a captured step
    (compile(jit_compile=True)) checks every batch. NaN is refused too."""

    name = "loss 'binary_crossentropy'"

    def forward(self, target):
        if target.size == 0 or bool((target.min() >= 0) & (target.max() <= 1)):
            return target
        raise ValueError(f"{self.name}: targets must lie in [0, 1] (0/1 labels or "
                         f"probabilities); got values from {target.min()} to {target.max()}. "
                         "Class labels of more than two classes take "
                         "'sparse_categorical_crossentropy' and one output per class "
                         "(Dense(classes, activation='softmax'))")


def _classes_to_axis1(x):
    """Keras keeps classes on the last axis, cross_entropy on axis 1: (N, ..., C) -> (N, C, ...)."""
    if x.ndim <= 2:
        return x
    axes = (0, x.ndim - 1) + tuple(range(1, x.ndim - 1))
    return transpose(x, axes) if isinstance(x, Variable) else x.transpose(axes)


def at_least_float32(outputs):
    """Half-precision outputs (a mixed_float16 model's) as float32, which Keras computes its
    losses in: float16 would overflow or lose the loss' small terms; the gradient goes back
    to the outputs in float16. Other dtypes pass as they are (float64 stays)."""
    return astype(outputs, np.float32) if outputs.dtype == np.float16 else outputs


def align_target(output, target, who, cast=False):
    """`target` shaped like `output` where Keras would align them, in its float dtype.

    Shapes that differ only by a trailing axis of size 1 are reshaped; nothing is broadcast.
    With `cast` (elementwise losses) the shapes must then agree and integer targets become
    floats too; otherwise integer targets (class labels) are left as they are.
    """
    # A Variable target is aligned with ops (a captured step replays them on each batch)
    reshaped, cast_to = (reshape, astype) if isinstance(target, Variable) else (
        lambda t, shape: t.reshape(shape), lambda t, dtype: t.astype(dtype))
    out_shape = tuple(output.shape)
    if target.shape != out_shape and target.size == int(np.prod(out_shape)) and (
            target.shape + (1,) == out_shape or target.shape == out_shape + (1,)):
        target = reshaped(target, out_shape)
    if cast and target.shape != out_shape:
        raise ValueError(f"loss {who}: the model's output has shape {out_shape} but the "
                         f"target has shape {target.shape}")
    if (cast or target.dtype.kind == "f") and target.dtype != output.dtype:
        target = cast_to(target, output.dtype)  # float64 labels must not promote float32
    if isinstance(target, Variable):
        return target
    xp = get_array_module(output.data if isinstance(output, Variable) else output)
    return xp.asarray(target) if xp is not np else target


def _callable_name(fn):
    return getattr(fn, "__name__", type(fn).__name__)


def _independent_outputs(fn):
    """Whether `fn` is a binary cross-entropy: each output its own sigmoid probability."""
    bce = (F.binary_cross_entropy, F.binary_cross_entropy_with_logits)
    return fn in bce or isinstance(fn, (BCELoss, BCEWithLogitsLoss))


def _logit_activation(fn):
    """The activation that turns this loss's inputs into probabilities, for known logit losses."""
    if fn is F.binary_cross_entropy_with_logits or isinstance(fn, BCEWithLogitsLoss):
        return "sigmoid"
    if fn is F.cross_entropy or isinstance(fn, CrossEntropyLoss):
        return "softmax"
    return None


__all__ = ["CompiledLoss", "resolve_loss", "align_target", "LOSS_NAMES", "keras_named_loss",
           "binary_cross_entropy", "categorical_cross_entropy", "sparse_categorical_cross_entropy"]
