"""Keras' Embedding: integer indices -> learned vectors, its weight Keras' `embeddings`."""
import numpy as np

from autograd.arguments import positive_int
from autograd.ops import astype
from autograd.variable import Parameter, as_variable

from ... import regularizers
from ...activity_regularizer import ActivityRegularized
from ...functional.embedding import embedding
from ...initializers import checked, fill
from ...layers.config import init_config
from ...layers.constrained import WeightConstraint, constraint_configs
from ...layers.keras_name import KerasNamed
from ...module import Module


class Embedding(ActivityRegularized, Module, KerasNamed):
    """indices (N, ...) of ints in [0, input_dim) -> (N, ..., output_dim), rows of
    `embeddings` (input_dim, output_dim), drawn from U(-0.05, 0.05) (Keras' 'uniform').
    Float indices are cast to integers, as Keras casts them. `input_length` (Keras 2) or
    `input_shape` tells a Sequential starting with this layer the sample's shape (summary).
    `mask_zero=True`: index 0 is padding, and the layer makes Keras' mask (indices != 0,
    nn.training.masking) for the layers after it (so the vocabulary takes input_dim = its size
    + 1); `weights=[table]` sets the table."""

    autocast = False  # (Keras': the rows are taken from the table, then cast)

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, input_length=None, *, name=None, input_shape=None,
                 dtype="float32", activity_regularizer=None):
        super().__init__()
        who = "Embedding"
        self._set_activity_regularizer(activity_regularizer)
        self.input_dim = positive_int(input_dim, "input_dim", who)
        self.output_dim = positive_int(output_dim, "output_dim", who)
        self.mask_zero = bool(mask_zero)
        self.embeddings_initializer = checked(embeddings_initializer,
                                                        "embeddings_initializer", who)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer, who)
        self.embeddings_constraint = embeddings_constraint
        self.input_length = None if input_length is None else positive_int(
            input_length, "input_length", who)
        self.input_shape = None if input_shape is None else tuple(input_shape)
        self.dtype = np.dtype(dtype)
        self._set_name(name)
        self.embeddings = Parameter(np.empty((self.input_dim, self.output_dim), self.dtype))
        self.reset_parameters()
        if weights is not None:
            self.set_weights(weights)

    embeddings_constraint = WeightConstraint("embeddings")  # (nn.constraints), after each step

    def reset_parameters(self):
        fill(self.embeddings, self.embeddings_initializer)

    def forward(self, inputs):
        return embedding(_indices(inputs), self.embeddings)

    @property
    def makes_masks(self):
        return self.mask_zero

    supports_masking = makes_masks

    def compute_mask(self, inputs, mask=None):
        """Keras' mask of the outputs: indices != 0 with mask_zero, else None."""
        return astype(_indices(inputs), bool) if self.mask_zero else None

    def penalties(self):
        """The embeddings_regularizer's penalty (Keras' layer.losses)."""
        return regularizers.penalties([(self.embeddings_regularizer, self.embeddings)])

    def example_sample(self):
        """(shape, dtype) of one sample (input_shape, else (input_length,)), or None."""
        shape = self.input_shape or ((self.input_length,) if self.input_length else None)
        return None if shape is None else (tuple(1 if n is None else n for n in shape),
                                           np.dtype(np.int64))

    def get_config(self):
        """The constructor's arguments (Keras' get_config); the table is in the weights."""
        return init_config(self, **regularizers.configs(
            embeddings_regularizer=self.embeddings_regularizer), weights=None,
            activity_regularizer=self.activity_config(),
            dtype=self.dtype.name, **constraint_configs(self))

    def extra_repr(self):
        return f"input_dim={self.input_dim}, output_dim={self.output_dim}"


def _indices(inputs):
    """The indices as a Variable of integers (an op's input, not its array: captured steps
    replay); Keras casts float indices to int32."""
    indices = as_variable(inputs)
    return indices if indices.dtype.kind in "iu" else astype(indices, np.int64)


__all__ = ["Embedding"]
