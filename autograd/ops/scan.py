"""Scans along one axis: cumsum and cumprod (NumPy's; axis=None scans the flattened array)."""
import numpy as np

from ..backend import get_array_module
from ..config import Config
from ..function import Function
from ..spec import Axes, Spec
from ..variable import as_variable, in_dtype, torch_axis, wrap
from .accumulation import reduced
from .elementwise import astype, where
from .rearrange import reversed_view
from .reduction import sum as reduce_sum
from .shape import expand_dims, reshape, transpose
from .validation import normalize_axis


class Cumsum(Function):
    """y_k = sum_{j <= k} x_j along `axis`;  dx_i = sum_{k >= i} gy_k"""

    input_specs = (Spec(min_dims=1),)
    arg_specs = {"axis": Axes(of=0, single=True)}
    apply = staticmethod(lambda x, axis: cumsum(x, axis))
    reference = staticmethod(lambda x, axis: np.cumsum(x, axis))

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return reduced(x, "cumsum", axis=self.axis)

    def backward(self, gy):
        return reverse_cumsum(gy, self.axis)


class Cumprod(Function):
    """y_k = prod_{j <= k} x_j along `axis`;  dx_i = sum_{k >= i} gy_k prod_{j <= k, j != i} x_j
    (= sum_{k >= i} gy_k y_k / x_i before the first zero; see _grad_with_zeros)"""

    input_specs = (Spec(min_dims=1, elements=(0.5, 1.5)),)
    arg_specs = {"axis": Axes(of=0, single=True)}
    apply = staticmethod(lambda x, axis: cumprod(x, axis))
    reference = staticmethod(lambda x, axis: np.cumprod(x, axis))

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return reduced(x, "cumprod", axis=self.axis)

    def backward(self, gy):
        x, y = self.inputs[0], self.outputs[0]()
        if x.shape[self.axis] == 1:  # y = x: gy itself, also where x is inf (y / x is nan)
            return gy
        if not (x.data == 0).any():
            return reverse_cumsum(gy * y, self.axis) / x
        if Config.enable_backprop:  # building a graph (create_graph): see _products_without
            return _products_without(gy, x, self.axis)
        return _grad_with_zeros(gy, x, y, self.axis)


def _products_without(gy, x, axis):
    """Cumprod's gradient where x has zeros, as a function of x that stays right off them
    (for higher derivatives): dx_i = sum_{k >= i} gy_k w_ik, w_ik = prod_{j <= k, j != i}
    x_j, from the cumprod of n copies of x, the i-th with x_i set to 1. O(n^2) memory per
    line, so used only while a graph is built (PyTorch does the same)."""
    xp = get_array_module(x.data)
    n = x.shape[axis]
    order = tuple(i for i in range(x.ndim) if i != axis) + (axis,)
    xs, gys = transpose(x, order), transpose(gy, order)  # the axis last
    eye = xp.eye(n, dtype=x.dtype)
    copies = expand_dims(xs, -2) * wrap(1 - eye) + wrap(eye)  # [..., i, j]
    w = cumprod(copies, -1)  # [..., i, k]
    upper = wrap(xp.triu(xp.ones((n, n), x.dtype)))  # k >= i
    gx = reduce_sum(expand_dims(gys, -2) * w * upper, axis=-1)
    return transpose(gx, tuple(np.argsort(order)))


def _grad_with_zeros(gy, x, y, axis):
    """Cumprod's gradient where x has zeros, in O(n) (first-order backprop): with z the first
    zero along the axis, dx_i is the no-zero formula for i < z, 0 for i > z (every product
    holds x_z = 0), and at z y_(z-1) sum_{k >= z} gy_k prod_{z < j <= k} x_j. Its value is
    right; as a function of x it is not (dx_i, i > z, moves with x_z): no graph uses it."""
    xp = get_array_module(x.data)
    n = x.shape[axis]
    zero = x.data == 0
    pos = xp.arange(n).reshape((n,) + (1,) * (x.ndim - axis - 1))
    z = xp.where(zero.any(axis=axis, keepdims=True), zero.argmax(axis=axis, keepdims=True), n)
    before, at = pos < z, pos == z
    one = wrap(xp.ones((), x.dtype))
    g_before = reverse_cumsum(gy * y, axis) / where(before, x, one)
    tail = cumprod(where(pos <= z, one, x), axis)  # prod_{z < j <= k} x_j (1 at k <= z)
    after = reduce_sum(where(pos >= z, gy * tail, 0.0), axis=axis, keepdims=True)
    lead = reduce_sum(where(pos == z - 1, y, 0.0), axis=axis, keepdims=True) + wrap(
        (z == 0).astype(x.dtype))  # y_(z-1), 1 for a leading zero
    return where(before, g_before, 0.0) + where(at, lead * after, 0.0)


def reverse_cumsum(x, axis):
    """y_i = sum_{k >= i} x_k along `axis`."""
    axes = (axis % x.ndim,)
    return reversed_view(cumsum(reversed_view(x, axes), axis), axes)


def _scan(cls, x, axis, who, dtype=None):
    """cls's scan of x along `axis` (None: NumPy's flattened array), in `dtype` when given
    (NumPy's and PyTorch's dtype=: x cast first). A 0-d x scanned along dim 0 or -1 is
    itself, as PyTorch gives it (NumPy has no axis 0 there: AxisError)."""
    x = as_variable(x, who=who)
    if dtype is not None:
        x = astype(x, dtype)
    if axis is None:  # NumPy's: the flattened array
        x, axis = reshape(x, (-1,)), 0
    elif x.ndim == 0 and axis in (0, -1):
        return in_dtype(reshape(cls(0)(reshape(x, (1,))), ()), dtype)
    return in_dtype(cls(normalize_axis(axis, x.ndim, who))(x), dtype)


def cumsum(x, axis=None, dtype=None, *, dim=None):
    return _scan(Cumsum, x, torch_axis(axis, False, dim, None, "cumsum")[0], "cumsum", dtype)


def cumprod(x, axis=None, dtype=None, *, dim=None):
    return _scan(Cumprod, x, torch_axis(axis, False, dim, None, "cumprod")[0], "cumprod",
                 dtype)
