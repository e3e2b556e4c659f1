"""Indexing: x[index] with basic and advanced (integer-array) indices."""
import numpy as np

from ..backend import as_array, get_array_module, scatter_add
from ..function import Function, ReturnsViews, call_op, modified_error
from ..spec import Index, Spec
from ..variable import Variable, gpu_array_among
from .accumulation import accumulator


def _plain_index(index):
    """The index with Variables replaced by their data."""
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Variable) else i for i in index)
    return index.data if isinstance(index, Variable) else index


def _is_basic(index):
    """True when the index only holds ints, slices, None and Ellipsis (no duplicates possible)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, slice)) for p in parts)


class _ReadsIndex:
    """Mixin of the ops that read an index at backward: the index's Variables, when it had
    some, must be unchanged then (one changed in place would move the gradient to other
    elements; PyTorch raises too)."""

    index_variables = ()

    def check_saved(self):
        super().check_saved()
        for v in self.index_variables:
            if v._version > self.recorded_at:
                raise modified_error(self, v, "index")


def _indexed(op, index_variables):
    """`op` told the index's Variables, for check_saved and for the ops its backward makes."""
    op.index_variables = index_variables
    return op


class GetItem(_ReadsIndex, ReturnsViews, Function):
    """y = x[index]"""

    input_specs = (Spec(),)
    arg_specs = {"index": Index(of=0)}
    reference = staticmethod(lambda x, index: x[index])

    name = "get_item"

    def __init__(self, index):
        self.index = index

    @property
    def label(self):
        """What a graph's box reads: GetItem[1:3], GetItem[:, 0], an array index by shape."""
        parts = self.index if isinstance(self.index, tuple) else (self.index,)
        return f"GetItem[{', '.join(_index_text(part) for part in parts)}]"

    held_index = None  # the index as given, with its Variables (see refresh_index)
    index_check = None  # what the caller checked of the index, checked again at each refresh

    def refresh_index(self):
        """The index read again from its Variables' current arrays: a captured step's replay
        calls it before this op runs, as an op's indices (an argmax's) are each call's own."""
        index = _plain_index(self.held_index)
        if self.index_check is not None:  # (gather's range: NumPy would take a -1)
            self.index_check(index)
        home = gpu_array_among(self.inputs[:1])
        self.index = index if home is None else _on_gpu(index, home)

    def forward(self, x):
        y = x[self.index]
        if isinstance(y, np.generic):  # one element: as a 0-d view (PyTorch's x[0] is one),
            parts = self.index if isinstance(self.index, tuple) else (self.index,)
            return x[(*parts, Ellipsis)]  # so that x[0].zero_() writes into x
        return y

    def backward(self, gy):
        grad_op = GetItemGrad(self.index, self.inputs[0].shape)
        return call_op(_indexed(grad_op, self.index_variables), gy)

    backward_data = backward  # written for both


def _index_text(part):
    """One part of an index as Python writes it (an array as its shape)."""
    if isinstance(part, slice):
        text = ":".join("" if v is None else str(v) for v in (part.start, part.stop, part.step))
        return text[:-1] if part.step is None else text
    if part is Ellipsis:
        return "..."
    if hasattr(part, "shape") and getattr(part, "ndim", 0) > 0:
        return f"array{tuple(part.shape)}"
    return str(part)


class GetItemGrad(_ReadsIndex, Function):
    """y = zeros(shape) with gy added at `index` (repeated indices accumulate)"""

    checked_through = "GetItem"  # its backward and forward are GetItem's second order

    def __init__(self, index, shape):
        self.index, self.shape = index, shape

    def forward(self, gy):
        xp = get_array_module(gy)
        if _is_basic(self.index):
            gx = xp.zeros(self.shape, dtype=gy.dtype)
            gx[self.index] = gy
            return gx
        # repeated indices add up: a float16 gradient in float32 (its sums stop at 2048 ones)
        gx = xp.zeros(self.shape, dtype=accumulator(gy.dtype) or gy.dtype)
        scatter_add(gx, self.index, gy)
        return gx.astype(gy.dtype, copy=False)

    def backward(self, ggx):
        return _indexed(GetItem(self.index), self.index_variables)(ggx)


def get_item(x, index, index_check=None):
    """x[index]: ints, slices, Ellipsis, None, boolean masks and integer arrays.
    index_check: a function the index's arrays are given to again wherever a captured step's
    replay reads its Variables afresh (the range gather allows)."""
    parts = index if isinstance(index, tuple) else (index,)
    variables = tuple(i for i in parts if isinstance(i, Variable))
    held, index = index, _plain_index(index)
    home = gpu_array_among((x,))
    if home is not None:  # NumPy index arrays of a GPU array: copied there (CuPy's own)
        index = _on_gpu(index, home)
    op = _indexed(GetItem(index), variables)
    if variables:
        op.held_index, op.index_check = held, index_check
    return op(x)


def with_index_variable(index, axis, given, array):
    """`index` (a tuple) with the Variable `given` at `axis` where `array`, there now, is its
    own array: an op's indices (an argmax's) stay an op's result, which a captured step's
    replay reads afresh (GetItem.refresh_index)."""
    if isinstance(given, Variable) and given.data is array and axis < len(index):
        return index[:axis] + (given,) + index[axis + 1:]
    return index


def _on_gpu(index, home):
    if isinstance(index, tuple):
        return tuple(_on_gpu(i, home) for i in index)
    return as_array(index, like=home) if index.__class__ is np.ndarray else index
