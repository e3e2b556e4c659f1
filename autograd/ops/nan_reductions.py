"""PyTorch's nansum and nanmean: sum and mean with NaN taken as absent. NaN is replaced by 0
with `where`, so a NaN element gets gradient 0, as PyTorch's."""
from ..backend import get_array_module
from ..variable import as_variable, wrap
from .elementwise import where
from .reduction import sum as reduce_sum
from .validation import float_input, normalize_axes


def _without_nan(x):
    """x with its NaNs set to 0 (x itself where it holds no floats)."""
    if x.dtype.kind != "f":
        return x
    return where(get_array_module(x.data).isnan(x.data), 0.0, x)


def nansum(x, dim=None, keepdim=False):
    """PyTorch's nansum: the sum over `dim` (all by default; an int or a tuple) of the
    elements that are not NaN."""
    x = as_variable(x, who="nansum")
    return reduce_sum(_without_nan(x), normalize_axes(dim, x.ndim, "nansum"), keepdim)


def nanmean(x, dim=None, keepdim=False):
    """PyTorch's nanmean: nansum over `dim` divided by the number of elements that are not
    NaN there (NaN where there are none)."""
    x = float_input(x, "nanmean")
    axes = normalize_axes(dim, x.ndim, "nanmean")
    xp = get_array_module(x.data)
    count = (~xp.isnan(x.data)).sum(axis=axes, keepdims=keepdim)
    mean = reduce_sum(_without_nan(x), axes, keepdim) / wrap(xp.maximum(count, 1).astype(x.dtype))
    return where(count == 0, xp.asarray(xp.nan, x.dtype), mean)  # (no division by 0 either way)
