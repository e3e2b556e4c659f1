"""Fractional max pooling (Graham, 2014; PyTorch's fractional_max_pool2d).

Each (sample, channel) plane is pooled over pseudo-random windows of kernel_size: along an
axis of `size` pooled to `out`, window i starts at int((i + u) * alpha) - int(u * alpha),
alpha = (size - kernel) / (out - 1), u in [0, 1) that plane's sample for the axis, and the
last window ends at the edge (ATen's generate_intervals, in the input's dtype so that the
windows are PyTorch's exactly). The winners are found on arrays; the output is a gather of
them, so its gradient (to any order) comes from the gather.
"""
import numpy as np

from autograd.backend import get_array_module
from autograd.variable import computed_from_values

from ._batch import with_batch_axis
from .im2col import pair
from .pooling import gather_flat, plane_starts, pool_input

_WHO = "fractional_max_pool2d"


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """Maximum over pseudo-random kernel_size windows: input (N, C, H, W) -> (N, C, OH, OW),
    (OH, OW) = output_size or int(output_ratio * (H, W)). _random_samples (N, C, 2) in
    [0, 1) place the windows (column 0 along W, 1 along H); drawn from NumPy's global
    generator when None. The gradient goes to each window's first maximum (its last NaN if it
    holds NaNs), as PyTorch's; with return_indices, also the winners' flat indices into each
    (H, W) plane (int64). An unbatched (C, H, W) gives (C, OH, OW) (samples (1, C, 2))."""
    x = pool_input(input, 2, "(N, C, H, W)", _WHO)
    if x.ndim == 3:
        return with_batch_axis(fractional_max_pool2d, x, kernel_size, output_size,
                               output_ratio, return_indices, _random_samples)
    n, c, h, w = x.shape
    if 0 in (c, h, w):
        raise ValueError(f"{_WHO}: expected an input with non-empty channel and spatial axes, "
                         f"got shape {tuple(x.shape)}")
    kernel = pair(kernel_size, "kernel_size", _WHO, 1)
    out = _output_size(output_size, output_ratio, (h, w))
    for axis, size, k, o in zip(("height", "width"), (h, w), kernel, out):
        if o + k - 1 > size:
            raise ValueError(f"{_WHO}: pool {axis} {k} too large relative to input {axis} "
                             f"{size} for output {axis} {o}")
    samples = _samples(_random_samples, x)
    xp = get_array_module(x.data)
    rows = _window_taps(samples[:, :, 1], h, out[0], kernel[0])  # (N, C, OH, KH)
    cols = _window_taps(samples[:, :, 0], w, out[1], kernel[1])  # (N, C, OW, KW)
    taps = (rows[:, :, :, None, :, None] * w + cols[:, :, None, :, None, :]).reshape(
        n, c, out[0], out[1], -1)  # (N, C, OH, OW, KH*KW), each window's taps row-major
    taps = xp.asarray(taps)
    values = xp.take_along_axis(x.data.reshape(n, c, 1, 1, h * w),
                                taps.reshape(n, c, 1, 1, -1), axis=-1).reshape(taps.shape)
    indices = xp.take_along_axis(taps, _winners(values)[..., None], axis=-1)[..., 0]
    y = gather_flat(x, indices + plane_starts(x.shape, xp))
    return (y, computed_from_values(indices)) if return_indices else y


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """fractional_max_pool2d's (maximum, indices) whatever return_indices says (PyTorch's)."""
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples)


def _output_size(output_size, output_ratio, spatial):
    """(OH, OW) from output_size, or from output_ratio (a number or pair in (0, 1))."""
    if output_size is None and output_ratio is None:
        raise ValueError(f"{_WHO} requires specifying either an output_size or an output_ratio")
    if output_size is not None:
        return pair(output_size, "output_size", _WHO, 0)
    ratio = check_output_ratio(output_ratio, _WHO)
    return tuple(int(size * r) for size, r in zip(spatial, ratio))


def check_output_ratio(output_ratio, who):
    """output_ratio as a pair of numbers, each in (0, 1)."""
    ratio = tuple(output_ratio) if np.ndim(output_ratio) else (output_ratio, output_ratio)
    if len(ratio) != 2 or not all(isinstance(r, (int, float, np.floating)) and 0 < r < 1
                                  for r in ratio):
        raise ValueError(f"{who}: output_ratio must be a number or a pair of numbers between 0 "
                         f"and 1, got {output_ratio!r}")
    return ratio


def _samples(samples, x):
    """The (N, C, 2) samples as a NumPy array in x's dtype: given, or drawn."""
    n, c = x.shape[:2]
    if samples is None:
        return np.random.random_sample((n, c, 2)).astype(x.dtype)
    samples = np.asarray(getattr(samples, "data", samples))
    if samples.ndim != 3 or samples.shape[0] < n or samples.shape[1:] != (c, 2):
        raise ValueError(f"{_WHO}: _random_samples must have shape (N, C, 2) = ({n}, {c}, 2) "
                         f"for input of shape {tuple(x.shape)}, got {samples.shape}")
    samples = samples[:n].astype(x.dtype)
    if not ((samples >= 0) & (samples < 1)).all():
        raise ValueError(f"{_WHO}: _random_samples must lie in [0, 1), got values in "
                         f"[{samples.min()}, {samples.max()}]")
    return samples


def _window_taps(samples, size, out, kernel):
    """(N, C, out, kernel) input positions of each window along an axis, from the (N, C)
    samples: ATen's interval formula, computed in the samples' dtype as ATen does."""
    dtype = samples.dtype.type
    alpha = dtype(size - kernel) / dtype(max(out - 1, 1))
    steps = np.arange(out - 1).astype(samples.dtype)
    u = samples[..., None]
    starts = ((steps + u) * alpha).astype(np.int64) - (u * alpha).astype(np.int64)
    last = np.full(samples.shape + (min(out, 1),), size - kernel, dtype=np.int64)
    return np.concatenate([starts, last], axis=-1)[..., None] + np.arange(kernel)


def _winners(values):
    """Position along the last axis of each window's winner: its last NaN, else its first
    maximum (the first tap when all are -inf), as ATen's scan."""
    xp = get_array_module(values)
    nan = xp.isnan(values)
    last_nan = values.shape[-1] - 1 - xp.argmax(nan[..., ::-1], axis=-1)
    return xp.where(nan.any(axis=-1), last_nan, xp.argmax(values, axis=-1))


__all__ = ["fractional_max_pool2d", "fractional_max_pool2d_with_indices"]
