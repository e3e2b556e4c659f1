"""PyTorch's unfold and fold: the sliding blocks of an image as columns (N, C*KH*KW, L), and
their adjoint that adds the columns back onto the image.

Both are the internal im2col/col2im seen in PyTorch's layout, and each of those is the
other's gradient, so gradients of any order come from that pairing."""
from autograd.ops import reshape, transpose
from autograd.variable import as_variable

from ._batch import with_batch_axis
from .im2col import col2im, im2col, make_window, pair
from .im2col import output_size as count_blocks  # (fold has an argument of that name)
from .unfold import _FROM_INTERNAL, _TO_INTERNAL


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002 (PyTorch's)
    """The sliding blocks of x (N, C, H, W) as columns (N, C*KH*KW, L), L = OH*OW blocks,
    OH = (H + 2*padding - dilation*(KH - 1) - 1) // stride + 1; rows run over (c, i, j),
    j fastest, as PyTorch's. An unbatched (C, H, W) gives (C*KH*KW, L)."""
    x = _batched(input, 4, "(N, C, H, W)", "unfold")
    if x.ndim == 3:
        return with_batch_axis(unfold, x, kernel_size, dilation, padding, stride)
    window = make_window(kernel_size, stride, padding, "unfold", dilation)
    count_blocks(x.shape, window, "unfold")  # (a kernel that does not fit, named here)
    col = transpose(im2col(x, window), _FROM_INTERNAL)  # (N, C, KH, KW, OH, OW)
    n, c, kh, kw, oh, ow = col.shape
    return reshape(col, (n, c * kh * kw, oh * ow))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """unfold's adjoint: columns (N, C*KH*KW, L) added back onto an image (N, C, H, W) of
    (H, W) = output_size, overlapping blocks summed (padding dropped). An unbatched
    (C*KH*KW, L) gives (C, H, W)."""
    col = _batched(input, 3, "(N, C*KH*KW, L)", "fold")
    if col.ndim == 2:
        return with_batch_axis(fold, col, output_size, kernel_size, dilation, padding, stride)
    window = make_window(kernel_size, stride, padding, "fold", dilation)
    image = pair(output_size, "output_size", "fold", 1)
    (kh, kw), (n, rows, length) = window.kernel, col.shape
    if rows % (kh * kw):
        raise ValueError(f"fold: the input's dimension 1 ({rows}, input shape {col.shape}) "
                         f"must be divisible by the product of kernel_size {window.kernel} "
                         f"({kh * kw})")
    shape = (n, rows // (kh * kw)) + image
    oh, ow = _blocks(shape, window)
    if length != oh * ow:
        raise ValueError(f"fold: output_size={image}, kernel_size={window.kernel}, dilation="
                         f"{window.dilation}, padding={window.padding}, stride={window.stride} "
                         f"make {oh} * {ow} = {oh * ow} sliding blocks, but the input's "
                         f"dimension 2 is {length} (input shape {col.shape})")
    internal = transpose(reshape(col, shape[:2] + window.kernel + (oh, ow)), _TO_INTERNAL)
    return col2im(internal, shape, window)


def _batched(value, dims, layout, who):
    """`value` as a Variable of `dims` axes, or of one fewer (one unbatched sample)."""
    x = as_variable(value, who=who)
    if x.ndim not in (dims - 1, dims):
        raise ValueError(f"{who}: expected an input of shape {layout}, or one unbatched "
                         f"({layout[4:]}, got shape {x.shape}")
    return x


def _blocks(shape, window):
    """(OH, OW) of fold's blocks over an image of `shape`; the error names output_size."""
    try:
        return count_blocks(shape, window, "fold")
    except ValueError:
        raise ValueError(f"fold: no block of kernel_size {window.kernel} with dilation "
                         f"{window.dilation} fits in output_size {shape[2:]} with padding "
                         f"{window.padding}") from None


__all__ = ["unfold", "fold"]
