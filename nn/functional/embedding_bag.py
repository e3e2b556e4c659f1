"""Embedding bags (PyTorch's F.embedding_bag): the rows that each bag of indices picks,
reduced to one vector by their sum, mean or max. Composed of the embedding lookup and
differentiable ops, so every order of gradient comes with them: sums and means add each
row into its bag (no (bags, longest, dim) tensor), max takes the maxima of the bags laid
out padded."""
from autograd.backend import as_array, get_array_module
from autograd.ops import astype, concatenate, get_item, reshape, where
from autograd.ops.validation import float_input, real_scalar
from autograd.variable import Variable, wrap

from .embedding import (
    EmbeddingGrad,
    check_index_range,
    embedding,
    normalize_padding_idx,
    warn_dense_once,
)

MODES = ("sum", "mean", "max")


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,  # noqa: A002
                  scale_grad_by_freq=False, mode="mean", sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """weight (V, D) -> (B, D): each bag's rows of weight reduced by `mode` ('sum', 'mean' or
    'max'); an empty bag gives zeros. The bags: the rows of a 2-D input (B, N), or a 1-D
    input cut at `offsets` (B,), each bag's start (the first 0), the last running to the
    end; with include_last_offset=True offsets has B + 1 entries, the last one the end
    (the input's length: CSR's layout).
    per_sample_weights (input's shape; mode 'sum' only): each row scaled by its weight first.
    padding_idx: that row is left out of every bag (nor counted by 'mean').
    max_norm, norm_type, scale_grad_by_freq and sparse: as nn.functional.embedding."""
    weight = float_input(weight, "embedding_bag")
    if weight.ndim != 2:
        raise ValueError(f"embedding_bag: expected a weight of shape (num_embeddings, "
                         f"embedding_dim), got {weight.shape}")
    check_mode(mode, scale_grad_by_freq, sparse, "embedding_bag")
    indices = _integers(input, "input", weight)
    flat, bag_of, count = _bags(indices, offsets, include_last_offset, weight)
    check_index_range(flat, weight.shape[0], "embedding_bag")
    samples = _sample_weights(per_sample_weights, indices.shape, mode, weight)
    if max_norm is not None:
        max_norm = real_scalar(max_norm, "max_norm", "embedding_bag")
    if sparse:
        warn_dense_once("embedding_bag")
    rows = embedding(flat, weight, None, max_norm, norm_type, scale_grad_by_freq)
    if samples is not None:
        rows = rows * samples
    kept = bag_of >= 0
    if padding_idx is not None:
        kept &= flat != normalize_padding_idx(padding_idx, weight.shape[0], "embedding_bag")
    if not kept.all():
        rows, bag_of = get_item(rows, kept.nonzero()[0]), bag_of[kept]
    return _REDUCTIONS[mode](rows, bag_of, count)


def check_mode(mode, scale_grad_by_freq, sparse, who):
    """PyTorch's rules for `mode`: one of MODES; 'max' takes neither scale_grad_by_freq nor
    sparse."""
    if mode not in MODES:
        raise ValueError(f"{who}: mode has to be one of 'sum', 'mean' or 'max', got {mode!r}")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError(f"{who}: max mode does not support scaling the gradient by the "
                         f"frequency (scale_grad_by_freq=True)")
    if mode == "max" and sparse:
        raise ValueError(f"{who}: max mode does not support sparse weights (sparse=True)")


def _integers(values, name, weight):
    """`values` (indices or offsets: an array, a list or a Variable) as an integer array."""
    array = values.data if isinstance(values, Variable) else as_array(values, like=weight.data)
    if array.dtype.kind not in "iu":
        raise TypeError(f"embedding_bag: {name} must be integers, got dtype {array.dtype}")
    return array


def _bags(indices, offsets, include_last_offset, weight):
    """(the indices flat, the bag of each (-1: past the last bag), the number of bags) from
    either layout: a 2-D input (B, N), one bag per row, or a 1-D one cut at offsets."""
    xp = get_array_module(indices)
    if indices.ndim == 2:
        if offsets is not None:
            raise ValueError(f"embedding_bag: a 2-D input {indices.shape} is a batch of bags of "
                             f"equal length (one per row): offsets must be None")
        count, length = indices.shape
        return indices.ravel(), xp.repeat(xp.arange(count), length), count
    if indices.ndim != 1:
        raise ValueError(f"embedding_bag: input must be 1-D (with offsets) or 2-D (B, N), got "
                         f"shape {indices.shape}")
    if offsets is None:
        raise ValueError("embedding_bag: a 1-D input needs offsets, the start of each bag")
    offsets = _integers(offsets, "offsets", weight)
    _check_offsets(offsets, len(indices), include_last_offset)
    starts = offsets[:-1] if include_last_offset else offsets
    # (no bag at all: -1, each index in none)
    bag_of = xp.searchsorted(starts, xp.arange(len(indices)), side="right") - 1
    return indices, bag_of, len(starts)


def _check_offsets(offsets, length, include_last_offset):
    """PyTorch's rules for offsets into `length` indices (and a last offset that is the end)."""
    if offsets.ndim != 1:
        raise ValueError(f"embedding_bag: offsets must be 1-D, got shape {offsets.shape}")
    if include_last_offset and not len(offsets):
        raise ValueError("embedding_bag: include_last_offset=True needs at least one offset "
                         "(the end of the last bag)")
    if not len(offsets):
        return
    if offsets[0] != 0:
        raise ValueError(f"embedding_bag: offsets[0] has to be 0 (the first bag starts at "
                         f"position 0), got {int(offsets[0])}")
    if (offsets[1:] < offsets[:-1]).any():
        raise ValueError(f"embedding_bag: offsets must be non-decreasing, got "
                         f"{offsets.tolist()}")
    if offsets[-1] > length:
        raise ValueError(f"embedding_bag: offsets[-1] can not be greater than the input's "
                         f"length {length}, got {int(offsets[-1])}")
    if include_last_offset and offsets[-1] != length:
        # (PyTorch's CPU kernel then runs the last bag to the end regardless)
        raise ValueError(f"embedding_bag: with include_last_offset=True the last offset is "
                         f"the end of the last bag, the input's length {length}; got "
                         f"{int(offsets[-1])}")


def _sample_weights(per_sample_weights, shape, mode, weight):
    """per_sample_weights as a column (input.size, 1) of weight's dtype, or None."""
    if per_sample_weights is None:
        return None
    samples = float_input(per_sample_weights, "embedding_bag")
    if samples.shape != shape:
        raise ValueError(f"embedding_bag: per_sample_weights must have the input's shape "
                         f"{shape}, got {samples.shape}")
    if mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights is only supported for "
                                  f"mode='sum' (got mode={mode!r}), as in PyTorch")
    if samples.dtype != weight.dtype:
        samples = astype(samples, weight.dtype)
    return reshape(samples, (-1, 1))


def _bag_sums(rows, bag_of, count):
    """(count, D): each bag's rows (K, D) added up, bag_of (K,) naming the bag of each;
    zeros for an empty bag. (Embedding's gradient is this scatter-add, and differentiable.)"""
    return EmbeddingGrad((count, rows.shape[1]), None)(rows, wrap(bag_of, False))


def _bag_means(rows, bag_of, count):
    """(count, D): each bag's sum over its size (zeros for an empty bag)."""
    xp = get_array_module(bag_of)
    sizes = xp.maximum(xp.bincount(bag_of, minlength=count), 1)
    return _bag_sums(rows, bag_of, count) / wrap(sizes.astype(rows.dtype)[:, None], False)


def _bag_maxima(rows, bag_of, count):
    """(count, D): each bag's elementwise maximum (zeros for an empty bag), read at each
    (bag, column)'s winning row, so the whole gradient goes to that row; bag_of is
    non-decreasing."""
    if not rows.shape[0]:
        return _bag_sums(rows, bag_of, count)  # (every bag empty: zeros)
    xp = get_array_module(bag_of)
    sizes = xp.bincount(bag_of, minlength=count)
    first = xp.cumsum(sizes) - sizes
    k, dim = rows.shape
    positions = xp.full((count, int(sizes.max())), k)  # the bags laid out (k: the -inf row)
    positions[bag_of, xp.arange(k) - first[bag_of]] = xp.arange(k)
    gap = xp.full((1, dim), -xp.inf, rows.dtype)
    padded = concatenate([rows, wrap(gap, False)])
    winners = _first_maxima(padded.data[positions])  # (count, D)
    maxima = get_item(padded, (xp.take_along_axis(positions, winners, axis=1),
                               xp.arange(dim)))
    return where((sizes > 0)[:, None], maxima, wrap(xp.zeros_like(maxima.data), False))


def _first_maxima(bags):
    """For bags (count, longest, D): the position along axis 1 of each first maximum, as
    PyTorch's CPU kernel picks it (the first row, then each one greater than the best so
    far: a NaN wins only as the bag's first row); (count, D)."""
    xp = get_array_module(bags)
    later = bags[:, 1:]
    if xp.isnan(later).any():
        bags = bags.copy()
        bags[:, 1:] = xp.where(xp.isnan(later), -xp.inf, later)
    return xp.argmax(bags, axis=1)


_REDUCTIONS = {"sum": _bag_sums, "mean": _bag_means, "max": _bag_maxima}

__all__ = ["embedding_bag"]
