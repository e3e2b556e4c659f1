"""Embedding lookup: rows of a weight table picked by integer indices."""
from autograd.backend import as_array
from autograd.ops import get_item, where
from autograd.variable import Variable, as_variable


def embedding(indices, weight, padding_idx=None):
    """weight[indices]: indices, integers of any shape in [0, V); weight (V, D) ->
    indices.shape + (D,). The gradient of a row picked several times is the sum over its picks.
    padding_idx (an index, negative counts from the end): that row gets no gradient, as in
    PyTorch (its value is still looked up).
    """
    weight = as_variable(weight)
    if weight.ndim != 2:
        raise ValueError(f"embedding: expected a weight of shape (num_embeddings, "
                         f"embedding_dim), got {tuple(weight.shape)}")
    index = as_array(indices.data if isinstance(indices, Variable) else indices, like=weight.data)
    if index.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {index.dtype}")
    if index.size and (index.min() < 0 or index.max() >= weight.shape[0]):
        bad = index.min() if index.min() < 0 else index.max()
        raise IndexError(f"embedding: index {int(bad)} is out of range for {weight.shape[0]} "
                         f"embeddings (valid: 0 to {weight.shape[0] - 1})")
    rows = get_item(weight, index)
    if padding_idx is None:
        return rows
    padding_idx = normalize_padding_idx(padding_idx, weight.shape[0], "embedding")
    # The same values either way; only the picks of other rows pass the gradient on.
    return where((index != padding_idx)[..., None], rows, rows.data)


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
