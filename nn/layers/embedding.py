"""Embedding: a lookup table of learned vectors, one per index."""
import numpy as np

from autograd.arguments import float_dtype, positive_int
from autograd.backend import host_array
from autograd.variable import Parameter, Variable

from .. import init
from ..functional.embedding import embedding, normalize_padding_idx
from ..module import Module
from .config import init_config


class Embedding(Module):
    """indices (any shape, ints in [0, num_embeddings)) -> indices.shape + (embedding_dim,).

    weight (num_embeddings, embedding_dim) is float32 (or `dtype`), drawn from N(0, 1) as
    PyTorch. The row `padding_idx` (if given; negative counts from the end) starts at zero and
    is never trained (it gets no gradient): the vector for padding. max_norm, norm_type,
    scale_grad_by_freq and sparse: as nn.functional.embedding (PyTorch's).
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
                 norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None,
                 _freeze=False, device=None, dtype=None):
        super().__init__()
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        self.num_embeddings = positive_int(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim", "Embedding")
        self.padding_idx = None if padding_idx is None else normalize_padding_idx(
            padding_idx, self.num_embeddings, "Embedding")
        if _weight is None:
            self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim),
                                             float_dtype(dtype, "Embedding")))
            self.reset_parameters()
        else:  # (PyTorch's argument: a table given, nothing drawn)
            self.weight = given_table(_weight, (self.num_embeddings, self.embedding_dim),
                                      "Embedding")
        self.weight.requires_grad = not _freeze
        self.to(device=device)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None,
                        norm_type=2.0, scale_grad_by_freq=False, sparse=False):
        """An Embedding holding `embeddings` (num_embeddings, embedding_dim), a copy in their
        own floating dtype; frozen (no gradient) unless freeze=False (PyTorch's)."""
        table = pretrained_table(embeddings, "Embedding.from_pretrained")
        # (nothing drawn; the pretrained padding row is kept, as PyTorch keeps it)
        return cls(*table.shape, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   _weight=table, _freeze=freeze)

    def reset_parameters(self):
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, indices):
        return embedding(indices, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                         self.scale_grad_by_freq, self.sparse)

    def get_config(self):
        """The constructor's arguments (Keras' get_config); the table is in the weights."""
        return init_config(self, _weight=None, _freeze=not self.weight.requires_grad,
                           dtype=self.weight.dtype.name)

    def extra_repr(self):
        options = [f", {name}={getattr(self, name)}" for name, default in (
            ("padding_idx", None), ("max_norm", None), ("norm_type", 2.0),
            ("scale_grad_by_freq", False), ("sparse", False)) if getattr(self, name) != default]
        return f"{self.num_embeddings}, {self.embedding_dim}{''.join(options)}"



def given_table(table, shape, who):
    """PyTorch's _weight argument: the table as the layer's Parameter, refused unless it has
    the layer's (num_embeddings, embedding_dim)."""
    if tuple(getattr(table, "shape", ())) != shape:
        raise ValueError(f"{who}: _weight of shape {tuple(getattr(table, 'shape', ()))} does "
                         f"not match (num_embeddings, embedding_dim) = {shape}")
    return Parameter(table)

def pretrained_table(embeddings, who):
    """A copy of `embeddings` (an array or Variable) as a 2-D float array, else a ValueError
    naming `who`."""
    table = np.array(host_array(embeddings.data if isinstance(embeddings, Variable)
                                else embeddings))
    if table.ndim != 2 or table.dtype.kind != "f":
        raise ValueError(f"{who}: embeddings must be a 2-D float array (num_embeddings, "
                         f"embedding_dim), got shape {table.shape} and dtype {table.dtype}")
    return table


__all__ = ["Embedding"]
