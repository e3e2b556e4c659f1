"""Keras' GroupQueryAttention (grouped-query attention, Ainslie et al. 2023) on batch-first
sequences.

GroupQueryAttention(head_dim, num_query_heads, num_key_value_heads)(query, value[, key]):
query (N, T, Dq), value (N, S, Dv), key (N, S, Dk) (key defaults to value) -> (N, T, Dq).
The query is projected to num_query_heads heads of head_dim, key and value to
num_key_value_heads heads each; every key/value head serves a group of
num_query_heads / num_key_value_heads consecutive query heads (Keras' ops.repeat on the
heads' axis: one key/value head is multi-query attention, as many as the query's is
multi-head attention). Each query head attends, softmax(q k^T / sqrt(head_dim)) v, and the
heads' results are projected back to Dq. The weights are Keras' EinsumDense kernels and
biases, in its order and shapes (get_weights / set_weights move them between the two):
query (Dq, Hq, head_dim), (Hq, head_dim); key (Dk, Hkv, head_dim), (Hkv, head_dim); value
(Dv, Hkv, head_dim), (Hkv, head_dim); output (Hq, head_dim, Dq), (Dq,).

Masks (query_mask, value_mask, key_mask, Keras' masks of the inputs, attention_mask and
use_causal_mask), dropout on the weights while training, the scores return_attention_scores
gives (N, Hq, T, S) (before dropout) and what a query that may attend to nothing gets are
MultiHeadAttention's (nn.keras.layers.attention), as Keras' two layers share them. Keras
hands the regularizers and constraints to each of the four projections; activity_regularizer
also penalizes the layer's outputs (the scores too, when returned), as Keras' does.
flash_attention is a flag only (rungrad attends one way): Keras' refusals with it on are kept.
Keras 3.15's use_gate and sliding_window are not offered.
"""
import math

import numpy as np

from autograd.arguments import positive_int, probability

from ... import initializers, regularizers
from ...activity_regularizer import ActivityRegularized
from ...functional.attention import _repeated_heads
from ...layers.config import init_config
from ...layers.constrained import WeightConstraint, constraint_configs
from ...layers.lazy_build import hold_placeholders
from ...module import Module
from ._base import KerasLayer
from .attention import _PROJECTIONS, HeadProjections, _allowed_per_head, _attend_as_keras
from .conv import Penalty


class _ProjectionsConstraint(WeightConstraint):
    """kernel_constraint / bias_constraint: one constraint for the kernels (or biases) of
    all four projections, as Keras hands it to each of its EinsumDense sublayers."""

    def __init__(self, kind):
        super().__init__(f"query_{kind}")  # (the one read back: all four hold the same)
        self.parameters = tuple(f"{p}_{kind}" for p in _PROJECTIONS)

    def __set__(self, layer, value):
        for parameter in self.parameters:
            one = WeightConstraint(parameter)
            one.name = self.name
            one.__set__(layer, value)


class GroupedQueryAttention(HeadProjections, ActivityRegularized, Module, KerasLayer):
    """Keras' GroupQueryAttention (see the module). Keras' class is GroupedQueryAttention
    (its layers are named 'grouped_query_attention'), exported and saved as
    GroupQueryAttention."""

    keras_export_name = "GroupQueryAttention"

    kernel_regularizer = Penalty()
    bias_regularizer = Penalty()
    kernel_constraint = _ProjectionsConstraint("kernel")
    bias_constraint = _ProjectionsConstraint("bias")

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0,
                 use_bias=True, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 seed=None, *, name=None, input_shape=None):
        super().__init__()
        who = "GroupedQueryAttention"
        self.head_dim = positive_int(head_dim, "head_dim", who)
        self.num_query_heads, self.num_key_value_heads = _heads(num_query_heads,
                                                                num_key_value_heads, who)
        self.dropout = probability(dropout, "dropout", who)
        self.flash_attention = _flash(flash_attention, self.dropout, who)
        self.use_bias, self.seed = bool(use_bias), seed
        self.kernel_initializer = initializers.checked(kernel_initializer,
                                                       "kernel_initializer", who)
        self.bias_initializer = initializers.checked(bias_initializer, "bias_initializer", who)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self._set_activity_regularizer(activity_regularizer)
        self._keras_arguments(name, input_shape)
        self.dims = None
        hold_placeholders(self, {f"{p}_{w}": w == "kernel" or self.use_bias
                                 for p in _PROJECTIONS for w in ("kernel", "bias")}, np.float32)
        # (after the placeholders: the constraints attach to them)
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint

    # ----- weights -----
    @property
    def built(self):
        return self.dims is not None

    def _shapes(self, dims):
        """{weight name: shape} in Keras' order for (query, value, key) features `dims`."""
        query, value, key = dims
        size, heads, shared = self.head_dim, self.num_query_heads, self.num_key_value_heads
        return self._kernels_and_biases(
            {"query": (query, heads, size), "key": (key, shared, size),
             "value": (value, shared, size), "output": (heads, size, query)})

    def get_config(self):
        """The constructor's arguments (Keras' get_config), the regularizers and constraints
        as model.save keeps them."""
        return init_config(self, activity_regularizer=self.activity_config(),
                           **regularizers.configs(kernel_regularizer=self.kernel_regularizer,
                                                  bias_regularizer=self.bias_regularizer),
                           **constraint_configs(self))

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        """Keras' output shape, the query's, and its checks: query and value of the same
        features, value and key of the same steps."""
        key_shape = value_shape if key_shape is None else key_shape
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(f"{self.who}: the last dimension of query_shape and value_shape "
                             f"must be equal, got query_shape={tuple(query_shape)}, "
                             f"value_shape={tuple(value_shape)}")
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(f"{self.who}: value and key must have the same shape but for the "
                             f"last axis, got value_shape={tuple(value_shape)}, "
                             f"key_shape={tuple(key_shape)}")
        return tuple(query_shape)

    # ----- attending -----
    def forward(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
                attention_mask=None, return_attention_scores=False, training=None,
                use_causal_mask=False, mask=None):
        """(N, T, Dq), and the scores (N, Hq, T, S) with return_attention_scores; training:
        dropout on (True) or off (False), the layer's mode when None."""
        if self.flash_attention and return_attention_scores:
            raise ValueError(f"{self.who}: returning attention scores is not supported with "
                             "flash_attention=True; leave flash_attention None or False")
        query, value, key, masks = self._inputs(query, value, key, mask, query_mask,
                                                value_mask, key_mask)
        scores = (query.shape[0], self.num_query_heads, query.shape[1], key.shape[1])
        allowed = _allowed_per_head(masks, use_causal_mask, attention_mask, scores, query.data,
                                    self.who, "num_query_heads")
        group = self.num_query_heads // self.num_key_value_heads
        heads = [self._heads(query, "query")] + [
            _repeated_heads(self._heads(x, p), group) for x, p in ((key, "key"),
                                                                   (value, "value"))]
        mode = self.training if training is None else bool(training)
        attended, weights = _attend_as_keras(heads, allowed, self.dropout, mode,
                                             1 / math.sqrt(self.head_dim),
                                             return_attention_scores, self.who)
        output = self._output(attended)
        return (output, weights) if return_attention_scores else output


def _heads(query_heads, key_value_heads, who):
    """(num_query_heads, num_key_value_heads), positive, the first a multiple of the second
    (each key/value head serves a whole group of query heads)."""
    query_heads = positive_int(query_heads, "num_query_heads", who)
    key_value_heads = positive_int(key_value_heads, "num_key_value_heads", who)
    if query_heads % key_value_heads:
        raise ValueError(f"{who}: num_query_heads ({query_heads}) must be divisible by "
                         f"num_key_value_heads ({key_value_heads}): each key/value head "
                         "serves a group of query heads")
    return query_heads, key_value_heads


def _flash(flash_attention, dropout, who):
    """flash_attention (None, True or False) checked as Keras checks it: not with dropout."""
    if flash_attention not in (None, True, False):
        raise ValueError(f"{who}: flash_attention must be None, True or False, got "
                         f"{flash_attention!r}")
    if flash_attention and dropout > 0:
        raise ValueError(f"{who}: dropout ({dropout}) is not supported with "
                         "flash_attention=True; set dropout to 0.0 or leave flash_attention "
                         "None")
    return None if flash_attention is None else bool(flash_attention)


GroupQueryAttention = GroupedQueryAttention

__all__ = ["GroupQueryAttention"]
