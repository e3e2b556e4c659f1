"""ctc_loss: the connectionist temporal classification loss (PyTorch's F.ctc_loss).

Each sample's loss is -log of the probability of its target summed over every alignment
with the input frames (labels repeated or separated by blanks, collapsing to the target).
The sum is the forward-backward recursion over the extended labels (blank, l1, blank, l2,
..., blank) in log space: one step per frame, each step over the whole batch and every label
position at once. The targets and lengths are inputs of the op, read when it runs, so a
captured step checks and uses each call's.
"""
import numpy as np

from autograd.backend import get_array_module, to_cpu
from autograd.config import Config
from autograd.function import Function
from autograd.ops import astype, expand_dims, reshape
from autograd.ops.validation import float_input
from autograd.spec import Choice, Spec
from autograd.variable import as_variable, wrap

from ._reduction import check_reduction, reduce_loss
from .activation import log_softmax

_WHO = "ctc_loss"


class CTCNegLogLikelihood(Function):
    """loss[n] = -log sum over the alignments a of targets[n] of prod_t exp(log_probs[t, n, a_t])
    (divided by max(target_lengths[n], 1) with per_target); gradient PyTorch's:
    (exp(log_probs) - occupancy) gy, occupancy[t, n, c] the posterior of class c at frame t."""

    name = _WHO  # (errors raised in forward read as ctc_loss's)
    # First order only. Its `backward` is bound per op (__init__), not defined on the class:
    # the gradient checks (autograd/numerical.py's _has_backward) take a class `backward` as
    # one that serves create_graph=True, which this one refuses
    gradcheck_order = 1
    # PyTorch's gradient is the logits' one once log_probs are log_softmax(logits) (see
    # ctc_loss), so the check differentiates through log_softmax; every drawn combination
    # has an alignment (input lengths >= 3 frames, two labels, a repeat needing 3)
    input_specs = (Spec(shape=(4, 2, 4)),)
    arg_specs = {"targets": Choice(((1, 1), (2, 1)), ((1, 2), (2, 2))),
                 "input_lengths": Choice((4, 3), (3, 4)),
                 "target_lengths": Choice((2, 1), (0, 2)), "blank": Choice(0, 3),
                 "reduction": Choice("mean", "sum", "none"), "zero_infinity": Choice(False, True)}
    apply = staticmethod(lambda x, **args: ctc_loss(log_softmax(x, -1), **args))
    reference = "autograd.testing.references:ctc_loss"

    def __init__(self, blank, zero_infinity, per_target):
        self.blank, self.zero_infinity, self.per_target = blank, zero_infinity, per_target
        self.backward = self._first_order_backward

    def _first_order_backward(self, gy):
        """backward on Variables, which the engine runs under anomaly detection and recording
        as well as with create_graph=True: the gradient as a constant, or a clear refusal."""
        if Config.enable_backprop:  # create_graph=True: the gradient would need a graph
            raise RuntimeError(f"{_WHO}: second-order gradients are not supported (backward "
                               f"with create_graph=True through ctc_loss); its gradient is "
                               f"first order only")
        grad = self.backward_data(gy.data)[0]
        return wrap(grad), None, None, None

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        # On the host, also for GPU arrays: a dynamic program of small per-frame steps
        self.xp = get_array_module(log_probs)
        log_probs, targets, input_lengths, target_lengths = (to_cpu(a) for a in (
            log_probs, targets, input_lengths, target_lengths))
        self.host_inputs = log_probs, target_lengths
        frames, _, classes = log_probs.shape
        labels = _padded_labels(targets, target_lengths, classes, self.blank)
        _check_lengths(input_lengths, "input_lengths", frames, "the number of frames T")
        extended = np.full((labels.shape[0], 2 * labels.shape[1] + 1), self.blank)
        extended[:, 1::2] = labels
        self.extended, self.lengths = extended, input_lengths
        self.ends = _end_positions(extended.shape[1], target_lengths)
        self.skip = _skips(extended, self.blank)
        emit = _emissions(log_probs, extended, target_lengths)
        self.log_alpha = _log_alpha(emit, self.skip)
        self.nll = _negative_log_likelihood(self.log_alpha, self.ends, input_lengths)
        losses = self.nll
        if self.zero_infinity:
            losses = np.where(np.isinf(losses), 0, losses)
        losses = (losses * self._scale(target_lengths)).astype(log_probs.dtype, copy=False)
        return self.xp.asarray(losses)

    def backward_data(self, gy):
        log_probs, target_lengths = self.host_inputs
        emit = _emissions(log_probs, self.extended, target_lengths)
        log_beta = _log_beta(emit, self.skip, self.ends, self.lengths)
        grad = np.exp(log_probs) - _class_occupancy(
            self.log_alpha + log_beta, emit, self.nll, self.extended, log_probs.shape[2])
        frames = np.arange(log_probs.shape[0])[:, None]
        grad[frames >= self.lengths] = 0  # frames past a sample's input length play no part
        if self.zero_infinity:  # (the nan of an impossible alignment too)
            grad[:, np.isinf(self.nll)] = 0
        upstream = to_cpu(gy) * self._scale(target_lengths)
        grad = (grad * upstream[:, None]).astype(log_probs.dtype, copy=False)
        return self.xp.asarray(grad), None, None, None

    def _scale(self, target_lengths):
        """1, or 1 / max(target length, 1) per sample ('mean' averages per target label)."""
        return 1 / np.maximum(target_lengths, 1) if self.per_target else np.ones(1)


def _check_lengths(lengths, name, limit, what):
    if lengths.size and (lengths.min() < 0 or lengths.max() > limit):
        bad = lengths[(lengths < 0) | (lengths > limit)][0]
        raise ValueError(f"{_WHO}: {name} must be in [0, {limit}] ({what}), got {int(bad)} "
                         f"in {lengths.tolist()}")


def _padded_labels(targets, target_lengths, classes, blank):
    """(N, S) labels, S the longest target (PyTorch's padded or concatenated targets), each
    row's first target_lengths[n] checked to be classes other than the blank; the rest blank."""
    if targets.ndim == 2:
        _check_lengths(target_lengths, "target_lengths", targets.shape[1],
                       f"the padded targets' length, targets of shape {targets.shape}")
    else:
        _check_lengths(target_lengths, "target_lengths", targets.size, "the targets given")
        if target_lengths.sum() != targets.size:
            raise ValueError(f"{_WHO}: concatenated targets of shape {targets.shape} must hold "
                             f"sum(target_lengths) = {int(target_lengths.sum())} labels")
    longest = int(target_lengths.max(initial=0))
    used = np.arange(longest) < target_lengths[:, None]
    labels = np.full(used.shape, blank)
    labels[used] = targets[:, :longest][used] if targets.ndim == 2 else targets
    given = labels[used]
    if given.size and (given.min() < 0 or given.max() >= classes):
        raise ValueError(f"{_WHO}: targets must be class indices in [0, {classes}), got "
                         f"{int(given[(given < 0) | (given >= classes)][0])}")
    if (given == blank).any():
        raise ValueError(f"{_WHO}: targets contain the blank index {blank} (a target "
                         f"sequence holds labels only; blanks are the alignment's)")
    return labels


def _end_positions(size, target_lengths):
    """(N, L) mask of where an alignment may end: the last label or the blank after it."""
    last_blank = 2 * target_lengths[:, None]
    positions = np.arange(size)
    return (positions == last_blank) | ((positions == last_blank - 1) & (last_blank > 0))


def _skips(extended, blank):
    """(N, L) mask of positions an alignment may reach from two back: a label that differs
    from the previous label (between two equal labels the blank cannot be skipped)."""
    skip = np.zeros(extended.shape, dtype=bool)
    skip[:, 2:] = (extended[:, 2:] != blank) & (extended[:, 2:] != extended[:, :-2])
    return skip


def _emissions(log_probs, extended, target_lengths):
    """(T, N, L): log_probs of each extended label at each frame; -inf past a target's end."""
    emit = np.take_along_axis(log_probs, np.broadcast_to(
        extended, (log_probs.shape[0],) + extended.shape), axis=2)
    emit[:, np.arange(extended.shape[1]) > 2 * target_lengths[:, None]] = -np.inf
    return emit


def _from_neighbours(previous, skip):
    """logsumexp of previous[s], previous[s - 1] and, where skip, previous[s - 2] (N, L)."""
    merged = previous.copy()
    merged[:, 1:] = np.logaddexp(previous[:, 1:], previous[:, :-1])
    merged[:, 2:] = np.where(skip[:, 2:], np.logaddexp(merged[:, 2:], previous[:, :-2]),
                             merged[:, 2:])
    return merged


def _log_alpha(emit, skip):
    """log alpha[t, n, s]: the probability of frames 0..t ending at extended position s."""
    alpha = np.full_like(emit, -np.inf)
    alpha[0, :, :2] = emit[0, :, :2]
    for t in range(1, emit.shape[0]):
        alpha[t] = emit[t] + _from_neighbours(alpha[t - 1], skip)
    return alpha


def _log_beta(emit, skip, ends, input_lengths):
    """log beta[t, n, s]: the probability of frames t..input_lengths[n]-1 from position s
    (emission at t included, as alpha's); the alpha step on positions reversed."""
    backward_skip = np.zeros_like(skip)
    backward_skip[:, :-2] = skip[:, 2:]  # s -> s + 2 is allowed where s + 2 may be skipped to
    backward_skip = backward_skip[:, ::-1]
    beta = np.full_like(emit, -np.inf)
    for t in range(emit.shape[0] - 1, -1, -1):
        starts = (input_lengths == t + 1)[:, None]
        steps = (input_lengths > t + 1)[:, None]
        if t + 1 < emit.shape[0] and steps.any():
            stepped = emit[t] + _from_neighbours(beta[t + 1][:, ::-1], backward_skip)[:, ::-1]
            beta[t] = np.where(steps, stepped, beta[t])
        beta[t] = np.where(starts & ends, emit[t], beta[t])
    return beta


def _negative_log_likelihood(log_alpha, ends, input_lengths):
    """(N,) -log p(target | input): alpha at each sample's last frame, summed over its end
    positions; an empty input explains only an empty target."""
    last = log_alpha[np.maximum(input_lengths - 1, 0), np.arange(len(input_lengths))]
    log_p = np.logaddexp.reduce(np.where(ends, last, -np.inf), axis=1)
    empty_input = input_lengths == 0
    log_p[empty_input] = np.where(ends[empty_input, 0], 0.0, -np.inf)
    return -log_p


def _class_occupancy(log_alpha_beta, emit, nll, extended, classes):
    """(T, N, C): the posterior probability of each class at each frame, alpha beta / (emit p)
    summed over the extended positions of that class. nan for a sample with no alignment
    (-inf + inf), as PyTorch's gradient there."""
    with np.errstate(invalid="ignore"):
        log_occupancy = np.where(np.isneginf(log_alpha_beta), -np.inf, log_alpha_beta - emit)
        occupancy = np.exp(log_occupancy + nll[:, None])
    one_hot = (extended[:, :, None] == np.arange(classes)).astype(occupancy.dtype)
    return (occupancy.transpose(1, 0, 2) @ one_hot).transpose(1, 0, 2)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """The CTC loss of log_probs (T, N, C), or unbatched (T, C), already log_softmax-ed over
    C, against targets: padded (N, S) or concatenated (sum(target_lengths),) (unbatched:
    (S,)) class indices other than `blank`; input_lengths and target_lengths (N,) integers
    (unbatched: one). reduction 'mean' divides each loss by its target length (at least 1),
    then averages over the batch; 'sum'; 'none' gives (N,) (unbatched: a scalar). A target
    with no alignment (too long for its input) has loss inf, or 0 with zero_infinity (and a
    zero gradient).

    The gradient is PyTorch's: d/dlog_probs = exp(log_probs) - occupancy (times the upstream
    gradient), which is the derivative with respect to logits for log_probs =
    log_softmax(logits); the plain derivative with respect to log_probs lacks exp(log_probs).
    Both give the same gradient through log_softmax, the intended use. First order only:
    backward with create_graph=True raises a RuntimeError. PyTorch accepts targets equal to
    the blank or out of [0, C) unchecked; here they are errors.
    """
    check_reduction(reduction, _WHO)
    log_probs = float_input(log_probs, _WHO)
    if log_probs.ndim not in (2, 3):
        raise ValueError(f"{_WHO}: log_probs must be (T, N, C) or unbatched (T, C), got shape "
                         f"{log_probs.shape}")
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs = expand_dims(log_probs, 1)
    batch, classes = log_probs.shape[1], log_probs.shape[2]
    blank = _blank(blank, classes)
    targets = _targets(targets, batch, unbatched)
    lengths = [_lengths(v, name, batch, unbatched) for v, name in (
        (input_lengths, "input_lengths"), (target_lengths, "target_lengths"))]
    losses = CTCNegLogLikelihood(blank, bool(zero_infinity), reduction == "mean")(
        log_probs, targets, *lengths)
    if unbatched and reduction == "none":
        return reshape(losses, ())
    return reduce_loss(losses, reduction)


def _blank(blank, classes):
    if isinstance(blank, bool) or not isinstance(blank, (int, np.integer)) or not (
            0 <= blank < classes):
        raise ValueError(f"{_WHO}: blank must be a class index in [0, {classes}) (C = "
                         f"{classes} classes), got {blank!r}")
    return int(blank)


def _integers(value, name):
    array = as_variable(value, who=_WHO)
    if array.size and array.dtype.kind not in "iu":
        raise TypeError(f"{_WHO}: {name} must hold integers, got dtype {array.dtype}")
    return astype(array, np.int64)  # (an op: a captured step reads each call's values)


def _targets(targets, batch, unbatched):
    targets = _integers(targets, "targets")
    if unbatched and targets.ndim != 1:
        raise ValueError(f"{_WHO}: unbatched log_probs (T, C) take 1-D targets (S,), got "
                         f"shape {targets.shape}")
    if unbatched:
        return reshape(targets, (1, -1))
    if targets.ndim not in (1, 2):
        raise ValueError(f"{_WHO}: targets must be padded (N, S) or concatenated 1-D, got "
                         f"shape {targets.shape}")
    if targets.ndim == 2 and targets.shape[0] != batch:
        raise ValueError(f"{_WHO}: padded targets of shape {targets.shape} do not match the "
                         f"batch of {batch} in log_probs (N = {batch})")
    return targets


def _lengths(value, name, batch, unbatched):
    lengths = _integers(value, name)
    if lengths.ndim > 1 or lengths.size != batch or (lengths.ndim == 0 and not unbatched):
        raise ValueError(f"{_WHO}: {name} must be 1-D with one length per sample ({batch}), "
                         f"got shape {lengths.shape}")
    return reshape(lengths, (batch,)) if lengths.ndim == 0 else lengths
