"""F.multilabel_margin_loss (PyTorch's): a hinge between every listed class and every class
not listed. Composed of differentiable ops over the scores; the (listed, not listed) pairs
are read from the labels by an op (MultilabelPairs), so a captured step reads each call's
labels."""
import numpy as np

from autograd.backend import get_array_module, scatter_add
from autograd.function import Function
from autograd.ops import reshape
from autograd.ops import sum as reduce_sum
from autograd.ops.validation import float_input
from autograd.spec import Choice, Spec
from autograd.variable import as_variable

from ._reduction import check_reduction, reduce_loss
from .activation import relu


class MultilabelPairs(Function):
    """w[n, j, i] = (times class j is listed in target[n] before its first -1) * (class i is
    not listed): the weight of the hinge of (j, i); no gradient (labels are not learned)."""

    input_specs = (Spec("int", shape=("N", "C"), elements=(-1, "C")),)
    arg_specs = {"dtype": Choice(np.float64)}
    reference = staticmethod(lambda target, dtype: _pairs_by_loops(target, dtype))
    gradcheck_order = 0

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, target):
        xp = get_array_module(target)
        samples, classes = target.shape
        listed = xp.cumsum(target < 0, axis=1) == 0  # the entries before the first -1
        counts = xp.zeros((samples, classes + 1), self.dtype)
        rows = xp.repeat(xp.arange(samples), classes)
        scatter_add(counts, (rows, xp.where(listed, target, classes).ravel()), 1)
        counts = counts[:, :classes]  # (the last column gathered the unlisted entries)
        return counts[:, :, None] * (counts == 0)[:, None, :]

    def backward(self, gy):
        return None


def _pairs_by_loops(target, dtype):
    """MultilabelPairs' weights, pair by pair (ATen's loops), for the gradient check."""
    samples, classes = target.shape
    weights = np.zeros((samples, classes, classes), dtype)
    for n, row in enumerate(target):
        listed = list(row[:list(row).index(-1)] if -1 in row else row)
        for j in listed:
            for i in range(classes):
                weights[n, j, i] += i not in listed
    return weights


def multilabel_margin_loss(input, target, reduction="mean"):  # noqa: A002 (PyTorch's)
    """sum over listed classes j and unlisted classes i of max(0, 1 - (input[j] - input[i]))
    / C. input (C,) or (N, C) scores; target of the same shape, integer class indices, the
    listed ones those before the first -1. One loss per sample: () or (N,)."""
    who = "multilabel_margin_loss"
    check_reduction(reduction, who)
    x = float_input(input, who)
    labels = _labels(target, x, who)
    scores = reshape(x, (-1, x.shape[-1]) if x.ndim else (1, 1))
    weights = MultilabelPairs(x.dtype)(reshape(labels, scores.shape))  # (N, C, C)
    margins = 1.0 - reshape(scores, scores.shape + (1,)) + reshape(scores, (-1, 1, scores.shape[1]))
    losses = reduce_sum(relu(margins) * weights, axis=(1, 2)) / scores.shape[1]
    return reduce_loss(reshape(losses, x.shape[:-1]), reduction)


def _labels(target, x, who):
    """target as a Variable of integer labels shaped as x, each in [-1, C)."""
    if x.ndim > 2 or (x.ndim and x.shape[-1] == 0):
        raise ValueError(f"{who}: expected a non-empty (C,) or (N, C) input, got shape "
                         f"{x.shape}")
    labels = as_variable(target, who=who)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{who}: target must hold integer class indices, got dtype "
                        f"{labels.dtype}")
    if labels.shape != x.shape:
        raise ValueError(f"{who}: target of shape {labels.shape} must have the input's shape "
                         f"{x.shape}")
    classes = x.shape[-1] if x.ndim else 1
    data = labels.data
    if data.size and (int(data.min()) < -1 or int(data.max()) >= classes):
        bad = data[(data < -1) | (data >= classes)].ravel()[0]
        raise IndexError(f"{who}: target {int(bad)} is out of range for {classes} classes "
                         f"(valid: 0 to {classes - 1}, or -1 to end the list)")
    return labels


__all__ = ["multilabel_margin_loss", "MultilabelPairs"]
