"""Embedding lookup: rows of a weight table picked by integer indices."""
from autograd.backend import as_array, get_array_module, scatter_add
from autograd.function import Function, call_op
from autograd.spec import Spec
from autograd.variable import Variable, as_variable, wrap


class EmbeddingLookup(Function):
    """y = weight[index]: weight (V, D), integer index (...) -> index.shape + (D,);
    gW = gy's rows added at their indices (row padding_idx gets none). The indices are an
    input, not a setting: a captured step (autograd.capture) looks up each batch's."""

    input_specs = (Spec(shape=("V", "D")), Spec("int", shape=("N",), elements=(0, "V")))
    # (checked without padding_idx: zeroing that row's gradient is PyTorch's rule, not a
    # derivative; tests/nn/test_embedding.py checks it)
    reference = staticmethod(lambda w, index: w[index])
    name = "embedding"

    def __init__(self, padding_idx=None):
        self.padding_idx = padding_idx

    def forward(self, weight, index):
        if index.size and (index.min() < 0 or index.max() >= weight.shape[0]):
            bad = index.min() if index.min() < 0 else index.max()
            raise IndexError(f"embedding: index {int(bad)} is out of range for "
                             f"{weight.shape[0]} embeddings (valid: 0 to {weight.shape[0] - 1})")
        return weight[index]

    def backward(self, gy):
        weight, index = self.inputs
        index = index if isinstance(gy, Variable) else index.data
        return call_op(EmbeddingGrad(weight.shape, self.padding_idx), gy, index), None

    backward_data = backward  # written for both


class EmbeddingGrad(Function):
    """gW = zeros(shape) with gy's rows added at `index` (repeats accumulate), row
    padding_idx left 0; linear in gy: d/dgy = the lookup of ggW with that row zeroed."""

    checked_through = "EmbeddingLookup"

    def __init__(self, shape, padding_idx):
        self.shape, self.padding_idx = tuple(shape), padding_idx

    def forward(self, gy, index):
        gw = get_array_module(gy).zeros(self.shape, dtype=gy.dtype)
        scatter_add(gw, index, gy)
        if self.padding_idx is not None:
            gw[self.padding_idx] = 0
        return gw

    def backward(self, ggw):
        if self.padding_idx is not None:
            keep = get_array_module(ggw.data).ones((self.shape[0], 1), ggw.dtype)
            keep[self.padding_idx] = 0
            ggw = ggw * wrap(keep, False)
        return EmbeddingLookup()(ggw, self.inputs[1]), None


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
    if not isinstance(indices, Variable):
        indices = wrap(as_array(indices, like=weight.data), False)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {indices.dtype}")
    if padding_idx is not None:
        padding_idx = normalize_padding_idx(padding_idx, weight.shape[0], "embedding")
    return EmbeddingLookup(padding_idx)(weight, indices)


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
