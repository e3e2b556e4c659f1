"""The parametrization behind nn.utils.parametrizations.orthogonal (PyTorch's _Orthogonal):
an orthogonal matrix (or batch of them) from an unconstrained one, through the matrix
exponential or the Cayley map of a skew-symmetric matrix, or a product of Householder
reflections, composed of differentiable ops (gradients of any order come with them)."""
import numpy as np

from autograd.backend import array_of, as_array, to_cpu
from autograd.ops import get_item, matmul, matrix_exp, solve, swapaxes
from autograd.ops import sum as total
from autograd.ops.accumulation import wide
from autograd.ops.half_precision import in_float32

from ..module import Module

MAPS = ("matrix_exp", "cayley", "householder")


def householder_product(a, tau):
    """The first k columns of H_1 ... H_k, H_i = I - tau_i v_i v_i^T, v_i the i-th column of
    a (..., n, k) below the diagonal with a 1 on it (LAPACK's orgqr)."""
    n, k = a.shape[-2:]
    q = np.broadcast_to(np.eye(n, dtype=a.dtype), a.shape[:-2] + (n, n))
    for i in range(k):
        v = get_item(a, (Ellipsis, slice(None), slice(i, i + 1))) + np.eye(n, 1, -i, a.dtype)
        scale = get_item(tau, (Ellipsis, None, slice(i, i + 1)))
        q = q - matmul(matmul(q, v) * scale, swapaxes(v, -1, -2))
    return get_item(q, (Ellipsis, slice(None), slice(None, k)))


def _make_orthogonal(a):
    """The Q of a = QR with R's diagonal made positive (PyTorch's _make_orthogonal)."""
    q, r = np.linalg.qr(a)
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]


def _is_orthogonal(q):
    n, k = q.shape[-2:]
    eps = 10.0 * n * np.finfo(q.dtype).eps
    return np.allclose(np.swapaxes(q, -1, -2) @ q, np.eye(k), rtol=1e-5, atol=eps)


class _Orthogonal(Module):
    """weight = base @ map(X), X trained from -I (its right_inverse: the trivialization,
    `base` the orthogonalized value assigned), transposed for wide matrices. Without the
    trivialization weight = map(X): X starts as the weight was (registration keeps it when
    right_inverse cannot invert the map) and only 'householder' can be assigned, X then the
    reflectors of the value's QR decomposition (PyTorch's geqrf path)."""

    def __init__(self, weight, orthogonal_map, use_trivialization=True):
        super().__init__()
        self.shape, self.orthogonal_map = tuple(weight.shape), orthogonal_map
        self.use_trivialization = use_trivialization
        if use_trivialization:  # (PyTorch's has no `base` otherwise, nor its state_dict key)
            self.register_buffer("base", None)

    def forward(self, x):
        # (float16 in float32, rounded once: NumPy's solve has no float16)
        return in_float32(self._mapped, x)

    def _mapped(self, x):
        n, k = x.shape[-2:]
        transposed = n < k
        if transposed:
            x, (n, k) = swapaxes(x, -1, -2), (k, n)
        if self.orthogonal_map in ("matrix_exp", "cayley"):
            x = matmul(x * np.tril(np.ones((n, k), x.dtype)), np.eye(k, n, dtype=x.dtype))
            a = x - swapaxes(x, -1, -2)  # skew-symmetric (n, n)
            if self.orthogonal_map == "matrix_exp":
                q = matrix_exp(a)
            else:  # (I - A/2)^-1 (I + A/2), PyTorch's Cayley retraction
                identity = np.eye(n, dtype=x.dtype)
                q = solve(identity - a * 0.5, identity + a * 0.5)
            q = get_item(q, (Ellipsis, slice(None, k)))
        else:
            a = x * np.tril(np.ones((n, k), x.dtype), -1)
            q = householder_product(a, 2.0 / (1.0 + total(a * a, axis=-2)))
            # (PyTorch's int(): a diagonal entry in (-1, 1) zeroes its column)
            q = q * np.trunc(np.diagonal(x.data, axis1=-2, axis2=-1))[..., None, :]
        if self.use_trivialization and self.base is not None:
            q = matmul(self.base.astype(q.dtype, copy=False), q)
        return swapaxes(q, -1, -2) if transposed else q

    def right_inverse(self, q):
        """Keep (an orthogonalized) q as `base` and return -I, which forward maps to it;
        without the trivialization, the X that forward maps to q's orthogonal part."""
        given = array_of(q)
        q = to_cpu(given)  # (a factorization, on the host; the results go back to q's device)
        if q.shape != self.shape:
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {q.shape}.")
        dtype, q = q.dtype, wide(q)  # (NumPy's linalg has no float16)
        if not self.use_trivialization:
            return as_array(self._reflectors(q).astype(dtype), like=given)
        start = np.zeros_like(q, dtype=dtype)
        diagonal = np.arange(min(q.shape[-2:]))
        start[..., diagonal, diagonal] = -1.0
        n, k = q.shape[-2:]
        if n < k:
            q, (n, k) = np.swapaxes(q, -1, -2), (k, n)
        if n != k:  # completed with random columns to an orthogonal n x n matrix
            extra = np.random.standard_normal(q.shape[:-2] + (n, n - k)).astype(q.dtype)
            q = np.concatenate([q, extra], axis=-1)
        base = q.copy() if n == k and _is_orthogonal(q) else _make_orthogonal(q).astype(q.dtype)
        self.base = as_array(base.astype(dtype, copy=False), like=given)
        return as_array(start, like=given)

    def saved_as(self):
        """(the function that registers it, its arguments but module and name): how
        model.save writes it (nn/training/model_config.py)."""
        return "orthogonal", {"orthogonal_map": self.orthogonal_map,
                              "use_trivialization": self.use_trivialization}

    def _reflectors(self, q):
        """The Householder reflectors of q = QR below the diagonal (LAPACK's geqrf), the
        signs of R's diagonal on it (flipped where a reflection was skipped, tau = 0), so
        that forward's householder_product gives q's orthogonal factor Q back."""
        if self.orthogonal_map != "householder":
            raise NotImplementedError("It is not possible to assign to the matrix exponential "
                                      "or the Cayley parametrizations when "
                                      "use_trivialization=False.")
        transposed = q.shape[-2] < q.shape[-1]
        if transposed:
            q = np.swapaxes(q, -1, -2)
        raw, tau = np.linalg.qr(q, mode="raw")  # raw: geqrf's result, transposed
        reflectors = np.swapaxes(raw, -1, -2).astype(q.dtype)
        diagonal = np.arange(q.shape[-1])
        signs = np.sign(reflectors[..., diagonal, diagonal])
        reflectors[..., diagonal, diagonal] = np.where(tau == 0, -signs, signs)
        return np.swapaxes(reflectors, -1, -2) if transposed else reflectors


__all__ = ["MAPS", "matrix_exp", "householder_product"]
