"""Elements moved, repeated or cut into pieces: flip, roll, tile, chunk, unbind, narrow and
PyTorch's split by sizes. Each is a composition of slicing, concatenation and broadcasting,
whose gradients send every element's back to where it came from (a repeated element's
summed)."""
import math

import numpy as np
from numpy.exceptions import AxisError

from ..arguments import positive_int
from ..variable import as_variable, torch_axis
from .copy import clone
from .indexing import get_item
from .reduction import broadcast_to
from .shape import concatenate, reshape, split, squeeze
from .validation import int_tuple, integer, normalize_axes, normalize_axis


def flip(x, axis=None, *, dims=None):
    """x reversed along `axis` (an int or a tuple; None: every axis), NumPy's flip and
    PyTorch's (its `dims=`); a new array, as PyTorch's (NumPy's is a view)."""
    x = as_variable(x, who="flip")
    axis = torch_axis(axis, False, dims, None, "flip")[0]
    return clone(reversed_view(x, normalize_axes(axis, x.ndim, "flip")))


def reversed_view(x, axes):
    """x reversed along `axes` as a view (the ops' own gradient code: no copy)."""
    return get_item(x, tuple(slice(None, None, -1) if i in axes else slice(None)
                             for i in range(x.ndim)))


def roll(x, shift, axis=None):
    """x with its elements shifted by `shift` along `axis`, those pushed past the end
    coming back at the start (NumPy's roll; PyTorch's with shifts and dims). Several axes
    take a shift each; axis=None rolls the flattened array and keeps x's shape. A new
    array, whatever the shift."""
    x = as_variable(x, who="roll")
    if axis is None:
        # (the inner roll's result is new memory: its reshape is a new array already)
        return reshape(roll(reshape(x, (-1,)), _one_shift(shift), 0), x.shape)
    axes = int_tuple(axis, "axis", "roll")
    shifts = int_tuple(shift, "shift", "roll")
    if len(shifts) == 1:
        shifts = shifts * len(axes)
    if len(shifts) != len(axes):
        raise ValueError(f"roll: {len(shifts)} shifts for {len(axes)} axes ({shift!r}, "
                         f"{axis!r})")
    rolled = x
    for s, a in zip(shifts, axes):
        rolled = _rolled(rolled, s, normalize_axis(a, x.ndim, "roll"))
    return clone(rolled) if rolled is x else rolled


def _one_shift(shift):
    shifts = int_tuple(shift, "shift", "roll")
    if len(shifts) != 1:
        raise ValueError(f"roll: one shift for the flattened array (axis=None), got {shift!r}")
    return shifts[0]


def _rolled(x, shift, axis):
    n = x.shape[axis]
    cut = n - shift % n if n else 0
    if cut in (0, n):
        return x
    lead = (slice(None),) * axis
    return concatenate([get_item(x, lead + (slice(cut, None),)),
                        get_item(x, lead + (slice(None, cut),))], axis=axis)


def tile(x, reps):
    """x repeated `reps[i]` times along axis i (NumPy's tile and PyTorch's; reps shorter
    than x's rank repeats the last axes, longer adds leading axes): a broadcast between
    each axis and a new one of its repeats, so each copy's gradient adds up."""
    x = as_variable(x, who="tile")
    reps = int_tuple(reps, "reps", "tile")
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: repeats must be >= 0, got {reps}")
    ndim = max(x.ndim, len(reps))
    shape = (1,) * (ndim - x.ndim) + tuple(x.shape)
    reps = (1,) * (ndim - len(reps)) + reps
    if all(r == 1 for r in reps):  # (a new array, as PyTorch's, not a view of x)
        return clone(reshape(x, shape))
    paired = reshape(x, tuple(n for size in shape for n in (1, size)))
    spread = broadcast_to(paired, tuple(n for pair in zip(reps, shape) for n in pair))
    return reshape(spread, tuple(r * n for r, n in zip(reps, shape)))


def _axis_of(x, dim, who):
    """`dim` of x as an axis; a 0-d x has none to cut along (PyTorch refuses it too, where
    NumPy's axis 0 of it would fail deep inside)."""
    if x.ndim == 0:
        raise AxisError(f"{who}: a 0-d Variable has no dim {dim} to cut along; reshape it to "
                        "(1,) first")
    return normalize_axis(dim, x.ndim, who)


def split_sizes(x, split_size_or_sections, dim=0):
    """PyTorch's split: pieces of `split_size_or_sections` elements along `dim` (the last
    one smaller when they do not divide it), or of the sizes a list gives (they must add
    up to the axis' length). NumPy's split (`autograd.split`) takes cut points instead."""
    x = as_variable(x, who="split")
    axis = _axis_of(x, dim, "split")
    n = x.shape[axis]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = int_tuple(split_size_or_sections, "split sizes", "split")
        if any(s < 0 for s in sizes) or sum(sizes) != n:
            raise ValueError(f"split: sizes {list(sizes)} must be >= 0 and add up to {n}, "
                             f"the length of dim {dim} (shape {x.shape})")
        cuts = list(np.cumsum(sizes[:-1]))
    else:
        size = positive_int(split_size_or_sections, "split_size", "split")
        cuts = list(range(size, n, size))
    return tuple(split(x, [int(c) for c in cuts], axis))


def chunk(x, chunks, dim=0):
    """PyTorch's chunk: at most `chunks` pieces along `dim`, each ceil(n / chunks) long
    but the last (fewer pieces when they do not come out even, as PyTorch's)."""
    x = as_variable(x, who="chunk")
    chunks = positive_int(chunks, "chunks", "chunk")
    n = x.shape[_axis_of(x, dim, "chunk")]
    if n == 0:  # (PyTorch: `chunks` empty pieces)
        return split_sizes(x, [0] * chunks, dim)
    return split_sizes(x, math.ceil(n / chunks), dim)


def unbind(x, dim=0):
    """PyTorch's unbind: the slices of x along `dim`, that axis removed, as a tuple."""
    x = as_variable(x, who="unbind")
    axis = _axis_of(x, dim, "unbind")
    if x.shape[axis] == 0:
        return ()
    return tuple(squeeze(part, axis) for part in split(x, x.shape[axis], axis))


def narrow(x, dim, start, length):
    """PyTorch's narrow: `length` elements of x along `dim` from `start` (negative counts
    from the end), a view as x[..., start:start + length]."""
    x = as_variable(x, who="narrow")
    axis = _axis_of(x, dim, "narrow")
    n = x.shape[axis]
    start, length = integer(start, "start", "narrow"), integer(length, "length", "narrow")
    begin = start + n if start < 0 else start
    if not 0 <= begin <= n or length < 0 or begin + length > n:
        raise IndexError(f"narrow: start {start} and length {length} do not fit dim {dim} "
                         f"of length {n} (shape {x.shape})")
    return get_item(x, (slice(None),) * axis + (slice(begin, begin + length),))

