"""kl_div: the Kullback-Leibler divergence with PyTorch's arguments (input log-probabilities)."""
from autograd.ops import exp, log, where
from autograd.ops.validation import float_input
from autograd.variable import as_variable

_REDUCTIONS = ("none", "sum", "mean", "batchmean")


def kl_div(input, target, reduction="mean", log_target=False):  # noqa: A002 (PyTorch's)
    """sum p (log p - input) with input = log q (log-probabilities, as log_softmax gives) and
    target = p, or log p with log_target; an element with p = 0 adds 0. reduction:
    'batchmean' divides the sum by the batch size (the divergence per sample, as the math
    defines it), 'mean' by the element count (PyTorch's default), 'sum', or 'none'."""
    input = float_input(input, "kl_div")
    target = as_variable(target, who="kl_div")
    if target.dtype != input.dtype:
        target = target.astype(input.dtype)
    if target.shape != input.shape:
        raise ValueError(f"kl_div: input of shape {input.shape} and target of shape "
                         f"{target.shape} differ")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"kl_div: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    if log_target:
        point = exp(target) * (target - input)
    else:  # log(1) = 0 where p = 0: no -inf, and a gradient of 0 for the input there
        point = target * (log(where(target.data > 0, target, 1.0)) - input)
    if reduction == "none":
        return point
    if reduction == "sum":
        return point.sum()
    if reduction == "mean":
        return point.mean()
    return point.sum() / (input.shape[0] if input.ndim else 1)


__all__ = ["kl_div"]
