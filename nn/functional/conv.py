"""2-D convolution (PyTorch's cross-correlation) and its transpose, as im2col/col2im plus one
matrix product per group.

With G groups the channels split into G independent convolutions: the rows of the column
matrix and of the weight matrix are viewed as (G, rows/G, ...) and multiplied as a batch;
G = 1 keeps plain 2-D products (the fast path of ordinary convolutions).
"""
import math

import numpy as np

from autograd.arguments import positive_int
from autograd.backend import dense, get_array_module
from autograd.config import Config
from autograd.function import Function, call_op
from autograd.lazy import refuse_book_keywords
from autograd.ops import astype, get_item, matmul, reshape, sum, transpose
from autograd.ops.linalg import MatMul
from autograd.ops.reduction import Sum
from autograd.ops.shape import Reshape, Transpose, reshape_if_needed
from autograd.spec import Choice, Spec
from autograd.variable import Variable, as_variable, wrap

from ._batch import with_batch_axis
from .im2col import (
    Col2im,
    col2im_array,
    im2col,
    im2col_array,
    make_window,
    output_size,
    pair,
    spans,
)


def _grouped(a, groups, lead, reshape_fn):
    """a viewed as (rows, cols) for one group, else (groups, rows/groups, cols), where rows
    are a's first `lead` axes (sizes multiplied out: -1 fails on zero-size arrays)."""
    shape = a.shape
    rows = shape[0] if lead == 1 else math.prod(shape[:lead])
    cols = math.prod(shape[lead:])
    return reshape_fn(a, (rows, cols) if groups == 1 else (groups, rows // groups, cols))


def _matrices_transposed(v):
    """Each group's matrix transposed, for Variables or arrays (2 or 3 axes)."""
    return call_op(Transpose((1, 0) if v.ndim == 2 else (0, 2, 1)), v)


def _array_reshape(a, shape):
    return a.reshape(shape)


# One product per sample, (OC, K) @ (K, OH*OW), where the column matrix has few rows and the
# images are large: OpenBLAS runs the single (OC, K) @ (K, N*OH*OW) product of a small K at
# about half speed, and y and its gradient then keep the (N, OC, OH, OW) order, so backward
# needs no transposed copy of the gradient. Measured (1 thread, float32, fwd / dW / dcol):
# 32x1x28x28 with 16 3x3 filters 0.12 / 0.35 / 0.20 ms -> 0.07 / 0.10 / 0.07 ms; 32x3x32x32,
# 32 filters 0.86 / 1.52 / 0.93 -> 0.64 / 0.73 / 0.60. Small images or many rows (7x7 maps,
# 144+ rows) are faster as one product, up to 3x for 4x4 maps.
_PER_SAMPLE_MAX_ROWS, _PER_SAMPLE_MIN_PIXELS = 128, 256


def _per_sample(groups, rows, pixels):
    return groups == 1 and rows <= _PER_SAMPLE_MAX_ROWS and pixels >= _PER_SAMPLE_MIN_PIXELS


def _swap(a):
    """Swap the last two axes of an array (a transpose of each group's matrix)."""
    return a.swapaxes(-1, -2)


class Conv2d(Function):
    """y[n, g*OCg + o, a, b] = sum_{c,i,j} W[g*OCg + o, c, i, j]
    * padded_x[n, g*Cg + c, a*SH + i*DH, b*SW + j*DW] + bias[g*OCg + o]

    x (N, C, H, W), W (OC, C/G, KH, KW), bias (OC,) -> y (N, OC, OH, OW); G groups.
    """

    input_specs = (Spec(shape=(1, "2C", "H", "W"), sides={"C": (1, 2), "H": (3, 4), "W": (3, 4),
                                                     "O": (1, 2), "K": (1, 2)}),
                   Spec(shape=("2O", "C", "K", "K")), Spec(shape=("2O",)))
    # (stride, padding, dilation), with 2 groups (the tests of tests/nn check 1 group)
    arg_specs = {"geometry": Choice((1, 0, 1), (2, 1, 1), (1, 1, 2), (2, 0, 2))}
    apply = staticmethod(lambda x, w, b, geometry: conv2d(x, w, b, *geometry, groups=2))

    def __init__(self, window, groups=1):
        self.window, self.groups = window, groups

    def forward(self, x, weight, bias=None):
        out_channels = weight.shape[0]
        col = im2col_array(x, self.window)
        self._col = col  # kept for dL/dW; freed with the graph
        n, (oh, ow) = x.shape[0], col.shape[4:]
        k = math.prod(weight.shape[1:])  # C/G*KH*KW spelled out: -1 fails on zero-size arrays
        self._per_sample = _per_sample(self.groups, k, oh * ow)
        if self._per_sample:  # (OC, K) @ (N, K, OH*OW) -> (N, OC, OH*OW)
            y = weight.reshape(out_channels, k) @ col.reshape(k, n, oh * ow).transpose(1, 0, 2)
            if bias is not None:
                y += bias[:, None]
            return y.reshape(n, out_channels, oh, ow)
        if self.groups == 1:
            y = weight.reshape(out_channels, k) @ col.reshape(k, n * oh * ow)
        else:  # (G, OC/G, C/G*KH*KW) @ (G, C/G*KH*KW, N*OH*OW)
            y = _grouped(weight, self.groups, 1, _array_reshape) @ _grouped(
                col, self.groups, 3, _array_reshape)
            y = y.reshape(out_channels, n * oh * ow)
        if bias is not None:
            y += bias[:, None]
        # (OC, N, OH, OW) viewed as (N, OC, OH, OW): no copy; the gradient arrives in the same
        # memory order, so reshaping it back in backward is free too.
        return y.reshape(out_channels, n, oh, ow).transpose(1, 0, 2, 3)

    def backward(self, gy):
        x = self.inputs[0]
        col = self._columns(x) if self.needs_input_grad[1] else None
        return self._grads(gy, x, self.inputs[1], col)

    def backward_data(self, gy):
        return self._grads(gy, self.inputs[0].data, self.inputs[1].data, self._col)

    def _grads(self, gy, x, weight, col):
        """(gx, gW[, gb]) from Variables or arrays alike; col: im2col(x), for gW:
        gx = col2im(W^T gy), gW = gy col^T, gb = gy summed over N, OH, OW (per group)."""
        if self._per_sample:
            return self._per_sample_grads(gy, x, weight, col)
        needs, g = self.needs_input_grad, self.groups
        n, out_channels, oh, ow = gy.shape
        gy_rows = call_op(Reshape((out_channels, n * oh * ow)),
                          call_op(Transpose((1, 0, 2, 3)), gy))
        if not isinstance(gy_rows, Variable):  # a sum's gradient: copied once, not per product
            gy_rows = dense(gy_rows)
        gy_groups = _grouped(gy_rows, g, 1, reshape_if_needed)
        gx = gw = None
        if needs[0]:
            w_rows = _grouped(weight, g, 1, reshape_if_needed)
            gcol = call_op(MatMul(), _matrices_transposed(w_rows), gy_groups)
            gx = call_op(Col2im(x.shape, self.window), reshape_if_needed(gcol, self._col.shape))
        if needs[1]:
            col_rows = _grouped(col, g, 3, reshape_if_needed)
            gw = call_op(MatMul(), gy_groups, _matrices_transposed(col_rows))
            gw = reshape_if_needed(gw, weight.shape)
        if len(needs) == 2:
            return gx, gw
        return gx, gw, (_row_sums(gy_rows) if needs[2] else None)

    def _per_sample_grads(self, gy, x, weight, col):
        """`_grads` for y made one product per sample: gy (N, OC, OH*OW) as it arrives,
        gx = col2im(W^T gy_n), gW = sum_n gy_n col_n^T, gb = gy summed over N, OH, OW."""
        needs = self.needs_input_grad
        n, out_channels, oh, ow = gy.shape
        if not isinstance(gy, Variable):  # a sum's gradient: copied once, not per product
            gy = dense(gy)
        gy_samples = reshape_if_needed(gy, (n, out_channels, oh * ow))
        k = math.prod(weight.shape[1:])
        gx = gw = None
        if needs[0]:  # (K, OC) @ (N, OC, OH*OW) -> (N, K, OH*OW), viewed in col's order
            w_rows = reshape_if_needed(weight, (out_channels, k))
            gcol = call_op(MatMul(), _matrices_transposed(w_rows), gy_samples)
            gcol = call_op(Transpose((1, 0, 2)), gcol)
            gx = call_op(Col2im(x.shape, self.window), reshape_if_needed(gcol, self._col.shape))
        if needs[1]:  # (N, OC, OH*OW) @ (N, OH*OW, K), summed over N
            col_samples = call_op(Transpose((1, 2, 0)), reshape_if_needed(col, (k, n, oh * ow)))
            gw = call_op(Sum((0,), False), call_op(MatMul(), gy_samples, col_samples))
            gw = reshape_if_needed(gw, weight.shape)
        if len(needs) == 2:
            return gx, gw
        gb = None
        if needs[2]:
            per_sample = _row_sums(reshape_if_needed(gy_samples, (n * out_channels, oh * ow)))
            gb = call_op(Sum((0,), False), reshape_if_needed(per_sample, (n, out_channels)))
        return gx, gw, gb

    def _columns(self, x):
        """im2col(x): the saved array, or recomputed as a graph node when the backward pass is
        itself recorded (create_graph=True), so that dL/dW can be differentiated w.r.t. x."""
        if Config.enable_backprop and x.requires_grad:
            return im2col(x, self.window)
        return wrap(self._col, False)


def _row_sums(rows):
    """The sum of each row of a (R, K) Variable or array, as rows @ ones: BLAS's
    matrix-vector product takes half the time of NumPy's pairwise sum along rows (67 against
    127 us for a conv's (16, 25088) float32 gradient). Its float32 error is larger: 20-43
    eps for a mean loss's bias gradient (up to 800,000 terms), against 1 for the pairwise
    sum and 1,000-33,000 for PyTorch's CPU conv."""
    ones = get_array_module(rows).ones((rows.shape[1], 1), rows.dtype)
    if isinstance(rows, Variable):
        ones = wrap(ones, False)
    return call_op(Reshape(rows.shape[:1]), call_op(MatMul(), rows, ones))


class ConvTranspose2d(Function):
    """y = col2im(W_g^T @ x_g per group) + bias: conv2d's adjoint in x, so that
    conv2d(y, W) has x's shape; x (N, C, H, W), W (C, OC/G, KH, KW), bias (OC,) ->
    y (N, OC, OH, OW), OH = (H - 1)*SH - 2*PH + DH*(KH - 1) + output_padding + 1.
    """

    input_specs = (Spec(shape=(1, "2C", "H", "W"), sides={"C": (1, 2), "H": (2, 3), "W": (2, 3),
                                                     "O": (1, 2), "K": (1, 3)}),
                   Spec(shape=("2C", "O", "K", "K")), Spec(shape=("2O",)))
    # (stride, padding, output_padding, dilation), with 2 groups
    arg_specs = {"geometry": Choice((1, 0, 0, 1), (2, 0, 1, 1), (2, 1, 0, 2), (1, 0, 1, 2))}
    apply = staticmethod(lambda x, w, b, geometry: conv_transpose2d(
        x, w, b, *geometry[:3], groups=2, dilation=geometry[3]))

    def __init__(self, window, groups, out_hw):
        self.window, self.groups, self.out_hw = window, groups, tuple(out_hw)

    def forward(self, x, weight, bias=None):
        n, c, h, w = x.shape
        g = self.groups
        out_channels = weight.shape[1] * g
        x_rows = x.transpose(1, 0, 2, 3).reshape(c, n * h * w)
        self._x_rows = x_rows  # kept for dL/dW; freed with the graph
        # (G, OC/G*KH*KW, C/G) @ (G, C/G, N*H*W)
        cols = (_swap(_grouped(weight, g, 1, _array_reshape))
                @ _grouped(x_rows, g, 1, _array_reshape))
        cols = cols.reshape((out_channels,) + self.window.kernel + (n, h, w))
        y = col2im_array(cols, (n, out_channels) + self.out_hw, self.window)
        if bias is not None:
            y += bias[:, None, None]
        return y

    def backward(self, gy):
        x, weight = self.inputs[0], self.inputs[1]
        needs, g = self.needs_input_grad, self.groups
        n, c, h, w = x.shape
        gcol = im2col(gy, self.window)  # (OC, KH, KW, N, H', W')
        if gcol.shape[4:] != (h, w):  # output_padding >= stride adds windows that reach no x
            gcol = get_item(gcol, (Ellipsis, slice(0, h), slice(0, w)))
        gcol_rows = _grouped(gcol, g, 3, reshape)
        gx = gw = None
        if needs[0]:
            w_rows = _grouped(weight, g, 1, reshape)
            gx_rows = reshape(matmul(w_rows, gcol_rows), (c, n, h, w))
            gx = transpose(gx_rows, (1, 0, 2, 3))
        if needs[1]:
            x_rows = _grouped(self._x_columns(x), g, 1, reshape)
            gw = reshape(matmul(x_rows, _matrices_transposed(gcol_rows)), weight.shape)
        if len(needs) == 2:
            return gx, gw
        return gx, gw, (sum(gy, axis=(0, 2, 3)) if needs[2] else None)

    def _x_columns(self, x):
        """x as (C, N*H*W) rows: the saved array, or a graph node under create_graph=True."""
        if Config.enable_backprop and x.requires_grad:
            return reshape(transpose(x, (1, 0, 2, 3)), self._x_rows.shape)
        return wrap(self._x_rows, False)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, **book):
    """2-D convolution: x (N, C, H, W), weight (OC, C/groups, KH, KW), bias (OC,) or None ->
    (N, OC, OH, OW) with OH = (H + 2*padding - dilation*(KH - 1) - 1) // stride + 1.

    `stride`, `padding` and `dilation` are ints or (height, width) pairs, padding also
    'valid' (0) or 'same' (stride 1: the output keeps the input's size; see
    resolve_padding); `groups` splits the channels into that many independent convolutions.
    x is cast to weight's dtype (an integer or float64 batch meets a float32 layer); an
    unbatched (C, H, W) gives (OC, OH, OW), as PyTorch's.
    """
    if book:
        refuse_book_keywords(book, "conv2d", {"pad": "padding=", "b": "bias="})
    layout = "(OC, C/groups, KH, KW)"
    if getattr(x, "ndim", None) == 3:  # one image (C, H, W), unbatched: PyTorch takes it
        return with_batch_axis(conv2d, as_variable(x), weight, bias, stride, padding,
                               dilation, groups)
    x, weight, groups = prepare(x, weight, bias, groups, "conv2d", layout)
    check_channels(x, weight, bias, groups, weight.shape[0], "conv2d", layout)
    x, padding = resolve_padding(x, padding, weight.shape[2:], stride, dilation, "conv2d")
    window = make_window(weight.shape[2:], stride, padding, "conv2d", dilation)
    output_size(x.shape, window, "conv2d")
    inputs = (x, weight) if bias is None else (x, weight, as_variable(bias))
    return Conv2d(window, groups)(*inputs)


def resolve_padding(x, padding, kernel, stride, dilation, who, sizes=pair):
    """(x, padding as numbers) for PyTorch's padding names: 'valid' is 0; 'same' pads
    dilation*(k - 1) in all, half before and half after, an odd one's extra row or column
    after (at the bottom, on the right: padded into x here, as PyTorch does), and needs
    stride 1. Numbers pass as they are. `sizes` reads stride and dilation (pair: 2-D)."""
    if not isinstance(padding, str):
        return x, padding
    if padding == "valid":
        return x, 0
    if padding != "same":
        raise ValueError(f"{who}: padding must be 'valid', 'same', an int or a tuple of ints, "
                         f"got {padding!r}")
    if any(s != 1 for s in sizes(stride, "stride", who, 1)):
        raise ValueError(f"{who}: padding='same' needs stride 1 (as in PyTorch), got stride "
                         f"{stride!r}")
    sides = same_padding(kernel, sizes(dilation, "dilation", who, 1))
    if any(after > before for before, after in sides):
        from autograd.ops import pad  # (loaded on first use)
        x = pad(x, ((0, 0), (0, 0)) + tuple((0, after - before) for before, after in sides))
    return x, tuple(before for before, _ in sides)


def same_padding(kernel, dilation):
    """PyTorch's 'same' padding, a (before, after) pair per axis: dilation*(k - 1) in all,
    half before, and an odd total's extra one after (at the bottom, on the right)."""
    totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return [(t // 2, t - t // 2) for t in totals]


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1, **book):
    """Transposed 2-D convolution (the gradient of conv2d w.r.t. its input; DeZero's and
    Chainer's deconvolution): x (N, C, H, W), weight (C, OC/groups, KH, KW) (PyTorch's layout),
    bias (OC,) or None -> (N, OC, OH, OW) with
    OH = (H - 1)*stride - 2*padding + dilation*(KH - 1) + output_padding + 1.

    output_padding (smaller than stride or dilation) picks among the output sizes that
    conv2d maps back to H. x is cast to weight's dtype.
    """
    who = "conv_transpose2d"
    if book:  # (DeZero's deconv2d(x, W, b, stride, pad, outsize))
        refuse_book_keywords(book, who, {
            "pad": "padding=", "b": "bias=",
            "outsize": "output_padding= (the rows and columns added to the smallest output "
                       "size), or nn.ConvTranspose2d's forward(x, output_size=(OH, OW))"})
    layout = "(C, OC/groups, KH, KW)"
    if getattr(x, "ndim", None) == 3:  # one image (C, H, W), unbatched: PyTorch takes it
        return with_batch_axis(conv_transpose2d, as_variable(x), weight, bias, stride, padding,
                               output_padding, groups, dilation)
    x, weight, groups = prepare(x, weight, bias, groups, who, layout)
    check_channels(x, weight, bias, groups, weight.shape[1] * groups, who, layout, in_axis=0)
    window = make_window(weight.shape[2:], stride, padding, who, dilation)
    extra = pair(output_padding, "output_padding", who, 0)
    out_hw = transposed_output_size(x.shape, window, extra, who)
    inputs = (x, weight) if bias is None else (x, weight, as_variable(bias))
    return ConvTranspose2d(window, groups, out_hw)(*inputs)


def transposed_output_size(shape, window, extra, who):
    """The spatial output sizes of a transposed convolution of an (N, C, *sizes) input,
    (size - 1)*stride - 2*padding + dilation*(k - 1) + output_padding + 1 each, checked:
    output_padding `extra` must be smaller than the stride or the dilation. An empty spatial
    axis is refused, as PyTorch does: its output would be bias alone, drawn from no input."""
    if 0 in shape[2:]:
        raise ValueError(f"{who}: the input of shape {tuple(shape)} has an empty spatial axis "
                         f"(only an empty batch or channel axis is taken, as in PyTorch)")
    sizes = []
    for size, s, p, d, span, e in zip(shape[2:], window.stride, window.padding,
                                      window.dilation, spans(window), extra):
        if e >= s and e >= d:
            raise ValueError(f"{who}: output_padding {extra} must be smaller than the stride "
                             f"{window.stride} or the dilation {window.dilation}")
        sizes.append((size - 1) * s - 2 * p + span + e)
    if min(sizes) < 1:
        raise ValueError(f"{who}: the output would be {tuple(sizes)} for an input of shape "
                         f"{tuple(shape)} (padding {window.padding} is too large)")
    return sizes


def prepare(x, weight, bias, groups, who, weight_layout, layout="(N, C, H, W)"):
    """x and weight as Variables of weight's dtype, checked; groups as an int."""
    x, weight = as_variable(x), as_variable(weight)
    dims = layout.count(",") + 1
    if x.ndim != dims:
        one = "(" + layout[4:]  # (C, H, W): one sample without its batch axis
        raise ValueError(f"{who}: expected an input of shape {layout}, or one unbatched "
                         f"{one}, got {tuple(x.shape)}")
    if weight.ndim != dims:
        raise ValueError(f"{who}: expected a weight of shape {weight_layout}, got "
                         f"{tuple(weight.shape)}")
    if weight.dtype.kind != "f" or x.dtype.kind not in "biuf":
        raise TypeError(f"{who}: expected a numeric input and a floating-point weight, got "
                        f"{x.dtype} and {weight.dtype}")
    groups = positive_int(groups, "groups", who)
    if x.dtype != weight.dtype:
        x = astype(x, weight.dtype)
    return x, weight, groups


def _book_order_hint(who):
    """For a convolution layer made in DeZero's argument order, the port that works."""
    if who != "conv2d":
        return ""
    return ("; nn.Conv2d takes in_channels first (PyTorch's order): DeZero's L.Conv2d("
            "out_channels, kernel_size, stride, pad) is nn.LazyConv2d(out_channels, "
            "kernel_size, stride, padding)")


def check_channels(x, weight, bias, groups, out_channels, who, layout, in_axis=1):
    """The input's channels match the weight's, groups divide them, the bias fits."""
    per_group = weight.shape[1] if in_axis == 1 else weight.shape[0] // groups
    if weight.shape[0] % groups:  # output channels (conv), input channels (transposed)
        raise ValueError(f"{who}: groups={groups} must divide the weight's channels "
                         f"{tuple(weight.shape)} (layout {layout})")
    if x.shape[1] != per_group * groups:
        raise ValueError(f"{who}: the input has {x.shape[1]} channels (shape {tuple(x.shape)}) "
                         f"but the weight {tuple(weight.shape)} expects {per_group * groups}"
                         + (f" with groups={groups}" if groups > 1 else "")
                         + f" (weight layout {layout})" + _book_order_hint(who))
    if bias is not None and np.shape(bias) != (out_channels,):  # (a list too, as x)
        raise ValueError(f"{who}: bias of shape {np.shape(bias)} does not match "
                         f"{out_channels} output channels (expected ({out_channels},))")


__all__ = ["conv2d", "conv_transpose2d", "Conv2d", "ConvTranspose2d"]
