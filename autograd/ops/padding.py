"""pad: NumPy's np.pad for the modes 'constant', 'edge', 'reflect', 'symmetric' and 'wrap'."""
import numbers

import numpy as np

from ..backend import get_array_module
from ..function import Function
from ..spec import Choice, Draw, Spec
from ..variable import as_variable
from .indexing import get_item

_GATHER_MODES = ("edge", "reflect", "symmetric", "wrap")


class Pad(Function):
    """y = x with `widths` of `constant_values` around it;  dx = gy without the borders"""

    input_specs = (Spec(min_dims=1),)
    arg_specs = {"pad_width": Draw(lambda st, shapes, dims: st.tuples(
        *[st.tuples(st.integers(0, 2), st.integers(0, 2)) for _ in shapes[0]])),
        "constant_values": Choice(0.0, 1.5)}
    apply = staticmethod(lambda x, pad_width, constant_values: pad(
        x, pad_width, constant_values=constant_values))
    reference = staticmethod(lambda x, pad_width, constant_values: np.pad(
        x, pad_width, constant_values=constant_values))

    def __init__(self, widths, constant_values):
        self.widths, self.constant_values = widths, constant_values

    def forward(self, x):
        if not self.widths:  # a 0-d array has no axis to pad (NumPy's pad gives a copy)
            return x.copy()
        return get_array_module(x).pad(x, self.widths, constant_values=self.constant_values)

    def backward(self, gy):
        shape = self.inputs[0].shape
        return get_item(gy, tuple(slice(b, b + n) for (b, _), n in zip(self.widths, shape)))


def _widths(pad_width, shape):
    """pad_width in any of NumPy's forms (n, (n,), (before, after), one pair per axis) as a
    tuple of (before, after) int pairs, one per axis."""
    try:
        widths = np.asarray(pad_width)
        if widths.dtype.kind not in "iu" or (widths < 0).any():
            raise TypeError
        widths = np.broadcast_to(widths, (len(shape), 2))
    except (TypeError, ValueError):
        raise ValueError(f"pad: pad_width must be non-negative integers, one (before, after) "
                         f"pair for each of the input's {len(shape)} axes (or one for all); "
                         f"got {pad_width!r} for shape {shape}") from None
    return tuple((int(b), int(a)) for b, a in widths)


def pad(x, pad_width, mode="constant", constant_values=0):
    """NumPy's pad: pad_width as np.pad takes it; mode 'constant' (constant_values: a number,
    or NumPy's per-axis pairs), 'edge' (PyTorch's 'replicate'), 'reflect', 'symmetric' or
    'wrap' (PyTorch's 'circular'). The gradient adds up every copy of an element."""
    x = as_variable(x, who="pad")
    widths = _widths(pad_width, x.shape)
    if mode == "constant":
        if isinstance(constant_values, numbers.Number) and not isinstance(constant_values, bool):
            constant_values = float(constant_values) if x.dtype.kind == "f" else constant_values
        return Pad(widths, constant_values)(x)
    if mode not in _GATHER_MODES:
        raise ValueError(f"pad: mode must be 'constant', {', '.join(map(repr, _GATHER_MODES))};"
                         f" got {mode!r}")
    for axis, ((before, after), n) in enumerate(zip(widths, x.shape)):
        if n == 0 and before + after:
            raise ValueError(f"pad: cannot pad axis {axis} of size 0 in mode {mode!r} (input "
                             f"shape {x.shape}); only mode 'constant' can")
    # each output element copies one input element: a gather (whose gradient scatter-adds)
    xp = get_array_module(x.data)
    sources = [xp.asarray(np.pad(np.arange(n), w, mode=mode)) for w, n in zip(widths, x.shape)]
    return get_item(x, xp.ix_(*sources))
