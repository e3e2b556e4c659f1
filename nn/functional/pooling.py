"""2-D max and average pooling over sliding windows (PyTorch's semantics)."""
from autograd.backend import get_array_module
from autograd.ops import get_item, reshape, sum
from autograd.variable import as_variable

from .im2col import im2col, im2col_array, make_window, output_size


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Maximum over each window: x (N, C, H, W) -> (N, C, OH, OW); `stride` defaults to
    `kernel_size`. Padding is -inf, so it never wins (a zero pad would beat all-negative
    windows). The gradient goes to the first maximal element of each window, as PyTorch's.
    """
    x, window = _prepare(x, kernel_size, stride, padding, "max_pool2d")
    # The pooled values are x at the argmax positions: a gather, differentiable to any order.
    return get_item(reshape(x, (-1,)), _argmax_positions(x.data, window))


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Mean over each window: x (N, C, H, W) -> (N, C, OH, OW); `stride` defaults to
    `kernel_size`; zero padding counts in the mean (PyTorch's count_include_pad=True)."""
    x, window = _prepare(x, kernel_size, stride, padding, "avg_pool2d")
    n, c, h, w = x.shape
    col = im2col(reshape(x, (n * c, 1, h, w)), window)  # (1, KH, KW, N*C, OH, OW)
    kh, kw = window.kernel
    pooled = sum(col, axis=(0, 1, 2)) * (1.0 / (kh * kw))
    return reshape(pooled, (n, c) + pooled.shape[1:])


def _prepare(x, kernel_size, stride, padding, op):
    x = as_variable(x)
    if x.ndim != 4:
        raise ValueError(f"{op}: expected an input of shape (N, C, H, W), got {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point input, got dtype {x.dtype}")
    window = make_window(kernel_size, stride, padding, op)
    for k, p in zip(window.kernel, window.padding):
        if 2 * p > k:  # PyTorch's rule; it also keeps every window on at least one pixel
            raise ValueError(f"{op}: padding {window.padding} must be at most half of the "
                             f"kernel size {window.kernel}")
    output_size(x.shape, window, op)
    return x, window


def _argmax_positions(x, window):
    """Flat indices into x (N, C, H, W) of each window's first maximum: (N, C, OH, OW) ints."""
    xp = get_array_module(x)
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw) = window
    col = im2col_array(x.reshape(n * c, 1, h, w), window, pad_value=-xp.inf)
    oh, ow = col.shape[4:]
    k = col.reshape(kh * kw, n, c, oh, ow).argmax(axis=0)
    rows = k // kw + (xp.arange(oh) * sh - ph)[:, None]
    cols = k % kw + (xp.arange(ow) * sw - pw)
    planes = xp.arange(n * c).reshape(n, c, 1, 1) * (h * w)
    return planes + rows * w + cols


__all__ = ["max_pool2d", "avg_pool2d"]
