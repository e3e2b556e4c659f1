"""The affine map of a fully connected layer, fused into one Function for speed.

Its backward is one Function too (LinearGrad), whose own backward is written with
differentiable ops: first-order backprop costs one call, and higher orders still work.
"""
import math

import numpy as np

from autograd.backend import dense, half_matmul, half_pair
from autograd.function import Function
from autograd.grad_memory import any_grad_memory_offered, take_grad_memory
from autograd.ops import astype, broadcast_to, matmul, reshape, transpose
from autograd.ops.accumulation import accumulator, reduced
from autograd.ops.shape import reshape_if_needed
from autograd.spec import Choice, Spec
from autograd.variable import Variable, wrap


class Linear(Function):
    """y = x W^T + b;  x (..., in), W (out, in), b (out,) -> y (..., out)"""

    input_specs = (Spec(shape=("*batch", "I")), Spec(shape=("O", "I")), Spec(shape=("O",)))
    arg_specs = {"use_bias": Choice(True, False)}
    apply = staticmethod(lambda x, w, b, use_bias: Linear()(*((x, w, b) if use_bias else (x, w))))
    reference = "autograd.testing.references:linear"

    def forward(self, x, weight, bias=None):
        if x.ndim == 2:
            y = _product(x, weight.T)
        else:
            y = _product(_rows(x), weight.T).reshape(x.shape[:-1] + weight.shape[:1])
        if bias is not None:
            y += bias
        return y

    def backward(self, gy):
        return self._grads(gy, self.inputs[0], self.inputs[1])

    def backward_data(self, gy):
        """(gx, gW[, gb]) on arrays: the math itself, without an op around it (a small
        layer's backward feels each call: written out, not through _grads)."""
        x, weight = self.inputs[0].data, self.inputs[1].data
        needs = self.needs_input_grad
        wants = _wants(needs)
        if any_grad_memory_offered():
            return _grad_slots(gy, x, weight, wants, *self._offered_memory(gy, x))[:len(needs)]
        return _grad_slots(gy, x, weight, wants)[:len(needs)]  # (all three: the same tuple)

    def _grads(self, gy, x, weight):
        """(gx, gW[, gb]) as Variables, recorded (a graph for higher orders)."""
        needs = self.needs_input_grad
        wants = _wants(needs)
        grads = LinearGrad(wants)(gy, x, weight)
        return tuple(_scatter(grads, wants)[:len(needs)])

    def _offered_memory(self, gy, x):
        """Memory offered for the weight's and bias' gradients (autograd.grad_memory), if
        they fit; None each otherwise (asked only when some memory is on offer)."""
        needs, inputs = self.needs_input_grad, self.inputs
        out_w = take_grad_memory(inputs[1], np.result_type(gy.dtype, x.dtype)) if needs[1] else None
        out_b = take_grad_memory(inputs[2], gy.dtype) if len(needs) == 3 and needs[2] else None
        return out_w, out_b


class LinearGrad(Function):
    """(gx, gW, gb) of y = x W^T + b from gy, only the wanted ones, in that order:
    gx = gy W,  gW = gy^T x,  gb = sum of gy over the leading axes
    (leading axes are flattened into one batch axis for the products)."""

    input_specs = (Spec(shape=("*batch", "O")), Spec(shape=("*batch", "I")),
                   Spec(shape=("O", "I")))  # gy, x, W
    arg_specs = {"wants": Choice((True, True, True), (True, False, False), (False, True, True),
                                 (False, False, True))}
    reference = "autograd.testing.references:linear_grad"

    def __init__(self, wants):
        self.wants = wants

    def forward(self, gy, x, weight):
        slots = _grad_slots(gy, x, weight, self.wants)
        # a tuple even for one: backward indexes them alike
        return tuple([g for g, wanted in zip(slots, self.wants) if wanted])

    def backward(self, *upstream):
        """With ggx, ggW, ggb the gradients of gx, gW, gb:
        d/dgy = ggx W^T + x ggW^T + ggb,  d/dx = gy ggW,  d/dW = gy^T ggx."""
        gy, x, weight = self.inputs
        ggx, ggw, ggb = _scatter(upstream, self.wants)
        need_gy, need_x, need_w = self.needs_input_grad
        gy_rows, x_rows = _rows(gy, reshape), _rows(x, reshape)
        ggx_rows = None if ggx is None else _rows(ggx, reshape)
        d_gy = d_x = d_w = None
        if need_gy:
            terms = [] if ggx is None else [matmul(ggx_rows, transpose(weight))]
            if ggw is not None:
                terms.append(matmul(x_rows, transpose(ggw)))
            if ggb is not None:
                terms.append(ggb)
            d_gy = reshape_if_needed(_total(terms, gy_rows), gy.shape)
        if need_x and ggw is not None:
            d_x = reshape_if_needed(matmul(gy_rows, ggw), x.shape)
        if need_w and ggx is not None:
            d_w = matmul(transpose(gy_rows), ggx_rows)
        return d_gy, d_x, d_w


def _wants(needs):
    """Linear's needs_input_grad as three flags (gx, gW, gb): False for a missing bias."""
    return needs if len(needs) == 3 else (*needs, False)


def _grad_slots(gy, x, weight, wants, out_w=None, out_b=None):
    """(gx, gW, gb) on arrays, None where not wanted (`wants`: three flags); gW and gb into
    `out_w` and `out_b` when given."""
    want_x, want_w, want_b = wants
    flat = x.ndim == 2  # (the usual batch of rows: nothing to reshape)
    rows = gy if flat else _rows(gy)
    if 0 in rows.strides:  # (a sum's gradient, a broadcast view: made dense once for all three)
        rows = dense(rows)
    gx = gw = gb = None
    if want_x:
        gx = _product(rows, weight) if flat else _product(rows, weight).reshape(x.shape)
    if want_w:
        gw = _product(rows.T, x if flat else _rows(x), out_w)
    if want_b:
        gb = _column_sums(rows, out_b)
    return gx, gw, gb


def _column_sums(rows, out=None):
    """rows.sum(axis=0). A NumPy float matrix of up to _ONES_ROWS rows as the product
    ones(n) @ rows: one BLAS call, where NumPy's reduction over the leading axis runs its
    ufunc loop once per row (0.8 against 3.4 us for 100 x 10: a small layer's bias
    gradient). Its float32 error is no larger than the reduction's (measured against float64
    sums, 100 to 65,536 rows, 1 to 10 columns: 0.2-1x)."""
    ones = _ones.get((rows.shape[0], rows.dtype.char)) if rows.__class__ is np.ndarray else None
    if ones is None:
        ones = _ones_for(rows)
    if ones is not None and (out is None or _takes_dot(out, rows.dtype)):
        return ones.dot(rows) if out is None else ones.dot(rows, out)
    if out is None:  # (float16 summed in float32: in float16 a total stops growing at 256)
        return reduced(rows, "sum", axis=0)
    return rows.sum(axis=0, dtype=accumulator(rows.dtype), out=out)


def _ones_for(rows):
    """A read-only vector of ones, one per row of `rows`, kept for the next call with as many
    rows, when rows is a NumPy float matrix of 2 to _ONES_ROWS rows; else None. (A few row
    counts are kept: a training run has one or two, the last batch's.)"""
    n, kind = rows.shape[0], rows.dtype.char
    if rows.__class__ is not np.ndarray or kind not in "fd" or not 1 < n <= _ONES_ROWS:
        return None
    if len(_ones) >= _ONES_KEPT:
        _ones.clear()
    ones = np.ones(n, rows.dtype)
    ones.flags.writeable = False
    _ones[n, kind] = ones
    return ones


def _takes_dot(out, dtype):
    """Whether ndarray.dot can write into `out` (it takes only contiguous memory of the
    result's dtype)."""
    return out.__class__ is np.ndarray and out.dtype == dtype and out.flags.c_contiguous


_ONES_ROWS = 1 << 16  # (beyond it the sum's time is the data's, not the call's)
_ones = {}  # (rows, dtype char) -> a vector of ones (see _ones_for)
_ONES_KEPT = 8
_SMALL = 8192  # elements of a product's result below which ndarray.dot is the faster call


def _product(a, b, out=None):
    """a @ b for matrices a (m, k), b (k, n), into `out` when given. Small ones by
    ndarray.dot, which goes straight to BLAS (1-2 us less than matmul's dispatch: small
    layers feel it); large ones by matmul, as dot zero-fills its result before BLAS writes
    it (2-5 % more there)."""
    if 0 in a.strides:  # (a possible broadcast view; checked inline: small layers feel a call)
        a = dense(a)
    if 0 in b.strides:
        b = dense(b)
    if a.itemsize == 2 and half_pair(a, b):
        return half_matmul(a, b, out)
    small = a.shape[0] * b.shape[1] <= _SMALL
    if out is None:  # (CuPy arrays too; memory is offered only for NumPy's)
        return a.dot(b) if small else a @ b
    return a.dot(b, out) if small else np.matmul(a, b, out=out)


def _rows(x, reshape=None):
    """x (..., k) as a matrix (rows, k), the rows counted, not -1: NumPy cannot infer a -1
    beside k = 0. `reshape`: the op, for Variables (else x's own method)."""
    shape = (math.prod(x.shape[:-1]), x.shape[-1])
    return x.reshape(shape) if reshape is None else reshape(x, shape)


def _scatter(values, wants):
    """Spread `values` (one per True in `wants`) over the 3 slots (gx, gW, gb); None elsewhere."""
    slots, k = [None, None, None], 0
    for i in range(3):
        if wants[i]:
            slots[i] = values[k]
            k += 1
    return slots


def _total(terms, like):
    """The sum of `terms`, broadcast to like's shape (ggb alone is one row)."""
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total if total.shape == like.shape else broadcast_to(total, like.shape)


def linear(x, weight, bias=None):
    """x @ weight.T + bias (PyTorch's F.linear): x (..., in), weight (out, in), bias (out,).

    x is cast to weight's dtype (an integer or float64 batch meets a float32 layer).
    """
    _check_shapes(x, weight, bias)
    dtype = weight.dtype
    if not isinstance(x, Variable):  # a raw batch: a constant (the array itself, cast by an
        x = wrap(x, False)  # op, so that a captured step reads it afresh at each replay)
    if x.dtype != dtype:
        x = astype(x, dtype)
    if bias is None:
        return Linear()(x, weight)
    return Linear()(x, weight, bias)


def _check_shapes(x, weight, bias):
    try:
        x_shape, w_shape = x.shape, weight.shape
        b_shape = None if bias is None else bias.shape
    except AttributeError:
        raise TypeError(f"linear: input, weight and bias must be arrays or Variables, got "
                        f"{type(x).__name__}, {type(weight).__name__}, "
                        f"{type(bias).__name__}") from None
    if len(w_shape) != 2 or not x_shape or x_shape[-1] != w_shape[1] or (
            b_shape is not None and (len(b_shape) != 1 or b_shape[0] != w_shape[0])):
        raise ValueError(_shape_error(tuple(x_shape), tuple(w_shape), b_shape))


def _shape_error(x_shape, w_shape, b_shape):
    if len(w_shape) != 2:
        return f"linear: weight must be 2-D (out, in), got shape {w_shape}"
    if not x_shape or x_shape[-1] != w_shape[1]:
        transposed = (" (the weight is (out, in), PyTorch's layout; DeZero's F.linear takes "
                      "(in, out): pass W.T)" if x_shape and x_shape[-1] == w_shape[0] else "")
        return (f"linear: input of shape {x_shape} does not match weight of shape {w_shape}: "
                f"the last axis must be {w_shape[1]}{transposed}")
    return (f"linear: bias of shape {tuple(b_shape)} does not match weight of shape "
            f"{w_shape}: expected ({w_shape[0]},)")


def folded_bias(*biases):
    """The one bias of biases that simply add (a recurrent layer's b_ih and b_hh; arrays or
    Variables), None entries skipped: their sum, the one given, or None for none."""
    given = [b for b in biases if b is not None]
    return sum(given[1:], given[0]) if given else None


__all__ = ["linear"]
