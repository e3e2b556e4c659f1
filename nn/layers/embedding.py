"""Embedding: a lookup table of learned vectors, one per index."""
import numpy as np

from autograd.arguments import positive_int
from autograd.variable import Parameter

from .. import init
from ..functional.embedding import embedding, normalize_padding_idx
from ..module import Module
from .config import init_config


class Embedding(Module):
    """indices (any shape, ints in [0, num_embeddings)) -> indices.shape + (embedding_dim,).

    weight (num_embeddings, embedding_dim) is float32, drawn from N(0, 1) as PyTorch. The row
    `padding_idx` (if given; negative counts from the end) starts at zero and is never trained
    (it gets no gradient): the vector for padding.
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.num_embeddings = positive_int(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim", "Embedding")
        self.padding_idx = None if padding_idx is None else normalize_padding_idx(
            padding_idx, self.num_embeddings, "Embedding")
        self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), np.float32))
        self.reset_parameters()

    def reset_parameters(self):
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, indices):
        return embedding(indices, self.weight, self.padding_idx)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        padding = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{padding}"


__all__ = ["Embedding"]
