"""Axes split, moved or turned, and grids: PyTorch's unflatten, movedim (moveaxis), rot90
and meshgrid, each a composition of reshape, transpose, flip and broadcast_to (whose
gradients send every element's back where it came from)."""
import math

from ..variable import as_variable, as_variables
from .copy import clone
from .rearrange import reversed_view
from .reduction import broadcast_to
from .shape import reshape, swapaxes, transpose
from .validation import int_tuple, integer, normalize_axes, normalize_axis


def unflatten(x, dim, sizes):
    """x with axis `dim` split into axes of `sizes` (one may be -1: what is left), PyTorch's
    unflatten; their product must be that axis' length."""
    x = as_variable(x, who="unflatten")
    axis = normalize_axis(dim, max(x.ndim, 1), "unflatten")
    sizes = int_tuple(sizes, "sizes", "unflatten")
    n = x.shape[axis] if x.ndim else 1
    if not sizes:
        raise ValueError("unflatten: sizes must hold at least one size, got ()")
    unknown = [i for i, s in enumerate(sizes) if s == -1]
    known = math.prod(s for s in sizes if s != -1)
    if len(unknown) > 1 or any(s < -1 for s in sizes) or (
            not unknown and known != n) or (unknown and (known == 0 or n % known)):
        raise ValueError(f"unflatten: sizes {sizes} (at most one -1) do not multiply to {n}, "
                         f"the length of dim {dim} (shape {x.shape})")
    if unknown:
        sizes = sizes[:unknown[0]] + (n // known,) + sizes[unknown[0] + 1:]
    return reshape(x, tuple(x.shape[:axis]) + sizes + tuple(x.shape[axis + 1:]))


def movedim(x, source, destination):
    """x with the axes `source` moved to the places `destination` (ints or sequences of as
    many), the others keeping their order (PyTorch's movedim, NumPy's moveaxis)."""
    x = as_variable(x, who="movedim")
    sources = normalize_axes(list(int_tuple(source, "source", "movedim")), x.ndim, "movedim")
    targets = normalize_axes(list(int_tuple(destination, "destination", "movedim")), x.ndim,
                             "movedim")
    if len(sources) != len(targets):
        raise ValueError(f"movedim: {len(sources)} source dims ({source!r}) for "
                         f"{len(targets)} destinations ({destination!r})")
    rest = iter(a for a in range(x.ndim) if a not in sources)
    placed = dict(zip(targets, sources))
    return transpose(x, [placed[i] if i in placed else next(rest) for i in range(x.ndim)])


moveaxis = movedim  # (PyTorch's alias, NumPy's name)


def rot90(x, k=1, dims=(0, 1)):
    """x turned by 90 degrees `k` times in the plane of `dims`, from the first axis towards
    the second (PyTorch's rot90): a new array."""
    x = as_variable(x, who="rot90")
    dims = int_tuple(dims, "dims", "rot90")
    if len(dims) != 2:
        raise ValueError(f"rot90: dims must name 2 axes, got {dims}")
    if x.ndim < 2:
        raise ValueError(f"rot90: expected at least 2 dimensions, got shape {x.shape}")
    a, b = normalize_axes(dims, x.ndim, "rot90")  # (repeated axes are refused there)
    turns = integer(k, "k", "rot90") % 4
    if turns == 0:
        return clone(x)
    if turns == 2:
        return clone(reversed_view(x, (a, b)))
    # once: the columns reversed, then transposed; three times: the rows
    return clone(swapaxes(reversed_view(x, (b if turns == 1 else a,)), a, b))


def meshgrid(*tensors, indexing="ij"):
    """Coordinate grids of 0-d or 1-D inputs (PyTorch's meshgrid, its default 'ij': the
    i-th output varies along axis i; 'xy' swaps the first two axes, as NumPy's default),
    a tuple of broadcast views."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    if not tensors:
        raise ValueError("meshgrid: expects at least one input")
    xs = [as_variable(t, who="meshgrid") for t in tensors]
    if len({x.dtype for x in xs}) > 1:  # (PyTorch's rule: no promotion)
        raise TypeError(f"meshgrid: expects inputs of one dtype, got "
                        f"{', '.join(str(x.dtype) for x in xs)}")
    xs = as_variables(xs, "meshgrid")
    for k, x in enumerate(xs):
        if x.ndim > 1:
            raise ValueError(f"meshgrid: expects 0-d or 1-D inputs, input {k} has shape "
                             f"{x.shape}")
    lengths = [x.size for x in xs]
    order = list(range(len(xs)))
    if indexing == "xy" and len(xs) > 1:
        order[0], order[1] = 1, 0
    shape = tuple(lengths[i] for i in order)
    grids = []
    for k, x in enumerate(xs):
        at = order.index(k)
        line = reshape(x, tuple(n if i == at else 1 for i, n in enumerate(shape)))
        grids.append(broadcast_to(line, shape))
    return tuple(grids)
