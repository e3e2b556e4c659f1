"""Keras' Circle loss (Sun et al., 2020) for metric learning: over the pairs of L2-normalized
embeddings, a softplus of the log-sum-exps of the positive pairs' (same label) and the
negative pairs' weighted cosine distances, each pair weighted by how far it is from its
optimum (Keras 3's form of it). On rungrad's ops (differentiable)."""
import numpy as np

from autograd.ops import any as any_of
from autograd.ops import astype, logsumexp, maximum, reshape, transpose, where
from autograd.variable import Variable, as_variable

from ..functional import softplus
from ..training.masking import carry_mask
from .operation_kinds import floats

_WHO = "circle"


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True,
           gamma=80, margin=0.4):
    """Each sample's Circle loss (N,): y_true integer labels (N,) or (N, 1), y_pred the
    L2-normalized embeddings (N, D), compared with ref_embeddings (M, D) and their
    ref_labels (M,) (default: y_pred and y_true themselves). remove_diagonal leaves the
    pairs (i, i) out of the positives. A sample without both a positive and a negative pair
    has loss 0; the losses carry a mask of those above 0, so that a loss object's mean runs
    over them only (Keras')."""
    y_pred = _embeddings(y_pred, "y_pred")
    labels = _labels(y_true, y_pred, "y_true")
    refs = y_pred if ref_embeddings is None else astype(
        _embeddings(ref_embeddings, "ref_embeddings"), y_pred.dtype)
    ref_labels = labels if ref_labels is None else _labels(ref_labels, refs, "ref_labels")
    if refs.shape[1] != y_pred.shape[1]:
        raise ValueError(f"{_WHO}: ref_embeddings of shape {tuple(refs.shape)} do not match "
                         f"the embeddings' size {y_pred.shape[1]} of y_pred")
    distances = maximum(1.0 - y_pred @ transpose(refs), 0.0)  # (N, M) cosine distances
    positive, negative = pair_masks(labels, ref_labels, remove_diagonal)
    # (a positive pair weighs more the farther it is beyond the margin; a negative one the
    # nearer it is within 1 + margin)
    positives = -gamma * maximum(margin + distances, 0.0) * (margin - distances)
    negatives = gamma * maximum(1.0 + margin - distances, 0.0) * (1.0 - margin - distances)
    both = any_of(positive, 1) & any_of(negative, 1)
    logits = _masked_logsumexp(positives, positive) + _masked_logsumexp(negatives, negative)
    losses = where(both, softplus(where(both, logits, 0.0)), 0.0)
    carry_mask(losses, losses > 0)
    return losses


def pair_masks(labels, ref_labels, remove_diagonal=True):
    """(positive, negative) boolean (N, M): the pairs of equal and of different labels, the
    pairs (i, i) left out of the positives with remove_diagonal (Keras' build_pos_neg_masks)."""
    positive = reshape(labels, (-1, 1)) == reshape(ref_labels, (1, -1))
    negative = ~positive
    if remove_diagonal:
        shape = (labels.shape[0], ref_labels.shape[0])
        off_diagonal = ~np.eye(*shape, dtype=bool)
        positive = positive & Variable(off_diagonal, requires_grad=False)
    return positive, negative


def _masked_logsumexp(x, mask):
    """log sum exp of each row's entries where mask holds; a row with none gets a finite
    stand-in (its loss is 0 anyway), so that no -inf - -inf turns its gradient into NaN."""
    kept = where(mask, x, float("-inf"))
    return logsumexp(where(any_of(mask, 1, keepdim=True), kept, 0.0), axis=1)


def _embeddings(x, name):
    x = floats(x)
    if x.ndim != 2:
        raise ValueError(f"{_WHO}: {name} must be embeddings of shape (batch_size, "
                         f"embedding_size), got shape {tuple(x.shape)}")
    return x


def _labels(labels, embeddings, name):
    """Integer labels (N,) of the N embeddings, from (N,) or (N, 1), ints or integral
    floats (Keras casts them to int32)."""
    labels = as_variable(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = reshape(labels, (-1,))
    if labels.ndim != 1 or labels.shape[0] != embeddings.shape[0]:
        raise ValueError(f"{_WHO}: {name} must be integer labels of shape "
                         f"({embeddings.shape[0]},) or ({embeddings.shape[0]}, 1), one per "
                         f"embedding, got shape {tuple(labels.shape)}")
    return labels if labels.dtype.kind in "iu" else astype(labels, np.int64)


__all__ = ["circle", "pair_masks"]
