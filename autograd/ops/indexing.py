"""Indexing: x[index] with basic and advanced (integer-array) indices."""
from ..backend import get_array_module, scatter_add
from ..function import Function, ReturnsViews, call_op, modified_error
from ..spec import Index, Spec
from ..variable import Variable


def _plain_index(index):
    """The index with Variables replaced by their data."""
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Variable) else i for i in index)
    return index.data if isinstance(index, Variable) else index


def _is_basic(index):
    """True when the index only holds ints, slices, None and Ellipsis (no duplicates possible)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, slice)) for p in parts)


class GetItem(ReturnsViews, Function):
    """y = x[index]"""

    input_specs = (Spec(),)
    arg_specs = {"index": Index(of=0)}
    reference = staticmethod(lambda x, index: x[index])

    name = "get_item"
    index_variables = ()  # the Variables of the index, which backward must find unchanged

    def __init__(self, index):
        self.index = index

    def check_saved(self):
        """As every op's, and the index's Variables too: backward reads their arrays, so one
        changed in place would move the gradient to other elements (PyTorch raises too)."""
        super().check_saved()
        for v in self.index_variables:
            if v._version > self.recorded_at:
                raise modified_error(self, v, "index")

    def forward(self, x):
        return x[self.index]

    def backward(self, gy):
        return call_op(GetItemGrad(self.index, self.inputs[0].shape), gy)

    backward_data = backward  # written for both


class GetItemGrad(Function):
    """y = zeros(shape) with gy added at `index` (repeated indices accumulate)"""

    checked_through = "GetItem"  # its backward and forward are GetItem's second order

    def __init__(self, index, shape):
        self.index, self.shape = index, shape

    def forward(self, gy):
        xp = get_array_module(gy)
        gx = xp.zeros(self.shape, dtype=gy.dtype)
        if _is_basic(self.index):
            gx[self.index] = gy
        else:
            scatter_add(gx, self.index, gy)
        return gx

    def backward(self, ggx):
        return get_item(ggx, self.index)


def get_item(x, index):
    """x[index]: ints, slices, Ellipsis, None, boolean masks and integer arrays."""
    op = GetItem(_plain_index(index))
    parts = index if isinstance(index, tuple) else (index,)
    op.index_variables = tuple(i for i in parts if isinstance(i, Variable))
    return op(x)
