"""Embedding lookup: rows of a weight table picked by integer indices."""
from autograd.backend import as_array
from autograd.ops import get_item
from autograd.variable import Variable, as_variable


def embedding(indices, weight):
    """weight[indices]: indices, integers of any shape in [0, V); weight (V, D) ->
    indices.shape + (D,). The gradient of a row picked several times is the sum over its picks.
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
    return get_item(weight, index)


__all__ = ["embedding"]
