"""norm: NumPy's np.linalg.norm (vector p-norms and the matrix norms that need no SVD)."""
import math
import numbers

import numpy as np

from ..backend import get_array_module, silently
from ..function import Function
from ..spec import Axes, Choice, Spec
from ..variable import computed_from_values, every_dim_if_empty, wrap
from . import elementwise as ew
from . import reduction as red
from .arithmetic import _zero_at
from .shape import reshape_if_needed
from .validation import float_input, normalize_axes


class VectorNorm(Function):
    """y = (sum |x|^p)^(1/p) over `axes`;  dy/dx = sign(x) |x|^(p-1) / y^(p-1), 0 where y = 0
    (PyTorch's, at the zero vector) and, for p < 1, where x = 0 (PyTorch's too: the formula
    is 0 * inf there); its own derivatives are 0 there too (PyTorch's second derivative at
    the zero vector is NaN: neither is the Hessian, which is infinite there)"""

    # |x|^(p-1) has a kink at 0 for p < 2, and its terms grow near 0 (1/x at second order
    # for p = 3), where float32's rounding of them exceeds any tolerance
    input_specs = (Spec(elements="away_from_zero"),)
    arg_specs = {"axes": Axes(of=0, normalized=True), "p": Choice(2.0, 1.0, 3.0, 0.5, -1.0),
                 "keepdims": Choice(False, True)}
    reference = staticmethod(lambda x, axes, p, keepdims: np.sum(
        np.abs(x) ** p, axis=axes, keepdims=keepdims) ** (1 / p))

    def __init__(self, axes, p, keepdims):
        self.axes, self.p, self.keepdims = axes, p, keepdims

    def forward(self, x):
        if x.dtype == np.float16:  # in float32, as PyTorch's CPU: squares past 256 overflow
            return self.forward(x.astype(np.float32)).astype(np.float16)
        xp = get_array_module(x)
        if self.p == 2:
            return xp.sqrt((x * x).sum(axis=self.axes, keepdims=self.keepdims))
        # p < 0: |0|^p = inf gives y = 0, quietly (NumPy warns)
        return silently(lambda: (xp.abs(x) ** self.p).sum(
            axis=self.axes, keepdims=self.keepdims) ** (1 / self.p))

    def backward(self, gy):
        x, p = self.inputs[0], self.p
        y = reshape_if_needed(self.outputs[0](), red._keepdims_shape(x.shape, self.axes))
        gx = red._expand_back(gy, x.shape, self.axes)
        slope = x if p == 2 else _slope(x, p)

        def scaled(shift):
            den = y if shift is None else y + shift
            return gx * slope / (den if p == 2 else den ** (p - 1))
        return _zero_at(y.data == 0, gy.dtype, scaled)


def _slope(x, p):
    """sign(x) |x|^(p-1), 0 where x = 0 (|0|^(p-1) = inf for p < 1)."""
    sign = wrap(ew.sign_array(x.data))  # 0 at NaN, as PyTorch's
    if p >= 1:
        return sign * ew.abs(x) ** (p - 1)
    return sign * _zero_at(x.data == 0, x.dtype,
                           lambda shift: ew.abs(x if shift is None else x + shift) ** (p - 1))


def _largest(values, axis, keepdims):
    """The max over `axis`, 0 where it holds nothing: NumPy's norms ord=inf (vector), 1 and
    inf (matrix) take their max with initial=0, so an empty input has norm 0 (the -inf and
    -1 norms have no such start: their min over nothing raises, as NumPy's)."""
    if values.size == 0:  # the sum over nothing is the 0, of the right shape
        return red.sum(values, axis, keepdims)
    return red.max(values, axis=axis, keepdims=keepdims)


def _smallest(values, axes, keepdims, order, shape):
    """The min over `axes`, for the -inf and -1 norms; over an axis of size 0 there is
    none (NumPy raises too): a ValueError naming norm, not the min it takes."""
    for a in axes:
        if values.shape[a] == 0:
            raise ValueError(f"norm: ord={order!r} is a minimum, and axis {a} of the input "
                             f"(shape {shape}) has size 0: there is nothing to take it over")
    return red.min(values, axis=axes, keepdims=keepdims)


def _vector_norm(x, order, axes, keepdims):
    if order is None or order == 2:
        return VectorNorm(axes, 2.0, keepdims)(x)
    if order == math.inf:
        return _largest(ew.abs(x), axis=axes, keepdims=keepdims)
    if order == -math.inf:
        return _smallest(ew.abs(x), axes, keepdims, order, x.shape)
    if order == 0:  # the count of nonzeros: a piecewise-constant function, gradient 0
        nonzero = computed_from_values((x.data != 0).astype(x.dtype))
        count = red.sum(wrap(nonzero), axes, keepdims)
        return ew.linked(count, x)
    return VectorNorm(axes, float(order), keepdims)(x)


def _singular_value_norm(x, order, axes, keepdims):
    """The nuclear norm (the sum of the singular values), the largest (ord 2) or the
    smallest (ord -2), of the matrices over `axes`."""
    from .decompositions import svdvals  # (linear algebra loads on first use)
    from .layout import moveaxis
    rows, cols = axes
    matrices = moveaxis(x, (rows, cols), (-2, -1))
    values = svdvals(matrices)
    if not values.shape[-1] and order == -2:
        raise ValueError(f"norm: ord=-2 of empty matrices (shape {x.shape}) has no smallest "
                         "singular value")
    if order == "nuc" or not values.shape[-1]:  # (an empty matrix's norms are 0, NumPy's)
        y = red.sum(values, axis=-1)
    elif order == 2:
        y = red.max(values, axis=-1)
    else:
        y = red.min(values, axis=-1)
    if keepdims:
        for axis in sorted(axes):
            y = reshape_if_needed(y, y.shape[:axis] + (1,) + y.shape[axis:])
    return y


def _matrix_norm(x, order, axes, keepdims):
    """The Frobenius norm, the nuclear and spectral norms, or the max/min absolute column
    (ord +-1) or row (ord +-inf) sum."""
    if order in (None, "fro"):
        return VectorNorm(axes, 2.0, keepdims)(x)
    if order in ("nuc", 2, -2):
        return _singular_value_norm(x, order, axes, keepdims)
    row, col = axes if order in (1, -1) else axes[::-1]
    sums = red.sum(ew.abs(x), row, keepdims=True)
    if order > 0:
        y = _largest(sums, axis=col, keepdims=True)
    else:
        y = _smallest(sums, (col,), True, order, x.shape)
    return y if keepdims else reshape_if_needed(y, tuple(
        n for i, n in enumerate(y.shape) if i not in axes))


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002  (NumPy's name)
    """NumPy's np.linalg.norm: a vector norm over one axis (ord: None or 2, any real p, inf,
    -inf, 0), a matrix norm over two (ord: None or 'fro', 'nuc', 2, -2, 1, -1, inf, -inf), or
    with
    axis=None and ord=None the 2-norm of all elements; the zero vector gets gradient 0."""
    x = float_input(x, "norm")
    if axis is None:
        if ord is None:
            return VectorNorm(tuple(range(x.ndim)), 2.0, keepdims)(x)
        if x.ndim not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} needs a 1-D or 2-D input, or an axis; got "
                             f"shape {x.shape}")
        axis = tuple(range(x.ndim))
    axes = normalize_axes(axis, x.ndim, "norm")
    if len(axes) == 1:
        if isinstance(ord, str) or not isinstance(ord, (numbers.Real, type(None))):
            raise ValueError(f"norm: invalid ord {ord!r} for a vector norm (axis {axis!r})")
        return _vector_norm(x, ord, axes, keepdims)
    if len(axes) == 2:
        if ord not in (None, "fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
            raise ValueError(f"norm: invalid ord {ord!r} for a matrix norm (axis {axis!r})")
        return _matrix_norm(x, ord, axes, keepdims)
    raise ValueError(f"norm: axis must name 1 or 2 axes, got {axis!r} (input shape {x.shape});"
                     f" for the 2-norm of every element give axis=None")


def vector_norm(x, ord=2, dim=None, keepdim=False):  # noqa: A002  (PyTorch's names)
    """PyTorch's linalg.vector_norm: the p-norm of the elements over `dim` (an int, a
    tuple, or None: all of them) as one vector, whatever their number of axes (NumPy's
    norm over two axes is a matrix norm instead)."""
    x = float_input(x, "vector_norm")
    if isinstance(ord, str) or not isinstance(ord, numbers.Real):
        raise ValueError(f"vector_norm: ord must be a real number (2, 1, inf, ...), got "
                         f"{ord!r}")
    axes = normalize_axes(every_dim_if_empty(dim), x.ndim, "vector_norm")
    empty = [a for a in axes if x.shape[a] == 0]
    if ord == math.inf and empty:  # (NumPy's norm gives 0 there; PyTorch's raises)
        raise ValueError(f"vector_norm: ord=inf is a maximum, and axis {empty[0]} of the input "
                         f"(shape {x.shape}) has size 0: there is nothing to take it over")
    return _vector_norm(x, ord, axes, keepdim)


def matrix_norm(x, ord="fro", dim=(-2, -1), keepdim=False):  # noqa: A002 (PyTorch's names)
    """PyTorch's linalg.matrix_norm: the matrix norm ('fro', 'nuc', 2, -2, 1, -1, inf,
    -inf) of the matrices over the two axes `dim`."""
    x = float_input(x, "matrix_norm")
    axes = normalize_axes(dim, x.ndim, "matrix_norm")
    if len(axes) != 2:
        raise ValueError(f"matrix_norm: dim must name 2 axes, got {dim!r} (input shape "
                         f"{x.shape})")
    if ord not in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
        raise ValueError(f"matrix_norm: ord must be 'fro', 'nuc', 2, -2, 1, -1, inf or -inf, "
                         f"got {ord!r}")
    return _matrix_norm(x, ord, axes, keepdim)
