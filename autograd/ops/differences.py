"""PyTorch's diff: the n-th forward differences along an axis, a composition of slices and
subtraction (booleans: the 'not equal' of neighbours, as PyTorch's logical xor)."""
from ..variable import as_variable
from .comparison import not_equal
from .copy import clone
from .indexing import get_item
from .shape import concatenate
from .validation import integer, normalize_axis


def diff(x, n=1, dim=-1, prepend=None, append=None):
    """out[i] = x[i + 1] - x[i] along `dim`, taken `n` times, after `prepend` and `append`
    (arrays of x's rank, its shape but along `dim`) are joined before and after x; n=0
    gives x alone, as PyTorch's and NumPy's."""
    x = as_variable(x, who="diff")
    if x.ndim == 0:
        raise ValueError("diff: expects an input of at least one dimension, got a 0-d one")
    axis = normalize_axis(dim, x.ndim, "diff")
    n = integer(n, "n", "diff")
    if n < 0:
        raise ValueError(f"diff: the order n must be >= 0, got {n}")
    parts = [_edge(prepend, x, axis, "prepend"), x, _edge(append, x, axis, "append")]
    if n == 0:  # the input itself, prepend and append checked but not joined (PyTorch's)
        return clone(x)
    parts = [p for p in parts if p is not None]
    x = concatenate(parts, axis) if len(parts) > 1 else x
    lead = (slice(None),) * axis
    for _ in range(n):
        later, earlier = get_item(x, lead + (slice(1, None),)), get_item(x, lead + (slice(-1),))
        x = not_equal(later, earlier) if x.dtype == bool else later - earlier
    return x


def _edge(values, x, axis, name):
    """`values` as a Variable of x's rank and of x's shape but along `axis` (or None)."""
    if values is None:
        return None
    values = as_variable(values, who="diff")
    others = [n for i, n in enumerate(x.shape) if i != axis]
    if values.ndim != x.ndim or [n for i, n in enumerate(values.shape) if i != axis] != others:
        raise ValueError(f"diff: {name} of shape {values.shape} must have the input's shape "
                         f"{x.shape} but along dim {axis}")
    return values
