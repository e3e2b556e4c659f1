"""Embedding lookup: rows of a weight table picked by integer indices."""

from autograd.backend import as_array, get_array_module, scatter_add
from autograd.capture import run_replayed
from autograd.function import Function, call_op, reads_nothing
from autograd.ops.accumulation import accumulator
from autograd.ops.validation import real_scalar
from autograd.spec import Spec
from autograd.user_warnings import user_warning
from autograd.variable import Variable, as_variable, mark_modified, wrap


class EmbeddingLookup(Function):
    """y = weight[index]: weight (V, D), integer index (...) -> index.shape + (D,);
    gW = gy's rows added at their indices (row padding_idx gets none; with
    scale_grad_by_freq, each row's sum divided by how often the batch picks it). The indices
    are an input, not a setting: a captured step (autograd.capture) looks up each batch's."""

    input_specs = (Spec(shape=("V", "D")), Spec("int", shape=("N",), elements=(0, "V")))
    # (checked without padding_idx: zeroing that row's gradient is PyTorch's rule, not a
    # derivative; tests/nn/test_embedding.py checks it)
    reference = staticmethod(lambda w, index: w[index])
    name = "embedding"

    def __init__(self, padding_idx=None, scale_grad_by_freq=False):
        self.padding_idx, self.scale_grad_by_freq = padding_idx, scale_grad_by_freq

    def forward(self, weight, index):
        check_index_range(index, weight.shape[0], "embedding")
        return weight[index]

    def backward(self, gy):
        weight, index = self.inputs
        index = index if isinstance(gy, Variable) else index.data
        grad = EmbeddingGrad(weight.shape, self.padding_idx, self.scale_grad_by_freq)
        return call_op(grad, gy, index), None

    def saved_inputs(self):
        """Backward reads the indices, not the table's values (only its shape) nor the
        rows looked up: a table changed in place after the lookup (max_norm's renorm at a
        later lookup, an optimizer step) leaves this gradient right, as in PyTorch."""
        return self.inputs[1:]

    saved_outputs = reads_nothing

    backward_data = backward  # written for both


class EmbeddingGrad(Function):
    """gW = zeros(shape) with gy's rows added at `index` (repeats accumulate), each row then
    times its weight w: 0 for padding_idx, 1 / (times picked) with scale_grad_by_freq, else
    1; d/dgy = the lookup of ggW with the padding row zeroed (PyTorch's, which leaves the
    frequency scale out: the lookup's backward applies it once)."""

    checked_through = "EmbeddingLookup"

    def __init__(self, shape, padding_idx, scale_grad_by_freq=False):
        self.shape, self.padding_idx = tuple(shape), padding_idx
        self.scale_grad_by_freq = scale_grad_by_freq

    def forward(self, gy, index):
        # a float16 gradient summed in float32 (its sums stop growing at 2048 repeats)
        gw = get_array_module(gy).zeros(self.shape, dtype=accumulator(gy.dtype) or gy.dtype)
        scatter_add(gw, index, gy)
        row_weights = self._row_weights(index, gw.dtype)
        if row_weights is not None:
            gw *= row_weights
        return gw.astype(gy.dtype, copy=False)

    def _row_weights(self, index, dtype, by_frequency=True):
        """(V, 1): what each row of the gradient is multiplied by, or None (all 1);
        by_frequency=False leaves scale_grad_by_freq out (the padding row alone)."""
        by_frequency = by_frequency and self.scale_grad_by_freq
        if self.padding_idx is None and not by_frequency:
            return None
        xp = get_array_module(index)
        weights = xp.ones((self.shape[0], 1), dtype)
        if by_frequency:
            counts = xp.bincount(index.ravel(), minlength=self.shape[0])
            weights /= xp.maximum(counts, 1).astype(dtype)[:, None]
        if self.padding_idx is not None:
            weights[self.padding_idx] = 0
        return weights

    def backward(self, ggw):
        # PyTorch's double backward: the padding row masked, the frequency scale not applied
        # (the lookup's own backward applies it, once, on the way to the table)
        keep = self._row_weights(self.inputs[1].data, ggw.dtype, by_frequency=False)
        if keep is not None:
            ggw = ggw * wrap(keep, False)
        return EmbeddingLookup()(ggw, self.inputs[1]), None


def _renorm_rows(weight, index, max_norm, norm_type):
    """Scale, in place, each row of weight that index picks whose norm_type-norm exceeds
    max_norm to max_norm (PyTorch's embedding_renorm_, its 1e-7 included); returns whether
    any row changed."""
    xp = get_array_module(weight)
    rows = xp.unique(index)
    norms = xp.linalg.norm(weight[rows], ord=norm_type, axis=1)
    over = norms > max_norm
    changed = bool(over.any())
    if changed:
        rows, norms = rows[over], norms[over]
        weight[rows] *= (max_norm / (norms + 1e-7))[:, None].astype(weight.dtype)
    return changed


def embedding(indices, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """weight[indices]: indices, integers of any shape in [0, V); weight (V, D) ->
    indices.shape + (D,). The gradient of a row picked several times is the sum over its picks
    (with scale_grad_by_freq, their mean over this batch's picks).
    padding_idx (an index, negative counts from the end): that row gets no gradient, as in
    PyTorch (its value is still looked up). max_norm: each picked row whose norm_type-norm
    exceeds it is first scaled to it, in place in `weight` (PyTorch's): a graph that used the
    table before can no longer backpropagate through it. sparse=True is taken for PyTorch's
    sake; the gradient stays a dense array (the same values).
    """
    weight = as_variable(weight)
    if weight.ndim != 2:
        raise ValueError(f"embedding: expected a weight of shape (num_embeddings, "
                         f"embedding_dim), got {tuple(weight.shape)}")
    if not isinstance(indices, Variable):
        indices = wrap(as_array(indices, like=weight.data), False)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {indices.dtype}")
    if padding_idx is not None:
        padding_idx = normalize_padding_idx(padding_idx, weight.shape[0], "embedding")
    if sparse:
        warn_dense_once("embedding")
    if max_norm is not None:  # (a replayable call: a captured step renorms at each replay)
        max_norm = real_scalar(max_norm, "max_norm", "embedding")
        norm_type = real_scalar(norm_type, "norm_type", "embedding")
        run_replayed(_renorm, weight, indices, max_norm, norm_type)
    return EmbeddingLookup(padding_idx, bool(scale_grad_by_freq))(weight, indices)


def _renorm(weight, indices, max_norm, norm_type):
    """embedding's max_norm: the picked rows scaled in place, the table marked changed (as
    PyTorch bumps its version), outside the graph."""
    if indices.size and (indices.data.min() < 0 or indices.data.max() >= weight.shape[0]):
        return  # (the lookup names the index out of range)
    if _renorm_rows(weight.data, indices.data, max_norm, norm_type):
        mark_modified(weight)  # (only then: an op that saved the table read other values)


def warn_dense_once(who):
    """Say once per `who` that sparse=True is taken for PyTorch's sake (a dense gradient)."""
    if who not in _warned:
        _warned.add(who)
        user_warning(f"{who}: sparse=True gives a dense gradient here (the same values; "
                     "every optimizer takes it)")


_warned = set()


def check_index_range(index, num_embeddings, who):
    """An IndexError naming `who` and an index out of range (the least or, if none is
    negative, the largest) unless every one of the integer array `index` is in
    [0, num_embeddings)."""
    if index.size and (index.min() < 0 or index.max() >= num_embeddings):
        bad = index.min() if index.min() < 0 else index.max()
        raise IndexError(f"{who}: index {int(bad)} is out of range for {num_embeddings} "
                         f"embeddings (valid: 0 to {num_embeddings - 1})")


def normalize_padding_idx(padding_idx, num_embeddings, who):
    """padding_idx as an index in [0, num_embeddings) (a negative one counts from the end)."""
    if not hasattr(padding_idx, "__index__") or isinstance(padding_idx, bool):
        raise TypeError(f"{who}: padding_idx must be an int or None, got {padding_idx!r}")
    if not -num_embeddings <= int(padding_idx) < num_embeddings:
        raise ValueError(f"{who}: padding_idx {padding_idx} is out of range for "
                         f"{num_embeddings} embeddings (valid: {-num_embeddings} to "
                         f"{num_embeddings - 1})")
    return int(padding_idx) % num_embeddings


__all__ = ["embedding"]
