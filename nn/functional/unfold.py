"""im2col and col2im with DeZero's layouts, on Variables (differentiable both ways).

The convolution layers use the faster internal layout of nn.functional.im2col; these are the
functions to call by hand, to see how a convolution becomes one matrix product.
"""
from autograd.lazy import refuse_book_keywords
from autograd.ops import reshape, transpose
from autograd.variable import as_variable

from .im2col import col2im as _col2im
from .im2col import im2col as _im2col
from .im2col import make_window, output_size

_FROM_INTERNAL = (3, 0, 1, 2, 4, 5)   # (C, KH, KW, N, OH, OW) -> (N, C, KH, KW, OH, OW)
_TO_INTERNAL = (1, 2, 3, 0, 4, 5)     # the inverse
_ROWS = (3, 4, 5, 0, 1, 2)            # (C, KH, KW, N, OH, OW) <-> (N, OH, OW, C, KH, KW)


def im2col(x, kernel_size, stride=1, padding=0, to_matrix=True, **book):
    """The sliding windows of x (N, C, H, W) as columns (zero padding).

    to_matrix=True: a matrix (N*OH*OW, C*KH*KW), one window per row, so a convolution is
    `col @ W.reshape(OC, -1).T`; False: (N, C, KH, KW, OH, OW). kernel_size, stride and
    padding are ints or (height, width) pairs; OH = (H + 2*padding - KH) // stride + 1.
    """
    if book:
        refuse_book_keywords(book, "im2col", {"pad": "padding="})
    x = as_variable(x)
    if x.ndim != 4:
        raise ValueError(f"im2col: expected an (N, C, H, W) input, got shape {tuple(x.shape)}")
    col = _im2col(x, make_window(kernel_size, stride, padding, "im2col"))
    if not to_matrix:
        return transpose(col, _FROM_INTERNAL)
    c, kh, kw = col.shape[:3]
    return reshape(transpose(col, _ROWS), (-1, c * kh * kw))


def col2im(col, input_shape, kernel_size, stride=1, padding=0, to_matrix=True, **book):
    """im2col's adjoint: add every column entry back onto the pixel it came from.

    col: im2col's output for an input of `input_shape` (N, C, H, W) with the same window;
    returns (N, C, H, W). Overlapping windows add up, so col2im(im2col(x)) is x only when
    the windows do not overlap.
    """
    if book:
        refuse_book_keywords(book, "col2im", {"pad": "padding="})
    col = as_variable(col)
    input_shape = tuple(input_shape)
    if len(input_shape) != 4:
        raise ValueError(f"col2im: input_shape must be (N, C, H, W), got {input_shape}")
    window = make_window(kernel_size, stride, padding, "col2im")
    n, c = input_shape[:2]
    (kh, kw), (oh, ow) = window.kernel, output_size(input_shape, window, "col2im")
    if to_matrix:
        expected = (n * oh * ow, c * kh * kw)
        _check_shape(col, expected, input_shape)
        internal = transpose(reshape(col, (n, oh, ow, c, kh, kw)), _ROWS)
    else:
        _check_shape(col, (n, c, kh, kw, oh, ow), input_shape)
        internal = transpose(col, _TO_INTERNAL)
    return _col2im(internal, input_shape, window)


def _check_shape(col, expected, input_shape):
    if tuple(col.shape) != expected:
        raise ValueError(f"col2im: columns of shape {tuple(col.shape)} do not come from an "
                         f"input of shape {input_shape} with this window (expected {expected})")


__all__ = ["im2col", "col2im"]
