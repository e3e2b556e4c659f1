"""interpolate's antialias=True (PyTorch's, for 'bilinear' and 'bicubic' on (N, C, H, W)).

Downsampling by plain interpolation reads 2 or 4 input pixels per output pixel and skips the
rest, so fine detail aliases. With antialias each output pixel averages every input pixel it
covers, as PIL's resize does: the interpolation filter (the triangle 1 - |d|, or the cubic
kernel with A = -0.5, PIL's) is stretched by the scale when it is above 1, and the weights
of each output pixel are normalised to sum to 1 (which also replaces clamping at the edges).
Upsampling keeps the unstretched filter. The rule is ATen's
`_compute_indices_min_size_weights_aa`: for output i, centre = scale (i + 0.5), input pixels
j from int(centre - support + 0.5) to int(centre + support + 0.5) clipped to the input,
weights filter((j - centre + 0.5) / max(scale, 1)). align_corners changes only the scale,
(in - 1) / (out - 1) (as PyTorch 2's: the corners are not mapped onto each other).

Each axis is one product with a constant (out, in) matrix of those weights, so the gradient
is the transposed product and every higher order follows.
"""
import numpy as np

from autograd.backend import as_array
from autograd.ops import matmul, transpose
from autograd.variable import wrap

from .cubic_kernel import cubic_far, cubic_near

_PIL_CUBIC_A = -0.5  # PIL's cubic kernel (interpolate's plain bicubic uses -0.75)


def antialiased_along(x, axis, scale, n_in, n_out, cubic):
    """x (N, C, H, W) resampled along `axis` (2 or 3) to n_out with antialias weights;
    `scale`: the source step per output step (interpolate's), in the positions' dtype."""
    weights = wrap(as_array(resampling_weights(scale, n_in, n_out, cubic).astype(x.dtype),
                            like=x), False)
    if axis == x.ndim - 1:  # (..., W) @ (W, out)
        return matmul(x, transpose(weights))
    return matmul(weights, x)  # (out, H) @ (..., H, W)


def resampling_weights(scale, n_in, n_out, cubic):
    """The (n_out, n_in) matrix whose row i holds output i's normalised weights, computed in
    scale's dtype as ATen computes them in the input's."""
    dtype = type(scale)
    half_taps = dtype(2 if cubic else 1)  # the filter's reach at scale 1
    stretch = scale if scale >= 1 else dtype(1)
    support = half_taps * stretch
    half = dtype(0.5)
    centres = scale * (np.arange(n_out, dtype=dtype) + half)
    # C's int(): truncation toward zero, then clipped into the input
    first = np.maximum(np.trunc(centres - support + half).astype(np.intp), 0)
    last = np.minimum(np.trunc(centres + support + half).astype(np.intp), n_in)
    inputs = np.arange(n_in)
    distance = (inputs.astype(dtype) - centres[:, None] + half) / stretch
    taken = (inputs >= first[:, None]) & (inputs < last[:, None])
    weights = np.where(taken, _filter(distance, cubic), dtype(0))
    totals = weights.sum(axis=1, keepdims=True)
    return np.divide(weights, totals, out=np.zeros_like(weights), where=totals != 0)


def _filter(d, cubic):
    """The interpolation filter at distances d (in input pixels, scaled): the triangle, or
    the cubic convolution kernel with PIL's A = -0.5, zero beyond its reach."""
    d = np.abs(d)
    one = d.dtype.type(1)
    if not cubic:
        return np.where(d < one, one - d, d.dtype.type(0))
    a = d.dtype.type(_PIL_CUBIC_A)
    return np.where(d < one, cubic_near(d, a), np.where(d < 2 * one, cubic_far(d, a),
                                                         d.dtype.type(0)))


__all__ = ["antialiased_along", "resampling_weights"]
