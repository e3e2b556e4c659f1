"""PyTorch's Tensor methods on Variable, for code ported from PyTorch: `x.exp()`,
`x.pow(2)`, `x.gather(1, idx)`, `x.split(2)`, `p.grad.zero_()`... Each is one line over an
op of autograd.ops, under PyTorch's name and arguments (`dim`, `keepdim`); the methods
Variable has under NumPy's names (sum, mean, max, reshape, transpose, clip...) are in
variable.py. Of the activations, relu, softmax and log_softmax are here (autograd.ops.activation,
which nn.functional re-exports); the others are nn.functional's (F.gelu(x)): autograd sits
below nn.

The trailing-underscore methods change the Variable in place, as PyTorch's, where no graph
is recorded for it: under no_grad(), or on a Variable that is no op's result and needs no
gradient (a `.grad`, a batch). A graph's Variables refuse, by name: rungrad's graph records
no in-place op (`x = x + y` makes a new one)."""
import math

import numpy as np

from . import variable as _variable  # (its `_ops` is autograd.ops, bound once both exist)
from .arguments import numpy_dtype, positive_int
from .backend import get_array_module
from .config import Config, no_grad
from .random_states import draw_source


def _in_place_of(name):
    """PyTorch's `name_`: the method `name`'s result written back into the Variable (its
    shape, its dtype's kind), where _write_in_place allows."""
    def method(self, *args, **named):
        def write(data):
            with no_grad():
                result = getattr(self, name)(*args, **named)
            _result_into(data, result, method.__name__)
        return self._write_in_place(method.__name__, write, *args, *named.values())
    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In place: self = self.{name}(...) (PyTorch's {name}_)."
    return method


class TensorMethods:
    """The mixin of Variable with PyTorch's method names."""

    __slots__ = ()

    # ----- elementwise math -----
    def exp(self):
        return _variable._ops.exp(self)

    def log(self):
        return _variable._ops.log(self)

    def log1p(self):
        return _variable._ops.log1p(self)

    def expm1(self):
        return _variable._ops.expm1(self)

    def sqrt(self):
        return _variable._ops.sqrt(self)

    def rsqrt(self):
        return 1 / _variable._ops.sqrt(self)

    def sin(self):
        return _variable._ops.sin(self)

    def cos(self):
        return _variable._ops.cos(self)

    def tan(self):
        return _variable._ops.tan(self)

    def tanh(self):
        return _variable._ops.tanh(self)

    def sigmoid(self):
        return _variable._ops.sigmoid(self)

    def relu(self):
        return _variable._ops.relu(self)

    def softmax(self, dim, dtype=None):
        """Softmax over `dim` (required, as PyTorch's method); dtype: self is cast to it
        first."""
        return _variable._ops.softmax(self, dim, dtype=dtype)

    def log_softmax(self, dim, dtype=None):
        """log(softmax) over `dim` (required), computed stably; dtype as softmax's."""
        return _variable._ops.log_softmax(self, dim, dtype=dtype)

    def abs(self):
        return _variable._ops.abs(self)

    absolute = abs  # noqa: A003 (the method, PyTorch's alias)

    def neg(self):
        return -self

    negative = neg

    def square(self):
        return self * self

    def reciprocal(self):
        return 1 / self

    def pow(self, exponent):
        return self ** exponent

    # PyTorch's method forms of the operators (add and sub with alpha: x + alpha * other)
    def add(self, other, *, alpha=1):
        return self + (other if alpha == 1 else alpha * other)

    def sub(self, other, *, alpha=1):
        return self - (other if alpha == 1 else alpha * other)

    def mul(self, other):
        return self * other

    def div(self, other, *, rounding_mode=None):
        """self / other; rounding_mode 'floor' (//, no gradient) or 'trunc' (toward 0)."""
        if rounding_mode is None:
            return self / other
        if rounding_mode == "floor":
            return self // other
        if rounding_mode == "trunc":
            if self.dtype.kind in "iu" and _dtype_kind(other) in "biu":  # exact, as PyTorch's
                return (self - _variable._ops.fmod(self, other)) // other  # (x - fmod) / y
            return _variable._ops.trunc(self / other)
        raise ValueError(f"div: rounding_mode must be None, 'floor' or 'trunc', got "
                         f"{rounding_mode!r}")

    multiply, subtract, divide, true_divide = mul, sub, div, div

    def floor_divide(self, other):
        return self // other

    # comparisons: boolean Variables, as the operators give (no gradient)
    def eq(self, other):
        return self == other

    def ne(self, other):
        return self != other

    def lt(self, other):
        return self < other

    def le(self, other):
        return self <= other

    def gt(self, other):
        return self > other

    def ge(self, other):
        return self >= other

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _variable._ops.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _variable._ops.allclose(self, other, rtol, atol, equal_nan)

    def logical_and(self, other):
        return _variable._ops.logical_and(self, other)

    def logical_or(self, other):
        return _variable._ops.logical_or(self, other)

    def logical_xor(self, other):
        return _variable._ops.logical_xor(self, other)

    def logical_not(self):
        return _variable._ops.logical_not(self)

    def bitwise_not(self):
        return ~self

    def bitwise_and(self, other):
        return _variable._ops.bitwise_and(self, other)

    def bitwise_or(self, other):
        return _variable._ops.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return _variable._ops.bitwise_xor(self, other)

    def nextafter(self, other):
        return _variable._ops.nextafter(self, other)

    def equal(self, other):
        """PyTorch's equal: True when other has the same shape and values (NaN equals
        nothing), a Python bool (autograd.equal is NumPy's elementwise one)."""
        other = _variable.as_variable(other, who="equal")
        return self.shape == other.shape and bool(get_array_module(self.data).array_equal(
            self.data, _raw(other, self.data)))

    def ravel(self):
        return self.reshape(-1)

    def maximum(self, other):
        return _variable._ops.maximum(self, other)

    def clamp_min(self, min):  # noqa: A002 (PyTorch's names)
        return _variable._ops.clip(self, min, None)

    def clamp_max(self, max):  # noqa: A002 (PyTorch's names)
        return _variable._ops.clip(self, None, max)

    def minimum(self, other):
        return _variable._ops.minimum(self, other)

    # elementwise math
    def sinh(self):
        return _variable._ops.sinh(self)

    def cosh(self):
        return _variable._ops.cosh(self)

    def asinh(self):
        return _variable._ops.asinh(self)

    def acosh(self):
        return _variable._ops.acosh(self)

    def atanh(self):
        return _variable._ops.atanh(self)

    def asin(self):
        return _variable._ops.asin(self)

    def acos(self):
        return _variable._ops.acos(self)

    def atan(self):
        return _variable._ops.atan(self)

    def atan2(self, other):
        return _variable._ops.atan2(self, other)

    def hypot(self, other):
        return _variable._ops.hypot(self, other)

    def log2(self):
        return _variable._ops.log2(self)

    def log10(self):
        return _variable._ops.log10(self)

    def exp2(self):
        return _variable._ops.exp2(self)

    def xlogy(self, other):
        return _variable._ops.xlogy(self, other)

    def logit(self, eps=None):
        return _variable._ops.logit(self, eps)

    def floor(self):
        return _variable._ops.floor(self)

    def ceil(self):
        return _variable._ops.ceil(self)

    def round(self, decimals=0):
        return _variable._ops.round(self, decimals)

    def trunc(self):
        return _variable._ops.trunc(self)

    fix = trunc

    def frac(self):
        return _variable._ops.frac(self)

    def sign(self):
        return _variable._ops.sign(self)

    sgn = sign  # (PyTorch's sgn, sign for real numbers)

    def fmod(self, other):
        return _variable._ops.fmod(self, other)

    def remainder(self, other):
        return _variable._ops.remainder(self, other)

    def copysign(self, other):
        return _variable._ops.copysign(self, other)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return _variable._ops.nan_to_num(self, nan, posinf, neginf)

    def lerp(self, end, weight):
        return _variable._ops.lerp(self, end, weight)

    def addcmul(self, tensor1, tensor2, *, value=1):
        """self + value * tensor1 * tensor2, broadcast (PyTorch's addcmul)."""
        return self + _times(value, tensor1 * _variable.as_variable(tensor2, who="addcmul"))

    def addcdiv(self, tensor1, tensor2, *, value=1):
        """self + value * tensor1 / tensor2, broadcast (PyTorch's addcdiv)."""
        return self + _times(value, _variable.as_variable(tensor1, who="addcdiv") / tensor2)

    def logaddexp(self, other):
        return _variable._ops.logaddexp(self, other)

    def logaddexp2(self, other):
        return _variable._ops.logaddexp2(self, other)

    def fmax(self, other):
        return _variable._ops.fmax(self, other)

    def fmin(self, other):
        return _variable._ops.fmin(self, other)

    def sinc(self):
        return _variable._ops.sinc(self)

    def erf(self):
        return _variable._ops.erf(self)

    def erfc(self):
        return _variable._ops.erfc(self)

    def erfinv(self):
        return _variable._ops.erfinv(self)

    def lgamma(self):
        return _variable._ops.lgamma(self)

    def digamma(self):
        return _variable._ops.digamma(self)

    def polygamma(self, n):
        return _variable._ops.polygamma(n, self)

    def float_power(self, exponent):
        """self ** exponent in float64, whatever the dtypes (PyTorch's float_power)."""
        return _float64(self, "float_power") ** _float64(exponent, "float_power")

    def heaviside(self, values):
        """PyTorch's heaviside: 0 where self < 0 (or NaN), `values` (broadcast, of self's
        dtype) where it is 0, 1 where it is > 0. The gradient reaches `values` alone (where
        self is 0); PyTorch's has none."""
        values = _variable.as_variable(values, who="heaviside")
        if values.dtype != self.dtype:
            raise TypeError(f"heaviside: expects values of the input's dtype {self.dtype}, got "
                            f"{values.dtype}")
        xp = get_array_module(self.data)
        zero, one = (xp.asarray(v, self.dtype) for v in (0, 1))
        return _variable._ops.where(self == 0, values, _variable._ops.where(self > 0, one, zero))

    def deg2rad(self):
        """Degrees to radians (integers give float32, PyTorch's default dtype)."""
        return _float_of(self, "deg2rad") * (math.pi / 180)

    def rad2deg(self):
        """Radians to degrees (integers give float32, PyTorch's default dtype)."""
        return _float_of(self, "rad2deg") * (180 / math.pi)

    def angle(self):
        """The argument of each real element: pi where it is negative, else 0, NaN for NaN
        (PyTorch's angle of a real tensor; its gradient is 0); integers give float32."""
        x = _float_of(self, "angle")
        xp = get_array_module(x.data)
        pi, zero = (xp.asarray(v, x.dtype) for v in (math.pi, 0))
        return _variable._ops.where(x.isnan(), x, _variable._ops.where(x < 0, pi, zero))

    # ----- products -----
    def matmul(self, other):
        return _variable._ops.matmul(self, other)

    def mm(self, other):
        """The product of two 2-D Variables (PyTorch's mm: no broadcasting)."""
        _need_dims(self, other, 2, "mm")
        return _variable._ops.matmul(self, other)

    def bmm(self, other):
        """The batched product of two 3-D Variables, (b, n, m) @ (b, m, p)."""
        _need_dims(self, other, 3, "bmm")
        if self.shape[0] != other.shape[0]:
            raise ValueError(f"bmm: batch sizes differ: {self.shape} and {other.shape}")
        return _variable._ops.matmul(self, other)

    def mv(self, vec):
        """The product of a 2-D Variable and a 1-D one (PyTorch's mv)."""
        vec = _variable.as_variable(vec, who="mv")
        if self.ndim != 2 or vec.ndim != 1:
            raise ValueError(f"mv: expects a 2-D Variable and a 1-D one, got shapes {self.shape} "
                             f"and {vec.shape}")
        return _variable._ops.matmul(self, vec)

    def dot(self, other):
        """The dot product of two 1-D Variables of one length (PyTorch's dot)."""
        return _dot(self, other, "dot")

    def vdot(self, other):
        """PyTorch's vdot: dot's product (of real Variables, whose conjugate is themselves)."""
        return _dot(self, other, "vdot")

    def inner(self, other):
        """PyTorch's inner: the sum of products over the last dims of both, the result's
        shape self's other dims then other's; a 0-d one multiplies."""
        other = _variable.as_variable(other, who="inner")
        if self.ndim == 0 or other.ndim == 0:
            return self * other
        if self.shape[-1] != other.shape[-1]:
            raise ValueError(f"inner: the last dims differ in length: shapes {self.shape} and "
                             f"{other.shape}")
        return _variable._ops.tensordot(self, other, ((-1,), (-1,)))

    def matrix_power(self, n):
        """A square matrix (or each of a batch, (..., n, n)) to the integer power n, by
        repeated squaring; n = 0 the identity (no gradient), n < 0 the inverse's power."""
        from .ops.validation import integer
        n = integer(n, "n", "matrix_power")
        if self.ndim < 2 or self.shape[-1] != self.shape[-2]:
            raise ValueError(f"matrix_power: expects a square matrix or a batch of them "
                             f"(..., n, n), got shape {self.shape}")
        if n == 0:
            xp = get_array_module(self.data)
            return _variable.wrap(xp.broadcast_to(xp.eye(self.shape[-1], dtype=self.dtype),
                                                  self.shape).copy())
        base, n = (self, n) if n > 0 else (_variable._ops.inv(self), -n)
        result = None
        while True:  # (result collects base^(2^k) for the bits k of n)
            if n & 1:
                result = base if result is None else _variable._ops.matmul(result, base)
            n >>= 1
            if not n:
                return _variable._ops.clone(result) if result is self else result
            base = _variable._ops.matmul(base, base)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        """beta * self + alpha * (mat1 @ mat2), two 2-D matrices (PyTorch's addmm)."""
        return _scaled_sum(self, beta, _product(mat1, mat2, 2, "addmm"), alpha, "addmm")

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        """beta * self + alpha * (mat @ vec), a 2-D matrix and a 1-D vector."""
        return _scaled_sum(self, beta, _variable.as_variable(mat, who="addmv").mv(vec), alpha,
                           "addmv")

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        """beta * self + alpha * outer(vec1, vec2), two 1-D vectors."""
        product = _product(vec1, vec2, 1, "addr", _variable._ops.outer)
        return _scaled_sum(self, beta, product, alpha, "addr")

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """beta * self + alpha * (batch1 @ batch2), two batches (b, n, m), (b, m, p)."""
        return _scaled_sum(self, beta, _product(batch1, batch2, 3, "baddbmm"), alpha, "baddbmm")

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """beta * self + alpha * the sum over the batch of batch1[i] @ batch2[i]."""
        product = _product(batch1, batch2, 3, "addbmm").sum(axis=0)
        return _scaled_sum(self, beta, product, alpha, "addbmm")

    def inverse(self):
        return _variable._ops.inv(self)

    def matrix_exp(self):
        return _variable._ops.matrix_exp(self)

    def logdet(self):
        return _variable._ops.logdet(self)

    def slogdet(self):
        return _variable._ops.slogdet(self)

    def msort(self):
        """The values sorted along dim 0 (PyTorch's msort)."""
        if self.ndim == 0:
            raise ValueError("msort: a 0-d Variable has no dim 0 to sort along")
        return _variable._ops.sort(self, 0)

    def t(self):
        """The transpose of a Variable of at most 2 dimensions (PyTorch's t)."""
        if self.ndim > 2:
            raise ValueError(f"t: expects at most 2 dimensions, got shape {self.shape}; "
                             f"use transpose(dim0, dim1)")
        return _variable._ops.transpose(self) if self.ndim == 2 else self

    # ----- reductions -----
    def logsumexp(self, dim, keepdim=False):
        dim = _variable.every_dim_if_empty(dim)
        return _on_0d(self, dim, lambda v, d: _variable._ops.logsumexp(v, d, keepdims=keepdim))

    def amax(self, dim=None, keepdim=False):
        dim = _variable.every_dim_if_empty(dim)
        return _on_0d(self, dim, lambda v, d: _variable._ops.max(v, axis=d, keepdims=keepdim))

    def amin(self, dim=None, keepdim=False):
        dim = _variable.every_dim_if_empty(dim)
        return _on_0d(self, dim, lambda v, d: _variable._ops.min(v, axis=d, keepdims=keepdim))

    def aminmax(self, *, dim=None, keepdim=False):
        """PyTorch's aminmax: the named pair (min, max) over `dim` (all by default)."""
        return _variable._ops.aminmax(self, dim=dim, keepdim=keepdim)

    def norm(self, p="fro", dim=None, keepdim=False):
        """PyTorch's norm: the p-norm of the elements over `dim` (all by default; 'fro' is
        p = 2) as one vector; 'nuc' the nuclear norm of the matrices over the two axes
        `dim` (of a 2-D Variable by default)."""
        if p == "nuc":
            dims = tuple(range(self.ndim)) if dim is None else dim
            return _variable._ops.matrix_norm(self, "nuc", dims, keepdim)
        p = 2 if p == "fro" else p
        return _on_0d(self, dim, lambda v, d: _variable._ops.vector_norm(v, p, d, keepdim))

    def sort(self, dim=-1, descending=False, *, stable=True):
        """PyTorch's sort: (values, indices) along `dim`, values carrying the gradient;
        always stable (ties keep their order). (autograd.sort is NumPy's: the values.)"""
        from .ops.sorting import ValuesIndices, sorted_with_indices
        if self.ndim == 0:  # (PyTorch's dims 0 and -1 of a 0-d tensor: itself)
            _on_0d(self, dim, lambda v, d: v)
            return ValuesIndices(self.clone(), np.zeros((), np.int64))
        # one op, whose forward a captured step's replay runs again (argsort's plain indices
        # would be refused there)
        return sorted_with_indices(self, dim, descending, None, "sort")

    def topk(self, k, dim=-1, largest=True, sorted=True):  # noqa: A002 (PyTorch's names)
        return _variable._ops.topk(self, k, dim, largest, sorted)

    # ----- moved, repeated, cut -----
    def flip(self, *dims, **named):
        if not dims and not named:
            raise TypeError("flip: give the dims to flip (PyTorch's flip(dims)); "
                            "autograd.flip(x) flips every axis, as NumPy's")
        dims = _varargs(dims) if dims else _named_dims(named, "flip")
        return _on_0d(self, dims, lambda v, d: _variable._ops.flip(v, d))

    def fliplr(self):
        """Dim 1 reversed (left to right), of a Variable of at least 2 dims."""
        if self.ndim < 2:
            raise ValueError(f"fliplr: expects at least 2 dimensions, got shape {self.shape}")
        return _variable._ops.flip(self, 1)

    def flipud(self):
        """Dim 0 reversed (up to down), of a Variable of at least 1 dim."""
        if self.ndim < 1:
            raise ValueError("flipud: expects at least 1 dimension, got a 0-d Variable")
        return _variable._ops.flip(self, 0)

    def broadcast_to(self, size):
        """PyTorch's broadcast_to: expand's (-1 keeps an axis' size)."""
        return self.expand(size)

    def sum_to_size(self, *size):
        """Summed down to `size` (sum_to), a size that broadcasts to the Variable's shape."""
        size = tuple(_varargs(size))
        if not _broadcasts_to(size, self.shape):
            raise ValueError(f"sum_to_size: size {size} is not expandable to the Variable's "
                             f"shape {self.shape}")
        return _variable._ops.sum_to(self, size)

    def swapaxes(self, axis0, axis1):
        return _variable._ops.swapaxes(self, axis0, axis1)

    swapdims = swapaxes

    @property
    def mT(self):  # noqa: N802 (PyTorch's name)
        """The last two axes swapped (a batch of matrices transposed)."""
        if self.ndim < 2:
            raise ValueError(f"mT: needs at least 2 dimensions, got shape {self.shape}")
        return _variable._ops.swapaxes(self, -2, -1)

    def ndimension(self):
        return self.ndim

    def nelement(self):
        return self.size

    def element_size(self):
        """The bytes of one element (its dtype's item size)."""
        return self.dtype.itemsize

    def is_contiguous(self, memory_format=None):
        """True, as contiguous() gives self: no rungrad op needs a contiguous copy."""
        return True

    def contiguous(self, memory_format=None):
        """self: rungrad's arrays need no contiguous copy for any op (PyTorch's view rules
        are NumPy's strides here)."""
        return self

    def roll(self, shifts, dims=None):
        return _variable._ops.roll(self, shifts, dims)

    def repeat(self, *sizes):
        """PyTorch's repeat (NumPy's tile): `sizes` repeats per axis, at least one per
        axis of the Variable."""
        sizes = _varargs(sizes)
        if len(sizes) < self.ndim:
            raise ValueError(f"repeat: {len(sizes)} repeats for a Variable of {self.ndim} "
                             f"dimensions (shape {self.shape}); give one per dimension")
        return _variable._ops.tile(self, sizes)

    def tile(self, *dims):
        return _variable._ops.tile(self, _varargs(dims))

    def split(self, split_size_or_sections, dim=0):
        """PyTorch's split: pieces of `split_size_or_sections` elements, or of the listed
        sizes (autograd.split is NumPy's, which takes cut points)."""
        return _variable._ops.split_sizes(self, split_size_or_sections, dim)

    def tensor_split(self, indices_or_sections, dim=0):
        """PyTorch's tensor_split: n sections (the first size % n one element longer) or
        the pieces between the listed indices (an int64 Variable too), as a tuple."""
        from .ops.validation import integer, normalize_axis
        axis = normalize_axis(dim, self.ndim, "tensor_split")
        cuts = indices_or_sections
        if isinstance(cuts, _variable.Variable):  # (its values as a setting, as split's)
            cuts = _variable.computed_from_values(np.array(cuts.numpy()))
        if np.ndim(cuts) == 0:
            sections = integer(cuts, "sections", "tensor_split")
            if sections < 1:
                raise ValueError(f"tensor_split: the number of sections must be at least 1, "
                                 f"got {sections}")
            size, extra = divmod(self.shape[axis], sections)
            cuts = [i * size + min(i, extra) for i in range(1, sections)]
        elif np.ndim(cuts) != 1 or (len(cuts) and np.asarray(cuts).dtype.kind not in "iu"):
            raise TypeError(f"tensor_split: expects an int of sections or a 1-D sequence of "
                            f"integer indices, got {indices_or_sections!r}")
        return tuple(_variable._ops.split(self, [int(c) for c in cuts], axis))

    def chunk(self, chunks, dim=0):
        return _variable._ops.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return _variable._ops.unbind(self, dim)

    def narrow(self, dim, start, length):
        return _variable._ops.narrow(self, dim, start, length)

    def select(self, dim, index):
        """PyTorch's select: the slice at `index` (negative counts from the end) along `dim`,
        that axis dropped (x.select(1, i) is x[:, i]), a view."""
        from .ops.validation import integer, normalize_axis
        if self.ndim == 0:
            raise IndexError("select: a 0-d Variable has no dim to select from")
        axis = normalize_axis(dim, self.ndim, "select")
        index, n = integer(index, "index", "select"), self.shape[axis]
        if not -n <= index < n:
            raise IndexError(f"select: index {index} is out of range for dim {dim} of size "
                             f"{n} (shape {self.shape})")
        return self[(slice(None),) * axis + (index,)]

    def expand_as(self, other):
        return self.expand(other.shape)

    def view_as(self, other):
        return self.reshape(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def type_as(self, other):
        return _variable._ops.astype(self, other.dtype)

    # ----- selection by index arrays -----
    def gather(self, dim, index):
        return _variable._ops.gather(self, dim, index)

    def take_along_dim(self, indices, dim=None):
        """PyTorch's take_along_dim: take_along_axis over `dim`; with dim None, of the
        flattened Variable and indices."""
        if dim is None:
            flat = _variable.as_variable(indices, who="take_along_dim").reshape(-1)
            return _variable._ops.take_along_axis(self.reshape(-1), flat, 0)
        return _variable._ops.take_along_axis(self, indices, dim)

    def unfold(self, dimension, size, step):
        """PyTorch's Tensor.unfold: the windows of `size` elements, `step` apart, along
        `dimension`, as a new last axis (..., windows, ..., size); a copy (PyTorch's is a
        view), its gradient summed where windows overlap."""
        from .ops.validation import normalize_axis
        dim = normalize_axis(dimension, self.ndim, "unfold")
        step = positive_int(step, "step", "unfold")
        if not 0 <= size <= self.shape[dim]:
            raise ValueError(f"unfold: size {size!r} must be between 0 and the size of dim "
                             f"{dimension} ({self.shape[dim]}), for shape {self.shape}")
        starts = np.arange(0, self.shape[dim] - size + 1, step)
        windows = self[(slice(None),) * dim + (starts[:, None] + np.arange(size),)]
        return _variable._ops.movedim(windows, dim + 1, -1)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        """PyTorch's scatter; reduce='add' or 'multiply' (its older form of scatter_reduce,
        'sum' and 'prod' with include_self) adds or multiplies src (or value) in instead."""
        src = _one_of(src, value, "scatter")
        if reduce is None:
            return _variable._ops.scatter(self, dim, index, src)
        if reduce not in ("add", "multiply"):
            raise ValueError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
        if not isinstance(src, _variable.Variable) and np.ndim(src) == 0:  # value at every index
            src = np.full(np.shape(index), src, self.dtype)
        return _variable._ops.scatter_reduce(self, dim, index, src,
                                             "sum" if reduce == "add" else "prod")

    def scatter_add(self, dim, index, src):
        return _variable._ops.scatter_add(self, dim, index, src)

    def index_select(self, dim, index):
        return _variable._ops.index_select(self, dim, index)

    def masked_fill(self, mask, value):
        return _variable._ops.masked_fill(self, mask, value)

    def where(self, condition, other):
        """PyTorch's x.where(condition, y): x where condition holds, else y."""
        return _variable._ops.where(condition, self, other)

    # ----- devices and the graph, PyTorch's names -----
    @property
    def grad_fn(self):
        """PyTorch's name for `creator`: the Function that made this Variable (None for a
        leaf)."""
        return self.creator

    @property
    def device(self):
        """'cuda' for a GPU (CuPy) array, else 'cpu'."""
        return "cuda" if _variable.is_gpu_array(self.data) else "cpu"

    def is_floating_point(self):
        """Whether the dtype is a floating-point one (float16, float32, float64)."""
        return self.dtype.kind == "f"

    def get_device(self):
        """PyTorch's get_device: -1 on the CPU, else the GPU's index."""
        return self.data.device.id if self.is_cuda else -1

    def pin_memory(self):
        """Itself: page-locked host memory speeds up CUDA's copies in PyTorch, and CuPy
        copies from NumPy arrays as they are."""
        return self

    def is_pinned(self):
        return False

    def stride(self, dim=None):
        """The steps between neighbouring elements along each axis, in elements (PyTorch's
        stride; NumPy's strides are in bytes); of axis `dim` when given."""
        from .ops.validation import normalize_axis
        steps = tuple(step // self.data.itemsize for step in self.data.strides)
        return steps if dim is None else steps[normalize_axis(dim, self.ndim, "stride")]

    @property
    def is_cuda(self):
        """Whether the data is on the GPU (PyTorch's name)."""
        return self.device == "cuda"

    def cpu(self):
        """Its data on the CPU (in place, as to_cpu; itself where it is there already)."""
        return self.to_cpu()

    def cuda(self, device=None):
        """Its data on the GPU (in place, as to_gpu)."""
        return self.to_gpu()

    def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False):
        """PyTorch's to: a device ('cpu', 'cuda'; in place, as to_cpu / to_gpu), a dtype (a
        new Variable, as astype), or both."""
        for arg in args:
            if isinstance(arg, str) and arg.split(":")[0] in ("cpu", "cuda"):
                device = arg
            elif hasattr(arg, "type") and str(arg.type) in ("cpu", "cuda"):
                device = str(arg.type)  # (a torch.device)
            else:
                dtype = arg
        moved = self if device is None else (
            self.to_cpu() if str(device).startswith("cpu") else self.to_gpu())
        return moved if dtype is None else _variable._ops.astype(moved, dtype)

    # ----- new constants beside this one (its dtype and device unless told; PyTorch's
    # dtype=, device= and requires_grad=) -----
    def new_zeros(self, *size, **options):
        return self._new_full(_size_given(size, options), 0, **options)

    def new_ones(self, *size, **options):
        return self._new_full(_size_given(size, options), 1, **options)

    def new_full(self, size, fill_value, **options):
        return self._new_full(tuple(size), fill_value, **options)

    def new_empty(self, *size, **options):
        """PyTorch's new_empty: its values are unspecified; rungrad's are zeros."""
        return self._new_full(_size_given(size, options), 0, **options)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        """A copy of `data` in this Variable's dtype (unless told), a leaf of its own."""
        data = get_array_module(self.data).asarray(
            data.data if isinstance(data, _variable.Variable) else data)
        return self._new_full(data.shape, data, dtype, device, requires_grad)

    def _new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        xp = get_array_module(self.data)
        dtype = self.dtype if dtype is None else numpy_dtype(dtype)
        if requires_grad and dtype.kind not in "fc":
            raise TypeError(f"new_full: only floating-point Variables can require grad, got "
                            f"dtype {dtype}")
        made = _variable.wrap(xp.full(size, fill_value, dtype), requires_grad)
        return made if device is None else made.to(device)

    # ----- in place, where no graph is recorded (see the module's docstring) -----
    def zero_(self):
        return self._write_in_place("zero_", lambda data: data.fill(0))

    def fill_(self, value):
        if value is None or isinstance(value, str):
            raise TypeError(f"fill_: value must be a number (or a 0-d Variable), got "
                            f"{value!r}")
        return self._write_in_place("fill_", lambda data: data.fill(_number(value)), value)

    def copy_(self, src):
        return self._write_in_place("copy_", lambda data: _copy_into(data, src), src)

    def add_(self, other, *, alpha=1):
        return self._write_in_place("add_", lambda data: _ufunc_into(
            data, "add", other if alpha == 1 else _raw(other, data) * alpha), other)

    def sub_(self, other, *, alpha=1):
        return self._write_in_place("sub_", lambda data: _ufunc_into(
            data, "subtract", other if alpha == 1 else _raw(other, data) * alpha), other)

    def mul_(self, other):
        return self._write_in_place("mul_", lambda data: _ufunc_into(data, "multiply", other),
                                    other)

    def div_(self, other):
        return self._write_in_place("div_", lambda data: _ufunc_into(data, "true_divide",
                                                                     other), other)

    def clamp_(self, min=None, max=None):  # noqa: A002 (PyTorch's names)
        """PyTorch's clamp_: bounds that are numbers or arrays (elementwise, broadcast)."""
        if min is None and max is None:
            raise ValueError("clamp_: min and max cannot both be None")

        def clamp(data):
            try:
                bounds = [None if b is None else _raw(b, data) for b in (min, max)]
                get_array_module(data).clip(data, *bounds, out=data, casting="same_kind")
            except (TypeError, ValueError) as exc:  # a bound the array cannot take or hold
                raise ValueError(f"clamp_ in place into an array of shape {data.shape} and "
                                 f"dtype {data.dtype}: {exc}") from None
        return self._write_in_place("clamp_", clamp, min, max)

    clip_ = clamp_  # (PyTorch's alias)

    def clamp_min_(self, min):  # noqa: A002 (PyTorch's names)
        return self.clamp_(min=min)

    def clamp_max_(self, max):  # noqa: A002 (PyTorch's names)
        return self.clamp_(max=max)

    def masked_fill_(self, mask, value):
        """PyTorch's masked_fill_: `value` (a number or a 0-d Variable, taken in the
        Variable's dtype as masked_fill takes it: 2.7 fills an int64 one with 2) where the
        boolean `mask` (broadcast to the Variable's shape) is True."""
        from .ops.selection import boolean_mask
        mask, shape = boolean_mask(mask, self, "masked_fill_")
        if shape != self.shape:
            raise ValueError(f"masked_fill_: a mask of shape {mask.shape} does not broadcast "
                             f"to the Variable's shape {self.shape}")
        if isinstance(value, _variable.Variable) and value.ndim != 0:
            raise ValueError(f"masked_fill_: value must be a number or a 0-d Variable, got "
                             f"shape {value.shape}")
        return self._write_in_place("masked_fill_", lambda data: get_array_module(data).copyto(
            data, get_array_module(data).asarray(_number(value), data.dtype), where=mask), value)

    # ----- in place: an out-of-place method's result written back -----
    (abs_, neg_, exp_, log_, sqrt_, rsqrt_, sigmoid_, relu_, tanh_, floor_, ceil_, round_,
     trunc_, reciprocal_, square_, pow_, lerp_, addcmul_, addcdiv_, addmm_, addmv_, addr_,
     baddbmm_, addbmm_, nan_to_num_, tril_, triu_, index_add_, index_fill_, index_copy_,
     index_put_, scatter_, scatter_add_, masked_scatter_) = map(_in_place_of, (
        "abs", "neg", "exp", "log", "sqrt", "rsqrt", "sigmoid", "relu", "tanh", "floor",
        "ceil", "round", "trunc", "reciprocal", "square", "pow", "lerp", "addcmul", "addcdiv",
        "addmm", "addmv", "addr", "baddbmm", "addbmm", "nan_to_num", "tril", "triu",
        "index_add", "index_fill", "index_copy", "index_put", "scatter", "scatter_add",
        "masked_scatter"))

    def fill_diagonal_(self, fill_value, wrap=False):
        """PyTorch's fill_diagonal_: `fill_value` on the main diagonal of a matrix (or of a
        Variable whose dims are all equal); wrap=True starts it again every ncols + 1 rows
        of a tall matrix."""
        if self.ndim < 2 or (self.ndim > 2 and len(set(self.shape)) != 1):
            raise ValueError(f"fill_diagonal_: needs a matrix or a Variable whose dims are all "
                             f"equal, got shape {self.shape}")
        return self._write_in_place("fill_diagonal_", lambda data: get_array_module(
            data).fill_diagonal(data, _number(fill_value), wrap=wrap), fill_value)

    # ----- random fills in place, from NumPy's global generator or `generator` (a NumPy
    # Generator or RandomState: np.random.seed(0) makes them reproducible), as nn.init's -----
    def uniform_(self, from_=0.0, to=1.0, *, generator=None):
        """Draws from U(from_, to)."""
        if not from_ <= to:
            raise ValueError(f"uniform_: expects the range [from, to), but found from={from_} "
                             f"> to={to}")
        return self._draw_in_place("uniform_", generator,
                                   lambda random, size: random.uniform(from_, to, size))

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        """Draws from N(mean, std^2)."""
        _need_at_least(std, 0, "std", "normal_")
        return self._draw_in_place("normal_", generator,
                                   lambda random, size: random.normal(mean, std, size))

    def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
        """Draws whose log is N(mean, std^2)."""
        _need_at_least(std, 0, "std", "log_normal_", strictly=True)
        return self._draw_in_place("log_normal_", generator,
                                   lambda random, size: random.lognormal(mean, std, size))

    def exponential_(self, lambd=1.0, *, generator=None):
        """Draws from the exponential distribution of rate `lambd`."""
        _need_at_least(lambd, 0, "lambd", "exponential_", strictly=True)
        return self._draw_in_place("exponential_", generator,
                                   lambda random, size: random.exponential(1 / lambd, size))

    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
        """Draws from the Cauchy distribution around `median` of scale `sigma`."""
        _need_at_least(sigma, 0, "sigma", "cauchy_", strictly=True)
        return self._draw_in_place("cauchy_", generator, lambda random, size: median + sigma *
                                   random.standard_cauchy(size))

    def geometric_(self, p, *, generator=None):
        """The number of Bernoulli(p) trials to the first success (1, 2, ...); any dtype."""
        if not 0 < p < 1:
            raise ValueError(f"geometric_: expects p in (0, 1), but got p={p}")
        return self._draw_in_place("geometric_", generator,
                                   lambda random, size: random.geometric(p, size), "biuf")

    def bernoulli_(self, p=0.5, *, generator=None):
        """1 with probability p, else 0 (any dtype): p a number or a Variable or array of
        probabilities that broadcasts to the Variable's shape."""
        probs = get_array_module(self.data).asarray(_raw(p, self.data))
        if not _broadcasts_to(probs.shape, self.shape):
            raise ValueError(f"bernoulli_: p of shape {probs.shape} does not broadcast to the "
                             f"Variable's shape {self.shape}")
        if probs.size and not (0 <= probs.min() and probs.max() <= 1):
            raise ValueError(f"bernoulli_: expects p in [0, 1], but got values from "
                             f"{probs.min()} to {probs.max()}")
        return self._draw_in_place("bernoulli_", generator, lambda random, size: get_array_module(
            probs).asarray(random.uniform(0.0, 1.0, size)) < probs, "biuf")

    def random_(self, *bounds, to=None, generator=None):
        """Integers drawn uniformly from [from, to): random_(to), random_(from, to) or
        random_(from, to=to); with no `to`, up to the largest integer of the dtype (2^24 for
        float32, 2^53 for float64: the last the mantissa holds exactly), PyTorch's."""
        low, high = _random_bounds(bounds, to, self.dtype)
        kind = self.dtype if self.dtype.kind in "biu" else np.dtype(np.int64)
        return self._draw_in_place("random_", generator, lambda random, size: getattr(
            random, "integers", getattr(random, "randint", None))(low, high, size, kind), "biuf")

    def _draw_in_place(self, name, generator, draw, kinds="f"):
        """Fill with draw(random, shape), `random` the generator to draw from."""
        random = draw_source(generator, name)
        if self.dtype.kind not in kinds:
            raise TypeError(f"{name}: expects a floating-point Variable (a continuous "
                            f"distribution), got dtype {self.dtype}")

        def write(data):
            data[...] = get_array_module(data).asarray(draw(random, data.shape)).astype(
                data.dtype, copy=False)
        return self._write_in_place(name, write)

    def _write_in_place(self, name, write, *operands):
        """write(self.data) where no graph would miss it: neither self nor an operand is
        part of one while gradients are recorded (PyTorch records the op; rungrad's graph
        holds no in-place op, so the link would be cut silently)."""
        if Config.enable_backprop:
            for who, v in (("the Variable", self),) + tuple(("its operand", o) for o in operands):
                if isinstance(v, _variable.Variable) and (v.creator is not None or
                                                          v.requires_grad):
                    kind = "an op's result" if v.creator is not None else \
                        "a leaf that requires grad"
                    raise RuntimeError(
                        f"{name}: {who} is {kind} (shape {v.shape}): an in-place write would "
                        f"cut it from the graph while gradients are recorded; write under "
                        f"autograd.no_grad(), or make a new Variable (x = x + y)")
        if not self.data.flags.writeable:
            raise ValueError(f"{name}: the Variable's array (shape {self.shape}) is read-only")
        write(self.data)
        self.bump_version()
        return self

    # ----- indexing, scatter and reductions -----
    def index_add(self, dim, index, source, *, alpha=1):
        return _variable._ops.index_add(self, dim, index, source, alpha)

    def index_copy(self, dim, index, source):
        return _variable._ops.index_copy(self, dim, index, source)

    def index_fill(self, dim, index, value):
        return _variable._ops.index_fill(self, dim, index, value)

    def index_put(self, indices, values, accumulate=False):
        return _variable._ops.index_put(self, indices, values, accumulate)

    def masked_select(self, mask):
        return _variable._ops.masked_select(self, mask)

    def masked_scatter(self, mask, source):
        return _variable._ops.masked_scatter(self, mask, source)

    def take(self, index):
        return _variable._ops.take(self, index)

    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return _variable._ops.scatter_reduce(self, dim, index, src, reduce,
                                             include_self=include_self)

    def median(self, dim=None, keepdim=False):
        return _variable._ops.median(self, dim, keepdim)

    def nanmedian(self, dim=None, keepdim=False):
        return _variable._ops.nanmedian(self, dim, keepdim)

    def kthvalue(self, k, dim=-1, keepdim=False):
        return _variable._ops.kthvalue(self, k, dim, keepdim)

    def mode(self, dim=-1, keepdim=False):
        return _variable._ops.mode(self, dim, keepdim)

    def cummax(self, dim):
        return _variable._ops.cummax(self, dim)

    def cummin(self, dim):
        return _variable._ops.cummin(self, dim)

    def nansum(self, dim=None, keepdim=False):
        return _variable._ops.nansum(self, dim, keepdim)

    def nanmean(self, dim=None, keepdim=False):
        return _variable._ops.nanmean(self, dim, keepdim)

    def logcumsumexp(self, dim):
        return _variable._ops.logcumsumexp(self, dim)

    def isnan(self):
        return _variable._ops.isnan(self)

    def isinf(self):
        return _variable._ops.isinf(self)

    def isfinite(self):
        return _variable._ops.isfinite(self)

    def all(self, dim=None, keepdim=False, *, axis=None, keepdims=None, out=None):
        """PyTorch's all, or NumPy's keywords (np.all(v) passes them)."""
        return _truth(_variable._ops.all, self, dim, keepdim, axis, keepdims, out)

    def any(self, dim=None, keepdim=False, *, axis=None, keepdims=None, out=None):
        """PyTorch's any, or NumPy's keywords (np.any(v) passes them)."""
        return _truth(_variable._ops.any, self, dim, keepdim, axis, keepdims, out)

    def nonzero(self, *, as_tuple=False):
        return _variable._ops.nonzero(self, as_tuple=as_tuple)

    def argwhere(self):
        return _variable._ops.argwhere(self)

    def count_nonzero(self, dim=None):
        return _variable._ops.count_nonzero(self, dim)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
        return _variable._ops.unique(self, sorted, return_inverse, return_counts, dim)

    def bincount(self, weights=None, minlength=0):
        return _variable._ops.bincount(self, weights, minlength)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        """PyTorch's unique_consecutive: each run of equal elements (of equal slices along
        `dim`) as one, and with return_inverse / return_counts each element's run and the
        runs' lengths, as a tuple (no gradient)."""
        from .ops.validation import normalize_axis
        xp = get_array_module(self.data)
        axis = 0 if dim is None else normalize_axis(dim, self.ndim, "unique_consecutive")
        data = self.data.reshape(-1) if dim is None else self.data
        n = data.shape[axis]
        rows = xp.moveaxis(data, axis, 0).reshape(n, math.prod(data.shape) // max(n, 1))
        starts_run = xp.ones(n, bool)
        starts_run[1:] = (rows[1:] != rows[:-1]).any(axis=1)
        starts = xp.flatnonzero(starts_run)
        out = [xp.take(data, starts, axis)]
        if return_inverse:
            inverse = xp.cumsum(starts_run) - 1
            out.append(inverse.reshape(self.shape) if dim is None else inverse)
        if return_counts:
            out.append(xp.diff(xp.append(starts, n)))
        out = [_variable.wrap(_variable.computed_from_values(a)) for a in out]
        return out[0] if len(out) == 1 else tuple(out)

    def histc(self, bins=100, min=0, max=0):  # noqa: A002 (PyTorch's names)
        """PyTorch's histc: the counts of the elements in `bins` equal bins over [min, max]
        (the data's own range when min == max), the last bin closed, elements outside left
        out; the Variable's dtype, no gradient."""
        if self.dtype.kind != "f":
            raise TypeError(f"histc: expects a floating-point Variable, got dtype {self.dtype}")
        bins = positive_int(bins, "bins", "histc")
        data, xp = self.data, get_array_module(self.data)
        low, high = float(min), float(max)
        if low == high and data.size:
            low, high = float(data.min()), float(data.max())
        if low == high:
            low, high = low - 1, high + 1
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(f"histc: range of [{low}, {high}] is not finite")
        if low > high:
            raise ValueError(f"histc: max must be larger than min, got min={min}, max={max}")
        inside = data[(data >= low) & (data <= high)].astype(np.float64)
        index = ((inside - low) * (bins / (high - low))).astype(np.int64)
        counts = xp.bincount(xp.minimum(index, bins - 1), minlength=bins)
        return _variable.wrap(_variable.computed_from_values(counts.astype(self.dtype)))

    def renorm(self, p, dim, maxnorm):
        """PyTorch's renorm: each slice along `dim` whose p-norm (over the other dims) is
        above `maxnorm` scaled to norm maxnorm (maxnorm / (norm + 1e-7) times), the others
        as they are; differentiable through the norms."""
        from .ops.validation import normalize_axis
        if self.ndim < 2:
            raise ValueError(f"renorm: input needs at least 2 dimensions, got shape "
                             f"{self.shape}")
        axis = normalize_axis(dim, self.ndim, "renorm")
        _need_at_least(p, 0, "p", "renorm", strictly=True)
        _need_at_least(maxnorm, 0, "maxnorm", "renorm")
        norms = _variable._ops.vector_norm(
            self, p, tuple(a for a in range(self.ndim) if a != axis), True)
        one = get_array_module(self.data).asarray(1, self.dtype)
        return self * _variable._ops.where(norms > maxnorm, maxnorm / (norms + 1e-7), one)

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        """PyTorch's multinomial: `num_samples` category indices (int64) drawn by the
        probabilities (weights) of the last dim, of each row of a 2-D Variable; without
        replacement each at most once, categories of weight 0 after all others (PyTorch's
        rule). From NumPy's global generator or `generator`, as the random fills."""
        probs = _probability_rows(self, "multinomial")
        count = positive_int(num_samples, "num_samples", "multinomial")
        if not replacement and count > probs.shape[1]:
            raise ValueError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples "
                             f"without replacement ({count} > {probs.shape[1]})")
        random = draw_source(generator, "multinomial")
        if replacement:
            drawn = [random.choice(len(row), count, p=row / row.sum()) for row in probs]
        else:  # the largest weight / Exp(1) keys: sequential draws without replacement
            drawn = [np.argsort(-(row / random.exponential(1.0, len(row))), kind="stable")[
                :count] for row in probs]
        drawn = np.asarray(drawn, np.int64).reshape(self.shape[:-1] + (count,))
        return _variable.wrap(get_array_module(self.data).asarray(drawn))

    # ----- structure and linear algebra -----
    def tril(self, diagonal=0):
        return _variable._ops.tril(self, diagonal)

    def triu(self, diagonal=0):
        return _variable._ops.triu(self, diagonal)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return _variable._ops.diagonal(self, offset, dim1, dim2)

    def diag(self, diagonal=0):
        return _variable._ops.diag(self, diagonal)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return _variable._ops.diag_embed(self, offset, dim1, dim2)

    def trace(self):
        return _variable._ops.trace(self)

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        return _variable._ops.diff(self, n, dim, prepend, append)

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        return _variable._ops.repeat_interleave(self, repeats, dim, output_size=output_size)

    def unflatten(self, dim, sizes):
        return _variable._ops.unflatten(self, dim, sizes)

    def movedim(self, source, destination):
        return _variable._ops.movedim(self, source, destination)

    moveaxis = movedim

    def rot90(self, k=1, dims=(0, 1)):
        return _variable._ops.rot90(self, k, dims)

    def outer(self, vec2):
        return _variable._ops.outer(self, vec2)

    def kron(self, other):
        return _variable._ops.kron(self, other)

    def cross(self, other, dim=-1):
        """The cross product along `dim` (default -1, torch.linalg.cross's; dim=None is
        torch.cross's deprecated first axis of length 3)."""
        return _variable._ops.cross(self, other, dim)


def _times(factor, x):
    """factor * x, x itself for 1 (no op recorded)."""
    return x if isinstance(factor, (int, float)) and factor == 1 else factor * x


def _dot(a, b, who):
    """dot(a, b) of two 1-D Variables of one length."""
    b = _variable.as_variable(b, who=who)
    if a.ndim != 1 or b.shape != a.shape:
        raise ValueError(f"{who}: expects two 1-D Variables of one length, got shapes "
                         f"{a.shape} and {b.shape}")
    return _variable._ops.dot(a, b)


def _float64(x, who):
    """x as float64: a Variable or an array cast (differentiably), a number as it is."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return x
    x = _variable.as_variable(x, who=who)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{who}: expects real numbers, got dtype {x.dtype}")
    return _variable._ops.astype(x, np.float64)


def _float_of(x, who):
    """x itself when floating, else as float32 (PyTorch's default dtype for integers)."""
    if x.dtype.kind == "f":
        return x
    if x.dtype.kind not in "biu":
        raise TypeError(f"{who}: expects real numbers, got dtype {x.dtype}")
    return _variable._ops.astype(x, np.float32)


def _probability_rows(x, who):
    """x's values as float64 rows of weights (1 or 2 dims), each finite, >= 0, sum > 0."""
    if x.dtype.kind != "f":
        raise TypeError(f"{who}: only supports floating-point dtypes for input, got "
                        f"{x.dtype}")
    if x.ndim not in (1, 2) or x.shape[-1] == 0:
        raise ValueError(f"{who}: prob_dist must be 1 or 2 dim with at least one category, "
                         f"got shape {x.shape}")
    rows = np.asarray(x.numpy(), np.float64).reshape(-1, x.shape[-1])
    if not (np.isfinite(rows).all() and (rows >= 0).all()):
        raise ValueError(f"{who}: probability tensor contains either `inf`, `nan` or element "
                         f"< 0")
    if (rows.sum(axis=1) <= 0).any():
        raise ValueError(f"{who}: invalid multinomial distribution (sum of probabilities <= 0)")
    return _variable.computed_from_values(rows)


def _product(a, b, ndim, who, op=None):
    """op(a, b) (matmul by default) of two `ndim`-D Variables (or arrays)."""
    a, b = (_variable.as_variable(v, who=who) for v in (a, b))
    _need_dims(a, b, ndim, who)
    if ndim == 3 and a.shape[0] != b.shape[0]:
        raise ValueError(f"{who}: batch sizes differ: {a.shape} and {b.shape}")
    if op is None and a.shape[-1] != b.shape[-2]:
        raise ValueError(f"{who}: shapes {a.shape} and {b.shape} cannot be multiplied "
                         f"({a.shape[-1]} != {b.shape[-2]})")
    return (op or _variable._ops.matmul)(a, b)


def _scaled_sum(x, beta, product, alpha, who):
    """beta * x + alpha * product, x broadcast to the product's shape; beta = 0 ignores x
    (NaN and inf in it do not spread; no gradient reaches it), as PyTorch's."""
    if not _broadcasts_to(x.shape, product.shape):
        raise ValueError(f"{who}: the input of shape {x.shape} does not broadcast to the "
                         f"product's shape {product.shape}")
    product = _times(alpha, product)
    return product if isinstance(beta, (int, float)) and beta == 0 else _times(beta, x) + product


def _broadcasts_to(shape, target):
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def _result_into(data, result, who):
    """Write an out-of-place result back into `data`: its shape, a dtype that casts."""
    result = result.data if isinstance(result, _variable.Variable) else result
    if result.shape != data.shape:
        raise ValueError(f"{who}: the result's shape {result.shape} differs from the "
                         f"Variable's {data.shape} (an in-place op keeps the shape)")
    if not np.can_cast(result.dtype, data.dtype, "same_kind"):
        raise ValueError(f"{who}: the result's dtype {result.dtype} cannot be written into "
                         f"the Variable's {data.dtype}")
    get_array_module(data).copyto(data, result, casting="same_kind")


def _need_at_least(value, bound, name, who, strictly=False):
    """Refuse value < bound (<= with strictly; NaN always) by name."""
    if not (value > bound if strictly else value >= bound):
        raise ValueError(f"{who}: expects {name} {'>' if strictly else '>='} {bound}, but "
                         f"found {name}={value}")


def _random_bounds(bounds, to, dtype):
    """random_'s [low, high) from (), (to,), (from,) with to=, or (from, to)."""
    if len(bounds) > 2 or (len(bounds) == 2 and to is not None):
        raise TypeError(f"random_: takes from and to, got {len(bounds)} bounds and to={to}")
    if len(bounds) == 2:
        low, to = bounds
    else:
        low = bounds[0] if bounds and to is not None else 0
        to = bounds[0] if bounds and to is None else to
    top = 1 if dtype.kind == "b" else (np.iinfo(dtype).max if dtype.kind in "iu" else
                                       2 ** (np.finfo(dtype).nmant + 1))
    high = top + 1 if to is None else to
    bottom = np.iinfo(dtype).min if dtype.kind in "iu" else 0 if dtype.kind == "b" else -top
    if not low < high:
        raise ValueError(f"random_: expects 'from' to be less than 'to', but got from={low} >= "
                         f"to={high}")
    if low < bottom or high - 1 > top:
        raise ValueError(f"random_: [from, to) = [{low}, {high}) is out of the range of dtype "
                         f"{dtype} ([{bottom}, {top}])")
    return int(low), int(high)


def _on_0d(x, dim, call):
    """call(x, dim), a 0-d x taken as PyTorch takes it: dims 0 and -1 (or none) name its
    one element, the result 0-d again (a copy)."""
    if x.ndim != 0 or dim is None:
        return call(x, dim)
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    if any(d not in (0, -1) for d in dims):
        raise IndexError(f"dimension out of range (expected to be in range of [-1, 0], but got "
                         f"{dim}) for a 0-d Variable")
    return call(x.reshape(1), 0).reshape(())


def _need_dims(a, b, ndim, who):
    if a.ndim != ndim or getattr(b, "ndim", None) != ndim:
        raise ValueError(f"{who}: expects two {ndim}-D Variables, got shapes {a.shape} and "
                         f"{getattr(b, 'shape', type(b).__name__)}")


def _named_dims(named, who):
    """PyTorch's dims= keyword, the only one taken, as a tuple (empty when not given)."""
    unknown = set(named) - {"dims"}
    if unknown:
        raise TypeError(f"{who}: unexpected keyword argument {sorted(unknown)[0]!r}")
    dims = named.get("dims", ())
    return tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)


def _varargs(values):
    """PyTorch's f(1, 2) and f((1, 2)) alike."""
    if len(values) == 1 and isinstance(values[0], (tuple, list)):
        return tuple(values[0])
    return values


def _one_of(src, value, who):
    if (src is None) == (value is None):
        raise TypeError(f"{who}: give src or value, one of them")
    return value if src is None else src


def _number(value):
    """A number for an in-place write: a 0-d Variable's value as well."""
    if value is None:
        return None
    return value.item() if isinstance(value, _variable.Variable) else value


def _raw(value, data):
    """value's array, a NumPy one moved beside a GPU `data` (variable.py's _raw)."""
    return _variable._raw(value, _variable.wrap(data))


def _ufunc_into(data, ufunc, other):
    try:
        getattr(get_array_module(data), ufunc)(data, _raw(other, data), out=data,
                                              casting="same_kind")
    except (TypeError, ValueError) as exc:  # a shape or dtype the array cannot hold
        raise ValueError(f"{ufunc} in place into an array of shape {data.shape} and dtype "
                         f"{data.dtype}: {exc}") from None


def _copy_into(data, src):
    src = _raw(src, data)
    if np.shape(src) != data.shape:
        try:
            np.broadcast_shapes(np.shape(src), data.shape)
        except ValueError:
            raise ValueError(f"copy_: a source of shape {np.shape(src)} does not broadcast to "
                             f"{data.shape}") from None
    get_array_module(data).copyto(data, src, casting="unsafe")


def _dtype_kind(value):
    """The dtype kind of a Variable, an array or a Python number."""
    return (value.dtype if hasattr(value, "dtype") else np.asarray(value).dtype).kind


def _size_given(size, options):
    """new_zeros' size: positional (2, 3) or ((2, 3),), or PyTorch's size= keyword."""
    if "size" in options:
        if size:
            raise TypeError("new_zeros: give the size positionally or as size=, not both")
        return tuple(_varargs((options.pop("size"),)))
    return _varargs(size)


def _truth(op, x, dim, keepdim, axis, keepdims, out):
    """op (all or any) of x, over PyTorch's dim or NumPy's axis."""
    x = _variable._numpy_keywords(x, op.__name__, None, out)
    if isinstance(dim, (tuple, list)) and not dim:  # (no dims: no reduction, PyTorch's and
        dim, axis = None, ()  # NumPy's reading for these two)
    dim, keepdim = _variable.torch_axis(axis, keepdim, dim, keepdims, op.__name__)
    return op(x, dim, keepdim)
