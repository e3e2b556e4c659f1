"""PyTorch's names for ops autograd has under NumPy's, for ported code: ag.clamp,
ag.unsqueeze, ag.permute, ag.mm, ag.bmm, ag.amax, ag.amin, ag.aminmax, ag.dist, ag.var_mean,
ag.std_mean, ag.eq, ag.ne, ag.lt, ag.le, ag.gt, ag.ge (each the ops of the other names, no
second copy)."""
from collections import namedtuple

from ..variable import as_variable
from .comparison import equal, greater, greater_equal, less, less_equal, not_equal
from .elementwise import clip
from .linalg import matmul
from .norm import vector_norm
from .reduction import max as _max
from .reduction import min as _min
from .shape import expand_dims, transpose

# torch.eq, torch.ne, ...: the comparisons under PyTorch's short names
eq, ne, lt, le, gt, ge = equal, not_equal, less, less_equal, greater, greater_equal

MinMax = namedtuple("MinMax", ["min", "max"])  # torch.return_types.aminmax's fields


def clamp(input, min=None, max=None):  # noqa: A002 (PyTorch's names)
    """torch.clamp: clip to [min, max]; either bound may be left out."""
    return clip(input, min, max)


def unsqueeze(input, dim):  # noqa: A002 (PyTorch's names)
    """torch.unsqueeze: a new axis of size 1 at `dim`."""
    return expand_dims(input, dim)


def permute(input, *dims):  # noqa: A002 (PyTorch's names)
    """torch.permute: the axes in the order given (permute(x, (1, 0)) or permute(x, 1, 0))."""
    return transpose(input, dims[0] if len(dims) == 1 else dims)


def mm(input, mat2):  # noqa: A002 (PyTorch's names)
    """torch.mm: the product of two matrices (2-D each)."""
    return _product_of(input, mat2, 2, "mm")


def bmm(input, mat2):  # noqa: A002 (PyTorch's names)
    """torch.bmm: the products of two batches of matrices (b, n, m) and (b, m, p)."""
    return _product_of(input, mat2, 3, "bmm")


def _product_of(a, b, ndim, who):
    a, b = as_variable(a, who=who), as_variable(b, who=who)
    if a.ndim != ndim or b.ndim != ndim:
        raise ValueError(f"{who}: expected two {ndim}-D arrays, got shapes {tuple(a.shape)} "
                         f"and {tuple(b.shape)}{' (matmul broadcasts)' if ndim == 2 else ''}")
    return matmul(a, b)


def amax(input, dim=None, keepdim=False):  # noqa: A002 (PyTorch's names)
    """torch.amax: the maximum over `dim` (all by default), the gradient shared among ties."""
    return as_variable(input, who="amax").amax(dim, keepdim)


def amin(input, dim=None, keepdim=False):  # noqa: A002 (PyTorch's names)
    """torch.amin: the minimum over `dim`, as amax."""
    return as_variable(input, who="amin").amin(dim, keepdim)


def aminmax(input, *, dim=None, keepdim=False):  # noqa: A002 (PyTorch's names)
    """torch.aminmax: (min, max) over `dim` (all by default), a named pair."""
    x = as_variable(input, who="aminmax")
    return MinMax(_min(x, axis=dim, keepdims=keepdim), _max(x, axis=dim, keepdims=keepdim))


def dist(input, other, p=2):  # noqa: A002 (PyTorch's names)
    """torch.dist: the p-norm of input - other over all elements (broadcast together)."""
    return vector_norm(as_variable(input, who="dist") - other, p)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """torch.var_mean: (var, mean) over `dim` (all by default), the variance divided by
    N - correction (PyTorch's default 1; unbiased=False is correction 0)."""
    return _spread_and_mean("var", input, dim, unbiased, keepdim, correction)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """torch.std_mean: (std, mean), as var_mean."""
    return _spread_and_mean("std", input, dim, unbiased, keepdim, correction)


def _spread_and_mean(spread, input, dim, unbiased, keepdim, correction):  # noqa: A002
    """(x.var or x.std, x.mean) with PyTorch's keywords, which the methods take."""
    x = as_variable(input, who=f"{spread}_mean")
    return (getattr(x, spread)(dim=dim, unbiased=unbiased, correction=correction,
                               keepdim=keepdim),
            x.mean(dim=dim, keepdim=keepdim))


__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "clamp", "unsqueeze", "permute", "mm", "bmm",
           "amax", "amin", "aminmax", "dist", "var_mean", "std_mean"]
