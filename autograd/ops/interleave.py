"""PyTorch's repeat_interleave: each element repeated in place along an axis (an index
selection, whose gradient adds up each element's copies)."""
import numpy as np

from ..backend import array_of, as_array, to_cpu
from ..variable import Variable, as_variable, wrap
from .selection import index_select
from .shape import reshape
from .validation import integer, integer_index, normalize_axis


def repeat_interleave(x, repeats=None, dim=None, *, output_size=None):
    """x with element i along `dim` repeated repeats[i] times (an int or a 1-D integer
    array, of one entry or one per element); dim=None repeats the flattened x. With x alone
    (repeats=None), x holds the repeats and the result is the index 0, 1, ... repeated."""
    if repeats is None:  # torch.repeat_interleave(repeats)
        counts = _counts(x, None)  # (read on the host; the index goes where x is)
        return wrap(as_array(np.repeat(np.arange(counts.size), counts), like=array_of(x)))
    x = as_variable(x, who="repeat_interleave")
    if dim is None:
        x, dim = reshape(x, (-1,)), 0
    axis = normalize_axis(dim, x.ndim, "repeat_interleave")
    n = x.shape[axis]
    counts = _counts(repeats, n)
    if counts.size not in (1, n):
        raise ValueError(f"repeat_interleave: {counts.size} repeats for dim {dim} of length "
                         f"{n} (shape {x.shape}); give one, or one per element")
    index = np.repeat(np.arange(n), counts if counts.size == n else int(counts[0]))
    if output_size is not None and integer(output_size, "output_size",
                                           "repeat_interleave") != index.size:
        raise ValueError(f"repeat_interleave: output_size {output_size} is not the "
                         f"{index.size} elements the repeats make")
    return index_select(x, axis, index)


def _counts(repeats, n):
    """The repeats as a 1-D host array of non-negative ints."""
    if not isinstance(repeats, (Variable, np.ndarray, list, tuple)):
        repeats = integer(repeats, "repeats", "repeat_interleave")
    counts = to_cpu(integer_index(repeats, "repeat_interleave"))
    if counts.ndim > 1:
        raise ValueError(f"repeat_interleave: repeats must be an int or 0-d or 1-D, got shape "
                         f"{counts.shape}")
    if (counts < 0).any():
        raise ValueError(f"repeat_interleave: repeats must be >= 0, got {counts.tolist()}")
    return counts.reshape(-1)
