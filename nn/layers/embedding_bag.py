"""EmbeddingBag (PyTorch's): bags of indices, each reduced to one vector of the table's rows,
without the per-index vectors in between (see nn.functional.embedding_bag)."""
import numpy as np

from autograd.arguments import float_dtype, positive_int
from autograd.variable import Parameter

from ..functional.embedding import normalize_padding_idx
from ..functional.embedding_bag import check_mode, embedding_bag
from ..module import Module
from .config import init_config
from .embedding import Embedding, given_table, pretrained_table


class EmbeddingBag(Module):
    """Bags of indices -> (B, embedding_dim): each bag's rows of the table reduced by `mode`
    ('sum', 'mean' or 'max'); forward(input, offsets=None, per_sample_weights=None) takes
    the bags as nn.functional.embedding_bag does.

    weight (num_embeddings, embedding_dim) is float32 (or `dtype`), drawn from N(0, 1) as
    PyTorch; the row `padding_idx` (negative counts from the end) starts at zero and is left
    out of every bag. max_norm, norm_type, scale_grad_by_freq and sparse: as nn.Embedding's.
    """

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, mode="mean", sparse=False, _weight=None,
                 include_last_offset=False, padding_idx=None, device=None, dtype=None,
                 _freeze=False):
        super().__init__()
        self.num_embeddings = positive_int(num_embeddings, "num_embeddings", "EmbeddingBag")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim", "EmbeddingBag")
        check_mode(mode, scale_grad_by_freq, sparse, "EmbeddingBag")
        self.max_norm, self.norm_type, self.mode = max_norm, norm_type, mode
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        self.include_last_offset = include_last_offset
        self.padding_idx = None if padding_idx is None else normalize_padding_idx(
            padding_idx, self.num_embeddings, "EmbeddingBag")
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            self.weight = Parameter(np.empty(shape, float_dtype(dtype, "EmbeddingBag")))
            self.reset_parameters()
        else:  # (PyTorch's argument: a table given, nothing drawn)
            self.weight = given_table(_weight, shape, "EmbeddingBag")
        self.weight.requires_grad = not _freeze
        self.to(device=device)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, mode="mean", sparse=False,
                        include_last_offset=False, padding_idx=None):
        """An EmbeddingBag holding `embeddings` (num_embeddings, embedding_dim), a copy in
        their own floating dtype; frozen (no gradient) unless freeze=False (PyTorch's)."""
        table = pretrained_table(embeddings, "EmbeddingBag.from_pretrained")
        return cls(*table.shape, max_norm, norm_type, scale_grad_by_freq, mode, sparse,
                   _weight=table, include_last_offset=include_last_offset,
                   padding_idx=padding_idx, _freeze=freeze)

    reset_parameters = Embedding.reset_parameters  # (N(0, 1), the padding row zeroed)

    def forward(self, input, offsets=None, per_sample_weights=None):  # noqa: A002
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                             self.scale_grad_by_freq, self.mode, self.sparse,
                             per_sample_weights, self.include_last_offset, self.padding_idx)

    def get_config(self):
        """The constructor's arguments (Keras' get_config); the table is in the weights."""
        return init_config(self, _weight=None, _freeze=not self.weight.requires_grad,
                           dtype=self.weight.dtype.name)

    def extra_repr(self):
        options = [f", {name}={getattr(self, name)!r}" for name, shown in (
            ("max_norm", self.max_norm is not None), ("norm_type", self.norm_type != 2),
            ("scale_grad_by_freq", self.scale_grad_by_freq is not False), ("mode", True),
            ("padding_idx", self.padding_idx is not None)) if shown]
        return f"{self.num_embeddings}, {self.embedding_dim}{''.join(options)}"


__all__ = ["EmbeddingBag"]
