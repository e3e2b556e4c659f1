"""PyTorch's lerp_, in place: the running averages' update (Adam's m, RMSprop's grad_avg,
Adafactor's factors)."""


def lerp_(xp, start, end, weight, out=None):
    """start <- start + weight * (end - start) in place, by PyTorch's two-sided formula:
    from `end` (end - (1 - weight) * (end - start)) when |weight| >= 1/2, so a weight of 1
    (beta1 = 0) gives `end` exactly; one-sided, a huge `start` cancelled a small `end` to 0.
    Returns the scratch array (`out`, a new array when None) for the caller's reuse."""
    diff = xp.subtract(end, start, out=out)
    if abs(weight) < 0.5:
        diff *= weight
        start += diff
    else:
        diff *= 1.0 - weight
        xp.subtract(end, diff, out=start)
    return diff
