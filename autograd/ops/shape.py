"""Shape manipulation: reshape, transpose, squeeze, expand_dims, flatten, concatenate, stack,
split."""
import numpy as np

from ..backend import get_array_module
from ..function import Function, ReturnsViews, call_op
from ..spec import Draw, Spec
from ..variable import (
    FIRST_AXIS,
    Variable,
    as_variable,
    as_variables,
    axis_or_dim,
    computed_from_values,
)
from .indexing import GetItemGrad
from .validation import int_tuple, normalize_axes, normalize_axis


class Reshape(ReturnsViews, Function):
    """y = x viewed with a new shape"""

    input_specs = (Spec(),)
    arg_specs = {"shape": Draw("autograd.testing.op_arguments:new_shape")}
    reference = staticmethod(np.reshape)

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        return x.reshape(self.shape)

    def backward(self, gy):
        return reshape_if_needed(gy, self.inputs[0].shape)

    backward_data = backward  # written for both


class Transpose(ReturnsViews, Function):
    """y = x with axes permuted (reversed when `axes` is None)"""

    input_specs = (Spec(),)
    arg_specs = {"axes": Draw("autograd.testing.op_arguments:permutation")}
    reference = staticmethod(np.transpose)

    def __init__(self, axes=None):
        self.axes = axes

    def forward(self, x):
        return x.transpose(self.axes)

    def backward(self, gy):
        undo = None if self.axes is None else tuple(
            np.argsort([a % gy.ndim for a in self.axes]).tolist())
        return call_op(Transpose(undo), gy)

    backward_data = backward  # written for both


class Concatenate(Function):
    """y = the inputs joined along `axis`"""

    input_specs = (Spec(shape=("P", "A", "Q")), Spec(shape=("P", "B", "Q")),
                   Spec(shape=("P", "C", "Q")))
    arg_specs = {"axis": 1}
    reference = staticmethod(lambda *xs, axis: np.concatenate(xs, axis))

    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        return get_array_module(xs[0]).concatenate(xs, axis=self.axis)

    def backward(self, gy):
        bounds = np.cumsum([x.shape[self.axis] for x in self.inputs])[:-1]
        return tuple(split(gy, list(bounds), axis=self.axis))


class Split(ReturnsViews, Function):
    """ys = x cut along `axis` (NumPy's indices_or_sections); the gradient joins the parts
    back, or, where unsorted indices make them overlap or skip, adds each at its place."""

    input_specs = (Spec(min_dims=1),)
    # how: (indices_or_sections, axis)
    arg_specs = {"how": Draw("autograd.testing.op_arguments:split_cuts")}
    apply = staticmethod(lambda x, how: split(x, *how))
    reference = staticmethod(lambda x, how: np.split(x, *how))

    def __init__(self, indices_or_sections, axis):
        self.indices_or_sections, self.axis = indices_or_sections, axis

    def forward(self, x):
        return tuple(get_array_module(x).split(x, self.indices_or_sections, axis=self.axis))

    def backward(self, *gys):
        bounds = self.indices_or_sections
        n = self.inputs[0].shape[self.axis]
        if np.ndim(bounds) == 0 or _tile(bounds, n):  # sections, or sorted indices
            return concatenate(gys, axis=self.axis)
        edges = [0, *bounds, n]
        lead = (slice(None),) * self.axis
        total = None
        for gy, start, stop in zip(gys, edges, edges[1:]):
            part = GetItemGrad(lead + (slice(start, stop),), self.inputs[0].shape)(gy)
            total = part if total is None else total + part
        return total


def _tile(bounds, n):
    """Whether NumPy's parts x[0:b0], x[b0:b1], ..., x[bk:n] cover 0..n once, in order
    (sorted indices do; unsorted or negative ones may overlap or leave gaps)."""
    at = 0
    for start, stop in zip([0, *bounds], [*bounds, n]):
        start, stop, _ = slice(start, stop).indices(n)
        if stop > start:
            if start != at:
                return False
            at = stop
    return at == n


def reshape(x, shape):
    """x with a new shape: a new Variable (sharing x's data) even for x's own shape, so that
    hooks, names and grad() on it are its own (PyTorch's view)."""
    x = as_variable(x, who="reshape")
    if not isinstance(shape, tuple):
        shape = tuple(shape) if isinstance(shape, (list, np.ndarray)) else (shape,)
    return Reshape(shape)(x)


def reshape_if_needed(x, shape):
    """For the ops' own gradient code (Variables or arrays): x itself where it has `shape`
    already (no node), else x reshaped."""
    return x if x.shape == shape else call_op(Reshape(shape), x)


def transpose(x, axes=None, dim1=None):
    """NumPy's transpose (every axis reversed, or the permutation `axes`); given two ints,
    PyTorch's transpose(x, dim0, dim1): those two axes swapped."""
    if dim1 is not None:
        return swapaxes(x, axes, dim1)
    x = as_variable(x, who="transpose")
    if axes is not None:  # one int is a permutation of one axis (NumPy's and PyTorch's)
        given = int_tuple(axes, "axes", "transpose")
        axes = tuple([normalize_axis(a, x.ndim, "transpose") for a in given])
        if sorted(axes) != list(range(x.ndim)):
            raise ValueError(f"transpose: axes {given} are not a permutation for shape {x.shape}")
    return Transpose(axes)(x)


def swapaxes(x, axis1, axis2):
    x = as_variable(x, who="swapaxes")
    axes = list(range(x.ndim))
    a, b = normalize_axis(axis1, x.ndim, "swapaxes"), normalize_axis(axis2, x.ndim, "swapaxes")
    axes[a], axes[b] = axes[b], axes[a]
    return transpose(x, axes)


def squeeze(x, axis=None, *, dim=None):
    """NumPy's squeeze: the axes named (every axis of size 1 by default), each of size 1;
    with PyTorch's dim=, those of the axes named that have size 1, the others left as they
    are (PyTorch's x.squeeze(0) of a batch of 2 changes nothing)."""
    x = as_variable(x, who="squeeze")
    if dim is not None:
        if axis is not None:
            raise TypeError("squeeze: give NumPy's axis or PyTorch's dim=, not both")
        axis = tuple(a for a in normalize_axes(dim, x.ndim, "squeeze") if x.shape[a] == 1)
    if axis is None:
        return reshape(x, tuple(n for n in x.shape if n != 1))
    axes = normalize_axes(axis, x.ndim, "squeeze")
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: cannot squeeze axis {a} of size {x.shape[a]} "
                             f"(shape {x.shape}; PyTorch's squeeze(dim=...) leaves such an "
                             "axis as it is)")
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in axes))


def expand_dims(x, axis):
    x = as_variable(x, who="expand_dims")
    out_ndim = x.ndim + (len(axis) if isinstance(axis, (tuple, list)) else 1)
    if axis is None:
        raise TypeError("expand_dims: axis must be an int or a tuple of ints, not None")
    axes = normalize_axes(axis, out_ndim, "expand_dims")
    dims = iter(x.shape)
    return reshape(x, tuple(1 if i in axes else next(dims) for i in range(out_ndim)))


def flatten(x, start_dim=0, end_dim=-1):
    """x as 1-D (NumPy's ndarray.flatten); with PyTorch's start_dim and end_dim, the axes
    from start_dim to end_dim (both included) merged into one. nn.Flatten keeps the batch
    axis."""
    x = as_variable(x, who="flatten")
    if x.ndim == 0:
        return reshape(x, (1,))
    start = normalize_axis(start_dim, x.ndim, "flatten")
    end = normalize_axis(end_dim, x.ndim, "flatten")
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for "
                         f"shape {tuple(x.shape)}")
    merged = int(np.prod(x.shape[start:end + 1]))
    return reshape(x, tuple(x.shape[:start]) + (merged,) + tuple(x.shape[end + 1:]))


def concatenate(xs, axis=0):
    """NumPy's concatenate: xs joined along `axis` (None: each flattened first)."""
    xs = list(xs)
    if not xs:
        raise ValueError("concatenate: need at least one array")
    if axis is None:
        xs, axis = [reshape(x, (-1,)) for x in as_variables(xs, "concatenate")], 0
    axis = normalize_axis(axis, max(len(getattr(xs[0], "shape", np.shape(xs[0]))), 1),
                          "concatenate")
    return Concatenate(axis)(*as_variables(xs, "concatenate"))


def cat(tensors, dim=0, *, axis=None):
    """PyTorch's name for concatenate (its `dim`, or NumPy's `axis`)."""
    if axis is not None and dim not in (0, axis):
        raise TypeError(f"cat: got dim={dim!r} and axis={axis!r}; give one of them")
    return concatenate(tensors, dim if axis is None else axis)


def stack(xs, axis=FIRST_AXIS, *, dim=None):
    axis = axis_or_dim(axis, dim, "stack")
    xs = as_variables(list(xs), "stack")
    if not xs:
        raise ValueError("stack: need at least one array")
    shapes = {x.shape for x in xs}
    if len(shapes) > 1:
        raise ValueError(f"stack: all inputs must have the same shape, got {sorted(shapes)}")
    axis = normalize_axis(axis, xs[0].ndim + 1, "stack")  # (its error names stack)
    # (one input too: a new array, as NumPy's and PyTorch's, never a view of it)
    return concatenate([expand_dims(x, axis) for x in xs], axis=axis)


def split(x, indices_or_sections, axis=FIRST_AXIS, *, dim=None):
    """NumPy's split: `indices_or_sections` equal sections, or the cut points; with
    PyTorch's dim=, PyTorch's split: pieces of that size (or those sizes), as x.split."""
    if dim is not None:
        return as_variable(x, who="split").split(indices_or_sections,
                                                 axis_or_dim(axis, dim, "split"))
    axis = axis_or_dim(axis, dim, "split")
    x = as_variable(x, who="split")
    if isinstance(indices_or_sections, Variable):  # values as a setting: a capture refuses
        indices_or_sections = computed_from_values(indices_or_sections.data.copy())
    if np.ndim(indices_or_sections) == 0 and indices_or_sections == 0:  # (NumPy: a modulo by 0)
        raise ValueError(f"split: the number of sections must be larger than 0, got 0 (input "
                         f"of shape {x.shape})")
    parts = Split(indices_or_sections, normalize_axis(axis, max(x.ndim, 1), "split"))(x)
    return list(parts) if isinstance(parts, tuple) else [parts]
