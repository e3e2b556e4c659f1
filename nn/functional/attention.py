"""Scaled dot-product attention (PyTorch's F.scaled_dot_product_attention), built from
differentiable ops (matmul, softmax, dropout), so gradients of any order work.

Masks follow PyTorch: a boolean `attn_mask` says which positions TAKE PART (True) in this
function, while nn.MultiheadAttention's boolean masks say which are masked OUT; both become
an additive float mask (0 or -inf) here, through `additive_mask`, added by AddMask: their
-inf is a mask's meaning, which detect_anomaly lets pass.
"""
import math

import numpy as np

from autograd.arguments import probability
from autograd.backend import get_array_module
from autograd.ops import astype, broadcast_to, expand_dims, matmul, reshape, swapaxes, where
from autograd.ops.arithmetic import Add
from autograd.ops.elementwise import AsType, Where
from autograd.ops.shape import Reshape
from autograd.ops.validation import float_input
from autograd.variable import Variable, wrap

from .activation import RowSafeSoftmax, softmax
from .dropout import dropout


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """softmax(q k^T * scale + mask) v, with dropout on the attention weights.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev); leading axes
    broadcast. attn_mask, broadcastable to (..., L, S): boolean (True = may attend) or float
    (added to the scores; a Variable mask gets a gradient). is_causal: a lower-triangular
    mask (aligned top-left, as PyTorch's). scale: 1/sqrt(E) by default. Dropout with
    dropout_p applies always (as PyTorch's), except inside `autograd.test_mode()`.
    enable_gqa: grouped-query attention, key and value (..., Hkv, S, E) with fewer heads
    than the query (..., Hq, L, E), Hq a multiple of Hkv: each of their heads serves Hq / Hkv
    consecutive query heads (PyTorch's).
    """
    who = "scaled_dot_product_attention"
    query, key, value = (float_input(t, who) for t in (query, key, value))
    if enable_gqa:
        key, value = _shared_heads(query, key, value)
    _check_qkv(query, key, value)
    if is_causal and attn_mask is not None:
        raise ValueError(f"{who}: pass either attn_mask or is_causal=True, not both")
    probability(dropout_p, "dropout_p", who)
    length, source = query.shape[-2], key.shape[-2]
    if is_causal:
        xp = get_array_module(query.data)
        attn_mask = xp.tril(xp.ones((length, source), dtype=bool))
    mask = None if attn_mask is None else _sdpa_mask(attn_mask, query, key, length, source)
    scale = None if scale is None else float(scale)
    output, _ = attend(query, key, value, mask, dropout_p, scale=scale, safe=True)
    return output


class AddMask(Add):
    """y = scores + mask, an additive attention mask (0, or -inf where a key is hidden)"""

    masks_with_inf = True


class MaskValues(Where):
    """y = 0 where a boolean mask lets a key be attended, else -inf: the mask made additive"""

    masks_with_inf = True
    apply = staticmethod(lambda condition, x0, x1: MaskValues()(condition, x0, x1))


class MaskReshape(Reshape):
    """y = an additive attention mask viewed with a new shape (its -inf is its meaning)"""

    masks_with_inf = True


class MaskCast(AsType):
    """y = an additive attention mask in the scores' dtype (its -inf is its meaning)"""

    masks_with_inf = True


def reshape_mask(mask, shape):
    """An additive mask (a Variable) reshaped, as an op that detect_anomaly lets carry -inf."""
    return mask if tuple(mask.shape) == tuple(shape) else MaskReshape(tuple(shape))(mask)


def attend(query, key, value, mask=None, dropout_p=0.0, training=None, scale=None,
           safe=False, weights_before_dropout=False, half_scores=False, fill=None):
    """(softmax(q k^T * scale + mask) v, the attention weights): the shared core of
    scaled_dot_product_attention and the MultiheadAttention layers. mask: additive (or None);
    scale: 1/sqrt(E) by default. The weights returned are those after dropout (PyTorch's
    MultiheadAttention returns them), or before it with weights_before_dropout (Keras').

    safe: a query that may attend to nothing (its scores all -inf) gets zero weights, as
    PyTorch's SDPA gives (its "safe softmax"); otherwise its row is NaN, as PyTorch's
    MultiheadAttention gives when it returns the weights.

    float16 inputs: the scores and their softmax are computed in float32 and rounded once,
    as PyTorch's CPU; half_scores=True keeps them in float16, as Keras' MultiHeadAttention
    computes under mixed_float16.

    fill: mask is then boolean (True: may attend), and a masked score is replaced by `fill`
    (Keras' dot_product_attention: where(mask, scores, fill)), so that no gradient reaches
    it, where an added mask passes the softmax's gradient on to a swallowed score.
    """
    if scale is None:  # (an empty dot product scores 0 whatever the scale, as PyTorch's)
        scale = 1 / math.sqrt(query.shape[-1]) if query.shape[-1] else 1.0
    half = query.dtype == np.float16 and not half_scores
    if half:  # the scores and their softmax in float32, rounded once (PyTorch's CPU): a
        # float16 score of 30 is off by 0.03, which the softmax makes 3 % of the weights
        query, key = astype(query, np.float32), astype(key, np.float32)
        mask = mask if mask is None or mask.dtype != np.float16 else MaskCast(
            np.dtype(np.float32))(mask)
    scores = matmul(query, swapaxes(key, -1, -2)) * scale
    if mask is not None and fill is not None:  # (a masked score replaced: no gradient)
        scores = where(mask, scores, scores.dtype.type(fill))
    elif mask is not None:
        scores = AddMask()(scores, mask)
    # rows whose keys are all masked get zero weights, not NaN (decided in the op's forward)
    weights = RowSafeSoftmax(-1)(scores) if safe and mask is not None else softmax(scores,
                                                                                  axis=-1)
    if half:
        weights = astype(weights, np.float16)
    dropped = dropout(weights, dropout_p, training=training) if dropout_p > 0 else weights
    return matmul(dropped, value), weights if weights_before_dropout else dropped


def additive_mask(mask, dtype, allowed, who, name):
    """A boolean or float mask as an additive float array of `dtype` (0 or -inf for a
    boolean one). allowed: what True means, True = may attend (SDPA), False = masked out
    (nn.MultiheadAttention). A float mask is cast to dtype; a Variable keeps its graph, a
    boolean Variable becomes the additive mask through an op (a captured step replays it)."""
    if not isinstance(mask, Variable):  # (the array itself, turned by ops: a captured step
        mask = wrap(get_array_module(mask).asarray(mask), False)  # reads it at each replay)
    # a Variable of integers too: added to the scores, its 1s would shift them silently
    if mask.dtype.kind not in "bf":
        raise TypeError(f"{who}: {name} must be boolean or floating-point, got dtype "
                        f"{mask.dtype}")
    if mask.dtype.kind == "b":  # (the constants on the mask's device)
        xp = get_array_module(mask.data)
        inf = wrap(xp.asarray(-np.inf, dtype), False)
        zero = wrap(xp.zeros((), dtype), False)
        return MaskValues()(mask, zero, inf) if allowed else MaskValues()(mask, inf, zero)
    return mask if mask.dtype == dtype else MaskCast(np.dtype(dtype))(mask)


def _sdpa_mask(attn_mask, query, key, length, source):
    """attn_mask as an additive mask, refused unless it broadcasts to the scores' shape:
    one that would widen them (more batch axes) is refused too, as PyTorch refuses it, not
    left to broadcast the output to a shape the caller did not ask for."""
    who = "scaled_dot_product_attention"
    mask = additive_mask(attn_mask, query.dtype, True, who, "attn_mask")
    scores = np.broadcast_shapes(query.shape[:-2], key.shape[:-2]) + (length, source)
    try:
        fits = np.broadcast_shapes(tuple(mask.shape), scores) == scores
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{who}: attn_mask of shape {tuple(mask.shape)} does not broadcast "
                         f"to the scores' shape {scores} (..., L, S)")
    return mask if isinstance(mask, Variable) else wrap(mask, False)


def _shared_heads(query, key, value):
    """key and value with each head repeated for the query heads it serves (enable_gqa)."""
    shapes = f"query {query.shape}, key {key.shape}, value {value.shape}"
    if min(query.ndim, key.ndim, value.ndim) < 3:
        raise ValueError("scaled_dot_product_attention: enable_gqa needs heads (axis -3) in "
                         f"query, key and value, got {shapes}")
    heads, shared = query.shape[-3], key.shape[-3]
    if value.shape[-3] != shared or heads % shared:
        raise ValueError("scaled_dot_product_attention: enable_gqa needs key and value with "
                         f"the same heads, a divisor of the query's (axis -3), got {shapes}")
    return tuple(_repeated_heads(t, heads // shared) for t in (key, value))


def _repeated_heads(t, times):
    """(..., H, S, E) -> (..., H * times, S, E), each head `times` times in a row."""
    if times == 1:
        return t
    spread = broadcast_to(expand_dims(t, -3), t.shape[:-2] + (times,) + t.shape[-2:])
    return reshape(spread, t.shape[:-3] + (t.shape[-3] * times,) + t.shape[-2:])


def _check_qkv(query, key, value):
    who = "scaled_dot_product_attention"
    shapes = f"query {query.shape}, key {key.shape}, value {value.shape}"
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise ValueError(f"{who}: query, key and value must be at least 2-D (..., L, E), got "
                         f"{shapes}")
    if query.shape[-1] != key.shape[-1]:
        raise ValueError(f"{who}: query and key must have the same last axis (E), got {shapes}")
    if key.shape[-2] != value.shape[-2]:
        raise ValueError(f"{who}: key and value must have the same length (axis -2, S), got "
                         f"{shapes}")
    try:
        np.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2])
    except ValueError:
        raise ValueError(f"{who}: the leading (batch) axes do not broadcast: {shapes}") \
            from None


__all__ = ["scaled_dot_product_attention"]
