"""Normalizing and comparing vectors along an axis: normalize, cosine_similarity,
pairwise_distance, pdist (PyTorch's)."""
import numpy as np

from autograd.ops import broadcast_to, clip, norm, reshape, sum, transpose
from autograd.ops.half_precision import in_float32
from autograd.ops.validation import float_input, normalize_axes, real_scalar


def normalize(x, p=2.0, dim=1, eps=1e-12):
    """x / max(||x||_p, eps) over `dim`, an axis or a tuple of them (the vector norm of all
    their elements; None or () is every axis, as PyTorch's); unit vectors, the zero vector
    staying 0."""
    x = float_input(x, "normalize")
    eps = real_scalar(eps, "eps", "normalize")
    normalize_axes(dim, x.ndim, "normalize")  # (an AxisError naming normalize, not norm)
    # every axis: one vector norm of all the elements (never NumPy's matrix norm); a scalar's
    # dim 0 or -1 is the scalar itself
    if dim is None or x.ndim == 0 or (isinstance(dim, (tuple, list)) and not dim):
        dim = tuple(range(x.ndim))
    return in_float32(_normalized, x, p, dim, eps)


def _normalized(x, p, dim, eps):
    return x / clip(_vector_norm(x, p, dim), eps, None)


def _vector_norm(x, p, dim):
    """The p-norm over `dim` with its axes kept (a tuple of axes: one vector of all their
    elements, never a matrix norm)."""
    if not isinstance(dim, (tuple, list)):
        return norm(x, ord=p, axis=dim, keepdims=True)
    axes = sorted({a % x.ndim for a in dim})
    others = [a for a in range(x.ndim) if a not in axes]
    moved = transpose(x, others + axes)
    rows = reshape(moved, tuple(x.shape[a] for a in others) + (-1,))
    kept = tuple(1 if a in axes else n for a, n in enumerate(x.shape))
    return reshape(norm(rows, ord=p, axis=-1, keepdims=True), kept)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """x1 . x2 / (max(||x1||, eps) max(||x2||, eps)) over `dim` (broadcasting x1 with x2).
    The gradient is this function's: where a norm is below eps it is held at eps, a
    constant, while PyTorch's gradient still goes through the norm it clamped."""
    x1, x2 = float_input(x1, "cosine_similarity"), float_input(x2, "cosine_similarity")
    eps = real_scalar(eps, "eps", "cosine_similarity")
    if not eps >= 0:
        raise ValueError(f"cosine_similarity: eps must be non-negative, got {eps}")
    if x1.shape != x2.shape:  # broadcast first: the norms are over the broadcast vectors
        shape = _broadcast_shapes(x1.shape, x2.shape, "cosine_similarity")
        x1, x2 = broadcast_to(x1, shape), broadcast_to(x2, shape)
    normalize_axes(dim, x1.ndim, "cosine_similarity")
    return sum(normalize(x1, 2.0, dim, eps) * normalize(x2, 2.0, dim, eps), axis=dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p over the last axis (eps keeps the norm of equal rows off its kink)."""
    x1, x2 = float_input(x1, "pairwise_distance"), float_input(x2, "pairwise_distance")
    _broadcast_shapes(x1.shape, x2.shape, "pairwise_distance")
    difference = x1 - x2 + real_scalar(eps, "eps", "pairwise_distance")
    if difference.ndim == 0:  # (two numbers: PyTorch's distance is |x1 - x2 + eps|)
        difference = difference.reshape(1)
        return norm(difference, ord=p, axis=-1, keepdims=keepdim).reshape(())
    return norm(difference, ord=p, axis=-1, keepdims=keepdim)


def pdist(input, p=2):  # noqa: A002 (PyTorch's name)
    """input (N, M) -> (N (N - 1) / 2,): the p-norm distance between each pair of rows i < j,
    in the order of the upper triangle of the distance matrix, row by row. For p = inf the
    gradient is shared among tied largest differences, as torch.linalg.vector_norm shares
    it (PyTorch's pdist gives each tie the whole)."""
    x = float_input(input, "pdist")
    if x.ndim != 2:
        raise ValueError(f"pdist: expected a 2-D input (N, M), got shape {x.shape}")
    p = real_scalar(p, "p", "pdist")
    if not p >= 0:
        raise ValueError(f"pdist: p must be non-negative, got {p}")
    first, second = np.triu_indices(x.shape[0], k=1)
    return norm(x[first] - x[second], ord=p, axis=-1)


def _broadcast_shapes(a, b, who):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        raise ValueError(f"{who}: shapes {a} and {b} do not broadcast") from None


__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "pdist"]
