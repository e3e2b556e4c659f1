"""Functions of square matrices (..., n, n), torch.linalg's and numpy.linalg's: inv, det,
slogdet, logdet and cholesky, each differentiable to any order (their backwards are made of
differentiable ops: matmul, solve, tril)."""
import numpy as np

from ..backend import get_array_module
from ..function import Function
from ..spec import Spec
from ..variable import as_variable
from .linalg import MatMul, Solve, _matrix_transpose

# drawn matrices made well conditioned, as Solve's: plus 10 I (diagonally dominant)
_SQUARE = (Spec(shape=("*batch", "N", "N"), sides={"N": (1, 4)}),)


def _well_conditioned(a):
    return a + 10.0 * get_array_module(a).eye(a.shape[-1], dtype=a.dtype)


def _linalg_call(who, function, a):
    """function(a) of numpy.linalg (or CuPy's), a singular matrix named."""
    xp = get_array_module(a)
    try:
        return function(xp.linalg)(a)
    except xp.linalg.LinAlgError as exc:
        which = "the matrix" if a.ndim == 2 else "a matrix of the batch"
        raise ValueError(f"{who}: {which} of shape {a.shape} is {_why(exc)}") from None


def _why(exc):
    return "not positive definite" if "definite" in str(exc) else "singular"


class Inv(Function):
    """Y = A^-1;  dA = -Y^T gY Y^T"""

    input_specs = _SQUARE
    apply = staticmethod(lambda a: inv(_well_conditioned(a)))

    def forward(self, a):
        return _linalg_call("inv", lambda linalg: linalg.inv, a)

    def backward(self, gy):
        y_t = _matrix_transpose(self.outputs[0]())
        return -MatMul()(MatMul()(y_t, gy), y_t)


class SLogDet(Function):
    """(sign, log |det A|);  dA = g_log A^-T (the sign has no gradient)"""

    input_specs = _SQUARE
    apply = staticmethod(lambda a: slogdet(_well_conditioned(a))[1])

    def forward(self, a):
        sign, log_abs = get_array_module(a).linalg.slogdet(a)
        return sign, log_abs

    def backward(self, g_sign, g_log):
        return g_log[..., None, None] * _inverse_for_gradient(self.inputs[0], "slogdet")


class Det(Function):
    """y = det A;  dA = gy cof(A), the cofactor matrix (y A^-T where A is invertible)"""

    input_specs = _SQUARE
    # (scaled to det about 1: at det(10 I + a), about 10^N, the central difference's
    # rounding, over 1e-5, exceeded gradcheck's atol where a cofactor is small: a near 0)
    apply = staticmethod(lambda a: det(_well_conditioned(a) / 10.0))

    def forward(self, a):
        return get_array_module(a).linalg.det(a)

    def backward(self, gy):
        return gy[..., None, None] * Cofactor()(self.inputs[0])


class Cofactor(Function):
    """C = cof(A) = det(A) A^-T, the gradient of det A, also where A is singular: from the
    singular values, C = det(U) det(V^T) U diag(prod_{j != i} s_j) V^T for A = U diag(s) V^T.
    Its own gradient, of <G, C>: y (<G, A^-T> A^-T - A^-T G^T A^-T), for an invertible A."""

    input_specs = _SQUARE
    apply = staticmethod(lambda a: Cofactor()(_well_conditioned(a)))

    def forward(self, a):
        xp = get_array_module(a)
        if a.shape[-1] == 0:
            self.invertible = True
            return xp.zeros_like(a)
        u, s, vh = xp.linalg.svd(a.astype(xp.float64))
        # A^-1 is trusted for the gradient only well away from singular: near it, the
        # formula below multiplies det A (about 0) by A^-1 twice (huge)
        self.invertible = bool(xp.all(s[..., -1] > _NEARLY_SINGULAR * s[..., 0]))
        sign = xp.linalg.det(u) * xp.linalg.det(vh)
        others = _products_of_the_others(s, xp)
        return (sign[..., None, None] * (u * others[..., None, :]) @ vh).astype(a.dtype)

    def backward(self, gc):
        a = self.inputs[0]
        if not self.invertible:
            return CofactorDerivative()(a, gc)
        inv_t = _inverse_for_gradient(a, "det (its second derivative)")
        y = Det()(a)[..., None, None]
        along_inverse = (gc * inv_t).sum(axis=(-2, -1), keepdims=True)
        return y * (along_inverse * inv_t
                    - MatMul()(MatMul()(inv_t, _matrix_transpose(gc)), inv_t))


_NEARLY_SINGULAR = 1e-6  # (the ratio of the smallest singular value to the largest)


class CofactorDerivative(Function):
    """dA = the gradient of <G, cof(A)> at any A (det's second derivative), from the
    singular values: cof(U S V^T) = det(U) det(V) U cof(S) V^T, and at a diagonal S the
    derivative of cof(S)_ij along E is sum_(k != i) E_kk p_ik on the diagonal and
    -E_ji p_ij off it, p_ij = prod_(l != i, j) s_l. The map G -> dA is its own adjoint, so
    the gradient for G is this op again; A's (det's third derivative) is not given."""

    # (A a constant: its gradient is the third derivative; linear in G, the op has no
    # second derivative in G to check)
    input_specs = (Spec(shape=("*batch", "N", "N"), sides={"N": (1, 4)}, grad=False), *_SQUARE)
    gradcheck_order = 1

    def forward(self, a, g):
        xp = get_array_module(a)
        u, s, vh = xp.linalg.svd(a.astype(xp.float64))
        sign = (xp.linalg.det(u) * xp.linalg.det(vh))[..., None, None]
        h = _matrix_transpose(u) @ g @ _matrix_transpose(vh)
        pairs = _products_of_all_but_two(s, xp)
        along = -_matrix_transpose(h * pairs)  # (off the diagonal)
        n = a.shape[-1]
        diagonal = (xp.diagonal(h, axis1=-2, axis2=-1)[..., None, :] * pairs).sum(axis=-1)
        along[..., range(n), range(n)] = diagonal
        return (sign * (u @ along @ vh)).astype(xp.result_type(a.dtype, g.dtype))

    def backward(self, gy):
        if self.needs_input_grad[0]:
            raise NotImplementedError(
                f"det: its third derivative at a (nearly) singular matrix (shape "
                f"{self.inputs[0].shape}) is not available; the first two are")
        return None, CofactorDerivative()(self.inputs[0], gy)


def _products_of_all_but_two(s, xp):
    """p_ij = prod_(k != i, j) s_k of the non-negative s (..., n), as an (..., n, n) array
    with a zero diagonal (no pair there): each product taken directly, n being small."""
    n = s.shape[-1]
    products = xp.ones(s.shape + (n,), dtype=s.dtype)
    for k in range(n):
        factor = xp.broadcast_to(s[..., k, None, None], products.shape).copy()
        factor[..., k, :] = 1.0
        factor[..., :, k] = 1.0
        products *= factor
    products[..., range(n), range(n)] = 0.0
    return products


def _products_of_the_others(s, xp):
    """p_i = prod_{j != i} s_j of the non-negative s (..., n), by sums of logarithms, so no
    running product overflows where p does not (1e20 1e20 1e-20 1e-20 in float32): 0 where
    two of the others are 0, the product of the others where s_i is the one zero."""
    zero = s == 0
    logs = xp.log(xp.where(zero, 1.0, s))
    total = logs.sum(axis=-1, keepdims=True)
    zeros = zero.sum(axis=-1, keepdims=True)
    products = xp.exp(total - logs)  # (without s_i, zeros aside)
    return xp.where((zeros == 0) | ((zeros == 1) & zero), products, 0.0)


def _inverse_for_gradient(a, who):
    """A^-T, which the gradients of log |det A| (and det's second one) are made of; a
    singular A is a ValueError naming `who`."""
    try:
        return _matrix_transpose(Inv()(a))
    except ValueError:
        raise ValueError(f"{who}: no gradient at a singular matrix (shape {a.shape}): the "
                         "gradient is computed from A^-1") from None


class Cholesky(Function):
    """L lower triangular with L L^T = A (A symmetric positive definite);
    dA = sym(L^-T Phi(L^T gL) L^-1), Phi: the lower triangle, its diagonal halved, and
    sym(S) = (S + S^T) / 2"""

    input_specs = _SQUARE
    apply = staticmethod(lambda a: cholesky(_spd(a)))

    def forward(self, a):
        return _linalg_call("cholesky", lambda linalg: linalg.cholesky, a)

    def backward(self, gl):
        from .diagonals import tril  # (diagonals imports the shape ops this file's users do)
        lower = self.outputs[0]()
        lower_t = _matrix_transpose(lower)
        product = MatMul()(lower_t, gl)
        eye = get_array_module(gl.data).eye(gl.shape[-1], dtype=gl.dtype)
        phi = tril(product) - product * (eye * 0.5)
        # L^-T Phi L^-1 as two solves by L^T: Z = L^-T Phi, then (L^-T Z^T)^T
        s = _matrix_transpose(Solve()(lower_t, _matrix_transpose(Solve()(lower_t, phi))))
        return (s + _matrix_transpose(s)) * 0.5


def _spd(a):
    """A symmetric positive definite matrix made of any square a: a a^T + n I."""
    n = a.shape[-1]
    return MatMul()(a, _matrix_transpose(a)) + float(n) * get_array_module(a).eye(n, dtype=a.dtype)


def float_matrices(a, who, square=False):
    """a as a Variable of floating-point matrices (..., m, n) (square ones with `square`),
    else an error naming `who`."""
    a = as_variable(a, who=who)
    if a.ndim < 2 or (square and a.shape[-1] != a.shape[-2]):
        kind, shape = ("a square matrix", "(..., n, n)") if square else ("a matrix",
                                                                         "(..., m, n)")
        raise ValueError(f"{who}: expected {kind} or a batch of them {shape}, got shape "
                         f"{a.shape}")
    if a.dtype.kind != "f":
        raise TypeError(f"{who}: expected floating-point values, got dtype {a.dtype}")
    return a


def _square(a, who):
    return float_matrices(a, who, square=True)


def inv(a):
    """A^-1 of a square matrix or a batch of them (..., n, n); a singular one is a
    ValueError."""
    return Inv()(_square(a, "inv"))


def det(a):
    """det A of a square matrix or a batch of them: shape (...)."""
    return Det()(_square(a, "det"))


def slogdet(a, who="slogdet"):
    """(sign, log |det A|), each of shape (...): the determinant without its overflow
    (numpy.linalg.slogdet); the sign is 0 and the log -inf for a singular matrix."""
    sign, log_abs = SLogDet()(_square(a, who))
    return sign.detach(), log_abs


def logdet(a):
    """log det A (NaN where det A < 0, -inf where it is 0), torch.logdet's: its gradient 0
    where det A < 0 (no logarithm there), as PyTorch's."""
    sign, log_abs = slogdet(a, "logdet")
    xp = get_array_module(log_abs.data)
    negative = sign.data < 0
    nan_where_negative = xp.where(negative, np.nan, 0.0).astype(log_abs.dtype)
    return log_abs * (~negative).astype(log_abs.dtype) + nan_where_negative


def cholesky(a, upper=False):
    """L, lower triangular, with L L^T = A, of a symmetric positive definite matrix or a
    batch of them (the upper U = L^T with upper=True); only A's lower triangle is read, and
    the gradient is the symmetric one (PyTorch's: check it numerically through a symmetric
    input, (A + A^T) / 2). A matrix that is not positive definite is a ValueError."""
    lower = Cholesky()(_square(a, "cholesky"))
    return _matrix_transpose(lower) if upper else lower


__all__ = ["Cholesky", "Cofactor", "CofactorDerivative", "Det", "Inv", "SLogDet", "cholesky",
           "det", "inv", "logdet", "slogdet"]
