"""Products of arrays beyond matmul: PyTorch's outer, kron, cross and tensordot, each a
composition of reshape, selection, broadcast multiplication or einsum (whose gradients,
to any order, are theirs)."""
import string

import numpy as np

from ..variable import as_variables
from .einsum import einsum
from .selection import index_select
from .shape import reshape
from .validation import int_tuple, integer, normalize_axes, normalize_axis


def outer(x, y):
    """out[i, j] = x[i] y[j] for vectors x and y (PyTorch's outer)."""
    x, y = as_variables((x, y), "outer")
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"outer: expects two vectors (1-D), got shapes {x.shape} and "
                         f"{y.shape}")
    return reshape(x, (x.shape[0], 1)) * reshape(y, (1, y.shape[0]))


def kron(a, b):
    """The Kronecker product (PyTorch's kron): each element of a times the whole of b, a's
    and b's axes paired from the last (the shorter shape padded with ones in front)."""
    a, b = as_variables((a, b), "kron")
    ndim = max(a.ndim, b.ndim)
    a_shape = (1,) * (ndim - a.ndim) + tuple(a.shape)
    b_shape = (1,) * (ndim - b.ndim) + tuple(b.shape)
    # a's axes beside b's, interleaved: (a0, 1, a1, 1, ...) times (1, b0, 1, b1, ...)
    spread = reshape(a, tuple(n for m in a_shape for n in (m, 1))) * reshape(
        b, tuple(n for m in b_shape for n in (1, m)))
    return reshape(spread, tuple(m * n for m, n in zip(a_shape, b_shape)))


_NEXT, _AFTER = np.array([1, 2, 0]), np.array([2, 0, 1])


def cross(a, b, dim=-1):
    """The cross product of 3-vectors along `dim` of a and b broadcast together
    (torch.linalg.cross; its default dim=-1, which torch.cross is moving to). dim=None
    takes the first axis of length 3, torch.cross's deprecated default."""
    a, b = as_variables((a, b), "cross")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"cross: shapes {a.shape} and {b.shape} do not broadcast") from None
    if dim is None:
        dim = next((i for i, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise ValueError(f"cross: no dimension of length 3 in shapes {a.shape} and "
                             f"{b.shape} (dim=None)")
    axis = normalize_axis(dim, max(len(shape), 1), "cross")
    a, b = (reshape(v, (1,) * (len(shape) - v.ndim) + tuple(v.shape)) for v in (a, b))
    if a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError(f"cross: dim {dim} must have length 3 in both inputs, got shapes "
                         f"{a.shape} and {b.shape}")
    # (a x b)_i = a_(i+1) b_(i+2) - a_(i+2) b_(i+1)
    return (index_select(a, axis, _NEXT) * index_select(b, axis, _AFTER)
            - index_select(a, axis, _AFTER) * index_select(b, axis, _NEXT))


def tensordot(a, b, dims=2):
    """The sum of a * b over a's axes dims[0] paired with b's dims[1] (PyTorch's tensordot;
    an int n: a's last n axes with b's first n), the result's axes a's remaining ones, then
    b's."""
    a, b = as_variables((a, b), "tensordot")
    a_axes, b_axes = _contracted(dims, a.ndim, b.ndim)
    for i, j in zip(a_axes, b_axes):
        if a.shape[i] != b.shape[j]:
            raise ValueError(f"tensordot: dim {i} of a (shape {a.shape}) and dim {j} of b "
                             f"(shape {b.shape}) differ in length")
    if a.ndim + b.ndim - len(a_axes) > len(string.ascii_letters):
        raise ValueError(f"tensordot: too many axes ({a.ndim} and {b.ndim})")
    letters = iter(string.ascii_letters)
    a_labels = [next(letters) for _ in range(a.ndim)]
    b_labels = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(a_axes, b_axes):
        b_labels[j] = a_labels[i]
    kept = [c for i, c in enumerate(a_labels) if i not in a_axes] + [
        c for j, c in enumerate(b_labels) if j not in b_axes]
    return einsum(f"{''.join(a_labels)},{''.join(b_labels)}->{''.join(kept)}", a, b)


def _contracted(dims, a_ndim, b_ndim):
    """(a's axes, b's axes) that tensordot's `dims` names, normalized."""
    if isinstance(dims, (list, tuple)):
        if len(dims) != 2:
            raise ValueError(f"tensordot: dims must be an int or a pair of lists, got {dims!r}")
        a_axes = normalize_axes(list(int_tuple(dims[0], "dims", "tensordot")), a_ndim,
                                "tensordot")
        b_axes = normalize_axes(list(int_tuple(dims[1], "dims", "tensordot")), b_ndim,
                                "tensordot")
        if len(a_axes) != len(b_axes):
            raise ValueError(f"tensordot: dims names {len(a_axes)} axes of a and "
                             f"{len(b_axes)} of b ({dims!r})")
        return a_axes, b_axes
    n = integer(dims, "dims", "tensordot")
    if not 0 <= n <= min(a_ndim, b_ndim):
        raise ValueError(f"tensordot: dims={n} must be in [0, {min(a_ndim, b_ndim)}] for "
                         f"inputs of {a_ndim} and {b_ndim} dimensions")
    return tuple(range(a_ndim - n, a_ndim)), tuple(range(n))
