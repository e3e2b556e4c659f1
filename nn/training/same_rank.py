"""Keras' squeeze_or_expand_to_same_rank, the rule by which its losses and metrics pair
targets with predictions (and losses with weights or masks), on arrays and Variables alike."""


def same_rank(x1, x2, expand_rank_1=True):
    """x1 and x2 with ranks made equal where they are one apart and the longer ends in an
    axis of 1: the other gains that axis when it has one axis (and expand_rank_1), else the
    axis goes ((N,) against (N, 1) meet as (N, 1); (N, T) against (N, T, 1) as (N, T))."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1 and expand_rank_1:
            return x1, x2.reshape(x2.shape + (1,))
        return x1.reshape(x1.shape[:-1]), x2
    if x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1 and expand_rank_1:
            return x1.reshape(x1.shape + (1,)), x2
        return x1, x2.reshape(x2.shape[:-1])
    return x1, x2
