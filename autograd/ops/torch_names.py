"""PyTorch's names for ops autograd has under NumPy's, for ported code: ag.clamp,
ag.unsqueeze, ag.permute, ag.mm, ag.bmm (each the op of the other name, no second copy)."""
from ..variable import as_variable
from .elementwise import clip
from .linalg import matmul
from .shape import expand_dims, transpose


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


__all__ = ["clamp", "unsqueeze", "permute", "mm", "bmm"]
