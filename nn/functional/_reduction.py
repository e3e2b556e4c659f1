"""The `reduction` argument of losses: 'none', 'sum' or 'mean', in forward and in backward."""
import math

from autograd.ops.accumulation import accumulated_sum

REDUCTIONS = ("none", "sum", "mean")


def check_reduction(reduction, who):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{who}: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return reduction


def reduce_array(losses, reduction, denominator):
    """Per-element `losses` (an array) -> the loss array; 'mean' divides by `denominator`."""
    if reduction == "none":
        return losses
    total = accumulated_sum(losses)  # (float16 losses past 65504 in all: PyTorch's are finite)
    if reduction == "mean":
        total = total * inverse(denominator)
    return total.astype(losses.dtype, copy=False)


def upstream(gy, reduction, denominator, counted=False):
    """The gradient reaching each per-element loss: gy ('none', 'sum') or gy / denominator.
    A zero denominator with nothing counted (every target ignored) gives 0, not nan: the
    loss is nan, the mean over nothing, but no element contributes to it, and PyTorch's
    gradient is 0 there too, so a padding-only batch leaves the weights finite. `counted`:
    targets were counted but their class weights sum to 0, where PyTorch's gradient is nan
    (0 / 0), as the loss is."""
    if reduction != "mean":
        return gy
    if denominator:
        return gy * inverse(denominator)
    return gy * (math.nan if counted else 0.0)


def inverse(denominator):
    """1 / denominator as a Python float (a weak scalar: float32 stays float32); NaN for 0,
    the mean over nothing, as PyTorch."""
    denominator = float(denominator)
    return 1.0 / denominator if denominator else math.nan


def reduce_loss(losses, reduction):
    """Per-element losses (a Variable) -> 'none': themselves, 'sum', or 'mean' (NaN over no
    elements, as PyTorch's)."""
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.mean()
