"""Embedding: a lookup table of learned vectors, one per index."""
import numpy as np

from autograd.arguments import positive_int
from autograd.variable import Parameter

from .. import init
from ..functional.embedding import embedding
from ..module import Module
from .config import init_config


class Embedding(Module):
    """indices (any shape, ints in [0, num_embeddings)) -> indices.shape + (embedding_dim,).

    weight (num_embeddings, embedding_dim) is float32, drawn from N(0, 1) as PyTorch.
    """

    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        self.num_embeddings = positive_int(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim", "Embedding")
        self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), np.float32))
        self.reset_parameters()

    def reset_parameters(self):
        init.normal_(self.weight)

    def forward(self, indices):
        return embedding(indices, self.weight)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"{self.num_embeddings}, {self.embedding_dim}"


__all__ = ["Embedding"]
