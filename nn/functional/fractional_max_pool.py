"""Fractional max pooling (Graham, 2014; PyTorch's fractional_max_pool2d and 3d).

Each (sample, channel) plane (or volume) is pooled over pseudo-random windows of
kernel_size: along an axis of `size` pooled to `out`, window i starts at
int((i + u) * alpha) - int(u * alpha), alpha = (size - kernel) / (out - 1), u in [0, 1) that
plane's sample for the axis, and the last window ends at the edge (ATen's generate_intervals,
in the input's dtype so that the windows are PyTorch's exactly). The windows and their
winners are found on arrays inside one Function (GatherMaxima), samples drawn there when none
are given: a captured step draws again at every replay, and the gradient (to any order) is
the gather's.
"""
from functools import partial

import numpy as np

from autograd.backend import array_of, get_array_module
from autograd.variable import as_variable

from ._batch import with_batch_axis
from .im2col import pair, triple
from .pooling import plane_starts, pool_input
from .pooling3d import gather_maxima

# per number of spatial axes: their names, the layout, the pair/triple reader, and the
# column of the samples each axis reads (ATen's: 2-D takes (W, H), 3-D (T, H, W))
_GEOMETRY = {2: (("height", "width"), "(N, C, H, W)", pair, (1, 0)),
             3: (("time", "height", "width"), "(N, C, T, H, W)", triple, (0, 1, 2))}


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """Maximum over pseudo-random kernel_size windows: input (N, C, H, W) -> (N, C, OH, OW),
    (OH, OW) = output_size or int(output_ratio * (H, W)). _random_samples (N, C, 2) in
    [0, 1) place the windows (column 0 along W, 1 along H); drawn from NumPy's global
    generator when None. The gradient goes to each window's first maximum (its last NaN if it
    holds NaNs), as PyTorch's; with return_indices, also the winners' flat indices into each
    (H, W) plane (int64). An unbatched (C, H, W) gives (C, OH, OW) (samples (1, C, 2))."""
    return _fractional(input, kernel_size, output_size, output_ratio, return_indices,
                       _random_samples, 2)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """fractional_max_pool2d over volumes: input (N, C, T, H, W) -> (N, C, OT, OH, OW);
    kernel_size, output_size and output_ratio ints or triples; _random_samples (N, C, 3)
    (columns along T, H, W, as PyTorch's); indices flat into each (T, H, W) volume. An
    unbatched (C, T, H, W) gives (C, OT, OH, OW)."""
    return _fractional(input, kernel_size, output_size, output_ratio, return_indices,
                       _random_samples, 3)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """fractional_max_pool2d's (maximum, indices) whatever return_indices says (PyTorch's)."""
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """fractional_max_pool3d's (maximum, indices) whatever return_indices says (PyTorch's)."""
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples)


def _fractional(input, kernel_size, output_size, output_ratio, return_indices, samples, dims):
    """The fractional max pool over `dims` (2 or 3) spatial axes."""
    who = f"fractional_max_pool{dims}d"
    names, layout, sizes_of, _ = _GEOMETRY[dims]
    x = pool_input(input, dims, layout, who)
    if x.ndim == dims + 1:
        return with_batch_axis(_fractional, x, kernel_size, output_size, output_ratio,
                               return_indices, samples, dims)
    if 0 in x.shape[1:]:
        raise ValueError(f"{who}: expected an input with non-empty channel and spatial axes, "
                         f"got shape {tuple(x.shape)}")
    kernel = sizes_of(kernel_size, "kernel_size", who, 1)
    out = output_sizes(output_size, output_ratio, x.shape[2:], who)
    for axis, size, k, o in zip(names, x.shape[2:], kernel, out):
        # (ATen's 3-D check is strict where its 2-D one is not: a window may not end at the
        # edge when the last one must start there)
        if o + k - 1 > size - (dims == 3):
            raise ValueError(f"{who}: pool {axis} {k} too large relative to input {axis} "
                             f"{size} for output {axis} {o}")
    if samples is None:  # drawn in locate, at each call (a replay's too)
        return gather_maxima(x, partial(_winners_of_windows, kernel=kernel, out=out),
                             return_indices, draws_random=True)
    _given_samples(samples, x, dims, who)  # (checked now; read by the op at each call)
    locate = partial(_winners_of_given_windows, kernel=kernel, out=out, who=who)
    return gather_maxima(x, locate, return_indices, as_variable(samples, who=who))


def output_sizes(output_size, output_ratio, spatial, who):
    """The output's spatial sizes from output_size, or from output_ratio (a number or one
    per axis, each in (0, 1)); an empty one is refused (PyTorch returns it), as the adaptive
    pools refuse theirs."""
    dims = len(spatial)
    if output_size is None and output_ratio is None:
        raise ValueError(f"{who} requires specifying either an output_size or an output_ratio")
    if output_size is not None:
        sizes, given = (_GEOMETRY[dims][2](output_size, "output_size", who, 0),
                        f"output_size {output_size!r}")
    else:
        ratio, given = check_output_ratio(output_ratio, who, dims), f"output_ratio {output_ratio!r}"
        sizes = tuple(int(size * r) for size, r in zip(spatial, ratio))
    if min(sizes) < 1:
        raise ValueError(f"{who}: {given} leaves no output for input sizes {tuple(spatial)} "
                         f"(output size {sizes})")
    return sizes


def check_output_ratio(output_ratio, who, dims=2):
    """output_ratio as `dims` numbers, each in (0, 1)."""
    ratio = tuple(output_ratio) if np.ndim(output_ratio) else (output_ratio,) * dims
    if len(ratio) != dims or not all(isinstance(r, (int, float, np.floating)) and 0 < r < 1
                                     for r in ratio):
        noun = "pair" if dims == 2 else "triple"
        raise ValueError(f"{who}: output_ratio must be a number or a {noun} of numbers between "
                         f"0 and 1, got {output_ratio!r}")
    return ratio


def _given_samples(samples, x, dims, who):
    """The given (N, C, dims) samples as a NumPy array in x's dtype, checked."""
    n, c = x.shape[:2]
    samples = np.asarray(array_of(samples))
    if samples.ndim != 3 or samples.shape[0] < n or samples.shape[1:] != (c, dims):
        raise ValueError(f"{who}: _random_samples must have shape (N, C, {dims}) = ({n}, {c}, "
                         f"{dims}) for input of shape {tuple(x.shape)}, got {samples.shape}")
    samples = samples[:n].astype(x.dtype)
    if not ((samples >= 0) & (samples < 1)).all():
        raise ValueError(f"{who}: _random_samples must lie in [0, 1), got values in "
                         f"[{samples.min()}, {samples.max()}]")
    return samples


def _winners_of_given_windows(x, samples, kernel, out, who):
    """_winners_of_windows at the given samples (an array, read at this call)."""
    return _winners_of_windows(x, kernel, out, _given_samples(samples, x, len(kernel), who))


def _winners_of_windows(x, kernel, out, samples=None):
    """Flat positions in x (N, C, *spatial), an array, of each window's winner: the windows
    placed by `samples` (N, C, dims), drawn now from NumPy's global generator when None."""
    n, c, *sizes = x.shape
    dims = len(sizes)
    if samples is None:
        samples = np.random.random_sample((n, c, dims)).astype(x.dtype)
    columns = _GEOMETRY[dims][3]
    taps, stride = 0, 1  # flat (N, C, *out, *kernel) taps, the last axis' first
    for axis in reversed(range(dims)):
        along = _window_taps(samples[:, :, columns[axis]], sizes[axis], out[axis],
                             kernel[axis])  # (N, C, out, kernel) along this axis
        shape = [n, c] + [1] * (2 * dims)
        shape[2 + axis], shape[2 + dims + axis] = out[axis], kernel[axis]
        taps = taps + along.reshape(shape) * stride
        stride *= sizes[axis]
    xp = get_array_module(x)
    taps = xp.asarray(taps.reshape((n, c) + tuple(out) + (-1,)))  # each window's taps, C order
    flat = (n, c) + (1,) * dims + (-1,)
    values = xp.take_along_axis(x.reshape(flat), taps.reshape(flat), axis=-1).reshape(
        taps.shape)
    indices = xp.take_along_axis(taps, _winners(values)[..., None], axis=-1)[..., 0]
    return indices + plane_starts(x.shape, xp)


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


__all__ = ["fractional_max_pool2d", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d", "fractional_max_pool3d_with_indices"]
