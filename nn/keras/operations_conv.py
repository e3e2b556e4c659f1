"""Keras' sliding-window and attention operations (keras.ops' conv, depthwise_conv,
max_pool, average_pool and dot_product_attention), by Keras' class name: channels-last by
default, Keras' kernels and 'same' padding, computed as Keras' layers compute them (one
slide() over nn's functions, nn/keras/layers/_base.py)."""
import numpy as np

from autograd import ops
from autograd.backend import get_array_module
from autograd.variable import as_variable

from .. import functional as F
from ..functional.conv import conv2d
from ..functional.conv3d import conv3d
from .layers._base import (
    back_from_channels_first,
    channels_first,
    data_format_name,
    functional_for,
    functional_weight,
    padding_name,
    per_axis,
    slide,
)
from .layers.conv_transpose import transposed_convolution
from .layers.depthwise_conv import _depthwise_weight
from .layers.pooling import AVERAGE_PAD, MAX_PAD, average_pooling, max_pooling


def _geometry(inputs, window, strides, padding, data_format, dilation, who):
    """(dims, window, strides, dilation, padding, data_format) of an op on `inputs`
    (N, *spatial, C), each per axis as Keras takes them (an int or a tuple)."""
    inputs = as_variable(inputs)
    dims = inputs.ndim - 2
    if dims not in (1, 2, 3):
        raise ValueError(f"{who}: inputs of rank 3, 4 or 5 ((N, *spatial, C)), got shape "
                         f"{tuple(inputs.shape)}")
    return (inputs, dims, per_axis(window, dims, "the window", who),
            per_axis(strides, dims, "strides", who),
            per_axis(dilation, dims, "dilation_rate", who),
            padding_name(padding, who), data_format_name(data_format, who))


def _conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """inputs convolved with Keras' kernel (K..., C / groups, filters): groups are the
    input channels over the kernel's."""
    kernel = as_variable(kernel)
    window = tuple(kernel.shape[:-2])
    inputs, dims, window, strides, dilation, padding, data_format = _geometry(
        inputs, window, strides, padding, data_format, dilation_rate, "conv")
    channels = inputs.shape[1 if data_format == "channels_first" else -1]
    if channels % kernel.shape[-2]:
        raise ValueError(f"conv: {channels} input channels do not split into groups of the "
                         f"kernel's {kernel.shape[-2]}")
    weight, groups = functional_weight(kernel, dims), channels // kernel.shape[-2]
    convolution = functional_for(dims, conv2d, conv3d)
    return slide(inputs, dims, data_format, padding, window, strides, dilation, 0.0,
                 lambda images, _, s, d, p, __: convolution(images, weight, None, s, p, d,
                                                            groups), "conv")


def _depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                    dilation_rate=1):
    """Each input channel convolved with its own filters, Keras' kernel (K..., C, M)."""
    kernel = as_variable(kernel)
    inputs, dims, window, strides, dilation, padding, data_format = _geometry(
        inputs, tuple(kernel.shape[:-2]), strides, padding, data_format, dilation_rate,
        "depthwise_conv")
    weight = _depthwise_weight(kernel, dims)
    convolution = functional_for(dims, conv2d, conv3d)
    return slide(inputs, dims, data_format, padding, window, strides, dilation, 0.0,
                 lambda images, _, s, d, p, __: convolution(images, weight, None, s, p, d,
                                                            kernel.shape[-2]),
                 "depthwise_conv")


def _separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                    data_format=None, dilation_rate=1):
    """The depthwise convolution, then the pointwise one (1 x 1) mixing its channels."""
    depthwise = _depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format,
                                dilation_rate)
    return _conv(depthwise, pointwise_kernel, 1, "valid", data_format)


def _conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                    data_format=None, dilation_rate=1):
    """The transposed convolution with Keras' kernel (K..., filters, C), Keras' output size
    (as Conv2DTranspose's)."""
    kernel = as_variable(kernel)
    inputs, dims, _, strides, dilation, padding, data_format = _geometry(
        inputs, tuple(kernel.shape[:-2]), strides, padding, data_format, dilation_rate,
        "conv_transpose")
    if output_padding is not None:
        output_padding = per_axis(output_padding, dims, "output_padding", "conv_transpose",
                                  minimum=0)
        if any(p >= s for p, s in zip(output_padding, strides)):
            raise ValueError(f"conv_transpose: output_padding {output_padding} must be smaller "
                             f"than the strides {strides} (Keras' rule)")
    images = channels_first(inputs, dims, data_format)
    y = transposed_convolution(images, kernel, dims, strides, padding, output_padding,
                               dilation)
    return back_from_channels_first(y, dims, data_format)


def _correlate(x1, x2, mode="valid"):
    """NumPy's correlate of two 1-D tensors: c[k] = sum_n x1[n + k] x2[n], over the shifts
    'valid' (full overlap), 'same' (x1's length, the longer's for a longer x2) or 'full';
    float32 for integers (float64 for int64, Keras')."""
    x1, x2 = as_variable(x1), as_variable(x2)
    if x1.ndim != 1 or x2.ndim != 1 or not x1.shape[0] or not x2.shape[0]:
        raise ValueError(f"correlate: expects two non-empty 1-D tensors, got shapes "
                         f"{tuple(x1.shape)} and {tuple(x2.shape)}")
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: mode must be 'valid', 'same' or 'full', got {mode!r}")
    dtype = np.result_type(x1.dtype, x2.dtype)
    dtype = dtype if dtype.kind == "f" else np.dtype(
        np.float64 if np.int64 in (x1.dtype, x2.dtype) else np.float32)
    x1, x2 = ops.astype(x1, dtype), ops.astype(x2, dtype)
    n, m = x1.shape[0], x2.shape[0]
    images = ops.reshape(ops.pad(x1, ((m - 1, m - 1),)), (1, 1, 1, n + 2 * m - 2))
    full = ops.reshape(conv2d(images, ops.reshape(x2, (1, 1, 1, m))), (n + m - 1,))
    size = {"full": n + m - 1, "same": max(n, m), "valid": max(n, m) - min(n, m) + 1}[mode]
    extra = n + m - 1 - size  # ('same': NumPy centres the window, rounding the start up
    start = ((extra if n >= m else extra + 1) // 2 if mode == "same"  # where x2 is longer)
             else min(n, m) - 1 if mode == "valid" else 0)
    return full[start:start + size]


def _pooled(kind):
    """Keras' MaxPool or AveragePool op: strides default to pool_size."""
    def pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
        who = f"{kind}_pool"
        inputs, dims, window, strides, _, padding, data_format = _geometry(
            inputs, pool_size, pool_size if strides is None else strides, padding,
            data_format, 1, who)
        if kind == "max":
            op, pad_value = max_pooling(dims), MAX_PAD
        else:
            op, pad_value = average_pooling(dims, window, strides), AVERAGE_PAD
        return slide(inputs, dims, data_format, padding, window, strides, (1,) * dims,
                     pad_value, op, who)
    return pool


def _dot_product_attention(query, key, value, bias=None, mask=None, scale=None,
                           is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    """softmax(q k^T scale + bias) v of (B, T, N, H) tensors (Keras' layout), scale
    1/sqrt(H) by default; mask (broadcast to (B, N, T, S)): False where a query may not
    look, and is_causal: nor at later keys, each adding Keras' large negative to the scores
    (a query that may look nowhere weighs every key alike, as in Keras); fewer key and
    value heads than query heads are shared by groups."""
    if attn_logits_soft_cap is not None:
        raise NotImplementedError("attn_logits_soft_cap is not supported")
    if bias is not None and mask is not None:
        raise ValueError("dot_product_attention: give bias or mask, not both")
    tensors = [as_variable(t) for t in (query, key, value)]
    if any(t.ndim != 4 for t in tensors):
        raise ValueError(f"dot_product_attention: query, key and value are 4-D (B, T, N, H), "
                         f"got shapes {[tuple(t.shape) for t in tensors]}")
    query, key, value = (ops.swapaxes(t, 1, 2) for t in tensors)
    heads, kv_heads = query.shape[1], key.shape[1]
    if heads > kv_heads > 1:
        key = ops.repeat_interleave(key, heads // kv_heads, dim=1)
        value = ops.repeat_interleave(value, heads // kv_heads, dim=1)
    xp, dtype = get_array_module(query.data), query.dtype
    hidden = xp.asarray(_LARGE_NEGATIVE * (65500.0 / 3.38953e38 if dtype == np.float16 else 1),
                        dtype)
    added = None if bias is None else ops.astype(as_variable(bias), dtype)
    if mask is not None:
        added = ops.where(ops.astype(as_variable(mask), bool), xp.zeros((), dtype), hidden)
    if is_causal and added is not None:  # (Keras' rule: both, as one)
        causal = xp.tril(xp.ones((query.shape[2], key.shape[2]), bool))
        added, is_causal = ops.add(added, xp.where(causal, xp.zeros((), dtype), hidden)), False
    out = F.scaled_dot_product_attention(query, key, value, attn_mask=added,
                                         is_causal=is_causal, scale=scale)
    return ops.swapaxes(out, 1, 2)


_LARGE_NEGATIVE = -0.7 * 3.38953e38  # Keras' (torch backend's) for float32 and float64


CONV = {
    "Conv": _conv, "DepthwiseConv": _depthwise_conv, "MaxPool": _pooled("max"),
    "AveragePool": _pooled("average"), "DotProductAttention": _dot_product_attention,
    "SeparableConv": _separable_conv, "ConvTranspose": _conv_transpose,
    "Correlate": _correlate,
}

__all__ = ["CONV"]
