"""Matrix decompositions, torch.linalg's: eigh, svd (svdvals), qr, and what they give: pinv,
lstsq and matrix_rank. Each decomposition is a Function whose backward is made of
differentiable ops, so gradients of any order flow through it where it is differentiable:
distinct eigenvalues (singular values), and for qr a tall or square matrix. Like PyTorch's,
the gradient of eigenvectors (singular vectors) is undefined at repeated values (it holds
1 / (difference) factors) and comes out infinite or NaN there."""
from collections import namedtuple

import numpy as np

from ..backend import get_array_module
from ..config import no_grad
from ..function import Function
from ..spec import Choice, Spec
from ..variable import as_variable
from .diagonals import diag_embed, diagonal, tril, triu
from .linalg import MatMul, Solve, _matrix_transpose
from .matrix_functions import float_matrices
from .rounding import sign
from .shape import concatenate, expand_dims

_SQUARE = (Spec(shape=("*batch", "N", "N"), sides={"N": (1, 4)}),)
_MATRIX = (Spec(shape=("*batch", "M", "N"), sides={"M": (1, 4), "N": (1, 4)}),)


def _linalg(who, call, a):
    """call(xp.linalg) on a, a failure to converge (or NaN and infinite entries) named."""
    xp = get_array_module(a)
    if not bool(xp.isfinite(a).all()):
        raise ValueError(f"{who}: the matrix of shape {a.shape} holds NaN or infinite entries")
    try:
        return call(xp.linalg)
    except xp.linalg.LinAlgError as exc:
        raise ValueError(f"{who}: the decomposition of a matrix of shape {a.shape} failed "
                         f"({exc})") from None


def _separated(a):
    """A drawn matrix made to have well separated eigenvalues (singular values): plus 20 k
    on its k-th diagonal entry, far beyond what the drawn entries ([-2, 2]) can close."""
    xp = get_array_module(a.data)
    k = min(a.shape[-2:])
    spread = xp.zeros(a.shape[-2:], a.dtype)
    spread[xp.arange(k), xp.arange(k)] = 20.0 * (xp.arange(k) + 1)
    return a + spread


def _symmetric(a):
    return (a + _matrix_transpose(a)) * 0.5


def _gaps_reciprocal(d):
    """F (..., k, k) with F_ij = 1 / (d_j - d_i) off the diagonal and 0 on it, for d (..., k)
    (the diagonal's 1 / 1 masked: no infinity even in higher derivatives; infinite where two
    values repeat)."""
    k = d.shape[-1]
    eye = get_array_module(d.data).eye(k, dtype=d.dtype)
    gaps = expand_dims(d, -2) - expand_dims(d, -1)
    with np.errstate(divide="ignore"):
        return (1.0 - eye) / (gaps + eye)


def _flows(g):
    """Whether the gradient g of eigenvectors (singular vectors) enters the backward: not
    None, and not the zeros the engine gives an output the loss did not use (a constant):
    their terms hold 1 / gap and 1 / s factors, infinite at repeated (or zero) values, where
    the gradient of the values alone exists (0 times infinity would make it NaN)."""
    if g is None:
        return False
    return g.creator is not None or bool(get_array_module(g.data).any(g.data != 0))


def _outputs_of(func, again):
    """func's output Variables; computed again (`again()`, recorded) where the user dropped
    one, as a backward needs all of them (a loss of the eigenvalues alone needs V)."""
    outputs = [ref() for ref in func.outputs]
    return again() if any(y is None for y in outputs) else outputs


class Eigh(Function):
    """(w, V) with A = V diag(w) V^T for a symmetric A (its lower triangle read), w
    ascending; dA = sym(V (diag(gw) + F o (V^T gV)) V^T), F_ij = 1 / (w_j - w_i) (i != j)"""

    input_specs = _SQUARE
    apply = staticmethod(lambda a: _sign_free(eigh(_symmetric(_separated(a)))))

    def forward(self, a):
        return tuple(_linalg("eigh", lambda linalg: linalg.eigh(a), a))

    def backward(self, gw, gv):
        a = self.inputs[0]
        w, v = _outputs_of(self, lambda: Eigh()(a))
        v_t = _matrix_transpose(v)
        middle = None
        if gw is not None:
            middle = diag_embed(gw)
        if _flows(gv):
            coupled = _gaps_reciprocal(w) * MatMul()(v_t, gv)
            middle = coupled if middle is None else middle + coupled
        if middle is None:
            return None
        return _symmetric(MatMul()(MatMul()(v, middle), v_t))


def _sign_free(pair):
    """(w, V o V): eigenvectors' squares, which a sign flip of a column leaves alone (the
    gradient check compares those)."""
    w, v = pair
    return w, v * v


class SVD(Function):
    """(U, S, Vh) with A = U diag(S) Vh, S descending (k = min(m, n) of them), U (m, k) and
    Vh (k, n) (m and n columns and rows with full_matrices, gradients through the added ones
    ignored, as PyTorch does). With F_ij = 1 / (s_j^2 - s_i^2):
    dA = U [(F o (U^T gU - gU^T U)) S + diag(gS) + S (F o (V^T gV - gV^T V))] V^T
         + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T)  (Townsend's)"""

    input_specs = _MATRIX
    arg_specs = {"full_matrices": Choice(False, True)}
    apply = staticmethod(lambda a, full_matrices: _svd_sign_free(SVD(full_matrices)(
        _separated(a))))

    def __init__(self, full_matrices=False, who="svd"):
        self.full_matrices, self.who = full_matrices, who

    def forward(self, a):
        return tuple(_linalg(self.who, lambda linalg: linalg.svd(
            a, full_matrices=self.full_matrices), a))

    def backward(self, gu, gs, gvh):
        a = self.inputs[0]
        u, s, vh = _outputs_of(self, lambda: SVD(self.full_matrices, self.who)(a))
        k = s.shape[-1]
        gu, gvh = self._within_rank(gu, gvh, k)
        u, vh = u[..., :k], vh[..., :k, :]
        return svd_gradient(u, s, vh, gu, gs, gvh)

    def _within_rank(self, gu, gvh, k):
        """The gradients of the first k columns of U (rows of Vh): those full_matrices adds
        beyond min(m, n) are an arbitrary basis of their space, and gradients through them
        are ignored (PyTorch's rule)."""
        if not self.full_matrices:
            return gu, gvh
        return (None if gu is None else gu[..., :k],
                None if gvh is None else gvh[..., :k, :])


def _no_gradient_in(extra, message):
    """A ValueError(message) where `extra`, a part of a gradient (or None), is not all 0."""
    if extra is not None and extra.size and bool(
            get_array_module(extra.data).any(extra.data != 0)):
        raise ValueError(message)


def svd_gradient(u, s, vh, gu, gs, gvh):
    """SVD's dA from the reduced factors and the gradients of those (None where none)."""
    v, u_t = _matrix_transpose(vh), _matrix_transpose(u)
    middle = None if gs is None else diag_embed(gs)
    extra = None
    gu = gu if _flows(gu) else None
    gvh = gvh if _flows(gvh) else None
    f = None if gu is None and gvh is None else _gaps_reciprocal(s * s)
    if gu is not None:
        j = f * (MatMul()(u_t, gu) - MatMul()(_matrix_transpose(gu), u))
        term = j * expand_dims(s, -2)  # J diag(S)
        middle = term if middle is None else middle + term
        if u.shape[-2] > u.shape[-1]:  # (m > k: the part of gU outside U's span)
            outside = (gu - MatMul()(u, MatMul()(u_t, gu))) / expand_dims(s, -2)
            extra = MatMul()(outside, vh)
    if gvh is not None:
        kk = f * (MatMul()(vh, _matrix_transpose(gvh)) - MatMul()(gvh, v))
        term = expand_dims(s, -1) * kk  # diag(S) K
        middle = term if middle is None else middle + term
        if vh.shape[-1] > vh.shape[-2]:  # (n > k)
            outside = gvh - MatMul()(MatMul()(gvh, v), vh)
            term = MatMul()(u / expand_dims(s, -2), outside)
            extra = term if extra is None else extra + term
    grad = None if middle is None else MatMul()(MatMul()(u, middle), vh)
    if extra is not None:
        grad = extra if grad is None else grad + extra
    return grad


def _svd_sign_free(factors):
    """(U o U, S, Vh o Vh) of the first min(m, n) columns (rows): free of the signs of the
    singular vectors, and of the basis full_matrices adds (the gradient check compares
    those)."""
    u, s, vh = factors
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]
    return u * u, s, vh * vh


def _qr_sign_free(factors):
    """(Q D, D R) for the first n columns of Q, D = sign(diag R): the factorization whose R
    has a positive diagonal, free of LAPACK's choice of signs (which jumps where a column is
    already reduced)."""
    q, r = factors
    n = r.shape[-1]
    signs = sign(diagonal(r, 0, -2, -1))
    return q[..., :n] * expand_dims(signs, -2), r[..., :n, :] * expand_dims(signs, -1)


class QR(Function):
    """(Q, R) with A = Q R, Q's columns orthonormal, R upper triangular: Q (m, k), R (k, n)
    for mode 'reduced' (k = min(m, n)), Q (m, m), R (m, n) for 'complete'. For m >= n,
    with M = R gR^T - gQ^T Q: dA = (gQ + Q copyltu(M)) R^-T, copyltu(M) the symmetric matrix
    of M's lower triangle (Walter and Lehmann's). For m < n, A = [X | Y], R = [U | V] with
    X = Q U square and V = Q^T Y: dY = Q gV, and dX is the square case's with gQ + Y gV^T"""

    input_specs = _MATRIX
    # ('complete' of a tall matrix: no gradient through Q's added columns, see backward)
    arg_specs = {"mode": Choice("reduced")}
    apply = staticmethod(lambda a, mode: _qr_sign_free(QR(mode)(_separated(a))))

    def __init__(self, mode="reduced"):
        self.mode = mode

    def forward(self, a):
        return tuple(_linalg("qr", lambda linalg: linalg.qr(a, mode=self.mode), a))

    def backward(self, gq, gr):
        a = self.inputs[0]
        m, n = a.shape[-2:]
        q, r = _outputs_of(self, lambda: QR(self.mode)(a))
        if m < n:
            return _wide_qr_grad(a, q, r, gq, gr)
        q, r = q[..., :n], r[..., :n, :]  # (complete: R's extra rows are zeros)
        if gq is not None and gq.shape[-1] > n:
            _no_gradient_in(gq[..., n:], "qr: no gradient flows through the columns of Q "
                                         "beyond the matrix's n that mode='complete' adds "
                                         "(their basis is arbitrary); use mode='reduced'")
            gq = gq[..., :n]
        return _square_or_tall_qr_grad(a, q, r, gq, None if gr is None else gr[..., :n, :])


def _square_or_tall_qr_grad(a, q, r, gq, gr):
    """dA of A = Q R for Q (m, n), R (n, n), m >= n, from gQ and gR (either may be None)."""
    if _numerically_singular(r.data):
        raise ValueError(f"qr: no gradient at a rank-deficient matrix (shape {a.shape}: "
                         "R's diagonal holds a zero, to float's resolution)")
    coupling = None if gr is None else MatMul()(r, _matrix_transpose(gr))  # M
    if gq is not None:
        from_q = MatMul()(_matrix_transpose(gq), q)
        coupling = -from_q if coupling is None else coupling - from_q
    if coupling is None:
        return None
    copyltu = tril(coupling) + _matrix_transpose(tril(coupling, -1))
    left = MatMul()(q, copyltu) if gq is None else gq + MatMul()(q, copyltu)
    # left R^-T = (R^-1 left^T)^T
    return _matrix_transpose(Solve()(r, _matrix_transpose(left)))


def _wide_qr_grad(a, q, r, gq, gr):
    """dA of a wide A (m < n) = Q R: A = [X | Y] splits at column m, R = [U | V]."""
    m = a.shape[-2]
    y_part = a[..., m:]
    g_u = g_v = None
    if gr is not None:
        g_u, g_v = gr[..., :m], gr[..., m:]
        from_v = MatMul()(y_part, _matrix_transpose(g_v))  # V = Q^T Y sends Y gV^T to Q
        gq = from_v if gq is None else gq + from_v
    g_x = _square_or_tall_qr_grad(a, q, r[..., :m], gq, g_u)  # (gQ or gR is given)
    if g_v is None:  # (R unused: Y moves only R's columns V, so its gradient is zero)
        g_y = as_variable(get_array_module(a.data).zeros(y_part.shape, a.dtype))
    else:
        g_y = MatMul()(q, g_v)
    return concatenate([g_x, g_y], axis=-1)


class LUFactor(Function):
    """(LU, pivots): P A = L U by partial pivoting (LAPACK's getrf, torch.linalg.lu_factor),
    L unit lower and U upper triangular packed in one matrix, pivots 1-based (row k swapped
    with row pivots[k] - 1 at step k, int32: no gradient). For a square A with gL, gU the
    gradients of the packed triangles:
    dA = P^T L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T"""

    input_specs = _SQUARE
    apply = staticmethod(lambda a: LUFactor()(_separated(a))[0])

    def forward(self, a):
        if not bool(get_array_module(a).isfinite(a).all()):
            raise ValueError(f"lu_factor: the matrix of shape {a.shape} holds NaN or "
                             "infinite entries")
        lu, pivots = _partial_pivoting(a)
        return lu, pivots

    def backward(self, glu, gpivots):
        a = self.inputs[0]
        lu = self.outputs[0]()
        if lu is None:
            lu = LUFactor()(a)[0]
        xp = get_array_module(lu.data)
        if _numerically_singular(lu.data):
            raise ValueError(f"lu_factor: no gradient at a singular matrix (shape {a.shape}: "
                             "U's diagonal holds a zero, to float's resolution)")
        n = a.shape[-1]
        eye = xp.eye(n, dtype=lu.dtype)
        lower, upper = tril(lu, -1) + eye, triu(lu)
        middle = tril(MatMul()(_matrix_transpose(lower), tril(glu, -1)), -1) + triu(
            MatMul()(triu(glu), _matrix_transpose(upper)))
        # L^-T middle U^-T as two solves, then P^T
        left = Solve()(_matrix_transpose(lower), middle)
        grad = _matrix_transpose(Solve()(upper, _matrix_transpose(left)))
        pivots = self.outputs[1]()
        pivots = (LUFactor()(a)[1] if pivots is None else pivots).data
        return _rows_unpermuted(grad, pivots)


def _numerically_singular(triangular):
    """Whether a triangular factor (..., n, n) has a diagonal entry within n eps of its
    largest (R of a rank-deficient matrix, U of a singular one, as floats hold them)."""
    xp = get_array_module(triangular)
    diagonal = xp.abs(xp.diagonal(triangular, axis1=-2, axis2=-1))
    if not diagonal.size:
        return False
    eps = np.finfo(triangular.dtype).eps
    limit = diagonal.max(axis=-1, keepdims=True) * eps * triangular.shape[-1]
    return bool(xp.any(diagonal <= limit))


def _partial_pivoting(a):
    """(LU, 1-based int32 pivots) of a batch of square matrices, step by step over the
    columns, every matrix of the batch at once (a zero pivot leaves its column as it is,
    LAPACK's way with a singular matrix)."""
    xp = get_array_module(a)
    n = a.shape[-1]
    if a.size == 0:  # (no matrix, or 0 x 0 ones)
        return a.copy(), xp.zeros(a.shape[:-1], np.int32)
    lu = a.reshape((-1, n, n)).copy()
    batch = xp.arange(lu.shape[0])
    pivots = xp.empty((lu.shape[0], n), np.int32)
    for k in range(n):
        p = k + xp.abs(lu[:, k:, k]).argmax(axis=1)
        pivots[:, k] = p + 1
        rows = lu[batch, k].copy()
        lu[batch, k] = lu[batch, p]
        lu[batch, p] = rows
        pivot = lu[:, k, k]
        safe = xp.where(pivot == 0, 1, pivot)
        lu[:, k + 1:, k] /= safe[:, None]
        lu[:, k + 1:, k + 1:] -= lu[:, k + 1:, k:k + 1] * lu[:, k:k + 1, k + 1:]
    return lu.reshape(a.shape), pivots.reshape(a.shape[:-1])


def _rows_unpermuted(g, pivots):
    """P^T g: the gradient of P A given as that of A (row k of P A is row order[k] of A)."""
    from .sorting import take_along_axis  # (loads on first use)
    xp = get_array_module(pivots)
    n = g.shape[-1]
    order = xp.broadcast_to(xp.arange(n), pivots.shape).copy()
    flat = order.reshape(-1, n)
    steps = pivots.reshape(-1, n) - 1
    batch = xp.arange(flat.shape[0])
    for k in range(n):  # (the swaps of P, in order)
        swapped = flat[batch, steps[:, k]].copy()
        flat[batch, steps[:, k]] = flat[batch, k]
        flat[batch, k] = swapped
    inverse = xp.argsort(order, axis=-1)
    index = xp.broadcast_to(inverse[..., None], g.shape)
    return take_along_axis(g, index, -2)


def lu_factor(a):
    """(LU, pivots) of a square matrix or batch (torch.linalg.lu_factor): P A = L U by
    partial pivoting, L (unit lower) and U packed in LU, pivots 1-based int32;
    differentiable in LU where A is invertible."""
    a = float_matrices(a, "lu_factor")
    if a.shape[-1] != a.shape[-2]:
        raise ValueError(f"lu_factor: expected square matrices, got shape {a.shape}")
    return LUFactor()(a)


def eigh(a, UPLO="L"):  # noqa: N803 (torch.linalg's name)
    """(eigenvalues ascending (..., n), eigenvectors as columns (..., n, n)) of a symmetric
    matrix or batch (torch.linalg.eigh); only the lower triangle is read (UPLO='L'), the
    gradient is the symmetric one."""
    a = float_matrices(a, "eigh")
    if a.shape[-1] != a.shape[-2]:
        raise ValueError(f"eigh: expected square matrices, got shape {a.shape}")
    if UPLO not in ("L", "U"):
        raise ValueError(f"eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    if UPLO == "U":
        a = _matrix_transpose(a)
    return Eigh()(a)


def svd(a, full_matrices=True):
    """(U, S, Vh) with A = U diag(S) Vh (torch.linalg.svd): S (..., k) descending,
    k = min(m, n); U (..., m, m) and Vh (..., n, n) with full_matrices (gradients through
    the columns and rows beyond k ignored: an arbitrary basis), else (..., m, k) and
    (..., k, n)."""
    return SVD(bool(full_matrices))(float_matrices(a, "svd"))


def svdvals(a):
    """The singular values (..., min(m, n)), descending (torch.linalg.svdvals)."""
    return SVD(False)(float_matrices(a, "svdvals"))[1]


def qr(a, mode="reduced"):
    """(Q, R) with A = Q R (torch.linalg.qr): mode 'reduced' (Q (..., m, k), R (..., k, n),
    k = min(m, n)) or 'complete' (Q (..., m, m), R (..., m, n)); differentiable where R's
    first min(m, n) columns are of full rank."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete', got {mode!r}")
    return QR(mode)(float_matrices(a, "qr"))


def _kept(s, m, n, rtol=None, atol=None):
    """Which singular values s (..., k) (an array) are kept, as booleans: those above
    max(atol, rtol * the largest), rtol by default eps max(m, n) where atol is not given or
    0 (torch.linalg's rule); rtol and atol numbers or arrays of the batch's shape."""
    xp = get_array_module(s)
    absolute = xp.asarray(0.0 if atol is None else atol, dtype=s.dtype)
    if rtol is None:
        positive = atol is not None and bool(xp.all(absolute > 0))
        rtol = 0.0 if positive else float(np.finfo(s.dtype).eps * max(m, n))
    relative = xp.asarray(rtol, dtype=s.dtype)
    if not s.shape[-1]:
        return s > 0
    largest = s.max(axis=-1, keepdims=True)
    threshold = xp.maximum(largest * _per_matrix(relative, xp), _per_matrix(absolute, xp))
    return s > threshold


def _per_matrix(tolerance, xp):
    """A tolerance given per matrix of the batch (...) as (..., 1), beside s (..., k)."""
    return tolerance if tolerance.ndim == 0 else xp.expand_dims(tolerance, -1)


class Pinv(Function):
    """P = A^+ (the singular values above the cutoff inverted); with G = dL/dP:
    dA = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A)  (Golub and Pereyra's; no
    gaps between singular values in it: finite at repeated ones, as PyTorch's)"""

    input_specs = _MATRIX
    arg_specs = {"hermitian": Choice(False, True)}  # (checked on symmetric matrices)
    apply = staticmethod(lambda a, hermitian: pinv(_symmetric(_separated(a)), hermitian=True)
                         if hermitian and a.shape[-1] == a.shape[-2] else pinv(_separated(a)))

    def __init__(self, rtol=None, atol=None, hermitian=False):
        self.rtol, self.atol, self.hermitian = rtol, atol, hermitian

    def forward(self, a):
        if self.hermitian:  # (the symmetric matrix of a's lower triangle)
            xp = get_array_module(a)
            a = xp.tril(a) + xp.swapaxes(xp.tril(a, -1), -1, -2)
        u, s, vh = _linalg("pinv", lambda linalg: linalg.svd(a, full_matrices=False), a)
        kept = _kept(s, *a.shape[-2:], self.rtol, self.atol)
        inverse = kept / (s + ~kept)  # (1 / 1 where dropped: times 0)
        return (vh.swapaxes(-1, -2) * inverse[..., None, :]) @ u.swapaxes(-1, -2)

    def backward(self, g):
        a = self.inputs[0]
        p = self.outputs[0]()
        if p is None:
            p = Pinv(self.rtol, self.atol, self.hermitian)(a)
        if self.hermitian:
            a = tril(a) + _matrix_transpose(tril(a, -1))
        p_t, g_t = _matrix_transpose(p), _matrix_transpose(g)
        m, n = a.shape[-2:]
        xp = get_array_module(a.data)
        left = xp.eye(m, dtype=a.dtype) - MatMul()(a, p)  # (I - A P), m x m
        right = xp.eye(n, dtype=a.dtype) - MatMul()(p, a)  # (I - P A), n x n
        return (-MatMul()(MatMul()(p_t, g), p_t)
                + MatMul()(MatMul()(left, g_t), MatMul()(p, p_t))
                + MatMul()(MatMul()(p_t, p), MatMul()(g_t, right)))


def pinv(a, rtol=None, *, atol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse (..., n, m) (torch.linalg.pinv), from the singular
    values above the cutoff (rtol of the largest, eps max(m, n) by default; atol, an
    absolute one; either a number or one per matrix): V diag(1 / s) U^T; differentiable
    where the rank stays the same. hermitian=True: the pseudo-inverse of the symmetric
    matrix A's lower triangle makes, as PyTorch's (which reads only that triangle), its
    gradient PyTorch's too: the formula above at that matrix."""
    a = float_matrices(a, "pinv")
    if hermitian and a.shape[-1] != a.shape[-2]:
        raise ValueError(f"pinv: hermitian=True needs square matrices, got shape {a.shape}")
    return Pinv(rtol, atol, hermitian)(a)


# torch.return_types.linalg_lstsq's fields; NumPy's lstsq returns the same four, in order
LstsqResult = namedtuple("LstsqResult", ["solution", "residuals", "rank", "singular_values"])


def lstsq(a, b, rcond=None):
    """A X = B in the least-squares sense, for A (..., m, n) and B (..., m, k) or a vector
    (..., m), as (solution, residuals, rank, singular_values): a tuple, as NumPy's and
    torch.linalg.lstsq's (`lstsq(a, b)[0]` is X). X (..., n, k) or (..., n) is the
    pseudo-inverse's pinv(A) B (the minimum-norm one for a rank-deficient A); residuals the
    squared residual norms ||A X - B||^2 of each column (..., k) (or (...,) for a vector b)
    where A is tall (m > n), else empty (0,) (NumPy and PyTorch leave them empty for a
    rank-deficient A too; here they are the minimum-norm X's, a captured step's shapes not
    hanging on the values); rank (int64, no gradient) and the singular values
    (..., min(m, n)) of A. rcond is the relative cutoff of the singular values (pinv's
    rtol, matrix_rank's)."""
    a = float_matrices(a, "lstsq")
    b = as_variable(b, who="lstsq")
    solution = _least_squares(a, b, rcond)
    rank = matrix_rank(a, rtol=rcond)
    return LstsqResult(solution, _residuals(a, b, solution), rank, svdvals(a))


def _residuals(a, b, solution):
    """||A X - B||^2 of each column where A is tall, else empty."""
    m, n = a.shape[-2:]
    if m <= n:
        return as_variable(get_array_module(a.data).zeros((0,), a.dtype))
    vector = b.ndim == a.ndim - 1
    solved = MatMul()(a, expand_dims(solution, -1) if vector else solution)
    error = solved - (expand_dims(b, -1) if vector else b)
    squares = (error * error).sum(axis=-2)
    return squares[..., 0] if vector else squares


def _least_squares(a, b, rcond):
    """lstsq's X: pinv(A) B."""
    if b.ndim == 0:
        raise ValueError(f"lstsq: b must be a vector or matrices (..., m[, k]), got a number "
                         f"beside A of shape {a.shape}")
    vector = b.ndim == a.ndim - 1
    if (b.shape[-1] if vector else b.shape[-2]) != a.shape[-2]:
        raise ValueError(f"lstsq: b of shape {b.shape} does not match A of shape {a.shape} "
                         f"(its rows: {a.shape[-2]})")
    solution = MatMul()(pinv(a, rcond), expand_dims(b, -1) if vector else b)
    return solution[..., 0] if vector else solution


class MatrixRank(Function):
    """r = the number of singular values above the cutoff (integers: no gradient)"""

    input_specs = _MATRIX
    apply = staticmethod(lambda a: MatrixRank()(a))
    gradcheck_order = 0  # (integers)

    def __init__(self, rtol=None, atol=None):
        self.rtol, self.atol = rtol, atol

    @property
    def name(self):
        return "matrix_rank"

    def forward(self, a):
        s = _linalg("matrix_rank", lambda linalg: linalg.svd(a, compute_uv=False), a)
        return _kept(s, *a.shape[-2:], self.rtol, self.atol).sum(axis=-1).astype(np.int64)

    def backward(self, gy):
        return None


def matrix_rank(a, tol=None, *, atol=None, rtol=None):
    """The number of singular values above the cutoff, int64 (no gradient): torch.linalg.
    matrix_rank's rule, `tol` (Keras' name) its atol; as in PyTorch (and Keras' PyTorch
    backend), tol = 0 keeps the default relative cutoff, where NumPy's would count every
    nonzero value."""
    a = float_matrices(a, "matrix_rank")
    with no_grad():
        return MatrixRank(rtol, tol if atol is None else atol)(a)


__all__ = ["Eigh", "LUFactor", "LstsqResult", "MatrixRank", "Pinv", "QR", "SVD", "eigh", "lstsq",
           "lu_factor", "matrix_rank", "pinv", "qr", "svd", "svd_gradient", "svdvals"]
