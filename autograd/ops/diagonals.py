"""Triangles and diagonals of matrices (batched over leading axes): PyTorch's tril, triu,
diagonal, diag_embed, diag and trace. Each is linear: tril's gradient is tril of the
upstream one, and diagonal and diag_embed are each other's gradients."""
import numpy as np

from ..backend import get_array_module
from ..function import Function, ReturnsViews, call_op
from ..spec import Choice, Spec
from ..variable import as_variable
from .reduction import sum as _sum
from .validation import integer, normalize_axis


class Triangle(Function):
    """y = the lower (tril) or upper (triu) triangle of each matrix x[..., :, :] from the
    `diagonal`-th diagonal, zeros elsewhere;  dy/dx: the same triangle of gy"""

    input_specs = (Spec(min_dims=2),)
    arg_specs = {"diagonal": Choice(0, 1, -1, 3), "upper": Choice(False, True)}
    reference = staticmethod(lambda x, diagonal, upper: (np.triu if upper else np.tril)(
        x, diagonal))

    def __init__(self, diagonal, upper):
        self.diagonal, self.upper = diagonal, upper

    def forward(self, x):
        xp = get_array_module(x)
        # (NumPy's and CuPy's select, not multiply by a mask: an inf outside stays out)
        return (xp.triu if self.upper else xp.tril)(x, self.diagonal)

    def backward(self, gy):
        return call_op(Triangle(self.diagonal, self.upper), gy)

    backward_data = backward  # written for both


class Diagonal(ReturnsViews, Function):
    """y[..., i] = the `offset` diagonal of x over axes (dim1, dim2), the other axes first
    in order (a view, writable as PyTorch's: K.diagonal().add_(eps) changes K);
    dy/dx: gy written on that diagonal of zeros"""

    input_specs = (Spec(min_dims=2),)
    arg_specs = {"offset": Choice(0, 1, -1, 4), "dims": Choice((0, 1), (1, 0))}
    apply = staticmethod(lambda x, offset, dims: diagonal(x, offset, *dims))
    reference = staticmethod(lambda x, offset, dims: np.diagonal(x, offset, *dims))

    def __init__(self, offset, dim1, dim2):
        self.offset, self.dim1, self.dim2 = offset, dim1, dim2

    def forward(self, x):
        view = get_array_module(x).diagonal(x, self.offset, self.dim1, self.dim2)
        flags = view.flags  # (NumPy's diagonal is read-only, unlike its base: CuPy's is not)
        if not getattr(flags, "writeable", True) and getattr(x.flags, "writeable", False):
            flags.writeable = True
        return view

    def backward(self, gy):
        onto = OntoDiagonal(self.inputs[0].shape, self.offset, self.dim1, self.dim2)
        return call_op(onto, gy)

    backward_data = backward  # written for both


class OntoDiagonal(Function):
    """y = zeros of `shape` with x[..., i] written on the `offset` diagonal over axes
    (dim1, dim2) (diag_embed; Diagonal's gradient);  dy/dx: y's diagonal of gy"""

    input_specs = (Spec(min_dims=1),)
    arg_specs = {"offset": Choice(0, 1, -2), "dims": Choice((-2, -1), (0, 1), (-1, 0))}
    apply = staticmethod(lambda x, offset, dims: diag_embed(x, offset, *dims))

    def __init__(self, shape, offset, dim1, dim2):
        self.shape, self.offset, self.dim1, self.dim2 = shape, offset, dim1, dim2

    def forward(self, x):
        xp = get_array_module(x)
        y = xp.zeros(self.shape, x.dtype)
        rows, cols = _diagonal_positions(self.shape[self.dim1], self.shape[self.dim2],
                                         self.offset, xp)
        # the (dim1, dim2) plane moved last: a view of y, written through
        xp.moveaxis(y, (self.dim1, self.dim2), (-2, -1))[..., rows, cols] = x
        return y

    def backward(self, gy):
        return call_op(Diagonal(self.offset, self.dim1, self.dim2), gy)

    backward_data = backward  # written for both


def _diagonal_positions(rows, cols, offset, xp):
    """The (row, column) indices of the `offset` diagonal of a rows x cols matrix."""
    n = max(0, min(rows - max(-offset, 0), cols - max(offset, 0)))
    steps = xp.arange(n)
    return steps + max(-offset, 0), steps + max(offset, 0)


def _matrices(x, who):
    x = as_variable(x, who=who)
    if x.ndim < 2:
        raise ValueError(f"{who}: expected a matrix or a batch of them (..., m, n), got shape "
                         f"{x.shape}")
    return x


def tril(x, diagonal=0):
    """The lower triangle of each matrix x[..., :, :] (PyTorch's tril): the elements on and
    below the `diagonal`-th diagonal (> 0 above the main one, < 0 below), zeros elsewhere."""
    return Triangle(integer(diagonal, "diagonal", "tril"), False)(_matrices(x, "tril"))


def triu(x, diagonal=0):
    """The upper triangle of each matrix x[..., :, :] (PyTorch's triu): the elements on and
    above the `diagonal`-th diagonal, zeros elsewhere."""
    return Triangle(integer(diagonal, "diagonal", "triu"), True)(_matrices(x, "triu"))


def _diagonal_axes(dim1, dim2, ndim, who):
    d1, d2 = normalize_axis(dim1, ndim, who), normalize_axis(dim2, ndim, who)
    if d1 == d2:
        raise ValueError(f"{who}: dim1 and dim2 name the same axis ({dim1}, {dim2}) of "
                         f"{ndim} dimensions")
    return d1, d2


def diagonal(x, offset=0, dim1=0, dim2=1):
    """The `offset` diagonal of x over axes dim1 (rows) and dim2 (columns), as the last axis
    after x's other axes (PyTorch's diagonal and NumPy's; empty where offset passes the
    matrix)."""
    x = _matrices(x, "diagonal")
    d1, d2 = _diagonal_axes(dim1, dim2, x.ndim, "diagonal")
    return Diagonal(integer(offset, "offset", "diagonal"), d1, d2)(x)


def diag_embed(x, offset=0, dim1=-2, dim2=-1):
    """Matrices with x's last axis on their `offset` diagonal over the result's axes dim1 and
    dim2 (PyTorch's diag_embed), zeros elsewhere: diagonal(diag_embed(x, o, a, b), o, a, b)
    is x."""
    x = as_variable(x, who="diag_embed")
    if x.ndim < 1:
        raise ValueError("diag_embed: expected at least 1 dimension, got a 0-d input")
    offset = integer(offset, "offset", "diag_embed")
    d1, d2 = _diagonal_axes(dim1, dim2, x.ndim + 1, "diag_embed")
    side = x.shape[-1] + abs(offset)
    batch = iter(x.shape[:-1])
    shape = tuple(side if i in (d1, d2) else next(batch) for i in range(x.ndim + 1))
    return OntoDiagonal(shape, offset, d1, d2)(x)


def diag(x, diagonal=0):
    """PyTorch's diag: a vector as a square matrix with it on the `diagonal`-th diagonal, or
    a matrix's `diagonal`-th diagonal as a vector."""
    x = as_variable(x, who="diag")
    if x.ndim == 1:
        return diag_embed(x, integer(diagonal, "diagonal", "diag"), 0, 1)
    if x.ndim == 2:
        return Diagonal(integer(diagonal, "diagonal", "diag"), 0, 1)(x)
    raise ValueError(f"diag: expected a vector or a matrix (1-D or 2-D), got shape {x.shape}")


def trace(x):
    """The sum of a matrix's main diagonal (PyTorch's trace: 2-D input only)."""
    x = as_variable(x, who="trace")
    if x.ndim != 2:
        raise ValueError(f"trace: expected a matrix (2-D), got shape {x.shape}")
    return _sum(Diagonal(0, 0, 1)(x))
