"""Keras' elementwise, reduction and linear-algebra operations beyond nn.keras.operations'
first table (keras.ops' `tan`, `logaddexp`, `ptp`, `norm`, `det`, ...), by Keras' class
name, each made of rungrad's differentiable ops with NumPy's (and Keras') meaning."""
import math

import numpy as np

from autograd import ops
from autograd.variable import as_variable

from ..functional import activation as _activation
from ..functional import shrinkage as _shrinkage
from .operation_kinds import (
    as_tensors,
    axes,
    binary,
    copied,
    floats,
    full_like,
    keras_tensor,
    reduction,
    truth,
    unary,
)


def _scaled(factor):
    def scaled(x):
        return ops.mul(x, factor)
    return scaled


def _cbrt(x):
    """The real cube root, negative for negative x."""
    return ops.mul(ops.sign(x), ops.pow(ops.abs(x), 1.0 / 3.0))


def _signbit(x):
    """Whether x's sign bit is set (-0.0 included), as copysign reads it."""
    return ops.less(ops.copysign(1.0, x), 0)


def _floor_divide(x1, x2):
    """x1 // x2 (NumPy's: integers stay integers, exact)."""
    return ops.floor_divide(*as_tensors(x1, x2))


def _gap(x1, x2):
    """|x1 - x2|, 0 where both are the same infinity (whose difference is NaN)."""
    x1, x2 = as_tensors(x1, x2)
    with np.errstate(invalid="ignore"):  # (inf - inf: the NaN replaced below)
        difference = ops.sub(x1, x2)
    same_infinity = ops.where(ops.isnan(difference), ops.equal(x1, x2), False)
    return ops.abs(ops.where(same_infinity, 0.0, difference))


def _logaddexp(x1, x2):
    """log(e^x1 + e^x2) = max + log1p(e^-|x1 - x2|), with no overflow (-inf for two -inf)."""
    return ops.add(ops.maximum(x1, x2), ops.log1p(ops.exp(ops.neg(_gap(x1, x2)))))


def _logaddexp2(x1, x2):
    """log2(2^x1 + 2^x2) = max + log1p(2^-|x1 - x2|) / ln 2"""
    gap = ops.exp2(ops.neg(_gap(x1, x2)))
    return ops.add(ops.maximum(x1, x2), ops.mul(ops.log1p(gap), 1 / math.log(2)))


def _nan_ignoring(pick):
    """Fmax / Fmin: pick(x1, x2), the other operand where one is NaN."""
    def picked(x1, x2):
        x1, x2 = as_tensors(x1, x2)
        both = pick(x1, x2)
        return ops.where(ops.isnan(x1), x2, ops.where(ops.isnan(x2), x1, both))
    return picked


def _ldexp(x1, x2):
    """x1 2^x2 for integer exponents x2."""
    x1, x2 = as_variable(x1), as_variable(x2)
    if x2.dtype.kind not in "iub":
        raise TypeError(f"ldexp: the exponents must be integers, got dtype {x2.dtype}")
    return ops.mul(x1, ops.exp2(ops.astype(x2, x1.dtype if x1.dtype.kind == "f"
                                           else np.float32)))


def _sinc(x):
    """sin(pi x) / (pi x), 1 at 0"""
    x = as_variable(x)
    at_zero = ops.equal(x, 0)
    scaled = ops.mul(ops.where(at_zero, 1.0, x), math.pi)
    return ops.where(at_zero, 1.0, ops.div(ops.sin(scaled), scaled))


def _infinite(sign):
    def infinite(x):
        x = as_variable(x)  # (compared, not multiplied: -1 times a uint8 overflows)
        side = ops.greater(x, 0) if sign > 0 else ops.less(x, 0)
        return ops.logical_and(ops.isinf(x), side)
    return infinite


def _vander(x, N=None, increasing=False):  # noqa: N803 (Keras' argument names)
    """The powers x^0 ... x^(N-1) of a 1-D x as columns (highest first by default), as
    running products (no 0^0 in a gradient)."""
    x = as_variable(x)
    count = x.shape[0] if N is None else int(N)
    if count == 0:
        return full_like(ops.reshape(x, (-1, 1))[:, :0], 0, x.dtype)
    column = ops.reshape(x, (-1, 1))
    ones = full_like(column, 1, x.dtype)
    powers = ops.concatenate([ones] + [column] * (count - 1), axis=1)
    powers = ops.cumprod(powers, 1)
    return powers if increasing else ops.flip(powers, 1)


def _heaviside(x1, x2):
    """0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0 (in x1's float dtype)."""
    # (Python numbers as floats: -1 beside uint8 is no uint8, and the result is float)
    x1, x2 = as_tensors(*(float(x) if type(x) in (bool, int) else x for x in (x1, x2)))
    dtype = x1.dtype if x1.dtype.kind == "f" else np.dtype(np.float32)
    zero, one = full_like(x1, 0, dtype), full_like(x1, 1, dtype)
    at_zero = ops.where(ops.equal(x1, 0), ops.astype(x2, dtype), zero)
    return ops.where(ops.greater(x1, 0), one, at_zero)


def _isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """|x1 - x2| <= atol + rtol |x2| (NumPy's isclose: an infinity is close to itself
    only)."""
    x1, x2 = (ops.astype(x, np.float32) if x.dtype.kind == "b" else x
              for x in as_tensors(x1, x2))
    with np.errstate(invalid="ignore"):  # (inf - inf: decided by the infinities below)
        close = ops.less_equal(ops.abs(ops.sub(x1, x2)),
                               ops.add(atol, ops.mul(rtol, ops.abs(x2))))
    infinite = ops.where(ops.isinf(x1), True, ops.isinf(x2))
    close = ops.where(infinite, ops.equal(x1, x2), close)
    if equal_nan:
        close = ops.where(ops.isnan(x1), ops.isnan(x2), close)
    return close


def _squareplus(x, b=4):
    """(x + sqrt(x^2 + b)) / 2"""
    return ops.mul(ops.add(x, ops.sqrt(ops.add(ops.mul(x, x), float(b)))), 0.5)


def _sparse_plus(x):
    """0 for x <= -1, (x + 1)^2 / 4 for -1 < x < 1, x for x >= 1"""
    shifted = ops.add(x, 1.0)
    middle = ops.where(ops.less(x, 1), ops.mul(ops.mul(shifted, shifted), 0.25), x)
    return ops.where(ops.less_equal(x, -1), 0.0, middle)


def _threshold(x, threshold, default_value):
    """x where x > threshold, else default_value"""
    return ops.where(ops.greater(x, threshold), x, float(default_value))


def _count_nonzero(x, axis=None):
    """The non-zero entries' count over `axis`, int32 (Keras')."""
    return ops.astype(ops.count_nonzero(x, dim=axes(axis)), np.int32)


def _cumprod(x, axis=None, dtype=None):
    return ops.cumprod(x, axis, dtype)


def _ptp(x, axis=None, keepdims=False):
    """max - min over `axis`"""
    return ops.sub(ops.max(x, axis=axes(axis), keepdims=keepdims),
                   ops.min(x, axis=axes(axis), keepdims=keepdims))


def _nan_reduction(reduce):
    def reduced(x, axis=None, keepdims=False):
        return reduce(x, dim=axes(axis), keepdim=keepdims)
    return reduced


def summed_in_int32(x, reduce):
    """reduce(x) (a Variable), in int32 for booleans and integers of 32 bits or fewer: Keras
    sums and multiplies these in int32 (NumPy's int64 or uint64)."""
    x = as_variable(x)
    narrow = x.dtype.kind == "b" or x.dtype.kind in "iu" and x.dtype.itemsize < 4 or (
        x.dtype == np.int32)
    return ops.astype(reduce(x), np.int32) if narrow else reduce(x)


def clipping(activation, low, high):
    """Keras' activation that is a clip (relu6, hard_tanh): integers clipped to [low, high]
    in their own dtype (rungrad's activation takes floats alone)."""
    def clipped(x):
        x = as_variable(x)
        return activation(x) if x.dtype.kind == "f" else ops.clip(x, low, high)
    return clipped


def _average(x, weights=None, axis=None):
    """The mean over `axis`, weighted by `weights` (x's shape, or 1-D along `axis`)."""
    x = as_variable(x)
    if weights is None:
        return ops.mean(x, axis=axes(axis))
    weights = ops.astype(weights, x.dtype) if hasattr(weights, "shape") else np.asarray(
        weights, x.dtype)
    if weights.ndim == 1 and x.ndim > 1:
        if axis is None:
            raise ValueError("average: 1-D weights need an axis they run along")
        shape = [1] * x.ndim
        shape[axis] = weights.shape[0]
        weights = ops.reshape(weights, tuple(shape))
    return ops.div(ops.sum(ops.mul(x, weights), axis=axes(axis)),
                   ops.sum(ops.broadcast_to(weights, x.shape), axis=axes(axis)))


def _norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 (Keras')
    return ops.norm(x, ord=ord, axis=axes(axis), keepdims=keepdims)


def _solve(a, b):
    """a^-1 b; b (..., n, k), or (..., n): a vector per matrix of a batch (torch.linalg's
    rule: b of a's shape without its last axis)."""
    a, b = as_tensors(a, b)
    if b.ndim == a.ndim - 1 and b.ndim > 1 and tuple(b.shape) == tuple(a.shape[:-1]):
        return ops.squeeze(ops.solve(a, ops.expand_dims(b, -1)), axis=-1)
    return ops.solve(a, b)


def _slogdet(x):
    return ops.slogdet(x)


def _i0(x):
    """The modified Bessel function I0, in float64 for int64 (and float64), float32 for the
    other integers (Keras')."""
    x = as_variable(x)
    if x.dtype.kind != "f":
        x = ops.astype(x, np.float64 if x.dtype == np.int64 else np.float32)
    return ops.i0(x)


def _fabs(x):
    """|x| as floats (float32 for integers and booleans, Keras')."""
    return ops.abs(floats(x))


def _divide_no_nan(x1, x2):
    """x1 / x2, 0 where x2 is 0 (its gradient there 0 too: the division never sees a 0)."""
    x1, x2 = as_tensors(x1, x2)
    floats = [x.dtype for x in (x1, x2) if x.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else np.dtype(np.float32)
    x1, x2 = ops.astype(x1, dtype), ops.astype(x2, dtype)
    zero = ops.equal(x2, 0)
    return ops.where(zero, 0.0, ops.div(x1, ops.where(zero, 1.0, x2)))


def _nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = as_variable(x)
    return x if x.dtype.kind in "biu" else ops.nan_to_num(x, nan, posinf, neginf)


def _allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether every pair is close (isclose's test), one boolean."""
    x1, x2 = as_tensors(x1, x2)
    try:
        np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ValueError(f"allclose: shapes {tuple(x1.shape)} and {tuple(x2.shape)} do not "
                         "broadcast") from None
    return ops.all(_isclose(x1, x2, rtol, atol, equal_nan))


def _angle(x):
    """The argument of a real number: pi where x < 0, else 0, NaN for NaN (float32 for
    integers)."""
    x = as_variable(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
    angle = ops.where(ops.less(x, 0), full_like(x, math.pi, dtype), full_like(x, 0, dtype))
    return ops.where(ops.isnan(x), full_like(x, np.nan, dtype), angle) if dtype is x.dtype \
        else angle


def _integers(op):
    def computed(x1, x2):
        return op(*as_tensors(x1, x2))
    return computed


def _nextafter(x1, x2):
    """The float next to x1 toward x2: a Python number beside a tensor takes its dtype, and
    Python's numbers alone are float32 (Keras')."""
    if not any(hasattr(x, "dtype") for x in (x1, x2)):
        x1, x2 = keras_tensor(x1), keras_tensor(x2)
    return ops.nextafter(x1, x2)


def _cdist(x, y):
    """The Euclidean distances between the rows of x (..., P, M) and y (..., R, M)."""
    return ops.cdist(*as_tensors(x, y))


def _solve_triangular(a, b, lower=False):
    """a^-1 b for a triangular a, only its lower (upper) triangle read; b (..., n) or
    (..., n, k)."""
    a = as_variable(a)
    return _solve(ops.tril(a) if lower else ops.triu(a), b)


def _lstsq(a, b, rcond=None):
    """The least-squares solution, a and b in one float dtype."""
    a = floats(a)
    b = as_variable(b)
    return ops.lstsq(a, ops.astype(b, np.result_type(a.dtype, b.dtype) if b.dtype.kind == "f"
                                   else a.dtype), rcond).solution  # (Keras': X alone)


def _lu_factor(x):
    """(LU, pivots) with 0-based int32 pivots (Keras')."""
    lu, pivots = ops.lu_factor(floats(x))
    return lu, ops.astype(ops.sub(pivots, np.int32(1)), np.int32)


def _svd(x, full_matrices=True, compute_uv=True):
    """(u, s, vh), or s alone without compute_uv."""
    x = floats(x)
    return ops.svd(x, full_matrices) if compute_uv else ops.svdvals(x)


def _cholesky_inverse(x, upper=False):
    """(L L^T)^-1 from its Cholesky factor L (U^T U from U with upper=True)."""
    x = as_variable(x)
    factor = ops.triu(x) if upper else ops.tril(x)  # (its triangle alone, as PyTorch reads it)
    swapped = ops.swapaxes(factor, -1, -2)
    return ops.inv(ops.matmul(swapped, factor) if upper else ops.matmul(factor, swapped))


MATH = {
    # elementwise
    "Ceil": unary(ops.ceil), "Trunc": unary(ops.trunc), "Tan": unary(ops.tan),
    "Sinh": unary(ops.sinh), "Cosh": unary(ops.cosh), "Arcsin": unary(ops.asin),
    "Arccos": unary(ops.acos), "Arctan": unary(ops.atan), "Arcsinh": unary(ops.asinh),
    "Arccosh": unary(ops.acosh), "Arctanh": unary(ops.atanh), "Log2": unary(ops.log2),
    "Log10": unary(ops.log10), "Exp2": unary(ops.exp2),
    "Reciprocal": lambda x: ops.div(1.0, x), "Cbrt": _cbrt,
    "Deg2rad": _scaled(math.pi / 180), "Rad2deg": _scaled(180 / math.pi),
    "Erfc": unary(ops.erfc), "Erfinv": unary(ops.erfinv), "Isnan": unary(ops.isnan),
    "Isinf": unary(ops.isinf), "Isfinite": unary(ops.isfinite), "Signbit": _signbit,
    # two operands
    "Arctan2": binary(ops.atan2), "Hypot": binary(ops.hypot), "Logaddexp": _logaddexp,
    "FloorDivide": _floor_divide, "Mod": binary(ops.remainder), "Fmod": binary(ops.fmod),
    "LogicalXor": lambda x1, x2: ops.not_equal(truth(x1), truth(x2)),
    "Heaviside": _heaviside, "Isclose": _isclose, "Logaddexp2": _logaddexp2,
    "Fmax": _nan_ignoring(ops.maximum), "Fmin": _nan_ignoring(ops.minimum), "Sinc": _sinc,
    "Ldexp": _ldexp,
    "Isneginf": _infinite(-1), "Isposinf": _infinite(1),
    "Isreal": lambda x: full_like(x, True, bool),  # (rungrad's numbers are real)
    "Vander": _vander,
    # activations
    "LogSigmoid": unary(_activation.logsigmoid), "HardSilu": unary(_activation.hardswish),
    "Celu": lambda x, alpha=1.0: _activation.celu(x, alpha),
    "Glu": lambda x, axis=-1: _activation.glu(x, axis),
    "HardTanh": clipping(_activation.hardtanh, -1, 1),
    "SoftShrink": lambda x, threshold=0.5: _shrinkage.softshrink(x, threshold),
    "HardShrink": lambda x, threshold=0.5: _shrinkage.hardshrink(x, threshold),
    "TanhShrink": unary(_shrinkage.tanhshrink), "Squareplus": _squareplus,
    "SparsePlus": _sparse_plus, "Threshold": _threshold,
    # reductions
    "Amax": reduction(ops.max), "Amin": reduction(ops.min), "CountNonzero": _count_nonzero,
    "Cumprod": _cumprod, "Ptp": _ptp,
    "Nansum": lambda x, axis=None, keepdims=False: summed_in_int32(
        x, lambda x: _nan_reduction(ops.nansum)(x, axis, keepdims)),
    "Nanmean": _nan_reduction(ops.nanmean),
    "Average": _average, "Norm": _norm,
    # linear algebra
    "Det": unary(ops.det), "Inv": unary(ops.inv), "Solve": _solve,
    "Cholesky": lambda x, upper=False: ops.cholesky(x, upper), "Logdet": unary(ops.logdet),
    "Slogdet": _slogdet, "SolveTriangular": _solve_triangular,
    "CholeskyInverse": _cholesky_inverse, "CDist": _cdist,
    "Eigh": lambda x: ops.eigh(floats(x)), "Qr": lambda x, mode="reduced": ops.qr(
        floats(x), mode),
    "SVD": _svd, "LuFactor": _lu_factor,
    "Pinv": lambda x, rcond=None: ops.pinv(floats(x), rcond),
    "Lstsq": _lstsq,
    "MatrixRank": lambda x, tol=None: ops.astype(ops.matrix_rank(floats(x), tol),
                                                 np.int32),
    # more elementwise: absolute floats, safe division, complex parts of real numbers
    "I0": _i0, "Fabs": _fabs, "DivideNoNan": _divide_no_nan, "NanToNum": _nan_to_num,
    "AllClose": _allclose, "Angle": _angle, "Conjugate": copied, "Real": copied,
    "Imag": lambda x: full_like(x, 0),
    # integers (no gradient)
    **{name: _integers(getattr(ops, op)) for name, op in (
        ("BitwiseAnd", "bitwise_and"), ("BitwiseOr", "bitwise_or"),
        ("BitwiseXor", "bitwise_xor"), ("BitwiseLeftShift", "bitwise_left_shift"),
        ("LeftShift", "bitwise_left_shift"), ("BitwiseRightShift", "bitwise_right_shift"),
        ("RightShift", "bitwise_right_shift"), ("Gcd", "gcd"), ("Lcm", "lcm"))},
    "BitwiseNot": unary(ops.bitwise_not), "BitwiseInvert": unary(ops.bitwise_not),
    "IsIn": lambda x1, x2, assume_unique=False, invert=False: ops.isin(
        x1, x2, assume_unique=assume_unique, invert=invert),
    # bits (no gradient)
    "Nextafter": _nextafter,
    "View": lambda x, dtype=None: keras_tensor(x) if dtype is None else ops.bitcast(
        keras_tensor(x), dtype),
}

# of integer and boolean tensors, floats (Keras 3.15.1 gives float32 for int32 inputs)
FLOAT_RESULTS = ("Ceil", "Tan", "Sinh", "Cosh", "Arcsin", "Arccos", "Arctan", "Arcsinh",
                 "Arccosh", "Arctanh", "Log2", "Log10", "Exp2", "Reciprocal", "Cbrt",
                 "Deg2rad", "Rad2deg", "Erfc", "Erfinv", "TanhShrink", "Squareplus",
                 "SparsePlus", "Nanmean", "Average", "Norm", "Arctan2", "Hypot",
                 "Logaddexp", "Logaddexp2", "Sinc", "CDist")

__all__ = ["FLOAT_RESULTS", "MATH", "clipping", "summed_in_int32"]
