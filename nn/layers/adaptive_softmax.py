"""AdaptiveLogSoftmaxWithLoss (PyTorch's): a softmax over many classes, cheap for frequent ones.

The head scores the shortlist (classes below cutoffs[0]) plus one entry per tail cluster;
cluster i scores its own classes through a narrower projection (in_features //
div_value**(i+1) wide), and a tail class's log-probability is its cluster's head entry plus
its own within the cluster. Everything is composed of Linear, log_softmax and gathers.
"""
from collections import namedtuple

import numpy as np

from autograd.backend import array_of, as_array, get_array_module, to_cpu
from autograd.capture import CaptureError, capturing
from autograd.ops import concatenate, get_item, mean, reshape
from autograd.variable import as_variable

from ..containers import ModuleList
from ..functional.activation import log_softmax
from ..module import Module
from ..training.sequential import Sequential
from .linear import Linear

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])

_WHO = "AdaptiveLogSoftmaxWithLoss"


class AdaptiveLogSoftmaxWithLoss(Module):
    """Adaptive softmax (Grave et al., 2016): forward(input (N, in_features) or
    (in_features,), target (N,) or ()) -> (output, loss), output the target's
    log-probability (N,) or (), loss its negated mean; log_prob(input) (N, n_classes);
    predict(input) (N,) the most likely class."""

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False,
                 device=None, dtype=None):
        super().__init__()
        cutoffs = _checked_cutoffs(cutoffs, n_classes)
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, device=device,
                           dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            if hidden < 1:
                raise ValueError(f"{_WHO}: cluster {i}'s projection in_features // "
                                 f"div_value**{i + 1} = {in_features} // {div_value}**{i + 1} "
                                 f"is empty; use a smaller div_value or fewer cutoffs")
            width = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(
                Linear(in_features, hidden, bias=False, device=device, dtype=dtype),
                Linear(hidden, width, bias=False, device=device, dtype=dtype)))

    def reset_parameters(self):
        """Draw every weight again as a new Linear does."""
        for linear in (self.head, *(layer for projection in self.tail for layer in projection)):
            linear.reset_parameters()

    def forward(self, input, target):
        if capturing():  # each cluster's rows (and their count) come from the targets' values
            raise CaptureError(f"{_WHO}: the rows each cluster scores are picked by the "
                               f"targets' values, which a captured step would keep from the "
                               f"batch it recorded; call the step without autograd.capture "
                               f"(log_prob, which takes no target, does)")
        input = as_variable(input, who=_WHO)
        target = _checked_target(input, target)
        batched = target.ndim == 1
        if not batched:
            input, target = reshape(input, (1, -1)), target.reshape(1)
        cluster = np.searchsorted(self.cutoffs, target, side="right")  # 0: the shortlist
        if ((target < 0) | (target >= self.n_classes)).any():
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but "
                               f"values in range [{target.min()}, {target.max()}] were found.")
        head_entry = np.where(cluster == 0, target, self.shortlist_size + cluster - 1)
        output = _pick(log_softmax(self.head(input), axis=1), head_entry)
        if cluster.any():
            output = output + self._within_clusters(input, target, cluster)
        loss = mean(-output)
        return _ASMoutput(output if batched else reshape(output, ()), loss)

    def _within_clusters(self, input, target, cluster):
        """(N,) each row's log-probability within its tail cluster (0 for shortlist rows)."""
        rows = [np.flatnonzero(cluster == 0)]
        parts = [get_array_module(input.data).zeros(len(rows[0]), dtype=input.dtype)]
        for i, projection in enumerate(self.tail, start=1):
            picked = np.flatnonzero(cluster == i)
            if len(picked):
                scores = log_softmax(projection(get_item(input, picked)), axis=1)
                parts.append(_pick(scores, target[picked] - self.cutoffs[i - 1]))
                rows.append(picked)
        # the parts hold the rows in cluster order: invert that order
        return get_item(concatenate(parts), np.argsort(np.concatenate(rows), kind="stable"))

    def log_prob(self, input):
        """log-probabilities of every class: input (N, in_features) -> (N, n_classes)."""
        input = _checked_input(input, self.in_features, "log_prob")
        return self._full_log_prob(input, self.head(input))

    def _full_log_prob(self, input, head_output):
        head = log_softmax(head_output, axis=1)
        columns = [get_item(head, (slice(None), slice(0, self.shortlist_size)))]
        for i, projection in enumerate(self.tail):
            entry = get_item(head, (slice(None), slice(self.shortlist_size + i,
                                                       self.shortlist_size + i + 1)))
            columns.append(log_softmax(projection(input), axis=1) + entry)
        return concatenate(columns, axis=1)

    def predict(self, input):
        """The most likely class of each row: input (N, in_features) -> (N,) int64."""
        input = _checked_input(input, self.in_features, "predict")
        head_output = self.head(input)
        best = to_cpu(head_output.data.argmax(axis=1)).astype(np.int64)  # (rows picked on
        # the host, as forward's clusters; the answer goes back to input's device)
        in_tail = np.flatnonzero(best >= self.shortlist_size)
        if len(in_tail):  # only those rows need the full distribution
            rows = get_item(input, in_tail)
            full = self._full_log_prob(rows, get_item(head_output, in_tail))
            best[in_tail] = to_cpu(full.data.argmax(axis=1))
        return as_array(best, like=input.data)


def _checked_cutoffs(cutoffs, n_classes):
    """cutoffs as a list, or PyTorch's error."""
    cutoffs = list(cutoffs)
    if len(cutoffs) == 0:
        raise ValueError("cutoffs should be a sequence of length larger than 0")
    if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
            or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
        raise ValueError("cutoffs should be a sequence of unique, positive integers sorted in "
                         "an increasing order, where each value is between 1 and n_classes-1 "
                         f"(got cutoffs={cutoffs}, n_classes={n_classes})")
    return [int(c) for c in cutoffs]


def _checked_target(input, target):
    """target as an int NumPy array of shape (N,) for input (N, F) or () for input (F,)
    (on the host also for a GPU input: the clusters' rows are planned there)."""
    target = to_cpu(array_of(target))
    if target.dtype.kind not in "iu":
        raise TypeError(f"{_WHO}: target must hold integer class indices, got dtype "
                        f"{target.dtype}")
    if target.ndim == 1:
        if input.shape[0] != target.shape[0]:
            raise RuntimeError("Input and target should have the same size in the batch "
                               f"dimension (input {tuple(input.shape)}, target "
                               f"{tuple(target.shape)}).")
        if input.ndim != 2:
            raise RuntimeError("1D target tensor expects 2D input tensors, but found inputs "
                               f"with size {tuple(input.shape)}")
    elif target.ndim == 0:
        if input.ndim != 1:
            raise RuntimeError("0D target tensor expects 1D input tensors, but found inputs "
                               f"with size {tuple(input.shape)}")
    else:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported "
                           f"(target shape {tuple(target.shape)})")
    return target.astype(np.int64)


def _checked_input(input, in_features, method):
    input = as_variable(input, who=f"{_WHO}.{method}")
    if input.ndim != 2 or input.shape[1] != in_features:
        raise ValueError(f"{_WHO}.{method}: expected input of shape (N, {in_features}), got "
                         f"{tuple(input.shape)}")
    return input


def _pick(scores, columns):
    """scores[n, columns[n]] for each row n: (N, K) -> (N,), differentiable in scores."""
    return get_item(scores, (np.arange(len(columns)), columns))
