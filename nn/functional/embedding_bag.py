"""Embedding bags (PyTorch's F.embedding_bag): the rows that each bag of indices picks,
reduced to one vector by their sum, mean or max. The layout (each index's bag, each bag's
size) is computed by an op, BagLayout, and the maxima found by one, BagMaxima, so that a
captured step (autograd.capture) computes them again from each call's indices; the rest is
the embedding lookup and differentiable ops, so every order of gradient comes with them:
sums and means add each row into its bag (no (bags, longest, dim) tensor)."""
from autograd.backend import as_array, get_array_module
from autograd.function import Function
from autograd.ops import astype, get_item, reshape
from autograd.ops.validation import float_input, real_scalar
from autograd.spec import INT, Choice, Spec
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
    inputs, count = _layout_inputs(indices, offsets, include_last_offset, weight)
    if padding_idx is not None:
        padding_idx = normalize_padding_idx(padding_idx, weight.shape[0], "embedding_bag")
    samples = _sample_weights(per_sample_weights, indices.shape, mode, weight)
    if max_norm is not None:
        max_norm = real_scalar(max_norm, "max_norm", "embedding_bag")
    if sparse:
        warn_dense_once("embedding_bag")
    layout = BagLayout(weight.shape[0], padding_idx, include_last_offset, weight.dtype)
    flat, bag_of, divisors = layout(*inputs)
    rows = embedding(flat, weight, None, max_norm, norm_type, scale_grad_by_freq)
    if samples is not None:
        rows = rows * samples
    bags = _REDUCTIONS[mode](rows, bag_of, divisors, count + 1)
    return get_item(bags, slice(None, count))  # (the last bag: what no bag keeps)


class BagLayout(Function):
    """(flat, bag, divisors) of embedding_bag's indices (and offsets): the indices flat (K,),
    the bag of each (K,), and each bag's size, at least 1, as a column (B + 1, 1) of the
    table's dtype. Bag B, past the last, gathers what no bag keeps (padding_idx, or every
    index when there is no bag), so no index is dropped: the reductions run over B + 1 bags
    and the last is cut off. Integers computed from the values inside an op: a captured step
    computes them again from each call's input."""

    name = "embedding_bag"  # (what its errors lead with)
    input_specs = (Spec(INT, shape=("B", "N"), elements=(0, 3)),)
    arg_specs = {"padding_idx": Choice(None, 1)}
    apply = staticmethod(lambda indices, padding_idx: BagLayout(
        4, padding_idx, False, "float64")(indices))
    reference = "autograd.testing.references:bag_layout"
    gradcheck_order = 0  # (integers, and constants: nothing to differentiate)

    def __init__(self, num_embeddings, padding_idx, include_last_offset, dtype):
        self.num_embeddings, self.padding_idx = num_embeddings, padding_idx
        self.include_last_offset, self.dtype = include_last_offset, dtype

    def forward(self, indices, offsets=None):
        xp = get_array_module(indices)
        flat, bag_of, count = _bags(indices, offsets, self.include_last_offset)
        check_index_range(flat, self.num_embeddings, "embedding_bag")
        left_out = bag_of < 0
        if self.padding_idx is not None:
            left_out |= flat == self.padding_idx
        bag_of = xp.where(left_out, count, bag_of)
        sizes = xp.bincount(bag_of, minlength=count + 1)
        return flat, bag_of, xp.maximum(sizes, 1).astype(self.dtype)[:, None]

    def backward(self, *grads):  # (its outputs are integers and constants: never reached)
        return (None,) * len(self.inputs)


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
    """`values` (indices or offsets: an array, a list or a Variable) as an integer Variable
    (a Variable given stays itself: a captured step's argument)."""
    if not isinstance(values, Variable):
        values = wrap(as_array(values, like=weight.data), False)
    if values.dtype.kind not in "iu":
        raise TypeError(f"embedding_bag: {name} must be integers, got dtype {values.dtype}")
    return values


def _layout_inputs(indices, offsets, include_last_offset, weight):
    """(BagLayout's inputs, the number of bags), from the shapes alone (the values are
    checked by BagLayout)."""
    if indices.ndim == 2:
        if offsets is not None:
            raise ValueError(f"embedding_bag: a 2-D input {indices.shape} is a batch of bags of "
                             f"equal length (one per row): offsets must be None")
        return (indices,), indices.shape[0]
    if indices.ndim != 1:
        raise ValueError(f"embedding_bag: input must be 1-D (with offsets) or 2-D (B, N), got "
                         f"shape {indices.shape}")
    if offsets is None:
        raise ValueError("embedding_bag: a 1-D input needs offsets, the start of each bag")
    offsets = _integers(offsets, "offsets", weight)
    if offsets.ndim != 1:
        raise ValueError(f"embedding_bag: offsets must be 1-D, got shape {offsets.shape}")
    if include_last_offset and not offsets.shape[0]:
        raise ValueError("embedding_bag: include_last_offset=True needs at least one offset "
                         "(the end of the last bag)")
    return (indices, offsets), offsets.shape[0] - bool(include_last_offset)


def _bags(indices, offsets, include_last_offset):
    """(the indices flat, the bag of each (-1: before any bag), the number of bags) from
    either layout, arrays: a 2-D input (B, N), one bag per row, or a 1-D one cut at
    offsets (their shapes checked by _layout_inputs)."""
    xp = get_array_module(indices)
    if indices.ndim == 2:
        count, length = indices.shape
        return indices.ravel(), xp.repeat(xp.arange(count), length), count
    _check_offsets(offsets, len(indices), include_last_offset)
    starts = offsets[:-1] if include_last_offset else offsets
    # (no bag at all: -1, each index in none)
    bag_of = xp.searchsorted(starts, xp.arange(len(indices)), side="right") - 1
    return indices, bag_of, len(starts)


def _check_offsets(offsets, length, include_last_offset):
    """PyTorch's rules for the values of offsets into `length` indices (and a last offset
    that is the end)."""
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


def _bag_sums(rows, bag_of, divisors, count):
    """(count, D): each bag's rows (K, D) added up, bag_of (K,) naming the bag of each;
    zeros for an empty bag. (Embedding's gradient is this scatter-add, and differentiable.)"""
    return EmbeddingGrad((count, rows.shape[1]), None)(rows, bag_of)


def _bag_means(rows, bag_of, divisors, count):
    """(count, D): each bag's sum over its size (zeros for an empty bag)."""
    return _bag_sums(rows, bag_of, divisors, count) / divisors


def _bag_maxima(rows, bag_of, divisors, count):
    return BagMaxima(count)(rows, bag_of)


class BagMaxima(Function):
    """y (B, D): each bag's elementwise maximum of rows (K, D), bag_of (K,) naming the bag
    of each row; zeros for an empty bag. The winner of each (bag, column) is its first
    maximum (a NaN only as the bag's first row: PyTorch's CPU kernel), found inside the op
    (a captured step finds it again); dx = gy at the winners, 0 elsewhere."""

    name = "embedding_bag"
    input_specs = (Spec(shape=("K", "D"), distinct=True), Spec(INT, shape=("K",),
                                                               elements=(0, 2)))
    arg_specs = {"count": Choice(3)}
    reference = "autograd.testing.references:bag_maxima"

    def __init__(self, count):
        self.count = count

    def forward(self, rows, bag_of):
        xp = get_array_module(rows)
        k, dim = rows.shape
        self.winners = xp.full((self.count, dim), -1)  # row of each maximum; -1: empty bag
        maxima = xp.zeros((self.count, dim), rows.dtype)
        if k:
            order = xp.argsort(bag_of, kind="stable")  # each bag's rows, in their order
            sizes = xp.bincount(bag_of, minlength=self.count)
            first = xp.cumsum(sizes) - sizes
            sorted_bags = bag_of[order]
            positions = xp.full((self.count, int(sizes.max())), k)  # k: the -inf row
            positions[sorted_bags, xp.arange(k) - first[sorted_bags]] = order
            padded = xp.concatenate([rows, xp.full((1, dim), -xp.inf, rows.dtype)])
            winners = xp.take_along_axis(positions, _first_maxima(padded[positions]), axis=1)
            filled = sizes > 0
            self.winners[filled] = winners = winners[filled]
            maxima[filled] = padded[winners, xp.arange(dim)]
        return maxima

    def backward(self, gy):
        return self._grads(gy, wrap(self._won(), False)), None

    def backward_data(self, gy):
        return self._grads(gy, self._won()), None

    def _won(self):
        """(K, D): whether row k won its bag's column d."""
        xp = get_array_module(self.winners)
        bag_of = self.inputs[1].data
        k = bag_of.shape[0]
        return self.winners[bag_of] == xp.arange(k)[:, None]

    def _grads(self, gy, won):
        bag_of = self.inputs[1].data
        if isinstance(gy, Variable):
            return get_item(gy, bag_of) * astype(won, gy.dtype)
        return gy[bag_of] * won


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
