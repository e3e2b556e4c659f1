"""Matrix products: matmul (batched, broadcasting) and dot (NumPy's dot semantics); solve,
the solution of linear systems (torch.linalg.solve); matrix_exp (torch.linalg.matrix_exp)."""
import math

import numpy as np

from ..backend import dense, get_array_module, half_matmul, half_pair
from ..function import BinaryGrads, Function, call_op, crossed_inputs, reads_nothing
from ..spec import Spec
from ..variable import as_variable, as_variables
from .shape import Concatenate, Transpose, reshape, reshape_if_needed, transpose


class MatMul(BinaryGrads, Function):
    """y = a @ b for a, b with ndim >= 2 (batch axes broadcast)"""

    input_specs = (Spec(shape=("*batch", "N", "K")), Spec(shape=("*batch", "K", "M")))
    reference = staticmethod(np.matmul)
    saved_inputs, saved_outputs = crossed_inputs, reads_nothing

    def forward(self, a, b):
        if a.itemsize == 2 and half_pair(a, b):
            return half_matmul(dense(a), dense(b))
        return get_array_module(a).matmul(dense(a), dense(b))

    def _grads(self, gy, a, b):
        """(ga, gb) = (gy b^T, a^T gy) over the last two axes, for Variables or arrays."""
        need_a, need_b = self.needs_input_grad
        ga = call_op(MatMul(), gy, _matrix_transpose(b)) if need_a else None
        gb = call_op(MatMul(), _matrix_transpose(a), gy) if need_b else None
        return ga, gb


def _matrix_transpose(x):
    """x with its last two axes swapped, for Variables or arrays."""
    axes = (*range(x.ndim - 2), x.ndim - 1, x.ndim - 2)
    return call_op(Transpose(axes), x)


def _check_aligned(who, a, b):
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"{who}: operands must be at least 1-D, got shapes {a.shape} and "
                         f"{b.shape}")
    k_a = a.shape[-1]
    k_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if k_a != k_b:
        raise ValueError(f"{who}: shapes {a.shape} and {b.shape} are not aligned: {k_a} != {k_b}")


def matmul(a, b):
    """NumPy's matmul: 1-D operands are promoted to matrices and the added axis removed."""
    a, b = as_variables((a, b), "matmul")
    _check_aligned("matmul", a, b)
    if a.ndim >= 2 and b.ndim >= 2:
        return MatMul()(a, b)
    a2 = reshape(a, (1, a.shape[0])) if a.ndim == 1 else a
    b2 = reshape(b, (b.shape[0], 1)) if b.ndim == 1 else b
    y = MatMul()(a2, b2)
    rows = () if a.ndim == 1 else y.shape[-2:-1]
    cols = () if b.ndim == 1 else y.shape[-1:]
    keep = y.shape[:-2] + rows + cols
    return reshape(y, keep)


def dot(a, b):
    """NumPy's dot: a scalar product for 0-d, matmul up to 2-D, else a sum over a's last
    axis and b's second-to-last."""
    a, b = as_variables((a, b), "dot")
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    _check_aligned("dot", a, b)
    if b.ndim <= 2 and a.ndim <= 2 or b.ndim == 1:
        return matmul(a, b)
    k = a.shape[-1]
    b_first = transpose(b, (b.ndim - 2,) + tuple(i for i in range(b.ndim) if i != b.ndim - 2))
    rest = b_first.shape[1:]
    # explicit sizes, not -1: with k = 0 NumPy cannot infer a -1
    rows = reshape_if_needed(a, (math.prod(a.shape[:-1]), k))  # a 2-D a stays as it is
    y = matmul(rows, reshape(b_first, (k, math.prod(rest))))
    return reshape(y, a.shape[:-1] + rest)


class Solve(Function):
    """X = A^-1 B for square A (..., n, n) and B (..., n, k) (batch axes broadcast);
    dB = A^-T gX,  dA = -dB X^T"""

    # A well conditioned: the drawn matrix plus 10 I (diagonally dominant at these sizes)
    input_specs = (Spec(shape=("*batch", "N", "N"), sides={"N": (1, 4)}),
                   Spec(shape=("*batch", "N", "K")))
    apply = staticmethod(lambda a, b: solve(a + 10.0 * get_array_module(a).eye(a.shape[-1]), b))

    def forward(self, a, b):
        xp = get_array_module(a)
        try:
            return xp.linalg.solve(a, b)
        except xp.linalg.LinAlgError:
            raise ValueError(f"solve: the matrix A of shape {a.shape} is singular (no unique "
                             "solution)") from None

    def backward(self, gx):
        a, _ = self.inputs
        x = self.outputs[0]()
        need_a, need_b = self.needs_input_grad
        gb = Solve()(_matrix_transpose(a), gx)
        ga = -MatMul()(gb, _matrix_transpose(x)) if need_a else None
        return ga, gb if need_b else None


def solve(a, b):
    """X with A X = B (torch.linalg.solve, numpy.linalg.solve): A (..., n, n), B (..., n, k)
    or a vector (n,), or a batch of vectors A.shape[:-1] where B reads only so (its axis -2
    is not n: torch's rule; A (n, n, n) with B (n, n) is NumPy 2's batch of matrices);
    batch axes broadcast. Differentiable in A and B to any order. A singular A is a
    ValueError."""
    a, b = as_variables((a, b), "solve")
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"solve: A must be a square matrix or a batch of them (..., n, n), "
                         f"got shape {a.shape}")
    vector = b.ndim == 1 or (b.shape == a.shape[:-1] and b.shape[-2] != a.shape[-1])
    if vector:
        b = reshape(b, b.shape + (1,))
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise ValueError(f"solve: B of shape {b.shape} does not match A of shape {a.shape} "
                         f"(expected (..., {a.shape[-1]}, k), ({a.shape[-1]},) or a batch of "
                         f"vectors {a.shape[:-1]})")
    x = Solve()(a, b)
    return reshape(x, x.shape[:-1]) if vector else x


_TAYLOR_TERMS = 16  # after scaling to a 1-norm <= 1/2 the remainder is below 1e-20


class MatrixExp(Function):
    """Y = exp(A) = sum_k A^k / k! for square A (..., n, n);  dA = the top-right block of
    exp([[A^T, gY], [0, A^T]]) (the Frechet derivative at A^T applied to gY)"""

    input_specs = (Spec(shape=("*batch", "N", "N"), sides={"N": (1, 4)}),)
    reference = "autograd.testing.references:matrix_exp"

    def forward(self, a):
        return matrix_exp_array(a)

    def backward(self, gy):
        a_t = _matrix_transpose(self.inputs[0])
        n = a_t.shape[-1]
        # the derivative is linear in gY: gY is scaled to A's size for the exponential (a
        # large gY would cost squarings, and with them precision), the result scaled back
        xp = get_array_module(gy.data)
        scale = _one_norms(gy.data) / xp.maximum(_one_norms(a_t.data), 1.0)
        scale = xp.where((scale > 0) & xp.isfinite(scale), scale, 1.0)[..., None, None].astype(
            gy.dtype)
        zeros = xp.zeros(a_t.shape, a_t.dtype)
        block = Concatenate(-2)(Concatenate(-1)(a_t, gy / scale), Concatenate(-1)(zeros, a_t))
        return MatrixExp()(block)[..., :n, n:] * scale


def _one_norms(a):
    """The 1-norm (largest column sum of magnitudes) of each matrix of a (..., n, n), in
    float64 (a float32 sum of large entries would overflow)."""
    sums = get_array_module(a).abs(a).sum(axis=-2, dtype=np.float64)
    # (no `initial=` for the empty matrices' max: CuPy has none)
    return sums.max(axis=-1) if a.shape[-1] else sums.sum(axis=-1)


def matrix_exp_array(a):
    """exp(a) of square matrices (..., n, n) on arrays, each matrix on its own: scaled by
    2^-s to a 1-norm of at most 1/2 (exactly, by the exponent), a Taylor series in Horner
    form, squared s times. A matrix with a non-finite entry gives NaN (PyTorch's), the
    others their own values. float16 is computed in float32 and rounded once: NumPy's
    float16 product is a plain loop (seconds for 300 x 300), and sixteen terms and the
    squarings each rounded to float16 drifted 17 ulps off."""
    xp = get_array_module(a)
    if a.dtype == np.float16:
        return matrix_exp_array(a.astype(np.float32)).astype(np.float16)
    norms = _one_norms(a)
    finite = xp.isfinite(norms)
    squarings = xp.ceil(xp.log2(xp.maximum(xp.where(finite, norms, 0.0), 0.5) / 0.5))
    squarings = squarings.astype(np.int32)
    x = xp.ldexp(xp.where(finite[..., None, None], a, 0), -squarings[..., None, None])
    identity = xp.eye(a.shape[-1], dtype=a.dtype)
    result = identity + x / a.dtype.type(_TAYLOR_TERMS)
    for k in range(_TAYLOR_TERMS - 1, 0, -1):
        result = identity + (x / a.dtype.type(k)) @ result
    for done in range(int(squarings.max()) if squarings.size else 0):
        squared = result @ result
        result = xp.where((squarings > done)[..., None, None], squared, result)
    return xp.where(finite[..., None, None], result, xp.nan).astype(a.dtype, copy=False)


def matrix_exp(a):
    """exp(A) of a square matrix or a batch of them (..., n, n) (torch.linalg.matrix_exp;
    not NumPy's elementwise exp): one op, differentiable to any order."""
    a = as_variable(a, who="matrix_exp")
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"matrix_exp: expected a square matrix or a batch of them (..., n, n), "
                         f"got shape {a.shape}")
    if a.dtype.kind != "f":
        raise TypeError(f"matrix_exp: expected floating-point values, got dtype {a.dtype}")
    return MatrixExp()(a)
