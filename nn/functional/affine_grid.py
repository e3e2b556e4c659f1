"""F.affine_grid (PyTorch's): the sampling grid of a batch of affine maps, for grid_sample.
The base grid of normalised pixel positions is a constant; the grid is its product with
theta, so gradients of any order with respect to theta come from matmul."""
import numpy as np

from autograd.backend import as_array
from autograd.ops import matmul, reshape, transpose
from autograd.ops.validation import float_input


def affine_grid(theta, size, align_corners=None):
    """theta (N, 2, 3) and size (N, C, H, W) -> grid (N, H, W, 2) of (x, y); theta
    (N, 3, 4) and size (N, C, D, H, W) -> grid (N, D, H, W, 3) of (x, y, z): each output
    pixel's normalised position (x, y[, z], 1) mapped by theta."""
    who = "affine_grid"
    theta = float_input(theta, who)
    size = _checked_size(size, who)
    dims = len(size) - 2
    if theta.ndim != 3 or theta.shape[1:] != (dims, dims + 1) or theta.shape[0] != size[0]:
        raise ValueError(f"{who}: expected theta of shape (N, {dims}, {dims + 1}) = "
                         f"({size[0]}, {dims}, {dims + 1}) for size {tuple(size)}, got "
                         f"{theta.shape}")
    spatial = size[2:]
    base = as_array(_base_grid(spatial, bool(align_corners), theta.dtype), like=theta)
    # (prod(spatial), dims + 1) @ (N, dims + 1, dims) -> (N, prod(spatial), dims)
    grid = matmul(base, transpose(theta, (0, 2, 1)))
    return reshape(grid, (size[0], *spatial, dims))


def _checked_size(size, who):
    """size as a tuple of ints: (N, C, H, W) or (N, C, D, H, W), each positive."""
    try:
        size = tuple(int(n) for n in size)
    except TypeError:
        raise TypeError(f"{who}: size must be a sequence of ints, got {size!r}") from None
    if len(size) not in (4, 5):
        raise NotImplementedError(f"{who}: only 4-D and 5-D sizes are supported (2-D and "
                                  f"3-D affine maps), got size {size}")
    if min(size) <= 0:
        raise ValueError(f"{who}: expected a positive output size, got {size}")
    return size


def _base_grid(spatial, align_corners, dtype):
    """(prod(spatial), dims + 1): for each output pixel, in C order, its normalised
    (x, y[, z]) (x along the last axis) and a 1."""
    axes = [_positions(n, align_corners, dtype) for n in spatial]  # (D,) H, W
    mesh = np.meshgrid(*axes, indexing="ij")
    columns = [m.ravel() for m in reversed(mesh)] + [np.ones(mesh[0].size, dtype)]
    return np.stack(columns, axis=1)


def _positions(steps, align_corners, dtype):
    """ATen's linspace_from_neg_one in `dtype`: -1 to 1 in `steps` (0 for one step), scaled
    by (steps - 1)/steps without align_corners (pixel centres rather than corners)."""
    if steps <= 1:
        return np.zeros(steps, dtype)
    step = (dtype.type(1) - dtype.type(-1)) / dtype.type(steps - 1)
    index = np.arange(steps, dtype=dtype)
    halfway = steps // 2  # ATen's linspace counts the upper half down from the end
    values = np.where(index < halfway, dtype.type(-1) + step * index,
                      dtype.type(1) - step * (steps - index - 1)).astype(dtype)
    if not align_corners:
        values = values * dtype.type(steps - 1) / dtype.type(steps)
    return values


__all__ = ["affine_grid"]
