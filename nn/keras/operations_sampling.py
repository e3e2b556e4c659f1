"""Keras' image operations that read an image at computed points (keras.ops.image's
map_coordinates, affine_transform, perspective_transform and elastic_transform), by Keras'
class name, as Keras' PyTorch backend computes them: each output value is the input's at a
point, by the nearest pixel (order 0) or linear interpolation between the 2^d neighbours
(order 1); points outside are filled as fill_mode says ('constant': fill_value, 'nearest':
the edge, 'wrap': periodic, 'mirror': d c b | a b c d | c b a, 'reflect': d c b a | a b c d |
d c b a). Differentiable in the input and, through the interpolation weights, in the
coordinates (and in a perspective's points), as torch's are."""
import itertools

import numpy as np

from autograd import ops
from autograd.backend import get_array_module
from autograd.variable import Variable, as_variable

from .layers._base import data_format_name
from .operation_kinds import floats

_ORDERS = {"nearest": 0, "bilinear": 1}


def _mirror(index, size):
    half = max(size - 1, 1)  # (a one-pixel axis mirrors onto itself)
    return np.abs((index + half) % (2 * half) - half)


def _reflect(index, size):
    return (_mirror(2 * index + 1, 2 * size + 1) - 1) // 2


_FIXERS = {"constant": lambda index, size: np.clip(index, 0, size - 1),
           "nearest": lambda index, size: np.clip(index, 0, size - 1),
           "wrap": lambda index, size: index % size, "mirror": _mirror, "reflect": _reflect}


def _nodes(coordinate, size, order, fill_mode):
    """The (index, valid, weight) neighbours of points `coordinate` (a Variable) on an axis
    of `size`: index moved into the axis by fill_mode, valid where it was inside (None:
    everywhere), weight a Variable (None: 1)."""
    data = coordinate.data
    xp = get_array_module(data)
    if order == 0:
        found = [(xp.rint(data).astype(np.int64), None)]
    else:
        lower = xp.floor(data)
        upper = coordinate - Variable(lower, requires_grad=False)
        found = [(lower.astype(np.int64), 1 - upper), (lower.astype(np.int64) + 1, upper)]
    return [(_FIXERS[fill_mode](index, size),
             (index >= 0) & (index < size) if fill_mode == "constant" else None, weight)
            for index, weight in found]


def sample(inputs, axes, order, fill_mode="constant", fill_value=0.0):
    """inputs read at points: `axes` holds one entry per axis of inputs, a Variable of
    coordinates (interpolated) or an integer array (taken exactly); all broadcast to the
    output's shape."""
    if fill_mode not in _FIXERS:
        raise ValueError(f"map_coordinates: fill_mode must be one of {sorted(_FIXERS)}, got "
                         f"{fill_mode!r}")
    per_axis = [[(np.asarray(axis), None, None)] if not isinstance(axis, Variable)
                else _nodes(axis, size, order, fill_mode)
                for axis, size in zip(axes, inputs.shape)]
    total = None
    for items in itertools.product(*per_axis):
        indices, valids, weights = zip(*items)
        value = inputs[tuple(indices)]
        valid = [v for v in valids if v is not None]
        if valid:
            mask = np.logical_and.reduce(np.broadcast_arrays(*valid))
            value = ops.where(mask, value, np.asarray(fill_value, inputs.dtype))
        for weight in (w for w in weights if w is not None):
            value = value * weight
        total = value if total is None else total + value
    if inputs.dtype.kind in "iub":
        return ops.astype(ops.round(total) if total.dtype.kind == "f" else total, inputs.dtype)
    return ops.astype(total, inputs.dtype) if total.dtype != inputs.dtype else total


def _order(order):
    if order not in (0, 1):
        raise NotImplementedError(f"map_coordinates: order must be 0 or 1 (Keras' PyTorch "
                                  f"backend has no other), got {order!r}")
    return order


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Keras' MapCoordinates: inputs read at `coordinates` (one array of points per axis)."""
    inputs = as_variable(inputs)
    if isinstance(coordinates, (list, tuple)):
        axes = [as_variable(c) for c in coordinates]
    else:
        coordinates = as_variable(coordinates)
        axes = [coordinates[i] for i in range(coordinates.shape[0])] if coordinates.ndim else []
    if len(axes) != inputs.ndim:
        raise ValueError(f"map_coordinates: coordinates need one entry per axis of inputs "
                         f"(shape {tuple(inputs.shape)}), got {len(axes)}")
    if not axes or axes[0].ndim < 1:
        raise ValueError("map_coordinates: coordinates must be at least 2-D (axes, points...)")
    # (integer coordinates too go through fill_mode: as floats they are their own nodes)
    return sample(inputs, [floats(a) for a in axes], _order(order), fill_mode, fill_value)


def _channels_last(images, data_format, who):
    """(N, H, W, C) images of a batch or one image, and how to give the result back."""
    images = as_variable(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"{who}: images must be 3-D (one image) or 4-D (a batch), got shape "
                         f"{tuple(images.shape)}")
    first = data_format_name(data_format, who) == "channels_first"
    batch = images if images.ndim == 4 else ops.expand_dims(images, 0)
    batch = ops.transpose(batch, (0, 2, 3, 1)) if first else batch

    def back(out):
        out = ops.transpose(out, (0, 3, 1, 2)) if first else out
        return out if images.ndim == 4 else out[0]
    return batch, back


def _sampled(images, ys, xs, interpolation, fill_mode, fill_value, who):
    """(N, H, W, C) images read at points ys, xs of each image: (N, H, W), the same for all
    channels, or (N, H, W, C)."""
    if interpolation not in _ORDERS:
        raise ValueError(f"{who}: interpolation must be one of {sorted(_ORDERS)}, got "
                         f"{interpolation!r}")
    n, height, width, channels = images.shape
    batch = np.arange(n).reshape(n, 1, 1, 1)
    channel = np.arange(channels).reshape(1, 1, 1, channels)
    ys, xs = (a if a.ndim == 4 else ops.expand_dims(a, -1) for a in (ys, xs))
    return sample(images, [batch, ys, xs, channel], _ORDERS[interpolation], fill_mode,
                  fill_value)


def _grid(images, dtype):
    """The output pixels' rows and columns (1, H, W) of (N, H, W, C) images, in `dtype`."""
    _, height, width, _ = images.shape
    rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    xp = get_array_module(images.data)
    return [xp.asarray(a[None].astype(dtype)) for a in (rows, cols)]


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Keras' AffineTransform: each output pixel (x, y) read from the input at
    (a0 x + a1 y + a2, b0 x + b1 y + b2) of its transform [a0 a1 a2 b0 b1 b2 c0 c1]. As
    Keras' PyTorch backend, c0 and c1 are not divided by: they shift the points by the
    channel index (c0 rows, c1 columns), which is nothing for the usual c0 = c1 = 0."""
    who = "affine_transform"
    batch, back = _channels_last(images, data_format, who)
    transform = ops.astype(as_variable(transform), batch.dtype if batch.dtype.kind == "f"
                           else np.float32)
    if transform.ndim not in (1, 2) or transform.shape[-1] != 8:
        raise ValueError(f"{who}: transform must be (8,) or (N, 8), got shape "
                         f"{tuple(transform.shape)}")
    t = transform if transform.ndim == 2 else ops.expand_dims(transform, 0)
    rows, cols = (a[..., None] for a in _grid(batch, t.dtype))
    channel = np.arange(batch.shape[3]).astype(t.dtype).reshape(1, 1, 1, -1)

    def entry(k):
        return ops.reshape(t[:, k], (-1, 1, 1, 1))
    ys = entry(3) * cols + entry(4) * rows + entry(5) + entry(6) * channel
    xs = entry(0) * cols + entry(1) * rows + entry(2) + entry(7) * channel
    ys, xs = (ops.broadcast_to(a, batch.shape) for a in (ys, xs))
    return back(_sampled(batch, ys, xs, interpolation, fill_mode, fill_value, who))


def homographies(start_points, end_points, dtype):
    """(N, 8) perspective maps [a0 .. a7] taking each of the 4 end points onto its start
    point: an 8 x 8 linear system per image, solved differentiably (Keras' homography)."""
    start, end = (ops.astype(as_variable(p), dtype) for p in (start_points, end_points))
    if start.shape[-2:] != (4, 2) or start.ndim not in (2, 3) or start.shape != end.shape:
        raise ValueError(f"perspective_transform: start_points and end_points must both be "
                         f"(4, 2) or (N, 4, 2), got {tuple(start.shape)} and "
                         f"{tuple(end.shape)}")
    start, end = (p if p.ndim == 3 else ops.expand_dims(p, 0) for p in (start, end))
    rows = []
    for k in range(4):
        ex, ey, sx, sy = end[:, k, 0], end[:, k, 1], start[:, k, 0], start[:, k, 1]
        one, zero = ex * 0 + 1, ex * 0
        rows.append(ops.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], axis=-1))
        rows.append(ops.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], axis=-1))
    targets = ops.reshape(start, (start.shape[0], 8, 1))
    return ops.reshape(ops.solve(ops.stack(rows, axis=1), targets), (-1, 8))


def perspective_transform(images, start_points, end_points, interpolation="bilinear",
                          fill_value=0, data_format=None):
    """Keras' PerspectiveTransform: each image warped so that its 4 start points go to the
    4 end points (x, y); points read from outside are fill_value."""
    who = "perspective_transform"
    batch, back = _channels_last(images, data_format, who)
    dtype = batch.dtype if batch.dtype.kind == "f" else np.dtype(np.float32)
    maps = homographies(start_points, end_points, dtype)
    if maps.shape[0] == 1 and batch.shape[0] > 1:
        maps = ops.broadcast_to(maps, (batch.shape[0], 8))
    rows, cols = _grid(batch, maps.dtype)

    def entry(k):
        return ops.reshape(maps[:, k], (-1, 1, 1))
    scale = entry(6) * cols + entry(7) * rows + 1.0
    xs = (entry(0) * cols + entry(1) * rows + entry(2)) / scale
    ys = (entry(3) * cols + entry(4) * rows + entry(5)) / scale
    ys, xs = (ops.broadcast_to(a, batch.shape[:3]) for a in (ys, xs))
    return back(_sampled(batch, ys, xs, interpolation, "constant", fill_value, who))


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                      fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    """Keras' ElasticTransform: each pixel read from a point displaced by alpha times a
    random field (normal noise times sigma, Gaussian-blurred with sigma over a window of
    int(6 sigma) | 1 pixels), as Keras' PyTorch backend. The noise is NumPy's (seeded by an
    int `seed`), so its draws differ from torch's."""
    from .operations_image import blurred  # (the Gaussian blur of the image operations)
    who = "elastic_transform"
    batch, back = _channels_last(images, data_format, who)
    n, height, width, _ = batch.shape
    dtype = batch.dtype if batch.dtype.kind == "f" else np.dtype(np.float32)
    size = int(6 * float(sigma)) | 1
    xp = get_array_module(batch.data)
    source = np.random.default_rng(seed) if seed is None or isinstance(seed, int) else seed
    noise = source.standard_normal((2 * n, 1, height, width)) * float(sigma)
    fields = blurred(Variable(xp.asarray(noise.astype(dtype)), requires_grad=False),
                     (size, size), (sigma, sigma))
    rows, cols = _grid(batch, dtype)
    ys = rows + float(alpha) * fields[n:, 0]
    xs = cols + float(alpha) * fields[:n, 0]
    return back(_sampled(batch, ys, xs, interpolation, fill_mode, fill_value, who))


SAMPLING = {"MapCoordinates": map_coordinates, "AffineTransform": affine_transform,
            "PerspectiveTransform": perspective_transform,
            "ElasticTransform": elastic_transform}

__all__ = ["SAMPLING", "sample"]
