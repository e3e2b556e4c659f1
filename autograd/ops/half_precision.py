"""float16 computed in float32, as PyTorch's CPU kernels compute half precision (their
"opmath" type): sums over many elements and squares of values past 256 overflow float16's
65504, so a normalization, a softmax or a loss's mean run in float16 silently gave inf,
NaN or 0 where PyTorch gives the float16 rounding of the true value."""
import numpy as np

from .elementwise import astype


def in_float32(function, x, *args, **kwargs):
    """function(x, *args, **kwargs); a float16 x is cast to float32 first and the result
    rounded back to float16 (its gradient comes back in float16 through the casts)."""
    if x.dtype != np.float16:
        return function(x, *args, **kwargs)
    return astype(function(astype(x, np.float32), *args, **kwargs), np.float16)
