"""kl_div: the Kullback-Leibler divergence with PyTorch's arguments (input log-probabilities)."""
import numpy as np

from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import exp, log
from autograd.ops.half_precision import in_float32
from autograd.ops.validation import float_input
from autograd.spec import Spec
from autograd.variable import on_device_of

_REDUCTIONS = ("none", "sum", "mean", "batchmean")


class KLPointwise(Function):
    """l = p (log p - q) with q = log-probabilities, 0 where p = 0 (the limit);
    dl/dq = -p,  dl/dp = log p + 1 - q (-inf where p = 0, the derivative from the right: no
    finite number is right there; PyTorch's is nan)"""

    input_specs = (Spec(), Spec(like=0, elements="unit"))
    apply = staticmethod(lambda q, p: kl_div(q, p, reduction="none"))
    reference = staticmethod(lambda q, p: np.where(p == 0, 0.0, p * (np.log(np.where(
        p == 0, 1, p)) - q)))

    def forward(self, q, p):
        xp = get_array_module(q)
        safe = xp.where(p == 0, 1, p)  # log(1) = 0 where p = 0: no -inf, no 0 * -inf
        with np.errstate(invalid="ignore"):  # a negative p is no probability: NaN, as PyTorch
            return p * (xp.log(safe) - q)

    def backward(self, gy):
        q, p = self.inputs
        need_q, need_p = self.needs_input_grad
        gq = -gy * p if need_q else None
        gp = None
        if need_p:
            with np.errstate(divide="ignore"):  # (log 0 = -inf is meant)
                gp = gy * (log(p) + 1.0 - q)
        return gq, gp


def kl_div(input, target, reduction="mean", log_target=False):  # noqa: A002 (PyTorch's)
    """sum p (log p - input) with input = log q (log-probabilities, as log_softmax gives) and
    target = p, or log p with log_target; an element with p = 0 adds 0. reduction:
    'batchmean' divides the sum by the batch size (the divergence per sample, as the math
    defines it), 'mean' by the element count (PyTorch's default), 'sum', or 'none'."""
    input = float_input(input, "kl_div")
    target = on_device_of(target, input, "kl_div")
    if target.dtype != input.dtype:
        target = target.astype(input.dtype)
    if target.shape != input.shape:
        raise ValueError(f"kl_div: input of shape {input.shape} and target of shape "
                         f"{target.shape} differ")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"kl_div: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    if log_target:
        point = exp(target) * (target - input)
    else:
        point = KLPointwise()(input, target)
    if reduction == "none":
        return point
    return in_float32(_reduced, point, reduction, input.shape[0] if input.ndim else 1)


def _reduced(point, reduction, batch):
    """The pointwise divergences summed, averaged, or summed over the batch size (float16
    ones in float32: 'batchmean' divided by a batch past 65504, inf as float16, gave 0)."""
    if reduction == "sum":
        return point.sum()
    if reduction == "mean":
        return point.mean()
    return point.sum() / batch


__all__ = ["kl_div", "KLPointwise"]
