"""The PyTorch reference of the ops added with PyTorch's names (torch_runner.py's namespace
takes them in): mostly torch's own functions, with index and mask arrays (NumPy literals
in the program text) made tensors. Some are compositions where torch's own falls short
(CPU, 2.13): cdist the norm of the differences (torch.cdist's backward has no derivative:
grad of grad raises); kron a product of reshapes (see _kron); logcumsumexp the logsumexp
of prefixes (see _logcumsumexp); lgamma,
digamma and polygamma torch's at x + SHIFT, brought back by their recurrences (torch's
trigamma, digamma's derivative, is off by up to 5e-10 relative below x = 5 against mpmath,
above the comparison's 1e-9 once gradients add up; beyond 15 it is within 5e-12).
"""
import math

import torch

SHIFT = 20


def _lgamma(x):
    """lgamma(x) = lgamma(x + SHIFT) - sum_k log |x + k|."""
    return torch.lgamma(x + SHIFT) - sum(torch.log(torch.abs(x + k)) for k in range(SHIFT))


def _polygamma(n, x):
    """psi^(n)(x) = psi^(n)(x + SHIFT) - (-1)^n n! sum_k (x + k)^-(n + 1)."""
    terms = sum((x + k) ** -(n + 1) for k in range(SHIFT))
    return torch.polygamma(n, x + SHIFT) - (-1) ** n * math.factorial(n) * terms


def _t(array):
    return torch.as_tensor(array)


def _cdist(x1, x2, p=2.0):
    differences = x1[..., :, None, :] - x2[..., None, :, :]
    if differences.shape[-1] == 0:  # (no coordinates: distance 0, as torch.cdist's)
        return differences.sum(-1)
    if p == float("inf"):  # (vector_norm's inf: amax of |d|, whose ties share, none here)
        return torch.amax(differences.abs(), dim=-1)
    return torch.linalg.vector_norm(differences, p, dim=-1)


def _logcumsumexp(x, dim):
    """logsumexp of each prefix along dim: torch.logcumsumexp's third derivative is NaN
    where the second-order gradient holds an exact 0 (2.13; the composition and rungrad
    agree there)."""
    if x.ndim == 0:
        return x.clone()
    moved = torch.movedim(x, dim, -1)
    if moved.shape[-1] == 0:
        return x.clone()
    prefixes = [torch.logsumexp(moved[..., :k + 1], -1) for k in range(moved.shape[-1])]
    return torch.movedim(torch.stack(prefixes, -1), -1, dim)


def _kron(a, b):
    """Each element of a times b, axes interleaved and merged: torch.kron views a tensor
    (and its backward the upstream gradient) and raises 'view size is not compatible'
    where one is not contiguous (2.13)."""
    ndim = max(a.ndim, b.ndim)
    a_shape = (1,) * (ndim - a.ndim) + tuple(a.shape)
    b_shape = (1,) * (ndim - b.ndim) + tuple(b.shape)
    spread = a.reshape([n for m in a_shape for n in (m, 1)]) * b.reshape(
        [n for m in b_shape for n in (1, m)])
    return spread.reshape([m * n for m, n in zip(a_shape, b_shape)])


def _nan_reduction(fn):
    return lambda x, dim=None, keepdim=False: fn(x, dim=dim, keepdim=keepdim)


_DIRECT = ("sinh cosh asinh acosh atanh asin acos atan atan2 hypot log2 log10 exp2 xlogy "
           "logit erf erfc erfinv lerp floor ceil trunc frac round "
           "sign fmod remainder copysign nan_to_num tril triu diagonal diag_embed diag trace "
           "diff movedim rot90 unflatten meshgrid outer tensordot median nanmedian "
           "kthvalue mode cummax cummin").split()

NEW = {name: getattr(torch, name) for name in _DIRECT}
NEW.update(
    repeat_interleave=lambda x, repeats, dim=None: torch.repeat_interleave(
        x, _t(repeats), dim),
    cross=lambda a, b, dim: torch.linalg.cross(a, b, dim=dim),
    cdist=_cdist, logcumsumexp=_logcumsumexp,
    kron=_kron,
    lgamma=_lgamma, digamma=lambda x: _polygamma(0, x), polygamma=_polygamma,
    index_add=lambda x, dim, index, source, alpha=1: torch.index_add(
        x, dim, _t(index), source, alpha=alpha),
    index_copy=lambda x, dim, index, source: torch.index_copy(x, dim, _t(index), source),
    index_fill=lambda x, dim, index, value: torch.index_fill(x, dim, _t(index), value),
    index_put=lambda x, indices, values, accumulate=False: torch.index_put(
        x, tuple(_t(i) for i in indices), values, accumulate),
    masked_scatter=lambda x, mask, source: x.masked_scatter(_t(mask), source),
    masked_select=lambda x, mask: torch.masked_select(x, _t(mask)),
    take=lambda x, index: torch.take(x, _t(index)),
    scatter_reduce=lambda x, dim, index, src, reduce, include_self=True: torch.scatter_reduce(
        x, dim, _t(index), src, reduce, include_self=include_self),
    nansum=_nan_reduction(torch.nansum), nanmean=_nan_reduction(torch.nanmean))
