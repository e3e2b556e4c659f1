"""Keras' attention layers on batch-first sequences: MultiHeadAttention (a transformer's),
Attention (Luong's dot-product attention) and AdditiveAttention (Bahdanau's).

MultiHeadAttention(num_heads, key_dim)(query, value[, key]): query (N, T, Dq), value and key
(N, S, Dv), (N, S, Dk) (key defaults to value) -> (N, T, Dq), or output_shape's size. Each
head projects the query and key to key_dim and the value to value_dim, attends
(softmax(q k^T / sqrt(key_dim)) v, with dropout on the weights while training; the scores
return_attention_scores gives are those before dropout, as Keras'), and the heads' results
are projected back. The weights are Keras' EinsumDense kernels and biases:
query (Dq, H, key_dim), key (Dk, H, key_dim), value (Dv, H, value_dim), output
(H, value_dim, D_out), in that order in get_weights. Masks: Keras' masks of the query and
value sequences (from Embedding(mask_zero=True), or given as query_mask / value_mask /
key_mask), attention_mask (True: may attend; (N, T, S), or by Keras' broadcasting (T, S)
or per head (N, H, T, S)) and use_causal_mask combine; a query that may attend to nothing
attends to every key alike without dropout and scores returned (Keras' dot_product_attention
path), else gets zero weights (its Softmax path), as Keras 3 gives. (Keras 3.15.1 reads the
query's mask from the query's own Keras mask alone, ignoring a query_mask given; rungrad
takes the one given.) Both layers' dropout draws from NumPy's global generator (np.random.seed
fixes it); their `seed` argument is kept for the config.
"""
import math

import numpy as np

from autograd.arguments import positive_int, probability
from autograd.backend import get_array_module
from autograd.ops import expand_dims, matmul, reshape, swapaxes, tanh, transpose, where
from autograd.variable import Parameter, as_variable, is_uninitialized, wrap

from ... import functional as F
from ... import initializers, regularizers
from ...activity_regularizer import ActivityRegularized
from ...functional.attention import additive_mask, attend
from ...functional.dropout import dropout as dropout_weights
from ...layers.config import init_config
from ...layers.lazy_build import check_fit, follow_device, hold_placeholders, make_parameters
from ...module import Module
from ._base import KerasLayer, floating
from .activation import masked_out
from .conv import Penalty
from .einsum_dense import einsum_kernel_draw

_PROJECTIONS = ("query", "key", "value", "output")


class HeadProjections:
    """Mixin of Keras' multi-head attention layers (MultiHeadAttention, GroupQueryAttention):
    their inputs, the query / key / value / output projections (Keras' EinsumDense kernels
    and biases, named `<projection>_kernel`, `<projection>_bias`), their penalties and the
    query's mask passed on. The layer has `dims` (None until built), `build(dims, like)`,
    the initializers and regularizers and `_activity_regularizer`."""

    # (w.name, w.path) Keras' weights are those of its inner EinsumDense layers
    keras_weight_names = {f"{mine}_{kind}": f"{keras}/{kind}" for mine, keras in (
        ("query", "query"), ("key", "key"), ("value", "value"),
        ("output", "attention_output")) for kind in ("kernel", "bias")}

    def _inputs(self, query, value, key, mask, query_mask, value_mask, key_mask):
        """(query, value, key, (query, value, key) masks), checked, the key defaulting to the
        value; the layer built at its first call, else its features checked."""
        query, value = self._sequence(query, "query"), self._sequence(value, "value")
        key = value if key is None else self._sequence(key, "key")
        masks = _given_masks(mask, query_mask, value_mask, key_mask)
        _check_shapes(self.who, (query, value, key), masks,
                      ("query_mask", "value_mask", "key_mask"))
        dims = (query.shape[2], value.shape[2], key.shape[2])
        if not self.built:
            self.build(dims, like=query.data)
        elif dims != self.dims:
            raise ValueError(f"{self.who}: inputs of features (query, value, key) {dims}, the "
                             f"layer was built for {self.dims}")
        return query, value, key, masks

    def build(self, dims, like=None):
        """The weights for (query, value, key) features `dims`, drawn as Keras draws them."""
        self.dims = tuple(int(d) for d in dims)
        shapes = self._shapes(self.dims)
        make_parameters(self, shapes, np.float32)
        self._draw(shapes)
        follow_device(self, like)

    def size_from_state(self, shapes):
        """(query, value, key) features that loading arrays of `shapes` implies."""
        try:
            dims = (shapes["query_kernel"][0], shapes["value_kernel"][0],
                    shapes["key_kernel"][0])
        except (KeyError, IndexError):
            raise ValueError(f"{self.who}: weights of shapes {shapes} do not fit a "
                             f"{type(self).__name__}") from None
        check_fit(self, shapes, self._shapes(dims))
        return dims

    def _kernels_and_biases(self, kernels):
        """{weight name: shape} in Keras' order from each projection's kernel shape: the
        kernel, then (use_bias) its bias, the output's (D_out,), the others' (heads, dim)."""
        shapes = {}
        for name, kernel in kernels.items():
            shapes[f"{name}_kernel"] = kernel
            if self.use_bias:
                shapes[f"{name}_bias"] = kernel[-1:] if name == "output" else kernel[1:]
        return shapes

    def _draw(self, shapes):
        """Draw the weights of `shapes` (name -> shape, made already) as Keras draws them."""
        for name, shape in shapes.items():
            weight = getattr(self, name)
            if name.endswith("bias"):
                initializers.fill(weight, self.bias_initializer)
                continue
            # Keras' fans: the features (query, key, value) or the heads' results (output)
            input_axes = (True, True, False) if name == "output_kernel" else (True, False, False)
            weight.data[...] = einsum_kernel_draw(self.kernel_initializer, shape, input_axes)
            weight.bump_version()

    def penalties(self):
        return regularizers.penalties(
            [(self.kernel_regularizer, getattr(self, f"{p}_kernel")) for p in _PROJECTIONS]
            + [(self.bias_regularizer, getattr(self, f"{p}_bias")) for p in _PROJECTIONS])

    def _sequence(self, x, name):
        x = as_variable(x, who=self.who)
        if x.ndim != 3:
            raise ValueError(f"{self.who}: {name} must be a batch of sequences (N, T, "
                             f"features), got shape {tuple(x.shape)}")
        return floating(x)

    def _heads(self, x, projection):
        """x (N, T, D) projected to (N, H, T, dim) by the projection's kernel and bias."""
        kernel = getattr(self, f"{projection}_kernel")
        batch, steps, features = x.shape
        y = matmul(reshape(x, (batch * steps, features)), reshape(kernel, (features, -1)))
        y = reshape(y, (batch, steps) + tuple(kernel.shape[1:]))
        bias = getattr(self, f"{projection}_bias")
        return transpose(self._penalized(y if bias is None else y + bias), (0, 2, 1, 3))

    def _output(self, attended):
        """The heads' results (N, H, T, value_dim) projected to (N, T, D_out)."""
        batch, heads, steps, dim = attended.shape
        joined = reshape(transpose(attended, (0, 2, 1, 3)), (batch * steps, heads * dim))
        y = matmul(joined, reshape(self.output_kernel, (heads * dim, -1)))
        y = reshape(y, (batch, steps, -1))
        return self._penalized(y if self.output_bias is None else y + self.output_bias)

    def _penalized(self, projected):
        """A projection's output (query, key, value or output), its activity penalty noted."""
        if self._activity_regularizer is not None:
            self._activity_losses.add(regularizers.activity_penalty(
                self._activity_regularizer, projected))
        return projected

    def compute_mask(self, inputs, mask=None):
        """The query's mask passes on (Keras')."""
        return mask[0] if isinstance(mask, (list, tuple)) else mask


class MultiHeadAttention(HeadProjections, ActivityRegularized, Module, KerasLayer):
    """Keras' MultiHeadAttention (see the module)."""

    kernel_regularizer = Penalty()
    bias_regularizer = Penalty()

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 seed=None, *, name=None, input_shape=None):
        super().__init__()
        who = "MultiHeadAttention"
        if kernel_constraint is not None or bias_constraint is not None:
            raise NotImplementedError(f"{who}: kernel_constraint and bias_constraint are not "
                                      "supported; leave them None")
        if attention_axes not in (None, 1, (1,), [1], -2, (-2,), [-2]):
            raise NotImplementedError(f"{who}: attention over axes {attention_axes!r} is not "
                                      "supported; inputs are sequences (N, T, features), "
                                      "attended over their steps (attention_axes=None)")
        self.num_heads = positive_int(num_heads, "num_heads", who)
        self.key_dim = positive_int(key_dim, "key_dim", who)
        self.value_dim = self.key_dim if value_dim is None else positive_int(
            value_dim, "value_dim", who)
        self.dropout = probability(dropout, "dropout", who)
        self.use_bias, self.attention_axes, self.seed = bool(use_bias), attention_axes, seed
        self.output_shape = output_shape
        self._out = None if output_shape is None else _output_size(output_shape, who)
        self.kernel_initializer = initializers.checked(kernel_initializer,
                                                       "kernel_initializer", who)
        self.bias_initializer = initializers.checked(bias_initializer, "bias_initializer", who)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint = self.bias_constraint = None
        self._set_activity_regularizer(activity_regularizer)
        self._keras_arguments(name, input_shape)
        self.dims = None
        hold_placeholders(self, {f"{p}_{w}": w == "kernel" or self.use_bias
                                 for p in _PROJECTIONS for w in ("kernel", "bias")}, np.float32)

    # ----- weights -----
    @property
    def built(self):
        return self.dims is not None

    def _shapes(self, dims):
        query, value, key = dims
        heads, out = self.num_heads, self._out or query
        return self._kernels_and_biases(
            {"query": (query, heads, self.key_dim), "key": (key, heads, self.key_dim),
             "value": (value, heads, self.value_dim), "output": (heads, self.value_dim, out)})

    def get_config(self):
        """The constructor's arguments (Keras' get_config), the regularizers as model.save
        keeps them."""
        return init_config(self, activity_regularizer=self.activity_config(),
                           **regularizers.configs(kernel_regularizer=self.kernel_regularizer,
                                                  bias_regularizer=self.bias_regularizer))

    # ----- attending -----
    def forward(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
                attention_mask=None, return_attention_scores=False, use_causal_mask=False,
                mask=None):
        query, value, key, masks = self._inputs(query, value, key, mask, query_mask,
                                                value_mask, key_mask)
        scores = (query.shape[0], self.num_heads, query.shape[1], key.shape[1])
        allowed = _allowed_per_head(masks, use_causal_mask, attention_mask, scores, query.data,
                                    self.who)
        heads = [self._heads(x, p) for x, p in ((query, "query"), (key, "key"),
                                                 (value, "value"))]
        attended, weights = _attend_as_keras(heads, allowed, self.dropout, self.training,
                                             1 / math.sqrt(self.key_dim),
                                             return_attention_scores, self.who)
        output = self._output(attended)
        return (output, weights) if return_attention_scores else output

    def add_activity_penalties(self, outputs):
        """Keras gives activity_regularizer to the four projections (its EinsumDense
        sublayers), not to the layer: their penalties are recorded as they are computed
        (_penalized), none of the outputs or scores."""


class Attention(Module, KerasLayer):
    """Keras' Attention (Luong): Attention()([query, value]) or ([query, value, key]):
    scores q k^T ('dot'; use_scale: times a learned scalar) or the sum over features of
    tanh(q_t + k_s) ('concat', times a learned scalar), softmax over the value steps
    (masked ones get 1e9 less, as Keras'), dropout on the weights while training, then the
    weights times value: (N, T, D). Masks: [query_mask, value_mask] (Keras'); a masked
    query step's output is 0; a third (the key's) is ignored, as Keras ignores it."""

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, *,
                 name=None, input_shape=None):
        super().__init__()
        who = "Attention"
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"{who}: score_mode must be 'dot' or 'concat', got {score_mode!r}")
        self.use_scale, self.score_mode, self.seed = bool(use_scale), score_mode, seed
        self.dropout = probability(dropout, "dropout", who)
        self._keras_arguments(name, input_shape)
        for weight, present in (("scale", self.use_scale),
                                ("concat_score_weight", score_mode == "concat")):
            self.register_parameter(weight, Parameter(np.ones((), np.float32)) if present
                                    else None)  # (Keras' scalars, starting at 1)

    get_config = init_config

    def forward(self, inputs, mask=None, return_attention_scores=False, use_causal_mask=False):
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            raise ValueError(f"{self.who}: takes [query, value] or [query, value, key], got "
                             f"{type(inputs).__name__}")
        query, value, key = (floating(as_variable(x, who=self.who))
                             for x in (*inputs, inputs[1])[:3])
        if query.ndim != 3 or value.ndim != 3 or key.ndim != 3:
            raise ValueError(f"{self.who}: query, value and key must be (N, T, D), (N, S, D) "
                             f"and (N, S, D), got {query.shape}, {value.shape}, {key.shape}")
        if mask is not None and not isinstance(mask, (list, tuple)):
            raise ValueError(f"{self.who}: mask must be a list, [query_mask, value_mask] "
                             f"(Keras' rule), got a {type(mask).__name__}")
        masks = _given_masks(mask, None, None, None)
        _check_shapes(self.who, (query, value, key), masks, ("mask[0]", "mask[1]", "mask[2]"))
        scores = self._scores(query, key)
        # the value's mask alone: Keras ignores a key's mask (mask[2]) here
        allowed = _allowed((None, masks[1], None), use_causal_mask, query.shape[1],
                           key.shape[1], query.data)
        if allowed is not None:  # Keras' large negative where a step may not be attended
            scores = scores + masked_out(allowed, scores.dtype)
        weights = F.softmax(scores, axis=-1)
        if self.dropout > 0:
            weights = dropout_weights(weights, self.dropout, training=self.training)
        result = matmul(weights, value)
        if masks[0] is not None:
            result = where(expand_dims(as_variable(masks[0]), -1), result, 0.0)
        return (result, weights) if return_attention_scores else result

    def _scores(self, query, key):
        if self.score_mode == "dot":
            scores = matmul(query, swapaxes(key, 1, 2))
            return scores if self.scale is None else scores * self.scale
        pairs = _pairs(query, key)
        if self.scale is not None:
            pairs = pairs * self.scale
        return self.concat_score_weight * tanh(pairs).sum(axis=-1)

    def compute_mask(self, inputs, mask=None):
        return mask[0] if isinstance(mask, (list, tuple)) else None


class AdditiveAttention(Attention):
    """Keras' AdditiveAttention (Bahdanau): Attention's masks, softmax, dropout and
    weighting of the values, with the scores sum_d scale_d tanh(q_td + k_sd) (N, T, S);
    `scale` (D,) is Keras' weight, drawn glorot-uniform at the first call (use_scale=True),
    else 1. Query and key share the feature size D."""

    def __init__(self, use_scale=True, dropout=0.0, seed=None, *, name=None,
                 input_shape=None):
        super().__init__(False, "dot", dropout, seed, name=name, input_shape=input_shape)
        self.use_scale = bool(use_scale)
        hold_placeholders(self, {"scale": self.use_scale}, np.float32)

    @property
    def built(self):
        return not is_uninitialized(self.scale)

    def build(self, features, like=None):
        """scale for queries and keys of `features` features."""
        make_parameters(self, {"scale": (int(features),)}, np.float32)
        initializers.fill(self.scale, "glorot_uniform")
        follow_device(self, like)

    def size_from_state(self, shapes):
        return shapes["scale"][0]

    def _scores(self, query, key):
        if query.shape[-1] != key.shape[-1]:
            raise ValueError(f"{self.who}: query and key must have the same features, got "
                             f"shapes {query.shape} and {key.shape}")
        if not self.built:
            self.build(query.shape[-1], like=query.data)
        terms = tanh(_pairs(query, key))
        return (terms if self.scale is None else terms * self.scale).sum(axis=-1)


def _pairs(query, key):
    """q_t + k_s for every query step t and key step s: (N, T, S, D)."""
    return expand_dims(query, 2) + expand_dims(key, 1)


def _output_size(output_shape, who):
    sizes = tuple(output_shape) if isinstance(output_shape, (tuple, list)) else (output_shape,)
    if len(sizes) != 1:
        raise NotImplementedError(f"{who}: output_shape {output_shape!r}: only one output "
                                  "size (an int) is supported")
    return positive_int(sizes[0], "output_shape", who)


def _check_shapes(who, sequences, masks, mask_names):
    """Refuse query (N, T, .), value and key (N, S, .) of other batch sizes or steps, and
    (query, value, key) masks not (N, T), (N, S), (N, S), naming `who` and the argument."""
    query, value, key = sequences
    if query.shape[0] != value.shape[0] or key.shape[:2] != value.shape[:2]:
        raise ValueError(f"{who}: query {query.shape}, value {value.shape} and key "
                         f"{key.shape} must share the batch size, value and key the steps")
    batch, steps, sources = query.shape[0], query.shape[1], key.shape[1]
    for mask, name, shape in zip(masks, mask_names, ((batch, steps), (batch, sources),
                                                     (batch, sources))):
        if mask is not None and tuple(np.shape(getattr(mask, "data", mask))) != shape:
            raise ValueError(f"{who}: {name} must be (N, steps) = {shape} for query "
                             f"{query.shape}, value {value.shape} and key {key.shape}, got "
                             f"shape {tuple(np.shape(getattr(mask, 'data', mask)))}")


def _given_masks(mask, query_mask, value_mask, key_mask):
    """(query, value, key) masks: the explicit ones, else Keras' masks of the inputs (a
    list, as a model passes them)."""
    carried = list(mask) if isinstance(mask, (list, tuple)) else [mask]
    carried += [None] * (3 - len(carried))
    return tuple(c if given is None else given
                 for given, c in zip((query_mask, value_mask, key_mask), carried))


def _and(a, b):
    """a & b of boolean masks (broadcast), either of them None for 'no mask'."""
    if a is None or b is None:
        return b if a is None else a
    return where(a, b, a)


def _allowed(masks, causal, steps, sources, like):
    """The boolean (N or 1, T, S) of what each query step may attend, from Keras' masks
    (query (N, T), value and key (N, S)) and the causal mask (made on the array module of
    `like`, the query's); None when nothing is masked."""
    query, value, key = (None if m is None else as_variable(m).astype(bool) for m in masks)
    allowed = None if query is None else expand_dims(query, 2)
    for source in (value, key):
        if source is not None:
            allowed = _and(allowed, expand_dims(source, 1))
    if causal:
        xp = get_array_module(like)
        allowed = _and(allowed, wrap(xp.tril(xp.ones((1, steps, sources), bool)), False))
    return allowed


def _allowed_per_head(masks, causal, attention_mask, scores, like, who, heads="num_heads"):
    """The boolean (N or 1, H or 1, T, S) of what each head's query step may attend: Keras'
    masks (query, value, key), the causal mask and attention_mask (by _per_head's rule,
    for scores (N, H, T, S)) combined; None when nothing is masked."""
    allowed = _allowed(masks, causal, scores[2], scores[3], like)
    return _and(None if allowed is None else expand_dims(allowed, 1),
                _per_head(attention_mask, scores, who, heads))


def _attend_as_keras(heads, allowed, dropout, training, scale, return_scores, who):
    """(the heads' results (N, H, T, dim), the attention scores before dropout) of query, key
    and value heads (N, H, T or S, dim) where `allowed` (see _allowed_per_head) permits, as
    Keras' multi-head attention layers attend."""
    fused = dropout == 0 and not return_scores
    mask, fill = None, None
    if allowed is not None and fused:  # Keras' ops.dot_product_attention: masked scores
        # replaced by its backend's large negative, -0.7 of about float's largest (a
        # query that may attend to nothing then attends to every key alike)
        mask = allowed
        fill = -0.7 * (65500.0 if heads[0].dtype == np.float16 else 3.38953e38)
    elif allowed is not None:  # its Softmax(mask): such a query gets zero weights (-inf
        mask = additive_mask(allowed, heads[0].dtype, True, who,  # here, in attend's
                             "attention_mask")  # row-safe softmax)
    # Keras returns the scores before dropout (its Attention layer, those after)
    return attend(*heads, mask, dropout, training=training, scale=scale, safe=True,
                  weights_before_dropout=True, half_scores=True, fill=fill)


def _per_head(attention_mask, scores, who, heads="num_heads"):
    """attention_mask made four-axis by Keras' rule, axes inserted before its last two:
    (T, S) -> (1, 1, T, S), (N, T, S) -> (N, 1, T, S), (N, H, T, S) as it is; refused unless
    it broadcasts to the scores (N, H, T, S), `heads` naming H in the error. None stays
    None."""
    if attention_mask is None:
        return None
    mask = as_variable(attention_mask).astype(bool)
    shape = tuple(mask.shape)
    spread = shape[:-2] + (1,) * (4 - len(shape)) + shape[-2:]
    try:
        fits = 2 <= len(shape) <= 4 and np.broadcast_shapes(spread, scores) == scores
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{who}: attention_mask of shape {shape} does not fit the scores "
                         f"(N, {heads}, T, S) = {scores}: expected (N, T, S), (T, S) or "
                         f"(N, {heads}, T, S), each axis that size or 1")
    return reshape(mask, spread)


__all__ = ["MultiHeadAttention", "Attention", "AdditiveAttention"]
