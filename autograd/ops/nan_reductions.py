"""PyTorch's nansum and nanmean: sum and mean with NaN taken as absent. NaN is replaced by 0
with `where`, so a NaN element gets gradient 0, as PyTorch's. The NaN mask and the counts
are ops (isnan, sums of it), not NumPy on the values: a captured step's replay finds each
call's NaNs again rather than keeping the recorded call's."""
import math

import numpy as np

from ..variable import as_variable, every_dim_if_empty
from .comparison import equal
from .counting import isnan
from .elementwise import astype, maximum, where
from .reduction import sum as reduce_sum
from .validation import float_input, normalize_axes


def _without_nan(x):
    """x with its NaNs set to 0 (x itself where it holds no floats)."""
    if x.dtype.kind != "f":
        return x
    return where(isnan(x), 0.0, x)


def nansum(x, dim=None, keepdim=False):
    """PyTorch's nansum: the sum over `dim` (all by default; an int or a tuple) of the
    elements that are not NaN."""
    x = as_variable(x, who="nansum")
    return reduce_sum(_without_nan(x), normalize_axes(every_dim_if_empty(dim), x.ndim,
                                                      "nansum"), keepdim)


def nanmean(x, dim=None, keepdim=False):
    """PyTorch's nanmean: nansum over `dim` divided by the number of elements that are not
    NaN there (NaN where there are none: its gradient there 0, where PyTorch's is NaN)."""
    x = float_input(x, "nanmean")
    axes = normalize_axes(every_dim_if_empty(dim), x.ndim, "nanmean")
    reduced = math.prod(x.shape[a] for a in axes)
    count = reduced - reduce_sum(astype(isnan(x), x.dtype), axes, keepdim)  # (no gradient)
    mean = reduce_sum(_without_nan(x), axes, keepdim) / maximum(count, 1.0)
    return where(equal(count, 0), np.asarray(np.nan, x.dtype), mean)  # (no division by 0)
