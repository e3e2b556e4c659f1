"""im2col / col2im: sliding 2-D windows laid out as columns, and the adjoint that folds them back.

The column layout is `(C, KH, KW, N, OH, OW)`: a convolution is then one matrix product
`W.reshape(OC, C*KH*KW) @ col.reshape(C*KH*KW, N*OH*OW)`, and both the copy that builds the
columns and the loop that folds them back run over long contiguous rows (the `OW` axis), which
is several times faster than the `(N, OH, OW, C, KH, KW)` layout for small kernels.
"""
from collections import namedtuple

from autograd.backend import get_array_module
from autograd.function import Function
from autograd.spec import Draw, Spec

Window = namedtuple("Window", ["kernel", "stride", "padding"])
Window.__doc__ = "A 2-D sliding window: each field is an (height, width) pair of ints."


def pair(value, name, who, minimum):
    """`value` (an int or a pair of ints) as a pair, each at least `minimum`."""
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2 or not all(_is_int(v) for v in items):
        raise TypeError(f"{who}: {name} must be an int or a pair of ints, got {value!r}")
    items = (int(items[0]), int(items[1]))
    if min(items) < minimum:
        raise ValueError(f"{who}: {name} must be at least {minimum}, got {value!r}")
    return items


def _is_int(v):
    return hasattr(v, "__index__") and not isinstance(v, bool)


def make_window(kernel_size, stride, padding, who):
    """Validate a window's geometry; `stride=None` means the kernel size (pooling's default)."""
    kernel = pair(kernel_size, "kernel_size", who, 1)
    stride = kernel if stride is None else pair(stride, "stride", who, 1)
    return Window(kernel, stride, pair(padding, "padding", who, 0))


def output_size(shape, window, who):
    """(OH, OW) of sliding `window` over an (N, C, H, W) input; a ValueError if it does not fit."""
    sizes = []
    for size, k, s, p in zip(shape[2:], window.kernel, window.stride, window.padding):
        if size + 2 * p < k:
            raise ValueError(f"{who}: kernel size {window.kernel} is bigger than the padded "
                             f"input ({shape[2] + 2 * window.padding[0]}, "
                             f"{shape[3] + 2 * window.padding[1]}) (input shape {tuple(shape)}, "
                             f"padding {window.padding})")
        sizes.append((size + 2 * p - k) // s + 1)
    return tuple(sizes)


def im2col_array(x, window, pad_value=0):
    """x (N, C, H, W) -> col (C, KH, KW, N, OH, OW) with col[c, i, j, n, a, b] =
    padded_x[n, c, a*SH + i, b*SW + j]; padding is filled with `pad_value`."""
    xp = get_array_module(x)
    n, c = x.shape[:2]
    oh, ow = output_size(x.shape, window, "im2col")
    padded = _pad(x, window.padding, pad_value)
    s_n, s_c, s_h, s_w = padded.strides
    (kh, kw), (sh, sw) = window.kernel, window.stride
    view = xp.lib.stride_tricks.as_strided(
        padded, (c, kh, kw, n, oh, ow), (s_c, s_h, s_w, s_n, s_h * sh, s_w * sw))
    return xp.ascontiguousarray(view)


def col2im_array(col, x_shape, window):
    """The adjoint of `im2col_array`: every column entry is added back onto the input pixel it
    was copied from (padding dropped). One strided slice-add per kernel position."""
    xp = get_array_module(col)
    n, c, h, w = x_shape
    (kh, kw), (sh, sw), (ph, pw) = window
    oh, ow = col.shape[4:]
    padded = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=col.dtype)
    for i in range(kh):
        rows = slice(i, i + sh * (oh - 1) + 1, sh)
        for j in range(kw):
            padded[:, :, rows, j:j + sw * (ow - 1) + 1:sw] += col[:, i, j].transpose(1, 0, 2, 3)
    if ph == 0 and pw == 0:
        return padded
    return xp.ascontiguousarray(padded[:, :, ph:ph + h, pw:pw + w])


def _pad(x, padding, value):
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    xp = get_array_module(x)
    n, c, h, w = x.shape
    padded = xp.full((n, c, h + 2 * ph, w + 2 * pw), value, dtype=x.dtype)
    padded[:, :, ph:ph + h, pw:pw + w] = x
    return padded


class Im2col(Function):
    """col[c, i, j, n, a, b] = padded_x[n, c, a*SH + i, b*SW + j]
    x (N, C, H, W) -> col (C, KH, KW, N, OH, OW)"""

    input_specs = (Spec(shape=("N", "C", "H", "W"),
                        sides={"N": (1, 2), "C": (1, 2), "H": (2, 3), "W": (2, 3)}),)
    arg_specs = {"window": Draw("autograd.testing.op_arguments:window")}

    def __init__(self, window, pad_value=0):
        self.window, self.pad_value = window, pad_value

    def forward(self, x):
        return im2col_array(x, self.window, self.pad_value)

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


__all__ = ["Window", "make_window", "output_size", "im2col", "col2im", "im2col_array",
           "col2im_array", "Im2col", "Col2im"]
