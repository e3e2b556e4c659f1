"""Elementwise losses (regression, binary classification, Poisson counts), PyTorch's
semantics.

Each loss is one Function: forward computes the per-element loss and its reduction
('mean' over all elements, 'sum', or 'none'); backward is written with differentiable ops.
input and target must have the same shape (no silent broadcasting of (N, 1) against (N,)).
"""
import math

import numpy as np

from autograd.backend import as_array, get_array_module
from autograd.function import Function
from autograd.ops import astype, clip, exp, log, maximum, where
from autograd.ops.elementwise import linked, sign_array
from autograd.ops.validation import real_scalar
from autograd.spec import Choice, Spec
from autograd.variable import Variable, as_variable, wrap

from ._reduction import check_reduction, inverse, reduce_array
from ._settings import constant_setting
from .activation import hardtanh, sigmoid, softplus

_LOG_FLOOR = -100.0  # PyTorch clamps BCE's logs here, so log(0) gives a finite loss
# PyTorch's EPSILON of its losses (BCE's gradient, the cosine embedding loss): a C float, so
# 1e-12 rounded to float32 in every dtype (1e-12 itself left float64 4e-9 relative off)
ATEN_EPSILON = float(np.float32(1e-12))
_BCE_EPS = ATEN_EPSILON  # BCE divides its gradient by max(x (1 - x), this)


class _ElementwiseLoss(Function):
    """Base: `losses(xp, x, t)` gives per-element losses; `partials(x, t, needs)` gives
    (dl/dx, dl/dt) as Variables (or None where not needed)."""

    def __init__(self, reduction, weight=None):
        self.reduction, self.weight = reduction, weight

    def forward(self, x, t):
        losses = self.losses(get_array_module(x), x, t)
        if self.weight is not None:
            losses *= self.weight
        return reduce_array(losses, self.reduction, x.size)

    def _mean_scale(self, x):
        """1/n for 'mean' (n elements share the upstream gradient), else 1. With no elements
        the gradient is empty and the scale only reaches second derivatives: 0 there, not
        nan (PyTorch's, and _reduction.upstream's rule)."""
        if self.reduction != "mean":
            return 1.0
        return inverse(x.data.size) if x.data.size else 0.0

    def backward(self, gy):
        x, t = self.inputs
        scale = self._mean_scale(x)
        g = gy * scale if scale != 1 else gy
        if self.weight is not None:
            g = g * wrap(self.weight, False)
        gx, gt = self.partials(x, t, self.needs_input_grad)
        return (None if gx is None else g * gx), (None if gt is None else g * gt)


class MSELoss(_ElementwiseLoss):
    """l = (x - t)^2;  dl/dx = 2 (x - t) = -dl/dt"""

    backward_reads_forward = False

    input_specs = (Spec(), Spec(like=0))
    arg_specs = {"reduction": Choice("mean", "sum", "none")}
    apply = staticmethod(lambda x, t, reduction: mse_loss(x, t, reduction))
    reference = "autograd.testing.references:mse_loss"

    def losses(self, xp, x, t):
        d = x - t
        d *= d
        return d

    def backward(self, gy):
        return self._grads(gy, *self.inputs)

    def backward_data(self, gy):
        return self._grads(gy, self.inputs[0].data, self.inputs[1].data)

    def _grads(self, gy, x, t):
        """(gx, gt) from Variables or arrays alike. The hot path of regression: one Function
        instead of three ops."""
        scale = 2.0 * self._mean_scale(self.inputs[0])
        # (call_op, without making a Function on arrays: backward_data runs every step)
        gx = MSEGrad(scale)(x, t, gy) if isinstance(x, Variable) else mse_grad_array(
            x, t, gy, scale)
        return gx, (-gx if self.needs_input_grad[1] else None)


class MSEGrad(Function):
    """gx = scale gy (x - t), scale = 2 (over the element count for 'mean');
    d/dx = scale gy ggx = -d/dt,  d/dgy = scale sum(ggx (x - t))"""

    checked_through = "MSELoss"

    def __init__(self, scale):
        self.scale = scale

    def forward(self, x, t, gy):
        return mse_grad_array(x, t, gy, self.scale)

    def backward(self, ggx):
        x, t, gy = self.inputs
        need_x, need_t, need_gy = self.needs_input_grad
        d_x = ggx * gy * self.scale if need_x or need_t else None
        d_gy = ggx * (x - t) * self.scale if need_gy else None
        return d_x, (-d_x if need_t else None), d_gy


def mse_grad_array(x, t, gy, scale):
    """scale gy (x - t) on arrays (MSEGrad's forward)."""
    gx = x - t
    gx *= gy * scale if gy.ndim or gy.__class__ is not np.ndarray else float(gy) * scale
    return gx


class L1Loss(_ElementwiseLoss):
    """l = |x - t|;  dl/dx = sign(x - t) = -dl/dt"""

    # x - t on a grid that misses 0, the kink
    input_specs = (Spec(grid=(0.1, 0.05)), Spec(like=0, grid=(0.1, 0.0)))
    arg_specs = {"reduction": Choice("mean", "sum", "none")}
    apply = staticmethod(lambda x, t, reduction: l1_loss(x, t, reduction))
    reference = "autograd.testing.references:l1_loss"

    def losses(self, xp, x, t):
        return xp.abs(x - t)

    def partials(self, x, t, needs):
        d = x.data - t.data
        gx = linked(wrap(sign_array(d), False), x, t)  # 0 at NaN, as PyTorch's
        return gx, (-gx if needs[1] else None)


class HuberLoss(_ElementwiseLoss):
    """l = d^2 / 2 if |d| <= delta else delta (|d| - delta / 2), d = x - t;
    dl/dx = clip(d, -delta, delta) = -dl/dt"""

    # x - t on a grid that misses +-delta, the kinks
    input_specs = (Spec(grid=(0.1, 0.05)), Spec(like=0, grid=(0.1, 0.0)))
    arg_specs = {"reduction": Choice("mean", "sum", "none"), "delta": Choice(1.0, 0.5)}
    apply = staticmethod(lambda x, t, reduction, delta: huber_loss(x, t, reduction, delta))
    reference = "autograd.testing.references:huber_loss"

    def __init__(self, reduction, delta):
        super().__init__(reduction)
        self.delta = delta

    def losses(self, xp, x, t):
        d = xp.abs(x - t)
        return xp.where(d <= self.delta, 0.5 * d * d, self.delta * (d - 0.5 * self.delta))

    def partials(self, x, t, needs):
        # clip(d) in value, with PyTorch's slope 0 at |d| = delta for the second derivative
        gx = hardtanh(x - t, -self.delta, self.delta)
        return gx, (-gx if needs[1] else None)


class BinaryCrossEntropy(_ElementwiseLoss):
    """l = -(t log x + (1 - t) log(1 - x)), logs clamped at -100;
    dl/dx = (x - t) / max(x (1 - x), ATEN_EPSILON),  dl/dt = log(1 - x) - log x (clamped)"""

    input_specs = (Spec(elements="unit"), Spec(like=0, elements="unit"))
    arg_specs = {"reduction": Choice("mean", "sum", "none")}
    apply = staticmethod(lambda x, t, reduction: binary_cross_entropy(x, t, reduction=reduction))
    reference = "autograd.testing.references:binary_cross_entropy"

    def losses(self, xp, x, t):
        # checked here, in the op, so that a captured step's replays check each batch too
        if x.size and (float(x.min()) < 0 or float(x.max()) > 1):
            raise ValueError("binary_cross_entropy: input must hold probabilities in [0, 1] "
                             f"(got values from {float(x.min())} to {float(x.max())}); use "
                             "binary_cross_entropy_with_logits for raw scores")
        if t.size and (float(t.min()) < 0 or float(t.max()) > 1):  # (PyTorch refuses too)
            raise ValueError("binary_cross_entropy: target must hold probabilities in [0, 1] "
                             f"(got values from {float(t.min())} to {float(t.max())}); "
                             "labels of -1 and +1 are 0 and 1 here")
        with np.errstate(divide="ignore"):  # log(0) = -inf is expected: it is clamped
            log_x = xp.maximum(xp.log(x), _LOG_FLOOR)
            log_1mx = xp.maximum(xp.log1p(-x), _LOG_FLOOR)
        return -(t * log_x + (1 - t) * log_1mx)

    def partials(self, x, t, needs):
        gx = (x - t) / clip(x * (1 - x), _BCE_EPS, None) if needs[0] else None
        gt = None
        if needs[1]:
            with np.errstate(divide="ignore"):  # (log(0) = -inf, clamped as forward's)
                gt = maximum(log(1 - x), _LOG_FLOOR) - maximum(log(x), _LOG_FLOOR)
        return gx, gt


class BinaryCrossEntropyWithLogits(_ElementwiseLoss):
    """l = (1 - t) x + (1 + (pw - 1) t) softplus(-x), a stable form of
    -(pw t log sigmoid(x) + (1 - t) log(1 - sigmoid(x)));
    dl/dx = (1 + (pw - 1) t) sigmoid(x) - pw t,  dl/dt = pw softplus(-x) - softplus(x)
    (= (pw - 1) softplus(-x) - x, which cancels for x << 0; -x without pw)"""

    input_specs = (Spec(), Spec(like=0, elements="unit"))
    arg_specs = {"reduction": Choice("mean", "sum", "none"), "pos_weight": Choice(None, 2.0)}
    apply = staticmethod(lambda x, t, reduction, pos_weight: binary_cross_entropy_with_logits(
        x, t, reduction=reduction, pos_weight=pos_weight))
    reference = "autograd.testing.references:binary_cross_entropy_with_logits"

    def __init__(self, reduction, weight, pos_weight):
        super().__init__(reduction, weight)
        self.pos_weight = pos_weight

    def losses(self, xp, x, t):
        softplus_neg = xp.log1p(xp.exp(-xp.abs(x)))
        softplus_neg += xp.maximum(-x, 0)
        if self.pos_weight is not None:
            softplus_neg *= 1 + (self.pos_weight - 1) * t
        softplus_neg += (1 - t) * x
        return softplus_neg

    def partials(self, x, t, needs):
        pw = None if self.pos_weight is None else wrap(self.pos_weight, False)
        gx = gt = None
        if needs[0]:
            gx = sigmoid(x) - t if pw is None else (1 + (pw - 1) * t) * sigmoid(x) - pw * t
        if needs[1]:
            gt = -x if pw is None else pw * _exact_softplus(-x) - _exact_softplus(x)
        return gx, gt


class PoissonNLLLoss(_ElementwiseLoss):
    """l = exp(x) - t x (log_input: x is the log of the rate) or x - t log(x + eps), plus with
    `full` the Stirling term t log t - t + log(2 pi t) / 2 where t > 1 (0 elsewhere);
    dl/dx = exp(x) - t or 1 - t / (x + eps);  dl/dt = -x or -log(x + eps), plus
    log t + 1 / (2 t) where t > 1 with `full`"""

    # positive rates (log_input=False needs x + eps > 0); counts on a grid missing t = 1,
    # where the Stirling term jumps in
    input_specs = (Spec(elements="positive"), Spec(like=0, elements=(0.0, 3.0),
                                                   grid=(0.1, 0.05)))
    arg_specs = {"reduction": Choice("mean", "sum", "none"), "log_input": Choice(True, False),
                 "full": Choice(False, True)}
    apply = staticmethod(lambda x, t, reduction, log_input, full: poisson_nll_loss(
        x, t, log_input=log_input, full=full, reduction=reduction))
    reference = "autograd.testing.references:poisson_nll_loss"

    def __init__(self, reduction, log_input, full, eps):
        super().__init__(reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def losses(self, xp, x, t):
        if self.log_input:
            losses = xp.exp(x)
            losses -= t * x
        else:
            losses = x - t * xp.log(x + self.eps)
        if self.full:
            above = t > 1
            safe = xp.where(above, t, 1)  # (no log of 0 in the values left out)
            stirling = safe * xp.log(safe) - safe + 0.5 * xp.log(2 * math.pi * safe)
            losses += xp.where(above, stirling, 0)
        return losses

    def partials(self, x, t, needs):
        gx = gt = None
        if self.log_input:
            gx = exp(x) - t if needs[0] else None
            gt = -x if needs[1] else None
        else:
            shifted = x + self.eps
            gx = 1.0 - t / shifted if needs[0] else None
            gt = -log(shifted) if needs[1] else None
        if self.full and needs[1]:
            above = t.data > 1  # (the Stirling term's slope, 0 where it is left out)
            safe = where(above, t, 1.0)
            gt = gt + where(above, log(safe) + 0.5 / safe, 0.0)
        return gx, gt


def _exact_softplus(x):
    """log(1 + e^x) without softplus' linear cut-off past x = 20 (off by e^-20 there)."""
    return softplus(x, threshold=math.inf)


# ----- the public functions -----

def mse_loss(input, target, reduction="mean", weight=None):
    """Mean squared error: mean((input - target)^2). weight (input's shape): each element's
    error scaled by it, and 'mean' the weighted mean sum(w e) / sum(w) (PyTorch's)."""
    func = MSELoss(check_reduction(reduction if weight is None else "none", "mse_loss"))
    return _weighed(_apply(func, input, target, "mse_loss"), weight, reduction, "mse_loss",
                    by_weight=True)


def l1_loss(input, target, reduction="mean", weight=None):
    """Mean absolute error: mean(|input - target|); weight as mse_loss's."""
    func = L1Loss(check_reduction(reduction if weight is None else "none", "l1_loss"))
    return _weighed(_apply(func, input, target, "l1_loss"), weight, reduction, "l1_loss",
                    by_weight=True)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None, *, who="huber_loss"):
    """Quadratic for |input - target| <= delta, linear beyond (PyTorch's huber_loss).
    weight (input's shape): each element's loss scaled by it, 'mean' then their plain mean
    (PyTorch's, unlike mse_loss's). `who`: the function errors name (smooth_l1_loss calls
    this one)."""
    delta = real_scalar(delta, "delta", who)
    if not delta > 0:
        raise ValueError(f"{who}: delta must be positive, got {delta!r}")
    func = HuberLoss(check_reduction(reduction if weight is None else "none", who), delta)
    return _weighed(_apply(func, input, target, who), weight, reduction, who, by_weight=False)


def _weighed(losses, weight, reduction, who, by_weight):
    """`losses` as they are without a weight; else each element's loss times its weight,
    reduced by `reduction`: 'mean' over the weights' sum (by_weight) or the elements."""
    if weight is None:
        return losses
    check_reduction(reduction, who)
    weight = _target_like(weight, losses, who)
    if weight.shape != losses.shape:  # (PyTorch's rule: no broadcasting)
        raise ValueError(f"{who}: weight of shape {weight.shape} must have the input's shape "
                         f"{losses.shape}")
    weighed = losses * weight
    if reduction == "none":
        return weighed
    if reduction == "sum" or not by_weight:
        return weighed.sum() if reduction == "sum" else weighed.mean()
    return weighed.sum() / weight.sum()


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """0.5 d^2 / beta for |d| < beta, |d| - 0.5 beta beyond, d = input - target (PyTorch's):
    Huber's loss with delta = beta, over beta; beta = 0 is the L1 loss."""
    beta = real_scalar(beta, "beta", "smooth_l1_loss")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be >= 0, got {beta!r}")
    if beta == 0:
        return l1_loss(input, target, reduction)
    return huber_loss(input, target, reduction, delta=beta, who="smooth_l1_loss") * (1.0 / beta)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """BCE of probabilities `input` in [0, 1] against targets in [0, 1]; `weight`
    (broadcast to input's shape) rescales each element's loss. The logs are clamped at
    -100, as PyTorch's: at an input of exactly 0 or 1 the target's gradient is that of the
    clamped loss (+-100; PyTorch's is +-inf there)."""
    input, target = _prepare(input, target, "binary_cross_entropy")
    func = BinaryCrossEntropy(check_reduction(reduction, "binary_cross_entropy"),
                              _constant_like(weight, input, "binary_cross_entropy", "weight"))
    return func(input, target)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",
                                     pos_weight=None):
    """sigmoid + BCE in one stable step. `pos_weight` (broadcast along the last axis, one
    value per class) weighs the positive term; `weight` rescales each element's loss."""
    who = "binary_cross_entropy_with_logits"
    input, target = _prepare(input, target, who)
    func = BinaryCrossEntropyWithLogits(check_reduction(reduction, who),
                                        _constant_like(weight, input, who, "weight"),
                                        _constant_like(pos_weight, input, who, "pos_weight"))
    return func(input, target)


def poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8,  # noqa: A002
                     reduction="mean"):
    """Negative log-likelihood of counts `target` under Poisson rates (PyTorch's): with
    log_input, input is the log of the rate, l = exp(input) - target input; without,
    l = input - target log(input + eps). full adds Stirling's approximation of
    log(target!), target log target - target + log(2 pi target) / 2, where target > 1."""
    who = "poisson_nll_loss"
    func = PoissonNLLLoss(check_reduction(reduction, who), bool(log_input), bool(full),
                          real_scalar(eps, "eps", who))
    return _apply(func, input, target, who)


def _apply(func, input, target, who):
    return func(*_prepare(input, target, who))


def _prepare(input, target, who):
    """input and target as Variables of input's float dtype and one shape."""
    input = as_variable(input)
    if input.dtype.kind != "f":
        raise TypeError(f"{who}: input must be floating point, got dtype {input.dtype}")
    target = _target_like(target, input, who)
    if input.shape != target.shape:
        raise ValueError(f"{who}: input of shape {input.shape} and target of shape "
                         f"{target.shape} differ (reshape one of them; no broadcasting here)")
    return input, target


def _target_like(target, input, who):
    """target in input's dtype: a Variable through the differentiable astype, a raw array
    (a constant) by a plain cast."""
    if isinstance(target, Variable):
        return target if target.dtype == input.dtype else astype(target, input.dtype)
    data = as_array(target, like=input.data)
    if data.dtype.kind not in "biuf":
        raise TypeError(f"{who}: target must be numeric, got dtype {data.dtype}")
    # the array itself, cast by an op: a captured step reads it afresh at each replay
    constant = wrap(data, False)
    return constant if data.dtype == input.dtype else astype(constant, input.dtype)


def _constant_like(value, like, who, name):
    """An optional weight as an array of like's dtype that broadcasts to like's shape."""
    if value is None:
        return None
    data = constant_setting(value, like, who, name)
    xp = get_array_module(like.data)
    try:
        fits = xp.broadcast_shapes(data.shape, like.shape) == like.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{who}: {name} of shape {data.shape} does not broadcast to the input "
                         f"shape {like.shape}")
    return data


__all__ = ["mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "poisson_nll_loss"]
