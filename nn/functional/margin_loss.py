"""Margin and embedding losses, PyTorch's: margin_ranking_loss, hinge_embedding_loss,
soft_margin_loss, cosine_embedding_loss, triplet_margin_loss,
triplet_margin_with_distance_loss, multilabel_soft_margin_loss and multi_margin_loss.

Each is composed of differentiable ops, so its gradients (and theirs) come from the ops.
Labels are read by ops too (LabelIs, one_hot), so a captured step reads each call's labels.
`reduction`: 'mean' (over the losses `reduction='none'` gives), 'sum' or 'none'.
"""
import numpy as np

from autograd.function import Function
from autograd.ops import broadcast_to, clip, minimum, reshape, sqrt, where
from autograd.ops import sum as reduce_sum
from autograd.ops.validation import float_input, real_scalar
from autograd.spec import Choice, Spec
from autograd.variable import as_variable, on_device_of

from ._reduction import check_reduction, reduce_loss
from ._settings import constant_setting
from .activation import relu
from .distance import pairwise_distance
from .loss import (
    ATEN_EPSILON,
    _constant_like,
    _exact_softplus,
    _target_like,
    binary_cross_entropy_with_logits,
)
from .one_hot import one_hot

_COSINE_EPS = ATEN_EPSILON  # added to each squared norm (a zero vector has cosine 0)


class LabelIs(Function):
    """m = (t == value), a boolean mask of the labels; no gradient (labels are not learned)."""

    input_specs = (Spec(elements=(-2.0, 2.0), grid=(1.0, 0.0)),)  # integers, +-1 among them
    arg_specs = {"value": Choice(1.0, -1.0)}
    reference = staticmethod(lambda t, value: t == value)
    gradcheck_order = 0

    def __init__(self, value):
        self.value = value

    def forward(self, t):
        return t == self.value

    def backward(self, gy):
        return None


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """max(0, -target (input1 - input2) + margin): target 1 asks input1 to rank above input2
    by margin, -1 below. The three have one number of axes and broadcast together."""
    who = "margin_ranking_loss"
    check_reduction(reduction, who)
    margin = real_scalar(margin, "margin", who)
    x1, x2 = float_input(input1, who), float_input(input2, who)
    t = _target_like(target, x1, who)  # (x1's dtype: the product with x1 - x2 promotes it)
    if not x1.ndim == x2.ndim == t.ndim:
        raise ValueError(f"{who}: input1, input2 and target must have the same number of axes, "
                         f"got shapes {x1.shape}, {x2.shape} and {t.shape}")
    _broadcast_all(who, x1, x2, t)
    return reduce_loss(_hinge(margin - t * (x1 - x2)), reduction)


def hinge_embedding_loss(input, target, margin=1.0, reduction="mean"):  # noqa: A002
    """input where target = 1, max(0, margin - input) where target = -1 (input a distance);
    a target of any other value adds both, as PyTorch's. input and target broadcast."""
    who = "hinge_embedding_loss"
    check_reduction(reduction, who)
    margin = real_scalar(margin, "margin", who)
    x = float_input(input, who)
    t = _target_like(target, x, who)
    _broadcast_all(who, x, t)
    pull = where(LabelIs(-1.0)(t), 0.0, x)
    push = where(LabelIs(1.0)(t), 0.0, _hinge(margin - x))
    return reduce_loss(pull + push, reduction)


def soft_margin_loss(input, target, reduction="mean"):  # noqa: A002
    """log(1 + exp(-target input)) (targets -1 or 1), as a softplus: finite for any input.
    target broadcasts to input's shape."""
    who = "soft_margin_loss"
    check_reduction(reduction, who)
    x = float_input(input, who)
    t = _target_like(target, x, who)
    _refuse_growing(who, "target", t.shape, x.shape)
    return reduce_loss(_exact_softplus(-(x * t)), reduction)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """1 - cos(input1, input2) where target = 1, max(0, cos - margin) where target = -1, 0 for
    other targets; cos over the last axis. Inputs (N, D) with target (N,), or unbatched (D,)
    with a scalar target."""
    who = "cosine_embedding_loss"
    check_reduction(reduction, who)
    margin = real_scalar(margin, "margin", who)
    x1, x2 = float_input(input1, who), float_input(input2, who)
    t = _target_like(target, x1, who)  # (compared with +-1 only: any float dtype serves)
    if t.ndim > 1:
        raise ValueError(f"{who}: target must be a scalar or 1-D (one label per pair), got "
                         f"shape {t.shape}")
    if not x1.ndim == x2.ndim == t.ndim + 1:
        raise ValueError(f"{who}: a {t.ndim}-D target expects {t.ndim + 1}-D inputs, got "
                         f"shapes {x1.shape} and {x2.shape}")
    pairs = _broadcast_all(who, x1, x2)[:-1]
    _refuse_growing(who, "target", t.shape, pairs, "the number of pairs")
    cos = _cosine(x1, x2)
    similar = where(LabelIs(1.0)(t), 1.0 - cos, 0.0)
    dissimilar = where(LabelIs(-1.0)(t), _hinge(cos - margin), 0.0)
    return reduce_loss(similar + dissimilar, reduction)


def _hinge(z):
    """max(0, z) with PyTorch's clamp_min slope there: 1 from z = 0 on. (relu's 0 at z = 0
    would stall a tie, such as equal scores under margin 0.)"""
    return clip(z, 0.0, None)


def _cosine(x1, x2):
    """x1 . x2 / sqrt((|x1|^2 + eps) (|x2|^2 + eps)) over the last axis (PyTorch's form)."""
    dot = reduce_sum(x1 * x2, axis=-1)
    squares1 = reduce_sum(x1 * x1, axis=-1) + _COSINE_EPS
    squares2 = reduce_sum(x2 * x2, axis=-1) + _COSINE_EPS
    return dot / sqrt(squares1 * squares2)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False,
                        reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the pairwise p-norm
    distance over the last axis (pairwise_distance, with its eps); with swap, d(anchor,
    negative) is replaced by d(positive, negative) where that is smaller. Inputs (N, D),
    or unbatched (D,), of one number of axes; each pair compared broadcasts."""
    who = "triplet_margin_loss"
    margin = _triplet_margin(margin, reduction, who)
    a, pos, neg = _triplet(who, (float_input(v, who) for v in (anchor, positive, negative)))
    _triplet_pairs_broadcast(who, a, pos, neg, swap)
    if a.ndim == 0:  # one value each: the distance over an axis of one (PyTorch takes these)
        a, pos, neg = (reshape(v, (1,)) for v in (a, pos, neg))
    return _triplet_hinge(lambda u, v: pairwise_distance(u, v, p, eps), a, pos, neg, margin,
                          swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) with d = distance_function
    (any callable of two batches returning one distance per pair; pairwise_distance by
    default); swap as triplet_margin_loss'. Inputs of one number of axes."""
    who = "triplet_margin_with_distance_loss"
    margin = _triplet_margin(margin, reduction, who)
    a, pos, neg = _triplet(who, (as_variable(v, who=who) for v in (anchor, positive, negative)))
    if distance_function is None:  # (shapes checked here, so that errors name this loss)
        _triplet_pairs_broadcast(who, a, pos, neg, swap)
        distance_function = pairwise_distance
    elif not callable(distance_function):
        raise TypeError(f"{who}: distance_function must be callable (or None), got "
                        f"{type(distance_function).__name__}")
    return _triplet_hinge(distance_function, a, pos, neg, margin, swap, reduction)


def _triplet_margin(margin, reduction, who):
    """The triplet losses' margin (checked: a number > 0), once reduction is checked."""
    check_reduction(reduction, who)
    margin = real_scalar(margin, "margin", who)
    if not margin > 0:
        raise ValueError(f"{who}: margin must be greater than 0, got {margin}")
    return margin


def _triplet(who, values):
    """(anchor, positive, negative), refused unless they have one number of axes."""
    a, pos, neg = values
    if not a.ndim == pos.ndim == neg.ndim:
        raise ValueError(f"{who}: anchor, positive and negative must have the same number of "
                         f"axes, got shapes {a.shape}, {pos.shape} and {neg.shape}")
    return a, pos, neg


def _triplet_pairs_broadcast(who, anchor, positive, negative, swap):
    """Refuse, naming the shapes, a triplet whose distances cannot be taken (PyTorch's rule):
    each pair compared (anchor with positive and with negative, positive with negative to
    swap) must broadcast, and the distances they give (their shapes less the feature axis)
    must broadcast together. So an anchor of 1 feature may meet positives of 3 and negatives
    of 4."""
    pairs = [(anchor, positive), (anchor, negative)] + ([(positive, negative)] if swap else [])
    try:
        np.broadcast_shapes(*(np.broadcast_shapes(u.shape, v.shape)[:-1] for u, v in pairs))
    except ValueError:
        swapped = ", positive with negative to swap" if swap else ""
        raise ValueError(f"{who}: shapes {anchor.shape}, {positive.shape}, {negative.shape} "
                         f"do not broadcast pair by pair (anchor with positive and with "
                         f"negative{swapped}; then their distances)") from None


def _triplet_hinge(distance, anchor, positive, negative, margin, swap, reduction):
    """The triplet hinge over distance(anchor, positive) and distance(anchor, negative), the
    latter replaced by distance(positive, negative) where that is smaller when swapping."""
    to_positive = distance(anchor, positive)
    to_negative = distance(anchor, negative)
    if swap:
        to_negative = minimum(to_negative, distance(positive, negative))
    return reduce_loss(_hinge(margin + to_positive - to_negative), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, reduction="mean"):  # noqa: A002
    """The mean over the last (class) axis of the binary cross-entropy of the logits `input`
    against 0/1 `target` (broadcast to input's shape), each class's term scaled by `weight`
    (broadcast to input's shape): one loss per sample, shape input.shape[:-1]."""
    who = "multilabel_soft_margin_loss"
    check_reduction(reduction, who)
    x = float_input(input, who)
    if x.ndim == 0:
        raise ValueError(f"{who}: input of shape () has no class axis; give (C,) or (N, C)")
    t = _target_like(target, x, who)
    _refuse_growing(who, "target", t.shape, x.shape)
    if t.shape != x.shape:  # (binary_cross_entropy_with_logits takes one shape)
        t = broadcast_to(t, x.shape)
    weight = _constant_like(weight, x, who, "weight")  # (checked here: errors name this loss)
    per_class = binary_cross_entropy_with_logits(x, t, weight=weight, reduction="none")
    return reduce_loss(per_class.mean(axis=-1), reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None,  # noqa: A002
                      reduction="mean"):
    """sum over classes i != y of max(0, margin - input[y] + input[i])^p / C, times
    weight[y] (y the target class, C the classes; p 1 or 2). input (N, C) with integer
    target (N,), or unbatched (C,) with a scalar (or one-element) target."""
    who = "multi_margin_loss"
    check_reduction(reduction, who)
    p = margin_power(p, who)
    margin = real_scalar(margin, "margin", who)
    x = float_input(input, who)
    if x.ndim > 2 or (x.ndim and x.shape[-1] == 0):
        raise ValueError(f"{who}: expected a non-empty (C,) or (N, C) input, got shape "
                         f"{x.shape}")
    scores = reshape(x, (-1, x.shape[-1]) if x.ndim else (1, 1))
    samples, classes = scores.shape
    labels = _class_labels(on_device_of(target, x, who), samples, classes, x.shape, who)
    picks = one_hot(reshape(labels, (samples,)), classes, dtype=x.dtype)
    target_score = reduce_sum(scores * picks, axis=1, keepdims=True)
    violations = relu(margin - target_score + scores) * (1.0 - picks)
    if p == 2:
        violations = violations * violations
    losses = violations.mean(axis=1)
    if weight is not None:
        losses = losses * reduce_sum(picks * _class_weight(weight, x, classes, who), axis=1)
    return reduce_loss(reshape(losses, labels.shape), reduction)


def margin_power(p, who):
    """multi_margin_loss' p, which must be 1 or 2 (a number: an array's value would be read
    in Python)."""
    if real_scalar(p, "p", who) not in (1, 2):
        raise ValueError(f"{who}: only p == 1 and p == 2 are supported, got {p!r}")
    return p


def _class_labels(target, samples, classes, shape, who):
    """target as a Variable of integer labels, one per sample (a scalar for an unbatched
    input), each in [0, classes)."""
    labels = as_variable(target, who=who)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{who}: target must hold integer class indices, got dtype "
                        f"{labels.dtype}")
    if labels.ndim > 1 or labels.size != samples:
        raise ValueError(f"{who}: target must be 1-D with one class index per sample "
                         f"({samples}) of the input of shape {shape}, got shape {labels.shape}")
    data = labels.data
    if data.size and (int(data.min()) < 0 or int(data.max()) >= classes):
        bad = data[(data < 0) | (data >= classes)].ravel()[0]
        raise IndexError(f"{who}: target {int(bad)} is out of range for {classes} classes "
                         f"(valid: 0 to {classes - 1})")
    return labels


def _class_weight(weight, like, classes, who):
    """weight as a (classes,) array of like's dtype: one rescaling factor per class."""
    weight = constant_setting(weight, like, who, "weight")
    if weight.ndim != 1:
        raise ValueError(f"{who}: weight must be one-dimensional, got shape {weight.shape}")
    if weight.shape[0] != classes:
        raise ValueError(f"{who}: weight of shape {weight.shape} must have one value per "
                         f"class ({classes})")
    return weight


def _broadcast_all(who, *values):
    """The shape the values broadcast to; a ValueError naming their shapes if they do not."""
    try:
        return np.broadcast_shapes(*(v.shape for v in values))
    except ValueError:
        shapes = ", ".join(str(v.shape) for v in values)
        raise ValueError(f"{who}: shapes {shapes} do not broadcast together") from None


def _refuse_growing(who, name, shape, to, what="the input shape"):
    """A ValueError unless `shape` broadcasts to `to` (the loss takes no bigger shape)."""
    try:
        fits = np.broadcast_shapes(shape, to) == to
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{who}: {name} of shape {shape} does not broadcast to {what} "
                         f"{to}")


__all__ = ["margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
           "cosine_embedding_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss",
           "multilabel_soft_margin_loss",
           "multi_margin_loss", "LabelIs"]
