"""F.interpolate (PyTorch's) in the modes 'nearest', 'nearest-exact', 'linear', 'bilinear',
'bicubic', 'trilinear' and 'area', one spatial axis at a time: a gather of source positions
(nearest), or two (linear) or four (cubic) gathers weighted and added, so gradients of any
order come from those ops; 'area' is PyTorch's adaptive average pooling to the output size;
antialias=True ('bilinear', 'bicubic') is a product with a matrix of weights per axis
(nn/functional/antialias.py), and a copy along an axis whose size stays (ATen's).

Source positions follow ATen's (UpSample.h): with scale = 1/scale_factor where a
scale_factor is given (and recompute_scale_factor is not True), else in/out, output index i
reads floor(scale*i) ('nearest'), floor(scale*(i + 0.5)) ('nearest-exact'), and, linear,
src = scale*(i + 0.5) - 0.5 clamped at 0 (src = i*(in - 1)/(out - 1) with align_corners)
between floor(src) and the next index; cubic reads floor(src) - 1 to floor(src) + 2 (each
clamped into the input), src not clamped, weighted by the cubic convolution kernel with
A = -0.75, the last axis first (ATen's order of the sums). They are computed in the input's
precision (float32 for float32), as ATen does, so that the positions agree at the boundaries
too. ATen's CPU kernel for 'nearest' on (N, C, H, W) reads i (out == in) or i // 2
(out == 2*in) whatever the scale_factor, its 1-D and 3-D ones do not: so here too."""
import numpy as np

from autograd.backend import as_array
from autograd.ops import get_item
from autograd.variable import as_variable

from .adaptive_pool import adaptive_avg_pool2d
from .antialias import antialiased_along
from .cubic_kernel import cubic_far, cubic_near
from .pooling1d import adaptive_avg_pool1d
from .pooling3d import adaptive_avg_pool3d

_RANKS = {"nearest": (3, 4, 5), "nearest-exact": (3, 4, 5), "linear": (3,), "bilinear": (4,),
          "bicubic": (4,), "trilinear": (5,), "area": (3, 4, 5)}
# the modes that take align_corners
_INTERPOLATING = ("linear", "bilinear", "bicubic", "trilinear")
_AREA_POOLS = {3: adaptive_avg_pool1d, 4: adaptive_avg_pool2d, 5: adaptive_avg_pool3d}
_CUBIC_A = -0.75  # the cubic convolution kernel's constant (ATen's, OpenCV's)


def interpolate(input, size=None, scale_factor=None, mode="nearest",  # noqa: A002 (PyTorch's)
                align_corners=None, recompute_scale_factor=None, antialias=False):
    """x (N, C, *spatial) resized to `size` (an int or one per spatial axis) or scaled by
    `scale_factor` (output size floor(in*scale_factor)): 'nearest', 'nearest-exact' and
    'area' (each output the mean of its adaptive window) on 1 to 3 spatial axes, 'linear'
    on (N, C, W), 'bilinear' and 'bicubic' on (N, C, H, W), 'trilinear' on (N, C, D, H, W);
    align_corners (interpolating modes) maps the corner pixels' centres onto each other.
    Bicubic values may overshoot the input's range, as PyTorch's do. antialias ('bilinear'
    and 'bicubic'): when downsampling, each output averages every input pixel it covers
    (nn/functional/antialias.py)."""
    x = as_variable(input, who="interpolate")
    align_corners = _check_mode(x, mode, align_corners, antialias)
    sizes, factors = _output_sizes(x, size, scale_factor, recompute_scale_factor)
    if mode == "area":
        return _AREA_POOLS[x.ndim](x, sizes)
    index_dtype = np.float64 if x.dtype == np.float64 else np.float32  # ATen's opmath type
    axes = list(enumerate(zip(x.shape[2:], sizes, factors), start=2))
    for axis, (n_in, n_out, factor) in reversed(axes) if mode == "bicubic" or antialias else axes:
        scale = _scale(n_in, n_out, factor, align_corners, index_dtype)
        if antialias and n_in == n_out:  # ATen's antialias kernel copies an axis whose
            x = _gather(x, axis, np.arange(n_in))  # size stays, whatever the scale_factor
        elif antialias:
            x = antialiased_along(x, axis, scale, n_in, n_out, mode == "bicubic")
        elif mode == "bicubic":
            x = _cubic_along(x, axis, scale, n_in, n_out, align_corners)
        elif mode == "nearest" and x.ndim == 4 and n_out in (n_in, 2 * n_in):
            x = _gather(x, axis, np.arange(n_out) * n_in // n_out)  # (ATen's 2-D shortcut)
        elif mode.startswith("nearest"):
            x = _gather(x, axis, _nearest_indices(scale, n_in, n_out, mode == "nearest-exact"))
        else:
            x = _linear_along(x, axis, scale, n_in, n_out, align_corners)
    return x


def _check_mode(x, mode, align_corners, antialias):
    """align_corners as used (False by default in the linear modes), or PyTorch's error."""
    if mode not in _RANKS:
        raise ValueError(f"interpolate: mode must be one of {', '.join(map(repr, _RANKS))}, "
                         f"got {mode!r}")
    if antialias and not (mode in ("bilinear", "bicubic") and x.ndim == 4):
        raise ValueError("interpolate: antialias=True is restricted to the bilinear and "
                         "bicubic modes and a 4-D input (PyTorch's rule)")
    if mode not in _INTERPOLATING and align_corners is not None:
        raise ValueError(f"interpolate: align_corners can only be set with the interpolating "
                         f"modes ({', '.join(_INTERPOLATING)}), not with mode {mode!r}")
    if x.ndim not in _RANKS[mode]:
        wanted = " or ".join(f"{rank}-D" for rank in _RANKS[mode])
        raise NotImplementedError(f"interpolate: mode {mode!r} needs a {wanted} input (N, C, "
                                  f"...), got shape {x.shape}")  # (PyTorch's error type)
    if not mode.startswith("nearest") and x.dtype.kind != "f":
        raise TypeError(f"interpolate: mode {mode!r} needs a floating-point input, got "
                        f"{x.dtype}")
    return bool(align_corners)


def _output_sizes(x, size, scale_factor, recompute_scale_factor):
    """(output sizes, the scale_factors that set the source positions, None where the
    sizes do), one per spatial axis."""
    dims = x.ndim - 2
    if 0 in x.shape[2:]:  # (PyTorch's rule; antialias made zeros of nothing, the rest failed
        # deep in an index op)
        raise ValueError(f"interpolate: the input of shape {tuple(x.shape)} has an empty "
                         f"spatial axis; there is nothing to interpolate from")
    if size is not None and scale_factor is not None:
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("interpolate: recompute_scale_factor is not meaningful with an "
                             "explicit size")
        sizes = _per_axis(size, dims, "size", x.shape)
        if not all(_is_int(n) and n >= 1 for n in sizes):
            raise ValueError(f"interpolate: size must hold positive integers, got {size!r}")
        return tuple(int(n) for n in sizes), (None,) * dims
    if scale_factor is None:
        raise ValueError("interpolate: either size or scale_factor should be defined")
    factors = _per_axis(scale_factor, dims, "scale_factor", x.shape)
    if not all(_is_number(f) and 0 < f < float("inf") for f in factors):
        raise ValueError(f"interpolate: scale_factor must hold positive finite numbers, got "
                         f"{scale_factor!r}")
    sizes = tuple(int(n * float(f)) for n, f in zip(x.shape[2:], factors))
    if min(sizes) < 1:
        raise ValueError(f"interpolate: scale_factor {scale_factor!r} leaves no output for "
                         f"an input of shape {x.shape} (output size {sizes})")
    return sizes, (None,) * dims if recompute_scale_factor else tuple(map(float, factors))


def _per_axis(value, dims, name, shape):
    """`value` repeated for each spatial axis, or its items where it has one per axis."""
    if isinstance(value, np.ndarray):  # (NumPy's numbers, one or one per axis)
        value = value.tolist()
    if not isinstance(value, (tuple, list)):
        return (value,) * dims
    if len(value) != dims:
        raise ValueError(f"interpolate: {name} {tuple(value)} must have one entry per spatial "
                         f"axis of the input {shape} ({dims})")
    return tuple(value)


def _is_int(value):
    return hasattr(value, "__index__") and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, bool)


def _scale(n_in, n_out, factor, align_corners, dtype):
    """ATen's area_pixel_compute_scale, in `dtype`: source step per output step."""
    if align_corners:
        return dtype(n_in - 1) / dtype(n_out - 1) if n_out > 1 else dtype(0)
    return dtype(1.0 / factor) if factor is not None else dtype(n_in) / dtype(n_out)


def _source_positions(scale, n_out, align_corners, cubic=False):
    """ATen's area_pixel_compute_source_index for every output index, in scale's dtype
    (clamped at 0 but for `cubic`, whose taps are clamped instead)."""
    dtype = type(scale)
    i = np.arange(n_out, dtype=dtype)
    if align_corners:
        return scale * i
    positions = scale * (i + dtype(0.5)) - dtype(0.5)
    return positions if cubic else np.maximum(positions, dtype(0))


def _floor_index(positions, n_in=None):
    """floorf (a float32 floor, as ATen's, also for float64 positions), capped at n_in - 1
    when given."""
    index = np.floor(positions.astype(np.float32)).astype(np.intp)
    return index if n_in is None else np.minimum(index, n_in - 1)


def _nearest_indices(scale, n_in, n_out, exact):
    if exact:  # the centre rule: floor(src + 0.5), src as linear's without align_corners
        return _floor_index(_source_positions(scale, n_out, False) + type(scale)(0.5), n_in)
    return _floor_index(scale * np.arange(n_out, dtype=type(scale)), n_in)


def _linear_along(x, axis, scale, n_in, n_out, align_corners):
    """x[i0]*(1 - t) + x[i1]*t along `axis`, i0 = floor(src), i1 = i0 + 1 but at the
    last index, t = src - i0 in [0, 1] (ATen's compute_source_index_and_lambda)."""
    if n_in == n_out:  # ATen copies, whatever the scale_factor was
        return _gather(x, axis, np.arange(n_in))
    positions = _source_positions(scale, n_out, align_corners)
    first = _floor_index(positions, n_in)
    second = first + (first < n_in - 1)
    t = np.clip(positions - first.astype(positions.dtype), 0, 1)
    shape = (n_out,) + (1,) * (x.ndim - axis - 1)  # broadcasts over the axes after `axis`
    weight1 = as_array(t.astype(x.dtype).reshape(shape), like=x)
    weight0 = as_array((1 - t).astype(x.dtype).reshape(shape), like=x)
    return _gather(x, axis, first) * weight0 + _gather(x, axis, second) * weight1


def _cubic_along(x, axis, scale, n_in, n_out, align_corners):
    """sum over k = 0..3 of x[clamp(i0 - 1 + k)] w_k(t) along `axis`, i0 = floor(src),
    t = src - i0, w the cubic convolution weights (ATen's upsample_bicubic2d). Unlike the
    linear modes, ATen's forward interpolates at an unchanged size too (a scale_factor of
    1.05 on 4 pixels moves them; an inf spreads NaN to its neighbours); its backward then
    copies, which is not that forward's gradient: here the gradient is always the forward's."""
    positions = _source_positions(scale, n_out, align_corners, cubic=True)
    first = _floor_index(positions)
    shape = (n_out,) + (1,) * (x.ndim - axis - 1)  # broadcasts over the axes after `axis`
    total = None
    for k, weight in enumerate(cubic_weights(positions - first.astype(positions.dtype))):
        term = _gather(x, axis, np.clip(first - 1 + k, 0, n_in - 1)) * as_array(
            weight.astype(x.dtype).reshape(shape), like=x)
        total = term if total is None else total + term
    return total


def cubic_weights(t):
    """The four taps' weights at offsets -1 - t, -t, 1 - t, 2 - t from the source position
    (t in [0, 1)), in t's dtype (nn/functional/cubic_kernel.py). t an array or a Variable
    (grid_sample's weights are differentiable in it)."""
    a, one = t.dtype.type(_CUBIC_A), t.dtype.type(1)
    return (cubic_far(t + one, a), cubic_near(t, a), cubic_near(one - t, a),
            cubic_far(2 * one - t, a))


def _gather(x, axis, indices):
    """x's entries at `indices` along `axis` (a differentiable get_item)."""
    return get_item(x, (slice(None),) * axis + (indices,))


__all__ = ["interpolate"]
