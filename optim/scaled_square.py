"""scale * g^2, the term of the running averages of squared gradients (Adam's v, RMSprop's,
Adadelta's)."""
from autograd.ops.accumulation import accumulator


def scaled_square(xp, g, scale, out=None):
    """scale * g^2 into `out` (a new array when None). A float16 g is squared in its
    accumulator, float32, and rounded once, as PyTorch's addcmul: g^2 alone passes float16's
    largest value, 65504, from |g| = 256, and the inf it would leave in the average froze
    the parameter for good."""
    wider = accumulator(g.dtype)
    if wider is not None:
        wide = g.astype(wider)
        wide *= wide
        wide *= scale
        if out is None:
            return wide.astype(g.dtype)
        out[...] = wide
        return out
    # (scale * g) * g, PyTorch's addcmul order: g * g first overflowed where the scaled
    # square fits (float32 |g| > 1.8e19 with scale 1e-3), the average became inf and froze
    # the parameter for good
    out = xp.multiply(g, scale, out=out)
    out *= g
    return out
