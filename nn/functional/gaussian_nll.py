"""gaussian_nll_loss: the negative log-likelihood of targets under Gaussians (PyTorch's)."""
import math

import numpy as np

from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import expand_dims, log
from autograd.ops.validation import float_input, real_scalar
from autograd.spec import Choice, Spec
from autograd.variable import Variable, wrap

from ._reduction import check_reduction, reduce_loss
from .loss import _target_like
from .margin_loss import _broadcast_all

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class VarianceFloor(Function):
    """y = max(var, eps), refusing var < 0;  dy/dvar = 1 (PyTorch clamps without recording
    the clamp, so the gradient passes straight through). An op, so that a captured step
    checks each call's variances."""

    # above eps, where the slope of 1 is also the derivative (below, it is 1 by definition)
    input_specs = (Spec(elements=(0.5, 2.0)),)
    arg_specs = {"eps": Choice(1e-6, 0.25)}
    reference = staticmethod(lambda var, eps: np.maximum(var, eps))

    def __init__(self, eps):
        self.eps = eps

    def forward(self, var):
        if var.size and float(var.min()) < 0:
            raise ValueError(f"gaussian_nll_loss: var has negative entries (the smallest is "
                             f"{float(var.min())}); variances must be >= 0")
        return get_array_module(var).maximum(var, var.dtype.type(self.eps))

    def backward(self, gy):
        return gy


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6,  # noqa: A002 (PyTorch's)
                      reduction="mean"):
    """0.5 (log(max(var, eps)) + (input - target)^2 / max(var, eps)), plus 0.5 log(2 pi) with
    `full`: input the Gaussians' means, var their variances (>= 0). var has input's shape,
    or it with the last axis dropped or one axis of size 1 (one variance shared along it),
    or is a number; input and target broadcast."""
    who = "gaussian_nll_loss"
    x = float_input(input, who)
    t = _target_like(target, x, who)
    var = _variance(var, x, who)
    check_reduction(reduction, who)
    eps = real_scalar(eps, "eps", who)
    _broadcast_all(who, x, t, var)
    var = VarianceFloor(eps)(var)
    d = x - t
    losses = (log(var) + d * d / var) * 0.5
    if full:
        losses = losses + _HALF_LOG_2PI
    return reduce_loss(losses, reduction)


def _variance(var, like, who):
    """var as a Variable that broadcasts to like's shape as PyTorch allows: like's shape, it
    without the last axis (given back as an axis of 1), or one axis of 1 where like's differs;
    a number fills like's shape."""
    if isinstance(var, (int, float, np.number)) and not isinstance(var, bool):
        value = real_scalar(var, "var", who)
        if value < 0:
            raise ValueError(f"{who}: var must be >= 0, got {value}")
        return wrap(get_array_module(like.data).full(like.shape, value, like.dtype), False)
    var = var if isinstance(var, Variable) else _target_like(var, like, who)
    if var.dtype.kind != "f":
        raise TypeError(f"{who}: var must be floating point, got dtype {var.dtype}")
    if var.shape == like.shape:
        return var
    if var.shape == like.shape[:-1]:
        return expand_dims(var, -1)
    differ = [(a, b) for a, b in zip(like.shape, var.shape) if a != b]
    if var.ndim == like.ndim and len(differ) == 1 and differ[0][1] == 1:
        return var
    raise ValueError(f"{who}: var of shape {var.shape} does not fit input of shape "
                     f"{like.shape}: give input's shape, it without the last axis, or it with "
                     f"one axis of size 1")


__all__ = ["gaussian_nll_loss", "VarianceFloor"]
