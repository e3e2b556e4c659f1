"""Activation functions, each a Function with a numerically stable forward.

Backward passes are written with differentiable ops (on the saved input or output
Variables), so second derivatives work. dtype is preserved: float32 in, float32 out.
ReLU, softmax and log-softmax live in autograd.ops.activation (Variable has them as
methods, and autograd sits below nn): this module re-exports those very objects.
"""
import functools
import math

import numpy as np

from autograd.backend import get_array_module
from autograd.function import Function
from autograd.lazy import refuse_book_keywords
from autograd.ops import astype, exp, reshape, split, sum_to, tanh, where
from autograd.ops.activation import (  # noqa: F401 (one relu, softmax and log_softmax)
    LogSoftmax,
    ReLU,
    ReLUGrad,
    RowSafeSoftmax,
    Softmax,
    log_softmax,
    log_softmax_array,
    relu,
    softmax,
    softmax_array,
    softmax_axis,
    softmax_input,
)
from autograd.ops.elementwise import (  # noqa: F401 (one sigmoid)
    linked,
    sigmoid,
    sigmoid_array,
)
from autograd.ops.half_precision import in_float32
from autograd.ops.validation import float_input, normalize_axis, real_scalar
from autograd.spec import Choice, Spec
from autograd.variable import as_variable, wrap


class LeakyReLU(Function):
    """y = x if x > 0 else slope x;  dy/dx = 1 or slope"""

    input_specs = (Spec(elements="nonzero"),)
    arg_specs = {"negative_slope": Choice(0.01, 0.2)}
    reference = staticmethod(lambda x, negative_slope: np.where(x > 0, x, x * negative_slope))

    def __init__(self, negative_slope):
        self.negative_slope = negative_slope

    def forward(self, x):
        return get_array_module(x).where(x > 0, x, x * self.negative_slope)

    def backward(self, gy):
        x = self.inputs[0]
        dtype = x.dtype.type
        slope = get_array_module(x.data).where(x.data > 0, dtype(1), dtype(self.negative_slope))
        return linked(gy * wrap(slope), x)


class Hardtanh(Function):
    """y = clip(x, low, high);  dy/dx = 1 strictly inside (low, high), 0 at and beyond the
    bounds (PyTorch's hardtanh; clip's slope is 1 at a bound)"""

    input_specs = (Spec(grid=(0.1, 0.05)),)  # off the bounds, which are on the grid's gaps
    arg_specs = {"low": Choice(-1.0, -0.5), "high": Choice(1.0, 2.0)}
    reference = staticmethod(lambda x, low, high: np.clip(x, low, high))

    def __init__(self, low, high, nan_passes=True):
        self.low, self.high, self.nan_passes = low, high, nan_passes

    def forward(self, x):
        return get_array_module(x).clip(x, self.low, self.high)

    def backward(self, gy):
        # gy strictly inside the bounds, else 0; a nan x passes gy on where nan_passes, as
        # PyTorch's hardtanh (neither at nor beyond a bound), not as its hardsigmoid. A
        # choice, not a product with a 0/1 mask, which would turn an infinite gy into nan
        # (hardswish's gradient at x = inf)
        x = self.inputs[0].data
        inside = ~((x <= self.low) | (x >= self.high)) if self.nan_passes else \
            (x > self.low) & (x < self.high)
        return linked(where(inside, gy, 0.0), self.inputs[0])


class PReLU(Function):
    """y = x if x > 0 else w x, w one slope or one per channel (axis 1);
    dy/dx = 1 or w,  dy/dw = 0 or x (summed over the axes the slopes broadcast over)"""

    input_specs = (Spec(shape=("N", "C", "L"), elements="nonzero"),
                   Spec(shape=("C",), elements="positive"))
    apply = staticmethod(lambda x, w: prelu(x, w))
    reference = staticmethod(lambda x, w: np.where(x > 0, x, x * _per_channel(w, x.ndim)))

    def forward(self, x, w):
        return get_array_module(x).where(x > 0, x, x * self.slopes(w, x.ndim))

    def backward(self, gy):
        x, w = self.inputs
        below = wrap((x.data <= 0).astype(gy.dtype))  # (read now: a replay's data)
        slopes = reshape(w, self.slopes(w.data, x.ndim).shape)
        gx = linked(gy * (1 - below) + gy * below * slopes, x)
        gw = sum_to(gy * x * below, slopes.shape).reshape(w.shape)
        return gx, gw

    @staticmethod
    def slopes(w, ndim):
        """w shaped to broadcast over the input (PyTorch's layout: one per channel, axis 1)."""
        return _per_channel(w, ndim)


class BroadcastPReLU(PReLU):
    """PReLU with the slopes w broadcast over x as NumPy broadcasts (Keras' alpha: one per
    element of a sample, size 1 on the axes it shares): y = x if x > 0 else w x"""

    input_specs = (Spec(shape=("N", "L", "C"), elements="nonzero"),
                   Spec(shape=("L", "C"), elements="positive"))
    apply = staticmethod(lambda x, w: BroadcastPReLU()(x, w))
    reference = staticmethod(lambda x, w: np.where(x > 0, x, x * w))

    @staticmethod
    def slopes(w, ndim):
        return w


def _per_channel(w, ndim):
    """w (C,), (1,) or () shaped to broadcast over an (N, C, ...) input's axis 1 (one slope
    as a 0-d array: a 0-d input stays 0-d)."""
    if w.size == 1:
        return w.reshape(())
    return w if ndim < 3 else w.reshape((w.size,) + (1,) * (ndim - 2))


class ELU(Function):
    """y = x if x > 0 else alpha (e^(s x) - 1), s the input scale (1; celu's 1/alpha);
    dy/dx = 1 or alpha s e^(s x) (not s (y + alpha), which cancels to 0 below x = -17 in
    float32)"""

    input_specs = (Spec(elements="nonzero"),)
    arg_specs = {"alpha": Choice(1.0, 0.5)}
    reference = "autograd.testing.references:elu"

    def __init__(self, alpha, input_scale=1.0):
        self.alpha, self.input_scale = alpha, input_scale

    def forward(self, x):
        xp = get_array_module(x)
        # min(): no overflow where the branch is unused
        negative = xp.expm1(xp.minimum(x, 0) * self.input_scale)
        negative *= self.alpha
        return xp.where(x > 0, x, negative)

    def backward(self, gy):
        x = self.inputs[0]
        dtype = x.dtype.type
        # e^(s x) of x < 0 only: no overflow, and at the kink x = 0 the slope is alpha s and
        # its own derivative 0 (PyTorch's); a NaN takes this branch, its slope NaN
        scaled = where(~(x.data >= 0), x, wrap(dtype(0))) * self.input_scale
        negative_slope = exp(scaled) * (self.alpha * self.input_scale)
        return gy * where(x.data > 0, wrap(dtype(1)), negative_slope)


class Softplus(Function):
    """y = log(1 + e^(beta x)) / beta, and y = x where beta x > threshold (PyTorch);
    dy/dx = sigmoid(beta x) (1 past the threshold)"""

    input_specs = (Spec(),)
    arg_specs = {"beta": Choice(1.0, 2.0), "threshold": Choice(20.0)}
    reference = "autograd.testing.references:softplus"

    def __init__(self, beta, threshold):
        self.beta, self.threshold = beta, threshold

    def forward(self, x):
        xp = get_array_module(x)
        bx = x * self.beta
        # log(1 + e^z) = max(z, 0) + log1p(e^-|z|): never overflows
        y = xp.log1p(xp.exp(-xp.abs(bx)))
        y += xp.maximum(bx, 0)
        if self.beta != 1:
            y /= self.beta
        return xp.where(bx > self.threshold, x, y)

    def backward(self, gy):
        x = self.inputs[0]
        linear = x.data * self.beta > self.threshold
        slope = sigmoid(x * self.beta)
        return gy * where(linear, wrap(x.data.dtype.type(1)), slope)


class SiLU(Function):
    """y = x sigmoid(x);  dy/dx = s (1 + x (1 - s)), s = sigmoid(x)"""

    input_specs = (Spec(),)
    reference = staticmethod(lambda x: x / (1 + np.exp(-x)))

    def forward(self, x):
        return x * sigmoid_array(x)

    def backward(self, gy):
        # the slope as one factor: gy times two terms would make an infinite gy nan
        x = self.inputs[0]
        s = sigmoid(x)
        return gy * (s * (x * (1 - s) + 1))


class Mish(Function):
    """y = x tanh(softplus(x));  dy/dx = t + x (1 - t^2) sigmoid(x), t = tanh(softplus(x))"""

    input_specs = (Spec(),)
    reference = staticmethod(lambda x: x * np.tanh(np.logaddexp(0, x)))

    def forward(self, x):
        return x * get_array_module(x).tanh(Softplus(1.0, 20.0).forward(x))

    def backward(self, gy):
        x = self.inputs[0]
        t = tanh(Softplus(1.0, 20.0)(x))
        return gy * (t + x * (1 - t * t) * sigmoid(x))


class Hardswish(Function):
    """y = x relu6(x + 3) / 6;  dy/dx = 0 up to -3, x / 3 + 1/2 between, 1 from 3 (and at a
    NaN x), PyTorch's slopes"""

    input_specs = (Spec(grid=(0.1, 0.05)),)  # off the kinks, which are on the grid's gaps
    reference = staticmethod(lambda x: x * np.clip(x + 3, 0, 6) / 6)

    def forward(self, x):
        xp = get_array_module(x)
        return x * (xp.clip(x + 3, 0, 6) / 6)

    def backward(self, gy):
        # choices, not products with 0/1 masks (an infinite gy would give nan)
        x = self.inputs[0]
        inside = (x.data > -3) & (x.data < 3)
        return where(inside, gy * (x / 3 + 0.5), where(x.data <= -3, 0.0, gy))


class NormalCDF(Function):
    """y = Phi(x) = erfc(-x / sqrt 2) / 2;  dy/dx = phi(x) = e^(-x^2/2) / sqrt(2 pi)"""

    input_specs = (Spec(),)
    reference = "autograd.testing.references:normal_cdf"

    def forward(self, x):
        # erfc, not 1 + erf: keeps every digit in the left tail, where 1 + erf(x / sqrt 2)
        # cancels to nothing (Phi(-10) = 7.6e-24)
        y = _erfc(x * (-1 / math.sqrt(2.0)))
        y *= 0.5
        return y

    def backward(self, gy):
        return gy * _normal_pdf(self.inputs[0])


class GELU(Function):
    """y = x Phi(x);  dy/dx = Phi(x) + x phi(x)"""

    input_specs = (Spec(),)
    reference = "autograd.testing.references:gelu"

    def forward(self, x):
        return x * NormalCDF().forward(x)

    def backward(self, gy):
        x = self.inputs[0]
        return gy * (NormalCDF()(x) + x * _normal_pdf(x))


_TANH_K = math.sqrt(2.0 / math.pi)
_TANH_C = 0.044715


class TanhGELU(Function):
    """y = x (1 + tanh u) / 2 with u = sqrt(2/pi) (x + 0.044715 x^3);
    dy/dx = (1 + t) / 2 + x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2) / 2, t = tanh u"""

    input_specs = (Spec(),)
    reference = "autograd.testing.references:tanh_gelu"

    def forward(self, x):
        t = get_array_module(x).tanh(_TANH_K * (x + _TANH_C * x * x * x))
        t += 1
        t *= 0.5
        return x * t

    def backward(self, gy):
        x = self.inputs[0]
        t = tanh(_TANH_K * (x + _TANH_C * x * x * x))
        du = _TANH_K * (1 + 3 * _TANH_C * x * x)
        return gy * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)


def _normal_pdf(x):
    return exp(x * x * -0.5) * (1 / math.sqrt(2 * math.pi))


def _erfc(x):
    """Elementwise erfc in x's dtype (SciPy's answers float16 in float64)."""
    y = _erfc_function(get_array_module(x).__name__)(x)
    return y if y.dtype == x.dtype else y.astype(x.dtype)


@functools.cache
def _erfc_function(module_name):
    """SciPy's (or CuPy's) erfc when installed, else NumPy's own (autograd.ops.erf_array: as
    accurate, about as fast on large arrays, slower on small ones)."""
    if module_name == "cupy":
        from cupyx.scipy.special import erfc
        return erfc
    try:
        from scipy.special import erfc
    except ImportError:
        from autograd.ops.erf_array import erfc
    return erfc


# ----- the public functions (relu, softmax and log_softmax: autograd.ops.activation's) -----

# Integer input: sigmoid converts it (to float64), as PyTorch converts it; relu keeps it; the
# others refuse it, as PyTorch does, through float_input.

# PyTorch's `inplace` is taken by every function that has it there, and changes nothing: a
# new Variable comes back (rungrad's graph records no in-place op), as `x = F.relu(x,
# inplace=True)` uses it.

def leaky_relu(input, negative_slope=0.01, inplace=False, **book):  # noqa: A002 (PyTorch's)
    if book:
        refuse_book_keywords(book, "leaky_relu", {"slope": "negative_slope="})
    slope = real_scalar(negative_slope, "negative_slope", "leaky_relu")
    return LeakyReLU(slope)(float_input(input, "leaky_relu"))


def elu(input, alpha=1.0, inplace=False):  # noqa: A002 (PyTorch's names)
    return ELU(real_scalar(alpha, "alpha", "elu"))(float_input(input, "elu"))


def celu(input, alpha=1.0, inplace=False):  # noqa: A002 (PyTorch's names)
    """x if x > 0 else alpha (e^(x / alpha) - 1) (an elu of x / alpha, continuously
    differentiable: slope 1 at 0)."""
    alpha = real_scalar(alpha, "alpha", "celu")
    if alpha == 0:
        raise ValueError("celu: alpha cannot be 0 (x / alpha), as in PyTorch")
    return ELU(alpha, 1 / alpha)(float_input(input, "celu"))


def glu(input, dim=-1):  # noqa: A002 (PyTorch's names)
    """The gated linear unit a sigmoid(b), a and b the first and second halves of `input`
    along `dim` (whose size must be even): (..., 2n, ...) -> (..., n, ...); float16 in
    float32, rounded once, as PyTorch's CPU (its gate's sigmoid flushed to 0 in float16)."""
    return in_float32(_glu, float_input(input, "glu"), dim)


def _glu(x, dim):
    if x.ndim == 0:
        raise ValueError("glu: a 0-d input has no dimension to halve")
    axis = normalize_axis(dim, x.ndim, "glu")
    if x.shape[axis] % 2:
        raise ValueError(f"glu: halving dimension must be even, but dimension {dim} of the "
                         f"input of shape {tuple(x.shape)} has size {x.shape[axis]}")
    a, b = split(x, 2, axis=axis)
    return a * sigmoid(b)


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002 (PyTorch's names)
    beta = real_scalar(beta, "beta", "softplus")
    threshold = real_scalar(threshold, "threshold", "softplus")
    if beta == 0:
        raise ValueError("softplus: beta must be nonzero")
    return Softplus(beta, threshold)(float_input(input, "softplus"))


def gelu(input, approximate="none"):  # noqa: A002 (PyTorch's names)
    """x Phi(x) (exact, PyTorch's default) or its tanh approximation (approximate='tanh')."""
    if approximate == "none":  # (float16 in float32, rounded once, as PyTorch's CPU: in
        return in_float32(GELU(), float_input(input, "gelu"))  # float16 its slope's terms
    if approximate == "tanh":  # overflow, and its tails lose digits)
        return in_float32(TanhGELU(), float_input(input, "gelu"))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input, inplace=False):  # noqa: A002 (PyTorch's names)
    """x sigmoid(x) (swish); float16 in float32, rounded once, as PyTorch's CPU (float16's
    sigmoid flushes to 0 below -11, where x sigmoid(x) is still a float16 number)."""
    return in_float32(SiLU(), float_input(input, "silu"))


def logsigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), finite for large |x|."""
    return -softplus(-float_input(x, "logsigmoid"), threshold=20.0)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002 (PyTorch's)
    """x clipped to [min_val, max_val], with PyTorch's slope 0 at the bounds themselves."""
    low = real_scalar(min_val, "min_val", "hardtanh")
    high = real_scalar(max_val, "max_val", "hardtanh")
    if low > high:
        raise ValueError(f"hardtanh: min_val ({low}) must not exceed max_val ({high})")
    return Hardtanh(low, high)(float_input(input, "hardtanh"))


def prelu(x, weight):
    """x where x > 0, weight x elsewhere; weight has 1 element, or one per channel (axis 1)."""
    x = float_input(x, "prelu")
    weight = as_variable(weight, who="prelu")
    if weight.ndim > 1 or (weight.size != 1 and (x.ndim < 2 or weight.size != x.shape[1])):
        raise ValueError(f"prelu: weight of shape {weight.shape} must be a scalar, or 1-D with "
                         f"1 value or one per channel (axis 1) of the input of shape {x.shape}")
    if weight.dtype != x.dtype:  # (a float64 batch meets a float32 layer: the layer's dtype)
        x = astype(x, weight.dtype) if weight.dtype.kind == "f" else x
    return PReLU()(x, weight)


def selu(input, inplace=False):  # noqa: A002 (PyTorch's names)
    """scale * elu(x, alpha) with the self-normalizing constants (Klambauer et al.)."""
    return _SELU_SCALE * elu(float_input(input, "selu"), _SELU_ALPHA)


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def relu6(input, inplace=False):  # noqa: A002 (PyTorch's names)
    """min(max(x, 0), 6), with PyTorch's slope 0 at 0 and 6."""
    return hardtanh(float_input(input, "relu6"), 0.0, 6.0)


def hardsigmoid(input, inplace=False):  # noqa: A002 (PyTorch's names)
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between. Computed as the clip of
    (x + 3) / 6 to [0, 1], the same numbers, so that a loss can see its outputs are
    probabilities (nn.training.losses)."""
    return in_float32(_hardsigmoid, float_input(input, "hardsigmoid"))  # (x + 3 rounds)


def _hardsigmoid(x):
    return Hardtanh(0.0, 1.0, nan_passes=False)((x + 3.0) / 6.0)  # (PyTorch's: 0 at a nan x)


def hardswish(input, inplace=False):  # noqa: A002 (PyTorch's names)
    """x hardsigmoid(x) (Keras' hard_silu)."""
    return Hardswish()(float_input(input, "hardswish"))


def mish(input, inplace=False):  # noqa: A002 (PyTorch's names)
    """x tanh(softplus(x)); float16 in float32, rounded once, as PyTorch's CPU."""
    return in_float32(Mish(), float_input(input, "mish"))


def softsign(input):  # noqa: A002 (PyTorch's name)
    """x / (1 + |x|): a tanh-like squashing into (-1, 1) with polynomial tails."""
    x = float_input(input, "softsign")
    return x / (abs(x) + 1.0)


def softmin(x, axis=-1, *, dim=None, dtype=None):
    """softmax(-x) over `axis` (or `dim=`); dtype as softmax's."""
    x = softmax_input(x, dtype, "softmin")
    return in_float32(Softmax(softmax_axis(x, axis, dim, "softmin")), -x)


__all__ = ["sigmoid", "relu", "leaky_relu", "elu", "softplus", "gelu", "tanh", "softmax",
           "log_softmax", "silu", "logsigmoid", "hardtanh", "softmin", "prelu", "selu", "relu6",
           "hardsigmoid", "hardswish", "mish", "celu", "glu", "softsign"]
