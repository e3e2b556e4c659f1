"""Power-average pooling (PyTorch's lp_pool1d / lp_pool2d / lp_pool3d): (sum over each
window of x^p)^(1/p), composed from average pooling as PyTorch computes it, so it has the
same values (also where they are odd) and its gradients to any order."""
import math

from autograd.ops import abs, not_equal, where
from autograd.ops.validation import real_scalar

from .conv1d import check_window_fits
from .im2col import make_window, output_size, triple
from .pooling import avg_pool2d, max_pool2d, pool_input
from .pooling1d import avg_pool1d, max_pool1d, window_1d
from .pooling3d import avg_pool3d, max_pool3d


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """(sum over each window of x^p)^(1/p), p = norm_type: x (N, C, H, W) -> (N, C, OH, OW),
    or unbatched (C, H, W); no padding, stride defaults to kernel_size. As PyTorch:
    (KH*KW * avg_pool2d(x^p))^(1/p), so a ceil_mode window that overhangs the input is
    scaled by the full kernel area, a negative sum (odd p, negative x) gives NaN and a
    zero sum a zero gradient; p = inf is the window's maximum of |x|, -inf its minimum."""
    who = "lp_pool2d"
    x = pool_input(input, 2, "(N, C, H, W)", who)
    window = make_window(kernel_size, stride, 0, who, ceil_mode=ceil_mode)
    output_size(x.shape[-4:] if x.ndim == 4 else (1,) + x.shape, window, who)  # it fits
    return _lp_pool(x, norm_type, math.prod(window.kernel), who, avg_pool2d, max_pool2d,
                    kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """(sum over each window of x^p)^(1/p): x (N, C, D, H, W) -> (N, C, OD, OH, OW), or
    unbatched (C, D, H, W); kernel_size and stride ints or triples (see lp_pool2d: here
    KD*KH*KW * avg_pool3d(x^p))."""
    who = "lp_pool3d"
    x = pool_input(input, 3, "(N, C, D, H, W)", who)
    window = make_window(kernel_size, stride, 0, who, ceil_mode=ceil_mode, sizes=triple)
    output_size(x.shape[-5:] if x.ndim == 5 else (1,) + x.shape, window, who)  # it fits
    return _lp_pool(x, norm_type, math.prod(window.kernel), who, avg_pool3d, max_pool3d,
                    kernel_size, stride, ceil_mode)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """(sum over each window of x^p)^(1/p): x (N, C, L) -> (N, C, OL), or unbatched (C, L)
    (see lp_pool2d)."""
    who = "lp_pool1d"
    x = pool_input(input, 1, "(N, C, L)", who)
    kernel, _, _, _ = window_1d(kernel_size, stride, 0, 1, who)
    if not ceil_mode:  # (in ceil mode a window may reach past the input)
        check_window_fits(x.shape, kernel, 0, 1, who)
    return _lp_pool(x, norm_type, kernel, who, avg_pool1d, max_pool1d, kernel_size, stride,
                    ceil_mode)


def _lp_pool(x, norm_type, area, who, avg_pool, max_pool, kernel_size, stride, ceil_mode):
    p = norm_type_checked(norm_type, who)
    if p == math.inf:
        return max_pool(abs(x), kernel_size, stride, 0, 1, ceil_mode)
    if p == -math.inf:
        return -max_pool(-abs(x), kernel_size, stride, 0, 1, ceil_mode)
    out = avg_pool(x ** p, kernel_size, stride, 0, ceil_mode)
    # PyTorch's sign(out) * relu(|out|) is out itself, with a zero gradient where out is 0,
    # where the 1/p power's slope is infinite: selecting around the zeros keeps that gradient
    # 0 (a product gives NaN) and never takes the power of 0 (0^(1/p) is 0, or inf if p < 0).
    # (The mask is an op: a captured step finds each batch's zeros.)
    nonzero = not_equal(out, 0.0)
    root = (where(nonzero, out, 1.0) * area) ** (1.0 / p)
    return where(nonzero, root, 0.0 if p > 0 else math.inf)


def norm_type_checked(norm_type, who):
    """norm_type as a float: a real number other than 0 (inf and -inf pass)."""
    p = real_scalar(norm_type, "norm_type", who)
    if p == 0:
        raise ValueError(f"{who}: norm_type cannot be 0 (the result is a 1/norm_type power)")
    return p


__all__ = ["lp_pool1d", "lp_pool2d", "lp_pool3d", "norm_type_checked"]
