"""Classification losses over a class axis: cross_entropy (fused, stable log-softmax + NLL)
and nll_loss, with PyTorch's semantics (weights, ignore_index, label smoothing).

Shapes: input (N, C) or (N, C, d1, ...), or unbatched (C,); integer targets (N,) or
(N, d1, ...) (a scalar when unbatched); probability targets have the input's shape.

With integer targets both losses are `l = -sum_c a_c v_c` per element, where v is the
log-probability and the coefficients are
    a_c = (1 - eps) w_t [c == t] + (eps / C) w_c      (0 where t == ignore_index),
w the class weights (default 1) and eps the label smoothing. So dl/dv = -a, and for
cross_entropy (v = log_softmax(x)) dl/dx = softmax(x) sum_c(a_c) - a.
'mean' divides by sum of w_t over the targets not ignored (PyTorch's weighted mean).
"""
import numpy as np

from autograd.backend import get_array_module
from autograd.cuda_kernels import count_outside, fused, negative_picks, softmax_minus_picks
from autograd.function import Function, call_op
from autograd.ops import astype, expand_dims, mean, reshape, sum
from autograd.ops.shape import Reshape
from autograd.ops.validation import real_scalar
from autograd.spec import Choice, Spec
from autograd.variable import as_variable, on_device_of, wrap

from ._reduction import check_reduction, inverse, reduce_array, upstream
from ._settings import constant_setting
from .activation import Softmax, log_softmax, log_softmax_array


class ClassTargets:
    """Integer targets of a loss over input of shape (N, C, d1, ...), as the coefficients
    a (see the module docstring), kept sparse: a pick weight at each target class plus an
    optional spread over all classes. Each of the two is a per-element array (N, d...), or a
    Python float when it is the same everywhere (the common case costs no array work)."""

    def __init__(self, shape, target, weight, ignore_index, smoothing, dtype, who):
        xp = get_array_module(target)
        classes = shape[1]
        if _all_in_range(target, classes, ignore_index):  # (two reductions: the common case)
            keep, all_kept, safe = True, True, target
        else:
            keep = target != ignore_index
            all_kept = bool(keep.all())
            safe = target if all_kept else xp.where(keep, target, 0)
            _check_range(safe, classes, who)
        self.shape, self.classes, self.dtype = shape, classes, dtype
        self.element_shape = target.shape
        self.kept = None if all_kept else keep  # the elements not ignored (None: all)
        self.rows = safe.reshape(-1)  # the target class of each element
        self.class_weight = None if weight is None else weight.reshape(
            (1, classes) + (1,) * (len(shape) - 2))
        self.counted = bool(target.size) if all_kept else bool(keep.any())  # (see upstream)
        if weight is None and all_kept:
            self.denominator = float(target.size)
            self.pick = 1.0 - smoothing
        else:
            counted = keep.astype(dtype) if weight is None else weight[safe] * keep
            self.denominator = float(counted.sum())
            self.pick = counted if smoothing == 0 else counted * (1 - smoothing)
        spread = smoothing / classes
        self.spread = None if smoothing == 0 else (spread if all_kept else keep * spread)
        self.unit_sums = weight is None and all_kept  # then sum_c a_c = 1 for every element
        self.picks_only = self.unit_sums and smoothing == 0  # a_c = [c == target]

    def weighted_sum(self, values):
        """sum_c a_c values_c per element: (N, C, d...) array -> (N, d...)."""
        xp = get_array_module(values)
        flat = _class_last(values).reshape(-1, self.classes)
        result = flat[xp.arange(flat.shape[0]), self.rows].reshape(self.element_shape)
        if self.pick.__class__ is not float or self.pick != 1:
            result *= self.pick
        if self.spread is not None:
            spread = values if self.class_weight is None else values * self.class_weight
            result += self.spread * spread.sum(axis=1)
        return result

    def dense(self):
        """The coefficients a as a dense (N, C, d...) array."""
        xp = get_array_module(self.rows)
        flat = xp.zeros((self.rows.size, self.classes), dtype=self.dtype)
        pick = self.pick if self.pick.__class__ is float else self.pick.ravel()
        flat[xp.arange(flat.shape[0]), self.rows] = pick
        a = _class_back(flat, self.shape)
        if self.spread is not None:
            weight = 1 if self.class_weight is None else self.class_weight
            a += _with_class_axis(self.spread) * weight
        return a

    def undefined(self, whole_rows):
        """PyTorch's gradient where a weighted mean divides by a zero total weight (0 / 0):
        NaN at each counted element's target class (its whole row of classes with
        `whole_rows`: through a softmax), 0 at the ignored elements. (N, C, d...)."""
        xp = get_array_module(self.rows)
        flat = xp.zeros((self.rows.size, self.classes), dtype=self.dtype)
        counted = slice(None) if self.kept is None else self.kept.reshape(-1)
        if whole_rows:
            flat[counted] = xp.nan
        else:
            picks = xp.zeros(flat.shape, bool)
            picks[xp.arange(flat.shape[0]), self.rows] = True
            if self.kept is not None:
                picks &= self.kept.reshape(-1, 1)
            flat[picks] = xp.nan
        return _class_back(flat, self.shape)

    def row_sums(self):
        """sum_c a_c per element, with a class axis of size 1: (N, 1, d...) (or a float)."""
        total = self.pick
        if self.spread is not None:
            weight_sum = self.classes if self.class_weight is None else self.class_weight.sum()
            total = total + self.spread * weight_sum
        return _with_class_axis(total)


class NLLLoss(Function):
    """l = -sum_c a_c x_c (x: log-probabilities);  dl/dx = -a"""

    input_specs = (Spec(shape=("N", "C")), Spec("int", shape=("N",), elements=(0, "C")))
    arg_specs = {"reduction": Choice("mean", "sum", "none")}
    apply = staticmethod(lambda x, t, reduction: nll_loss(x, t, reduction=reduction))
    reference = "autograd.testing.references:nll_loss"

    def __init__(self, reduction, **target_options):
        self.reduction, self.target_options = reduction, target_options

    def forward(self, x, target):
        self.targets = _class_targets(x, target, self.target_options)
        losses = self.targets.weighted_sum(x)
        losses *= -1
        return reduce_array(losses, self.reduction, self.targets.denominator)

    def backward(self, gy):
        if _undefined(self.reduction, self.targets):
            return wrap(self.targets.undefined(whole_rows=False), False)
        g = _class_upstream(gy, self.reduction, self.targets)
        return g * wrap(-self.targets.dense(), False)


class SoftmaxCrossEntropy(Function):
    """l = -sum_c a_c log_softmax(x)_c;  dl/dx = softmax(x) sum_c(a_c) - a"""

    input_specs = (Spec(shape=("N", "C")), Spec("int", shape=("N",), elements=(0, "C")))
    arg_specs = {"reduction": Choice("mean", "sum", "none"), "label_smoothing": Choice(0.0, 0.1)}
    apply = staticmethod(lambda x, t, reduction, label_smoothing: cross_entropy(
        x, t, reduction=reduction, label_smoothing=label_smoothing))
    reference = "autograd.testing.references:cross_entropy"

    def __init__(self, reduction, **target_options):
        self.reduction, self.target_options = reduction, target_options

    def forward(self, x, target):
        self.targets = _class_targets(x, target, self.target_options)
        # kept for backward_data, where softmax is its exp (one call, not softmax's five)
        self.log_probs = log_softmax_array(x, 1)
        if self._fused():  # (the mean's division in the same kernel)
            losses = negative_picks(self.log_probs, self.targets.rows, self._factor())
            return losses if self.reduction == "none" else losses.sum()
        losses = self.targets.weighted_sum(self.log_probs)
        losses *= -1
        return reduce_array(losses, self.reduction, self.targets.denominator)

    def _fused(self):
        """Whether the GPU's fused kernels serve: (N, C) logits on the GPU, N > 0, plain
        labels."""
        return (fused(self.log_probs) and self.log_probs.ndim == 2
                and self.targets.picks_only and self.log_probs.shape[0] > 0)

    def _factor(self):
        """What each element's loss is multiplied by: 1 / N for the mean, else 1."""
        return inverse(self.targets.denominator) if self.reduction == "mean" else 1.0

    def backward(self, gy):
        targets = self.targets
        if _undefined(self.reduction, targets):
            return wrap(targets.undefined(whole_rows=True), False)
        p = Softmax(1)(self.inputs[0])
        if not targets.unit_sums:
            sums = targets.row_sums()
            p = p * (sums if sums.__class__ is float else wrap(sums, False))
        return (p - wrap(targets.dense(), False)) * _class_upstream(
            gy, self.reduction, targets)

    def backward_data(self, gy):
        targets = self.targets
        if _undefined(self.reduction, targets):
            return targets.undefined(whole_rows=True)
        if self._fused():
            g = gy.reshape(gy.shape + (1,)) if self.reduction == "none" else gy
            return softmax_minus_picks(self.log_probs, targets.rows, g, self._factor())
        p = get_array_module(self.log_probs).exp(self.log_probs)
        if not targets.unit_sums:
            p = p * targets.row_sums()
        p -= targets.dense()
        p *= _class_upstream(gy, self.reduction, targets)
        return p


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0):
    """Cross-entropy between logits `input` and class indices or class probabilities.

    weight: (C,) class weights; ignore_index: a target value that contributes nothing
    (integer targets only: with probability targets it is an error, as in PyTorch);
    label_smoothing: eps in [0, 1], mixing the target with the uniform distribution.
    Stable for logits of any size (log-softmax is shifted by the max).

    >>> import numpy as np
    >>> from autograd import Variable
    >>> import nn.functional as F
    >>> logits = Variable(np.zeros((2, 3)))   # two samples, three classes, all alike
    >>> loss = F.cross_entropy(logits, np.array([0, 2]))
    >>> round(loss.item(), 4)                 # -log(1/3)
    1.0986
    >>> loss.backward()
    >>> logits.grad.data.round(4)             # (softmax - one_hot) / N
    array([[-0.3333,  0.1667,  0.1667],
           [ 0.1667,  0.1667, -0.3333]])
    """
    who = "cross_entropy"
    check_reduction(reduction, who)
    label_smoothing = real_scalar(label_smoothing, "label_smoothing", who)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{who}: label_smoothing must be in [0, 1], got {label_smoothing!r}")
    input, target, unbatched = _batched(input, target, who)
    weight = _class_weight(weight, input, who)
    if target.dtype.kind == "f":
        if ignore_index != -100:  # PyTorch refuses it too: no class index to compare
            raise ValueError(f"{who}: ignore_index ({ignore_index!r}) applies to class-index "
                             "targets, not to class probabilities (a float target)")
        loss = _soft_cross_entropy(input, target, weight, reduction, label_smoothing)
    else:
        _labels(target, who)
        loss = SoftmaxCrossEntropy(reduction, weight=weight, ignore_index=ignore_index,
                                   smoothing=label_smoothing, who=who)(input, target)
    return _unbatch(loss, unbatched, reduction)


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of class indices `target` under log-probabilities `input`."""
    who = "nll_loss"
    check_reduction(reduction, who)
    input, target, unbatched = _batched(input, target, who)
    if target.dtype.kind == "f":
        raise TypeError(f"{who}: target must hold integer class indices, got dtype "
                        f"{target.dtype}")
    _labels(target, who)
    loss = NLLLoss(reduction, weight=_class_weight(weight, input, who), ignore_index=ignore_index,
                   smoothing=0.0, who=who)(input, target)
    return _unbatch(loss, unbatched, reduction)


def _soft_cross_entropy(input, target, weight, reduction, smoothing):
    """Probability targets: l = -sum_c w_c q_c log_softmax(x)_c with q = (1-eps) t + eps/C;
    'mean' divides by the number of elements (N d1 ...), as PyTorch."""
    classes = input.shape[1]
    q = target if target.dtype == input.dtype else astype(target, input.dtype)
    if smoothing:
        q = q * (1 - smoothing) + smoothing / classes
    if weight is not None:
        q = q * wrap(weight.reshape((1, classes) + (1,) * (input.ndim - 2)), False)
    losses = -sum(q * log_softmax(input, axis=1), axis=1)
    if reduction == "none":
        return losses
    return sum(losses) if reduction == "sum" else mean(losses)  # mean of nothing: nan


# ----- argument handling -----

def _batched(input, target, who):
    """input (N, C, ...) and target as Variables, an unbatched (C,) input given a batch of 1."""
    input = as_variable(input)
    target = on_device_of(target, input, who)
    if input.dtype.kind != "f":
        raise TypeError(f"{who}: input must be floating point, got dtype {input.dtype}")
    unbatched = input.ndim == 1
    if unbatched:
        input = expand_dims(input, 0)
        target = expand_dims(target, 0)
    if input.ndim < 2:
        raise ValueError(f"{who}: input must have shape (C,), (N, C) or (N, C, d1, ...), got "
                         f"{input.shape}")
    probabilities = target.dtype.kind == "f"
    expected = input.shape if probabilities else input.shape[:1] + input.shape[2:]
    if target.shape != expected:
        kind = "probability" if probabilities else "class-index"
        hint = ""
        if probabilities and target.shape == input.shape[:1] + input.shape[2:]:
            hint = " (class indices must have an integer dtype, got float)"
        elif not probabilities and target.shape == input.shape:
            hint = (" (a one-hot target? pass its class indices, target.argmax(axis=1), or "
                    "the one-hot rows as floats: probabilities)")
        raise ValueError(f"{who}: {kind} target of shape {_shape(target, unbatched)} does not "
                         f"match input of shape {_shape(input, unbatched)}: expected "
                         f"{expected[1:] if unbatched else expected}{hint}")
    return input, target, unbatched


def _shape(x, unbatched):
    return x.shape[1:] if unbatched else x.shape


def _unbatch(loss, unbatched, reduction):
    return reshape(loss, loss.shape[1:]) if unbatched and reduction == "none" else loss


def _class_targets(x, target, options):
    """ClassTargets of the labels `target` for logits or log-probabilities `x`: made in the
    loss op's forward, so that the labels are an input of the op (a captured step gives
    each replay's labels, see autograd.capture)."""
    return ClassTargets(x.shape, target, options["weight"], options["ignore_index"],
                        options["smoothing"], x.dtype, options["who"])


def _labels(target, who):
    labels = target.data
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{who}: target must hold integer class indices, got dtype {labels.dtype}")
    return labels


def _class_weight(weight, input, who):
    if weight is None:
        return None
    data = constant_setting(weight, input, who, "weight")
    if data.shape != (input.shape[1],):
        raise ValueError(f"{who}: weight of shape {data.shape} does not match "
                         f"{input.shape[1]} classes (expected ({input.shape[1]},))")
    return data


def _all_in_range(target, classes, ignore_index):
    """Whether every target is a class index (none can then be an ignore_index outside
    0..C-1, PyTorch's -100 among them)."""
    if target.size == 0 or 0 <= ignore_index < classes:
        return False
    if target.__class__ is np.ndarray:
        return int(target.min()) >= 0 and int(target.max()) < classes
    # GPU labels: one kernel and one read of the device (each read waits for its queue)
    return int(count_outside(target, classes)) == 0


def _check_range(safe, classes, who):
    if safe.size == 0:
        return
    low, high = int(safe.min()), int(safe.max())
    if low < 0 or high >= classes:
        bad = safe[(safe < 0) | (safe >= classes)]
        raise IndexError(f"{who}: target {int(bad.ravel()[0])} is out of range for {classes} "
                         f"classes (valid: 0 to {classes - 1}, or the ignore_index)")


def _class_last(values):
    """(N, C, d...) -> (N, d..., C): rows of class values."""
    return values if values.ndim == 2 else get_array_module(values).moveaxis(values, 1, -1)


def _class_back(flat, shape):
    """Inverse of _class_last after flattening: (N * d..., C) -> (N, C, d...)."""
    if len(shape) == 2:
        return flat
    rows = flat.reshape((shape[0],) + shape[2:] + (shape[1],))
    return get_array_module(flat).moveaxis(rows, -1, 1)


def _with_class_axis(values):
    """(N, d...) array -> (N, 1, d...), broadcasting against the class axis; floats as they are."""
    if values.__class__ is float:
        return values
    return values.reshape(values.shape[:1] + (1,) + values.shape[1:])


def _undefined(reduction, targets):
    """Whether the loss is a weighted mean over counted targets whose weights sum to 0: nan,
    as is its gradient, in PyTorch's pattern (ClassTargets.undefined)."""
    return reduction == "mean" and targets.counted and not targets.denominator


def _class_upstream(gy, reduction, targets):
    """The gradient reaching each element's loss, shaped to broadcast over the class axis
    ((N, d...) -> (N, 1, d...) for 'none'); a Variable or an array, as gy is."""
    g = upstream(gy, reduction, targets.denominator, targets.counted)
    if reduction != "none":
        return g
    return call_op(Reshape(g.shape[:1] + (1,) + g.shape[1:]), g)


__all__ = ["cross_entropy", "nll_loss"]
