"""Keras' ReversibleEmbedding: an Embedding that also maps vectors back onto the vocabulary
(reverse=True), with the embedding matrix transposed (tied, the default) or a matrix of its
own: a language model's output logits from its input table."""
import numpy as np

from autograd.ops import astype, matmul, tanh, transpose
from autograd.variable import Parameter, as_variable

from ...initializers import fill
from .embedding import Embedding


class ReversibleEmbedding(Embedding):
    """indices (N, ...) -> (N, ..., output_dim) as Embedding; with reverse=True, vectors
    (N, ..., output_dim) -> logits (N, ..., input_dim) = x @ embeddings^T (tie_weights) or
    x @ reverse_embeddings (output_dim, input_dim). reverse_dtype: the dtype both are cast
    to first; logit_soft_cap c: logits = c * tanh(logits / c)."""

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 reverse_dtype=None, logit_soft_cap=None, *, name=None, input_shape=None,
                 dtype="float32", activity_regularizer=None):
        super().__init__(input_dim, output_dim, embeddings_initializer, embeddings_regularizer,
                         embeddings_constraint, mask_zero, name=name, input_shape=input_shape,
                         dtype=dtype, activity_regularizer=activity_regularizer)
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = None if reverse_dtype is None else np.dtype(reverse_dtype).name
        self.logit_soft_cap = logit_soft_cap
        if not self.tie_weights:
            self.reverse_embeddings = Parameter(np.empty((self.output_dim, self.input_dim),
                                                         self.dtype))
            fill(self.reverse_embeddings, self.embeddings_initializer)

    def forward(self, inputs, reverse=False):
        if not reverse:
            return super().forward(inputs)
        x = as_variable(inputs, who=type(self).__name__)
        if x.ndim < 1 or x.shape[-1] != self.output_dim:
            raise ValueError(f"{self.who}: reverse=True takes vectors (..., output_dim="
                             f"{self.output_dim}), got shape {tuple(x.shape)}")
        kernel = transpose(self.embeddings) if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            x, kernel = astype(x, self.reverse_dtype), astype(kernel, self.reverse_dtype)
        logits = matmul(x, kernel)
        if self.logit_soft_cap is not None:
            cap = self.logit_soft_cap
            logits = tanh(logits * (1.0 / cap)) * cap
        return logits

    def get_config(self):
        return {**super().get_config(), "tie_weights": self.tie_weights,
                "reverse_dtype": self.reverse_dtype, "logit_soft_cap": self.logit_soft_cap}


__all__ = ["ReversibleEmbedding"]
