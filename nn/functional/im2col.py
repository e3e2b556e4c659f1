"""im2col / col2im: sliding 2-D windows laid out as columns, and the adjoint that folds them back.

The column layout is `(C, KH, KW, N, OH, OW)`: a convolution is then one matrix product
`W.reshape(OC, C*KH*KW) @ col.reshape(C*KH*KW, N*OH*OW)`, and both the copy that builds the
columns and the loop that folds them back run over long contiguous rows (the `OW` axis), which
is several times faster than the `(N, OH, OW, C, KH, KW)` layout for small kernels.
"""
from collections import namedtuple

from autograd.backend import get_array_module, unaliased
from autograd.function import Function
from autograd.spec import Draw, Spec

Window = namedtuple("Window", ["kernel", "stride", "padding", "dilation", "ceil_mode"],
                    defaults=((1, 1), False))
Window.__doc__ = ("A 2-D sliding window: kernel, stride, padding and dilation are (height, "
                  "width) pairs of ints; ceil_mode counts a last partial window (pooling's).")


def pair(value, name, who, minimum):
    """`value` (an int or a pair of ints) as a pair, each at least `minimum`."""
    if value.__class__ is int and value >= minimum:  # the common case, first
        return (value, value)
    return _ints(value, 2, "a pair of ints", name, who, minimum)


def triple(value, name, who, minimum):
    """`value` (an int or a triple of ints) as a triple, each at least `minimum` (3-D ops)."""
    return _ints(value, 3, "a triple of ints", name, who, minimum)


def _ints(value, count, noun, name, who, minimum):
    """`value` (an int or `count` ints) as a tuple of `count` ints, each at least `minimum`."""
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,) * count
    if len(items) != count or not all(_is_int(v) for v in items):
        raise TypeError(f"{who}: {name} must be an int or {noun}, got {value!r}")
    items = tuple(int(v) for v in items)
    if min(items) < minimum:
        raise ValueError(f"{who}: {name} must be at least {minimum}, got {value!r}")
    return items


def single(value, name, who, minimum):
    """`value` (an int or a 1-tuple of an int) as an int at least `minimum` (1-D ops)."""
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    if len(items) != 1 or not _is_int(items[0]):
        raise TypeError(f"{who}: {name} must be an int or a 1-tuple of an int, got {value!r}")
    if int(items[0]) < minimum:
        raise ValueError(f"{who}: {name} must be at least {minimum}, got {value!r}")
    return int(items[0])


def _is_int(v):
    return hasattr(v, "__index__") and not isinstance(v, bool)


def make_window(kernel_size, stride, padding, who, dilation=1, ceil_mode=False, sizes=pair):
    """Validate a window's geometry; `stride=None` means the kernel size (pooling's default).
    `sizes` reads each argument: `pair` for 2-D windows, `triple` for 3-D ones."""
    kernel = sizes(kernel_size, "kernel_size", who, 1)
    stride = kernel if stride is None else sizes(stride, "stride", who, 1)
    return Window(kernel, stride, sizes(padding, "padding", who, 0),
                  sizes(dilation, "dilation", who, 1), bool(ceil_mode))


def spans(window):
    """(height, width) that one window covers: d*(k-1) + 1 on each axis."""
    if window.dilation == (1, 1):
        return window.kernel
    return tuple(d * (k - 1) + 1 for k, d in zip(window.kernel, window.dilation))


def output_size(shape, window, who):
    """(OH, OW) of sliding `window` over an (N, C, H, W) input; a ValueError if it does not fit.

    OH = (H + 2*padding - span) // stride + 1, rounded up instead in ceil_mode, where a last
    window must still start inside the input or its top/left padding (PyTorch's rule) and
    may reach past the padded input, even when it is the only window."""
    sizes = []
    for size, span, s, p in zip(shape[2:], spans(window), window.stride, window.padding):
        if not window.ceil_mode:
            out = (size + 2 * p - span) // s + 1
        else:  # windows reaching past the padded input count, even the first one
            out = -(-(size + 2 * p - span) // s) + 1
            if (out - 1) * s >= size + p:
                out -= 1
        if out < 1:
            padded = tuple(n + 2 * q for n, q in zip(shape[2:], window.padding))
            raise ValueError(f"{who}: kernel size {window.kernel}{_dilated(window)} is bigger "
                             f"than the padded input {padded} (input shape {tuple(shape)}, "
                             f"padding {window.padding})")
        sizes.append(out)
    return tuple(sizes)


def _dilated(window):
    if all(d == 1 for d in window.dilation):
        return ""
    return f" with dilation {window.dilation} (spanning {spans(window)})"


def _extra_padding(shape, window, out):
    """Bottom and right padding beyond `padding` that ceil_mode's last windows reach into."""
    if not window.ceil_mode:  # the windows end inside the padded input
        return (0, 0)
    return tuple(max(0, (o - 1) * s + span - (size + 2 * p)) for size, o, s, p, span in
                 zip(shape[2:], out, window.stride, window.padding, spans(window)))


def im2col_array(x, window, pad_value=0):
    """x (N, C, H, W) -> col (C, KH, KW, N, OH, OW) with col[c, i, j, n, a, b] =
    padded_x[n, c, a*SH + i*DH, b*SW + j*DW]; padding is filled with `pad_value`."""
    xp = get_array_module(x)
    n, c = x.shape[:2]
    oh, ow = output_size(x.shape, window, "im2col")
    padded = _pad(x, window.padding, _extra_padding(x.shape, window, (oh, ow)), pad_value)
    s_n, s_c, s_h, s_w = padded.strides
    (kh, kw), (sh, sw), (dh, dw) = window.kernel, window.stride, window.dilation
    view = xp.lib.stride_tricks.as_strided(
        padded, (c, kh, kw, n, oh, ow), (s_c, s_h * dh, s_w * dw, s_n, s_h * sh, s_w * sw))
    return xp.ascontiguousarray(view)


def col2im_array(col, x_shape, window):
    """The adjoint of `im2col_array`: every column entry is added back onto the input pixel it
    was copied from (padding dropped). One strided slice-add per kernel position."""
    xp = get_array_module(col)
    n, c, h, w = x_shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = window[:4]
    oh, ow = col.shape[4:]
    eh, ew = _extra_padding(x_shape, window, (oh, ow))
    padded = xp.zeros((n, c, h + 2 * ph + eh, w + 2 * pw + ew), dtype=col.dtype)
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
        for j in range(kw):
            columns = slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)
            padded[:, :, rows, columns] += col[:, i, j].transpose(1, 0, 2, 3)
    if padded.shape[2:] == (h, w):
        return padded
    return xp.ascontiguousarray(padded[:, :, ph:ph + h, pw:pw + w])


def _pad(x, padding, extra, value):
    (ph, pw), (eh, ew) = padding, extra
    if ph == pw == eh == ew == 0:
        return x
    xp = get_array_module(x)
    n, c, h, w = x.shape
    padded = xp.full((n, c, h + 2 * ph + eh, w + 2 * pw + ew), value, dtype=x.dtype)
    padded[:, :, ph:ph + h, pw:pw + w] = x
    return padded


class Im2col(Function):
    """col[c, i, j, n, a, b] = padded_x[n, c, a*SH + i*DH, b*SW + j*DW]
    x (N, C, H, W) -> col (C, KH, KW, N, OH, OW)"""

    input_specs = (Spec(shape=("N", "C", "H", "W"),
                        sides={"N": (1, 2), "C": (1, 2), "H": (2, 3), "W": (2, 3)}),)
    arg_specs = {"window": Draw("autograd.testing.op_arguments:window")}

    def __init__(self, window, pad_value=0):
        self.window, self.pad_value = window, pad_value

    def forward(self, x):
        return unaliased(im2col_array(x, self.window, self.pad_value), x)

    def backward(self, gcol):
        return col2im(gcol, self.inputs[0].shape, self.window)


class Col2im(Function):
    """x[n, c, h, w] = sum of the col entries im2col copies from pixel (h, w): im2col's adjoint"""

    checked_through = "Im2col"

    def __init__(self, x_shape, window):
        self.x_shape, self.window = tuple(x_shape), window

    def forward(self, col):
        return col2im_array(col, self.x_shape, self.window)

    def backward(self, gx):
        # The padding value does not matter here: padded entries never reach x.
        return im2col(gx, self.window)


def im2col(x, window, pad_value=0):
    """Differentiable im2col: x (N, C, H, W) -> col (C, KH, KW, N, OH, OW)."""
    if x.ndim != 4:
        raise ValueError(f"im2col: expected an (N, C, H, W) input, got shape {tuple(x.shape)}")
    return Im2col(window, pad_value)(x)


def col2im(col, x_shape, window):
    """Differentiable col2im: col (C, KH, KW, N, OH, OW) -> (N, C, H, W) = `x_shape`."""
    n, c = x_shape[:2]
    expected = (c,) + tuple(window.kernel) + (n,) + output_size(x_shape, window, "col2im")
    if tuple(col.shape) != expected:
        raise ValueError(f"col2im: columns of shape {tuple(col.shape)} do not match an input "
                         f"of shape {tuple(x_shape)} and kernel {window.kernel} "
                         f"(expected {expected})")
    return Col2im(x_shape, window)(col)


__all__ = ["Window", "make_window", "output_size", "spans", "pair", "single", "triple", "im2col",
           "col2im", "im2col_array", "col2im_array", "Im2col", "Col2im"]
