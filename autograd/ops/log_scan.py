"""PyTorch's logcumsumexp: y_k = log sum_{j <= k} exp(x_j) along a dim, as NumPy's
logaddexp.accumulate (stable: no exp of a large number)."""
import numpy as np

from ..backend import accumulate, get_array_module
from ..function import Function
from ..spec import Axes, Choice, Spec
from .accumulation import accumulator
from .copy import clone
from .validation import float_input, normalize_axis


class LogCumsumExp(Function):
    """y_k = log sum_{j <= k} exp x_j along `axis`;  dx_i = sum_{k >= i} gy_k exp(x_i - y_k)
    (ExpWeightedScan: linear in gy, so its own derivatives, jvp's among them, are exact)"""

    input_specs = (Spec(min_dims=1),)
    arg_specs = {"axis": Axes(of=0, single=True)}
    apply = staticmethod(lambda x, axis: logcumsumexp(x, axis))
    reference = staticmethod(lambda x, axis: np.logaddexp.accumulate(x, axis=axis))

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        wide = x.astype(accumulator(x.dtype) or x.dtype, copy=False)  # (float16 in float32)
        return accumulate("logaddexp", wide, self.axis).astype(x.dtype, copy=False)

    def backward(self, gy):
        return ExpWeightedScan(self.axis, True)(gy, self.inputs[0], self.outputs[0]())

    def backward_data(self, gy):
        return exp_weighted_scan(gy, self.inputs[0].data, self.outputs[0]().data, self.axis,
                                 True)


def _scan_by_definition(g, x, y, axis, reverse):
    """ExpWeightedScan term by term (the check's reference): weights exp(x_i - y_k), k >= i."""
    g, x, y = (np.moveaxis(a, axis, -1) for a in (g, x, y))
    n = g.shape[-1]
    weights = np.exp(x[..., :, None] - y[..., None, :]) * np.triu(np.ones((n, n), g.dtype))
    summed = (weights @ g[..., :, None])[..., 0] if reverse else (
        g[..., None, :] @ weights)[..., 0, :]
    return np.moveaxis(summed, -1, axis).astype(g.dtype)


class ExpWeightedScan(Function):
    """reverse: r_i = sum_{k >= i} g_k exp(x_i - y_k); else f_k = sum_{i <= k} g_i exp(x_i - y_k),
    for y = logcumsumexp(x) (each weight at most 1). Linear in g, and each the other's
    transpose: dg = the other scan of the upstream gradient u; dx = u r (reverse) or g times
    the other scan (forward); dy = -g times the other scan (reverse) or -u f (forward)."""

    # x and y are independent inputs here: the derivatives hold for any y, checked so
    input_specs = (Spec(min_dims=1), Spec(like=0), Spec(like=0))
    arg_specs = {"axis": Axes(of=0, single=True), "reverse": Choice(True, False)}
    reference = staticmethod(_scan_by_definition)

    def __init__(self, axis, reverse):
        self.axis, self.reverse = axis, reverse

    def forward(self, g, x, y):
        return exp_weighted_scan(g, x, y, self.axis, self.reverse)

    def backward(self, gout):
        g, x, y = self.inputs
        out = self.outputs[0]()
        other = ExpWeightedScan(self.axis, not self.reverse)(gout, x, y)
        if self.reverse:
            return other, gout * out, -g * other
        return other, g * other, -gout * out


def exp_weighted_scan(g, x, y, axis, reverse):
    """ExpWeightedScan on arrays: summed in log space, the positive and negative parts of g
    apart (as PyTorch's logcumsumexp backward), so that no exp of a large number is taken."""
    xp = get_array_module(g)
    dtype = g.dtype
    g, x, y = (a.astype(accumulator(dtype) or dtype, copy=False) for a in (g, x, y))
    # each term's log: the summed index's part inside the scan, the output index's outside
    inside, outside = (-y, x) if reverse else (x, -y)
    total = 0
    # (log 0 = -inf: a term that adds nothing; NaN or infinite inputs give NaN, as PyTorch)
    with np.errstate(divide="ignore", invalid="ignore"):
        for sign in (1, -1):
            logs = xp.log(xp.maximum(sign * g, 0)) + inside
            if reverse:
                logs = xp.flip(accumulate("logaddexp", xp.flip(logs, axis), axis), axis)
            else:
                logs = accumulate("logaddexp", logs, axis)
            total = total + sign * xp.exp(logs + outside)
    return total.astype(dtype, copy=False)


def logcumsumexp(x, dim):
    """PyTorch's logcumsumexp along `dim` (a 0-d x: itself)."""
    x = float_input(x, "logcumsumexp")
    if x.ndim == 0:  # (one term: y = x, gradient 1 at an infinite x too, as PyTorch's)
        normalize_axis(dim, 1, "logcumsumexp")
        return clone(x)
    return LogCumsumExp(normalize_axis(dim, x.ndim, "logcumsumexp"))(x)
