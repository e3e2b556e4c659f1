"""3-D convolution and its transpose, composed from the 2-D ones (no Function of their own,
so gradients of every order come from conv2d and conv_transpose2d).

Depth is folded into channels: conv3d gathers each output depth's KD input slices as
KD*C channels of one (H, W) image and runs one conv2d with the weight seen as
(OC, C/groups*KD, KH, KW); conv_transpose3d runs one conv_transpose2d per input slice with
the weight seen as (C, OC/groups*KD, KH, KW) and adds each kernel depth's result back at
its output depth.
"""
import functools
import math
import operator

from autograd.ops import get_item, reshape, stack, transpose
from autograd.variable import as_variable

from ._batch import with_batch_axis
from .conv import (
    check_channels,
    conv2d,
    conv_transpose2d,
    prepare,
    resolve_padding,
    transposed_output_size,
)
from .im2col import make_window, output_size, triple

_LAYOUT = "(N, C, D, H, W)"


def conv3d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution: x (N, C, D, H, W), weight (OC, C/groups, KD, KH, KW), bias (OC,) or
    None -> (N, OC, OD, OH, OW), OD = (D + 2*padding - dilation*(KD - 1) - 1) // stride + 1
    (likewise OH, OW). stride, padding and dilation are ints or triples, padding also
    'valid' or 'same' (see conv2d). An unbatched (C, D, H, W) gives (OC, OD, OH, OW)."""
    who, layout = "conv3d", "(OC, C/groups, KD, KH, KW)"
    if getattr(x, "ndim", None) == 4:  # one volume (C, D, H, W), unbatched: PyTorch takes it
        return with_batch_axis(conv3d, as_variable(x), weight, bias, stride, padding,
                               dilation, groups)
    x, weight, groups = prepare(x, weight, bias, groups, who, layout, _LAYOUT)
    check_channels(x, weight, bias, groups, weight.shape[0], who, layout)
    x, padding = resolve_padding(x, padding, weight.shape[2:], stride, dilation, who, triple)
    window = make_window(weight.shape[2:], stride, padding, who, dilation, sizes=triple)
    depth = output_size(x.shape, window, who)[0]
    n, c, kd = x.shape[0], x.shape[1], window.kernel[0]
    padded = _depth_padded(x, window.padding[0])
    taps = [get_item(padded, (slice(None), slice(None), _taps(k * window.dilation[0],
                                                               window.stride[0], depth)))
            for k in range(kd)]  # each (N, C, OD, H, W)
    # (N, C, OD, KD, H, W) -> (N*OD, C*KD, H, W): channel c*KD + k of each group in turn
    stacked = transpose(stack(taps, axis=3), (0, 2, 1, 3, 4, 5))
    images = reshape(stacked, (n * depth, c * kd) + tuple(x.shape[3:]))
    flat_weight = reshape(weight, (weight.shape[0], weight.shape[1] * kd) + weight.shape[3:])
    y = conv2d(images, flat_weight, bias, window.stride[1:], window.padding[1:],
               window.dilation[1:], groups)
    y = reshape(y, (n, depth) + tuple(y.shape[1:]))
    return transpose(y, (0, 2, 1, 3, 4))


def conv_transpose3d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 3-D convolution (conv3d's gradient w.r.t. its input): x (N, C, D, H, W),
    weight (C, OC/groups, KD, KH, KW), bias (OC,) or None -> (N, OC, OD, OH, OW) with
    OD = (D - 1)*stride - 2*padding + dilation*(KD - 1) + output_padding + 1 (likewise OH,
    OW). An unbatched (C, D, H, W) gives (OC, OD, OH, OW)."""
    who, layout = "conv_transpose3d", "(C, OC/groups, KD, KH, KW)"
    if getattr(x, "ndim", None) == 4:  # one volume (C, D, H, W), unbatched
        return with_batch_axis(conv_transpose3d, as_variable(x), weight, bias, stride,
                               padding, output_padding, groups, dilation)
    x, weight, groups = prepare(x, weight, bias, groups, who, layout, _LAYOUT)
    check_channels(x, weight, bias, groups, weight.shape[1] * groups, who, layout, in_axis=0)
    window = make_window(weight.shape[2:], stride, padding, who, dilation, sizes=triple)
    extra = triple(output_padding, "output_padding", who, 0)
    out_depth = transposed_output_size(x.shape, window, extra, who)[0]
    n, c, d = x.shape[:3]
    kd, out_channels = window.kernel[0], weight.shape[1] * groups
    images = reshape(transpose(x, (0, 2, 1, 3, 4)), (n * d, c) + tuple(x.shape[3:]))
    flat_weight = reshape(weight, (c, weight.shape[1] * kd) + weight.shape[3:])
    z = conv_transpose2d(images, flat_weight, None, window.stride[1:], window.padding[1:],
                         extra[1:], groups, window.dilation[1:])
    # output channel (g*OC/G + o)*KD + k: (N, D, OC, KD, OH, OW), then D spread by the stride
    z = _strided(reshape(z, (n, d, out_channels, kd) + tuple(z.shape[2:])), window.stride[0])
    parts = [_placed(get_item(z, (slice(None), slice(None), slice(None), k)),
                     k * window.dilation[0] - window.padding[0], out_depth) for k in range(kd)]
    y = transpose(functools.reduce(operator.add, parts), (0, 2, 1, 3, 4))  # (N, OC, OD, OH, OW)
    if bias is None:
        return y
    return y + reshape(as_variable(bias), (out_channels, 1, 1, 1))


def _taps(start, stride, count):
    """The slice of `count` depths from `start`, `stride` apart."""
    return slice(start, start + stride * (count - 1) + 1, stride)


def _depth_padded(x, padding):
    """x (N, C, D, H, W) with `padding` zeros before and after its depth axis."""
    if not padding:
        return x
    from autograd.ops import pad  # (loaded on first use)
    return pad(x, ((0, 0), (0, 0), (padding, padding), (0, 0), (0, 0)))


def _strided(z, stride):
    """z (N, D, ...) with stride - 1 zero slices after each of its D slices along axis 1:
    slice i lands at i*stride."""
    if stride == 1:
        return z
    from autograd.ops import pad  # (loaded on first use)
    n, d = z.shape[:2]
    # (the row size spelled out: a batch of 0 leaves -1 undetermined)
    rows = pad(reshape(z, (n, d, 1, math.prod(z.shape[2:]))),
               ((0, 0), (0, 0), (0, stride - 1), (0, 0)))
    return reshape(rows, (n, d * stride) + tuple(z.shape[2:]))


def _placed(z, start, length):
    """z (N, L, ...) set at offset `start` along axis 1 of an axis `length` long, zeros
    elsewhere and what falls outside dropped (all of it, possibly: dilation and padding can
    put every kernel depth outside the output, which is then the bias alone)."""
    first = min(max(start, 0), length)
    last = max(min(start + z.shape[1], length), first)
    from autograd.ops import pad  # (loaded on first use)
    z = get_item(z, (slice(None), slice(first - start, last - start)))
    return pad(z, ((0, 0), (first, length - last)) + ((0, 0),) * (z.ndim - 2))


__all__ = ["conv3d", "conv_transpose3d"]
