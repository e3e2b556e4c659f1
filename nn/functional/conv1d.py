"""1-D convolution and its transpose: conv2d and conv_transpose2d over inputs of height 1
(no Function of their own)."""
from autograd.ops import reshape
from autograd.variable import as_variable

from ._batch import with_batch_axis
from .conv import check_channels, conv2d, conv_transpose2d, prepare
from .im2col import single


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution: x (N, C, L), weight (OC, C/groups, K), bias (OC,) or None ->
    (N, OC, OL) with OL = (L + 2*padding - dilation*(K - 1) - 1) // stride + 1 (PyTorch's);
    padding may be 'valid' or 'same', as conv2d's. An unbatched (C, L) gives (OC, OL)."""
    layout = "(OC, C/groups, K)"
    if getattr(x, "ndim", None) == 2:  # one sequence (C, L), unbatched: PyTorch takes it
        return with_batch_axis(conv1d, as_variable(x), weight, bias, stride, padding,
                               dilation, groups)
    x, weight, groups = prepare(x, weight, bias, groups, "conv1d", layout, "(N, C, L)")
    check_channels(x, weight, bias, groups, weight.shape[0], "conv1d", layout)
    stride, dilation = (single(value, name, "conv1d", 1) for value, name
                        in ((stride, "stride"), (dilation, "dilation")))
    if not isinstance(padding, str):  # ('same' and 'valid' are conv2d's to resolve)
        padding = (0, single(padding, "padding", "conv1d", 0))
    if padding != "same":
        check_window_fits(x.shape, weight.shape[-1], 0 if padding == "valid" else padding[1],
                          dilation, "conv1d")
    y = conv2d(with_height(x), with_height(weight), bias, (1, stride), padding, (1, dilation),
               groups)
    return without_height(y)


def conv_transpose1d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 1-D convolution (conv1d's gradient w.r.t. its input): x (N, C, L), weight
    (C, OC/groups, K), bias (OC,) or None -> (N, OC, OL) with
    OL = (L - 1)*stride - 2*padding + dilation*(K - 1) + output_padding + 1 (PyTorch's).
    An unbatched (C, L) gives (OC, OL)."""
    who, layout = "conv_transpose1d", "(C, OC/groups, K)"
    if getattr(x, "ndim", None) == 2:  # one sequence (C, L), unbatched: PyTorch takes it
        return with_batch_axis(conv_transpose1d, as_variable(x), weight, bias, stride, padding,
                               output_padding, groups, dilation)
    x, weight, groups = prepare(x, weight, bias, groups, who, layout, "(N, C, L)")
    check_channels(x, weight, bias, groups, weight.shape[1] * groups, who, layout, in_axis=0)
    stride, padding, extra, dilation = (
        single(value, name, who, minimum) for value, name, minimum in (
            (stride, "stride", 1), (padding, "padding", 0),
            (output_padding, "output_padding", 0), (dilation, "dilation", 1)))
    if extra >= stride and extra >= dilation:
        raise ValueError(f"{who}: output_padding {extra} must be smaller than the stride "
                         f"{stride} or the dilation {dilation}")
    length = (x.shape[2] - 1) * stride - 2 * padding + dilation * (weight.shape[2] - 1) + extra + 1
    if length < 1:
        raise ValueError(f"{who}: the output would be {length} long for an input of shape "
                         f"{tuple(x.shape)} (padding {padding} is too large)")
    y = conv_transpose2d(with_height(x), with_height(weight), bias, (1, stride), (0, padding),
                         (0, extra), groups, (1, dilation))
    return without_height(y)


def check_window_fits(shape, kernel, padding, dilation, who):
    """The error, in the 1-D op's own terms, where its (dilated) kernel is longer than the
    padded input (the 2-D op it runs on would name a height of 1 and a 4-D shape)."""
    span, length = dilation * (kernel - 1) + 1, shape[-1] + 2 * padding
    if span > length:
        dilated = f" with dilation {dilation} (spanning {span})" if dilation != 1 else ""
        raise ValueError(f"{who}: kernel size {kernel}{dilated} is bigger than the padded "
                         f"input {length} (input shape {tuple(shape)}, padding {padding})")


def with_height(x):
    """(N, C, L) as (N, C, 1, L): a 1-D op as its 2-D one (conv1d, the 1-D pools)."""
    return reshape(x, x.shape[:2] + (1,) + x.shape[2:])


def without_height(y):
    """(N, C, 1, L) back to (N, C, L)."""
    return reshape(y, y.shape[:2] + y.shape[3:])


__all__ = ["conv1d", "conv_transpose1d", "check_window_fits", "with_height", "without_height"]
