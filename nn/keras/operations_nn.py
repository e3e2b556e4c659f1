"""Keras' neural-network operations beyond nn.keras.operations' first table (keras.ops.nn's
per-entry cross-entropies, normalizations, moments, multi_hot and psnr), by Keras' class
name, each as Keras' backend computes it, made of rungrad's differentiable ops."""
import numpy as np

from autograd import ops
from autograd.backend import array_of, get_array_module, to_cpu
from autograd.variable import Variable, as_variable

from .. import functional as F
from .layers._base import data_format_name
from .losses import EPSILON
from .operation_kinds import axes, floats


def _same_shapes(target, output, who):
    target, output = as_variable(target), as_variable(output)
    if target.shape != output.shape:
        raise ValueError(f"{who}: target and output must have the same shape, got "
                         f"{target.shape} and {output.shape}")
    return target, output


def _binary_crossentropy(target, output, from_logits=False):
    """-[t log p + (1 - t) log(1 - p)] per entry, p = output clipped to [eps, 1 - eps] (or
    sigmoid(output) from logits)."""
    target, output = _same_shapes(target, output, "binary_crossentropy")
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    p = ops.clip(output, EPSILON, 1.0 - EPSILON)
    return ops.neg(ops.add(ops.mul(target, ops.log(p)),
                           ops.mul(ops.sub(1.0, target), ops.log(ops.sub(1.0, p)))))


def _log_probabilities(output, from_logits, axis):
    """log p along `axis`: log_softmax of logits, else of the output normalized to sum 1
    and clipped to [eps, 1 - eps] (Keras')."""
    if from_logits:
        return F.log_softmax(output, axis=axis)
    p = ops.div(output, ops.sum(output, axis=axis, keepdims=True))
    return ops.log(ops.clip(p, EPSILON, 1.0 - EPSILON))


def _categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum t log p along `axis`."""
    target, output = _same_shapes(target, output, "categorical_crossentropy")
    return ops.neg(ops.sum(ops.mul(target, _log_probabilities(output, from_logits, axis)),
                           axis=axis))


def _sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-log p[target] along `axis` of output, for integer targets (of output's shape
    without that axis, or with it as 1)."""
    output = as_variable(output)
    target = ops.astype(as_variable(target), np.int64)
    if target.ndim == output.ndim and output.ndim and target.shape[axis] == 1:
        target = ops.squeeze(target, axis=axis)
    if output.ndim and axis not in (-1, output.ndim - 1):  # (the classes last, as below)
        output = ops.moveaxis(output, axis, -1)
    if tuple(target.shape) != tuple(output.shape[:-1]):
        raise ValueError(f"sparse_categorical_crossentropy: target of shape {target.shape} "
                         f"does not match output of shape {output.shape} up to its last axis")
    log_p = _log_probabilities(output, from_logits, -1)
    picked = ops.take_along_axis(log_p, ops.expand_dims(target, -1), -1)
    return ops.neg(ops.squeeze(picked, axis=-1))


def _multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False):
    """1 for each class an entry of a sample's labels names: one_hot's rows, their maximum
    over the labels' axis (the second, or the first of 1-D labels)."""
    if sparse:
        raise NotImplementedError("sparse multi-hot tensors are not supported")
    inputs = ops.astype(as_variable(inputs), np.int64)
    hot = F.one_hot(inputs, num_classes, dtype=np.dtype(dtype or "float32"))
    hot = hot if axis in (-1, hot.ndim - 1) else ops.moveaxis(hot, -1, axis)
    return ops.max(hot, axis=1 if inputs.ndim > 1 else 0)


def _psnr(x1, x2, max_val):
    """20 log10(max_val) - 10 log10(mean((x1 - x2)^2)), in dB."""
    x1, x2 = _same_shapes(x1, x2, "psnr")
    difference = ops.sub(x1, x2)
    mse = ops.mean(ops.mul(difference, difference))
    return ops.sub(20.0 * np.log10(max_val), ops.mul(ops.log10(mse), 10.0))


def _moments(x, axes=None, keepdims=False, synchronized=False):
    """(mean, variance) over `axes`, the variance the population's."""
    if synchronized:
        raise NotImplementedError("synchronized moments (across devices) are not supported")
    reduced = _axis_tuple(axes)
    return (ops.mean(x, axis=reduced, keepdims=keepdims),
            ops.var(x, axis=reduced, keepdims=keepdims, ddof=0))


def _axis_tuple(axis):
    given = axes(axis)
    return (given,) if isinstance(given, int) else given


def _normalize(x, axis=-1, order=2, epsilon=None):
    """x divided by its `order`-norm along `axis` (at least epsilon): for order 2,
    x min(1 / sqrt(sum x^2), 1 / epsilon), as Keras computes it."""
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize: order must be an int >= 1, got {order!r}")
    epsilon = EPSILON if epsilon is None else epsilon
    if order == 2:
        inverse = ops.div(1.0, ops.sqrt(ops.sum(ops.mul(x, x), axis=axes(axis), keepdims=True)))
        return ops.mul(x, ops.minimum(inverse, 1.0 / epsilon))
    norm = ops.norm(x, ord=order, axis=axes(axis), keepdims=True)
    return ops.div(x, ops.maximum(norm, epsilon))


def _along(v, axis, ndim):
    """A 1-D v shaped to broadcast along `axis` of an ndim tensor."""
    shape = [1] * ndim
    shape[axis] = -1
    return ops.reshape(as_variable(v), tuple(shape))


def _batch_normalization(x, mean, variance, offset=None, scale=None, axis=-1, epsilon=1e-3):
    """(x - mean) / sqrt(variance + epsilon) * scale + offset, the statistics 1-D along
    `axis`."""
    x = as_variable(x)
    if axis is None:
        raise ValueError("batch_normalization: give the axis the statistics run along (the "
                         "channels': -1 for channels-last)")
    factor = ops.div(1.0, ops.sqrt(ops.add(_along(variance, axis, x.ndim), epsilon)))
    if scale is not None:
        factor = ops.mul(factor, _along(scale, axis, x.ndim))
    y = ops.mul(ops.sub(x, _along(mean, axis, x.ndim)), factor)
    return y if offset is None else ops.add(y, _along(offset, axis, x.ndim))


def _layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, rms_scaling=False):
    """(x - mean) / sqrt(variance + epsilon) * gamma + beta, the statistics over `axis`
    (rms_scaling: x / sqrt(variance + epsilon) * gamma, Keras' variant)."""
    x = as_variable(x)
    epsilon = EPSILON if epsilon is None else epsilon
    reduced = tuple(sorted(a % x.ndim for a in _axis_tuple(axis)))
    mean, variance = _moments(x, reduced, keepdims=True)
    inverse = ops.div(1.0, ops.sqrt(ops.add(variance, epsilon)))
    y = ops.mul(x if rms_scaling else ops.sub(x, mean), inverse)
    shape = tuple(x.shape[a] if a in reduced else 1 for a in range(x.ndim))
    if gamma is not None:
        y = ops.mul(y, ops.reshape(as_variable(gamma), shape))
    if beta is not None and not rms_scaling:
        y = ops.add(y, ops.reshape(as_variable(beta), shape))
    return y


def _rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """x / sqrt(mean(x^2) + epsilon) * scale, the mean over `axis`."""
    x = as_variable(x)
    epsilon = EPSILON if epsilon is None else epsilon
    mean_square = ops.mean(ops.mul(x, x), axis=axes(axis), keepdims=True)
    y = ops.mul(x, ops.div(1.0, ops.sqrt(ops.add(mean_square, epsilon))))
    return y if scale is None else ops.mul(y, scale)


def _sparse_sigmoid(x):
    """0 for x <= -1, (x + 1) / 2 between, 1 for x >= 1"""
    return ops.clip(ops.mul(ops.add(floats(x), 1.0), 0.5), 0.0, 1.0)


def _sparsemax(x, axis=-1):
    """The Euclidean projection of x onto the probability simplex along `axis` (Martins and
    Astudillo's sparsemax): max(x - tau, 0), tau = (the sum of the k largest - 1) / k for
    the k largest that stay above it. (Keras 3.15.1 sums the running sums instead, which
    gives rows that do not sum to 1 wherever k > 1: this is the published definition.)"""
    x = floats(x)
    ordered = ops.flip(ops.sort(x, axis=axis), axis)
    running = ops.cumsum(ordered, axis)
    n = x.shape[axis]
    shape = [1] * x.ndim
    shape[axis] = n
    ranks = get_array_module(x.data).arange(1, n + 1, dtype=x.dtype).reshape(shape)
    support = ops.greater(ops.sub(ordered, ops.div(ops.sub(running, 1.0), ranks)), 0)
    k = ops.sum(ops.astype(support, x.dtype), axis=axis, keepdims=True)
    total = ops.sum(ops.where(support, ordered, 0.0), axis=axis, keepdims=True)
    return ops.maximum(ops.sub(x, ops.div(ops.sub(total, 1.0), k)), 0.0)


def _adaptive_pool(kind):
    """AdaptiveAveragePool / AdaptiveMaxPool of (N, *spatial, C) inputs (channels-first
    with data_format), 1 to 3 spatial axes, to `output_size` (PyTorch's windows)."""
    def pool(inputs, output_size, data_format=None):
        who = f"adaptive_{kind}_pool"
        x = as_variable(inputs)
        dims = x.ndim - 2
        if dims not in (1, 2, 3):
            raise ValueError(f"{who}: inputs of rank 3, 4 or 5 ((N, *spatial, C)), got shape "
                             f"{tuple(x.shape)}")
        last = data_format_name(data_format, who) == "channels_last"
        if dims == 1 and isinstance(output_size, (tuple, list)):
            (output_size,) = output_size
        short = "avg" if kind == "average" else "max"
        pooled = getattr(F, f"adaptive_{short}_pool{dims}d")(
            ops.moveaxis(x, -1, 1) if last else x, output_size)
        return ops.moveaxis(pooled, 1, -1) if last else pooled
    return pool


def _ctc_loss(target, output, target_length, output_length, mask_index=0):
    """The CTC loss of each sample (N,): output (N, T, classes) logits, target (N, S)
    labels, their lengths (N,), mask_index the blank class (Keras' torch backend's)."""
    output = as_variable(output)
    if output.dtype.kind != "f" or output.dtype.itemsize < 4:
        output = ops.astype(output, np.float32)
    log_probs = F.log_softmax(ops.swapaxes(output, 0, 1), axis=-1)
    return F.ctc_loss(log_probs, target, output_length, target_length, blank=mask_index,
                      reduction="none")


def _ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
                merge_repeated=True, mask_index=0):
    """(paths (top_paths, N, T) int32, -1 past each path's end; scores (N, top_paths)) of
    the class scores inputs (N, T, classes) over each sample's first sequence_lengths steps,
    mask_index the blank: 'greedy' takes each step's best class (merging repeats, dropping
    blanks; its score minus the sum of the best scores, Keras'), 'beam_search' CTC's prefix
    beam search over the log-softmax (scores: the paths' log-probabilities). Computed on the
    values (no gradient)."""
    scores_in = to_cpu(array_of(floats(inputs)))
    lengths = to_cpu(array_of(as_variable(sequence_lengths))).astype(np.int64).reshape(-1)
    if scores_in.ndim != 3 or lengths.shape[0] != scores_in.shape[0]:
        raise ValueError(f"ctc_decode: expects inputs (N, T, classes) and N sequence_lengths, "
                         f"got shapes {scores_in.shape} and {lengths.shape}")
    classes = scores_in.shape[-1]
    mask_index = classes - 1 if mask_index is None else mask_index  # (Keras' default)
    if isinstance(mask_index, bool) or not isinstance(mask_index, (int, np.integer)) or \
            not 0 <= mask_index < classes:
        raise ValueError(f"ctc_decode: mask_index must be a class in [0, {classes}), got "
                         f"{mask_index!r}")
    lengths = np.clip(lengths, 0, scores_in.shape[1])  # (beyond the steps: all of them)
    if strategy == "beam_search" and not 1 <= int(top_paths) <= int(beam_width):
        raise ValueError(f"ctc_decode: need 1 <= top_paths <= beam_width, got top_paths="
                         f"{top_paths!r} and beam_width={beam_width!r}")
    if strategy == "greedy":
        paths, scores = _greedy_paths(scores_in, lengths, merge_repeated, mask_index)
    elif strategy == "beam_search":
        paths, scores = _beam_paths(scores_in, lengths, int(beam_width), int(top_paths),
                                    mask_index)
    else:
        raise ValueError(f"ctc_decode: strategy must be 'greedy' or 'beam_search', got "
                         f"{strategy!r}")
    xp = get_array_module(array_of(as_variable(inputs)))
    return (Variable(xp.asarray(paths), requires_grad=False),
            Variable(xp.asarray(scores.astype(scores_in.dtype)), requires_grad=False))


def _greedy_paths(inputs, lengths, merge_repeated, blank):
    batch, steps, _ = inputs.shape
    best = inputs.argmax(axis=-1)
    valid = np.arange(steps) < lengths[:, None]
    best = np.where(valid, best, blank)
    if merge_repeated:
        repeated = np.zeros_like(valid)
        repeated[:, 1:] = best[:, 1:] == best[:, :-1]
        best = np.where(repeated, blank, best)
    paths = np.full((1, batch, steps), -1, np.int32)
    for b in range(batch):
        kept = best[b][best[b] != blank]
        paths[0, b, :len(kept)] = kept
    scores = -np.where(valid, inputs.max(axis=-1), 0.0).sum(axis=1, keepdims=True)
    return paths, scores


def _beam_paths(inputs, lengths, beam_width, top_paths, blank):
    """CTC's prefix beam search: each prefix's log-probability of ending in a blank and in
    its last class, kept for the beam_width best prefixes after each step."""
    batch, steps, classes = inputs.shape
    shifted = inputs - inputs.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    paths = np.full((top_paths, batch, steps), -1, np.int32)
    scores = np.full((batch, top_paths), -np.inf)
    for b in range(batch):
        beams = {(): (0.0, -np.inf)}
        for t in range(lengths[b]):
            beams = _extended(beams, log_p[b, t], blank, beam_width)
        ranked = sorted(beams.items(), key=lambda item: -np.logaddexp(*item[1]))[:top_paths]
        for k, (prefix, (ends_blank, ends_class)) in enumerate(ranked):
            paths[k, b, :len(prefix)] = prefix
            scores[b, k] = np.logaddexp(ends_blank, ends_class)
    return paths, scores


def _extended(beams, log_p, blank, beam_width):
    """The beams after one step of log-probabilities log_p (classes,), the best kept."""
    grown = {}

    def add(prefix, slot, value):
        pair = grown.setdefault(prefix, [-np.inf, -np.inf])
        pair[slot] = np.logaddexp(pair[slot], value)
    for prefix, (ends_blank, ends_class) in beams.items():
        total = np.logaddexp(ends_blank, ends_class)
        add(prefix, 0, total + log_p[blank])
        for c in range(len(log_p)):
            if c == blank:
                continue
            if prefix and prefix[-1] == c:  # (a repeat: new only after a blank)
                add(prefix + (c,), 1, ends_blank + log_p[c])
                add(prefix, 1, ends_class + log_p[c])
            else:
                add(prefix + (c,), 1, total + log_p[c])
    best = sorted(grown.items(), key=lambda item: -np.logaddexp(*item[1]))[:beam_width]
    return {prefix: tuple(pair) for prefix, pair in best}


NN = {
    "BinaryCrossentropy": _binary_crossentropy,
    "CategoricalCrossentropy": _categorical_crossentropy,
    "SparseCategoricalCrossentropy": _sparse_categorical_crossentropy,
    "MultiHot": _multi_hot, "PSNR": _psnr, "Moments": _moments, "Normalize": _normalize,
    "BatchNorm": _batch_normalization, "LayerNorm": _layer_normalization,
    "RMSNorm": _rms_normalization,
    "SparseSigmoid": _sparse_sigmoid, "Sparsemax": _sparsemax, "CTCLoss": _ctc_loss,
    "CTCDecode": _ctc_decode,
    "AdaptiveAveragePool": _adaptive_pool("average"), "AdaptiveMaxPool": _adaptive_pool("max"),
    "Unfold": lambda x, kernel_size, dilation=1, padding=0, stride=1: F.unfold(
        x, kernel_size, dilation, padding, stride),
    "Fold": lambda x, output_size, kernel_size, dilation=1, padding=0, stride=1: F.fold(
        x, output_size, kernel_size, dilation, padding, stride),
}

__all__ = ["NN"]
