"""The NumPy forward references of the ops added with PyTorch's names (frameworks.py's
Numpy namespace takes them in): float64 values for the generator's domain checks and for
the numerical-differentiation test. erf, erfinv and the gamma family come from
autograd.testing.references (pure Python, to the last bit; no SciPy needed), not from
rungrad's own array code.
"""
import warnings

import numpy as np

from autograd.testing import references


def _one_element(fn):
    """fn(x, dim, ...) of a 0-d x as PyTorch takes it: one element along dim 0."""
    def call(x, dim, *args, **kwargs):
        if np.ndim(x) == 0:
            out = fn(np.reshape(x, (1,)), 0, *args, **kwargs)
            return tuple(np.reshape(o, ()) for o in out) if isinstance(out, tuple) else \
                np.reshape(out, ())
        return fn(x, dim, *args, **kwargs)
    return call


def _xlogy(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log(y))


def _logit(x, eps=None):
    z = x if eps is None else np.clip(x, eps, 1 - eps)
    return np.log(z / (1 - z))


def _digamma(x):
    """psi(x); below 0 by reflection, psi(1 - x) - pi / tan(pi x)."""
    x = np.asarray(x, np.float64)
    positive = references.polygamma(np.where(x > 0, x, 1.0), 0)
    reflected = references.polygamma(np.where(x > 0, 1.0, 1 - x), 0) - np.pi / np.tan(
        np.pi * x)
    return np.where(x > 0, positive, reflected)


def _diag_embed(x, offset=0, dim1=-2, dim2=-1):
    side = x.shape[-1] + abs(offset)
    ndim = x.ndim + 1
    d1, d2 = dim1 % ndim, dim2 % ndim
    out = np.zeros(x.shape[:-1] + (side, side))
    rows = np.arange(x.shape[-1]) + max(-offset, 0)
    out[..., rows, rows + offset] = x
    return np.moveaxis(out, (-2, -1), (d1, d2))  # (rows to dim1, columns to dim2)


def _diff(x, n=1, dim=-1, prepend=None, append=None):
    if n == 0:  # (np.diff's: x, prepend and append left out)
        return x
    parts = [p for p in (prepend, x, append) if p is not None]
    return np.diff(np.concatenate(parts, axis=dim), n, axis=dim)


def _unflatten(x, dim, sizes):
    """(the -1 resolved here: NumPy refuses it for an empty axis)"""
    axis = dim % x.ndim
    known = int(np.prod([s for s in sizes if s != -1]))
    sizes = tuple(x.shape[axis] // known if s == -1 else s for s in sizes)
    return np.reshape(x, x.shape[:axis] + sizes + x.shape[axis + 1:])


def _cdist(x1, x2, p):
    d = np.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == np.inf:
        return np.max(d, axis=-1, initial=0.0)
    return np.sum(d ** p, axis=-1) ** (1 / p)


def _written(x, dim, index, write):
    """A copy of x with write(view with dim first, index) applied."""
    out = np.array(x, np.float64)
    if out.ndim == 0:
        view = out.reshape(1)
        write(view, index)
        return out
    write(np.moveaxis(out, dim, 0), index)
    return out


def _index_add(x, dim, index, source, alpha=1):
    source = np.moveaxis(np.reshape(source, (-1,)) if np.ndim(x) == 0 else source, dim, 0)
    return _written(x, dim, index, lambda v, i: np.add.at(v, i, alpha * source))


def _index_copy(x, dim, index, source):
    source = np.moveaxis(np.reshape(source, (-1,)) if np.ndim(x) == 0 else source, dim, 0)
    return _written(x, dim, index, lambda v, i: v.__setitem__(i, source))


def _index_fill(x, dim, index, value):
    return _written(x, dim, index, lambda v, i: v.__setitem__(i, value))


def _index_put(x, indices, values, accumulate=False):
    out = np.array(x, np.float64)
    (np.add.at if accumulate else np.ndarray.__setitem__)(out, tuple(indices), values)
    return out


def _masked_scatter(x, mask, source):
    out = np.array(x, np.float64)
    out[mask] = np.reshape(source, (-1,))[:int(mask.sum())]
    return out


_UFUNCS = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
           "amin": np.minimum}
_START = {"sum": 0.0, "mean": 0.0, "prod": 1.0, "amax": -np.inf, "amin": np.inf}


def _scatter_reduce(x, dim, index, src, reduce, include_self=True):
    out = np.array(x, np.float64)
    positions = tuple(index if i == dim % x.ndim else np.indices(index.shape)[i]
                      for i in range(x.ndim))
    hit = np.zeros(x.shape, bool)
    hit[positions] = True
    if not include_self:
        out[hit] = _START[reduce]
    part = src[tuple(slice(0, n) for n in index.shape)]
    _UFUNCS[reduce].at(out, positions, part)
    if reduce == "mean":
        count = np.zeros(x.shape)
        np.add.at(count, positions, 1.0)
        out = out / np.maximum(count + include_self, 1)
    return out


def _sorted_at(x, dim, place, keepdim):
    """(the element at `place` of x's ascending order along dim, None)."""
    y = np.take(np.sort(x, axis=dim), [place], axis=dim)
    return (y if keepdim else np.squeeze(y, axis=dim)), None


def _median(x, dim=None, keepdim=False):
    if dim is None:
        return np.sort(np.reshape(x, (-1,)))[(np.size(x) - 1) // 2]
    return _one_element(lambda x, d, k: _sorted_at(x, d, (x.shape[d] - 1) // 2, k))(
        x, dim, keepdim)


def _kthvalue(x, k, dim=-1, keepdim=False):
    return _one_element(lambda x, d: _sorted_at(x, d, k - 1, keepdim))(x, dim)


def _nanmean(x, dim=None, keepdim=False):
    with warnings.catch_warnings():  # (of nothing: NaN, which the generator refuses)
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(x, axis=dim, keepdims=keepdim)


def _running(ufunc):
    return _one_element(lambda x, dim: (ufunc.accumulate(x, axis=dim), None))


NEW = dict(
    sinh=np.sinh, cosh=np.cosh, asinh=np.arcsinh, acosh=np.arccosh, atanh=np.arctanh,
    asin=np.arcsin, acos=np.arccos, atan=np.arctan, atan2=np.arctan2, hypot=np.hypot,
    log2=np.log2, log10=np.log10, exp2=np.exp2, xlogy=_xlogy, logit=_logit,
    erf=references.erf, erfc=references.erfc, erfinv=references.erfinv,
    lgamma=references.lgamma, digamma=_digamma,
    polygamma=lambda n, x: references.polygamma(np.asarray(x, np.float64), n),
    lerp=lambda a, b, w: a + w * (b - a),
    floor=np.floor, ceil=np.ceil, trunc=np.trunc, frac=lambda x: x - np.trunc(x),
    round=lambda x, decimals=0: np.round(x, decimals), sign=np.sign, fmod=np.fmod,
    remainder=np.remainder, copysign=np.copysign, nan_to_num=np.nan_to_num,
    tril=np.tril, triu=np.triu, diagonal=np.diagonal, diag_embed=_diag_embed, diag=np.diag,
    trace=np.trace, diff=_diff,
    repeat_interleave=lambda x, repeats, dim=None: np.repeat(x, repeats, axis=dim),
    movedim=np.moveaxis, rot90=lambda x, k, dims: np.rot90(x, k, dims),
    unflatten=_unflatten, meshgrid=lambda *xs, indexing="ij": tuple(np.meshgrid(
        *xs, indexing=indexing)), outer=np.outer, kron=np.kron,
    cross=lambda a, b, dim: np.cross(a, b, axis=dim),
    tensordot=lambda a, b, dims: np.tensordot(a, b, dims), cdist=_cdist,
    index_add=_index_add, index_copy=_index_copy, index_fill=_index_fill,
    index_put=_index_put, masked_scatter=_masked_scatter,
    masked_select=lambda x, mask: x[mask],
    take=lambda x, index: np.take(np.reshape(x, (-1,)), index),
    scatter_reduce=_scatter_reduce,
    median=_median, nanmedian=_median,
    kthvalue=_kthvalue,
    mode=_one_element(lambda x, dim, keepdim=False: _sorted_at(x, dim, 0, keepdim)),
    cummax=_running(np.maximum), cummin=_running(np.minimum),
    nansum=lambda x, dim=None, keepdim=False: np.nansum(x, axis=dim, keepdims=keepdim),
    nanmean=_nanmean,
    logcumsumexp=_one_element(lambda x, dim: np.logaddexp.accumulate(x, axis=dim)))
