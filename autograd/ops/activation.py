"""ReLU, softmax and log-softmax: the activations Variable has as methods (`x.relu()`,
`x.softmax(dim)`, PyTorch's), so here, below nn; nn.functional re-exports these very objects
(as it does the one sigmoid, autograd.ops.elementwise's), with its other activations.

Backward passes are written with differentiable ops (on the saved output Variable), so
second derivatives work. dtype is preserved: float32 in, float32 out."""
import numpy as np

from ..arguments import float_dtype
from ..backend import get_array_module
from ..cuda_kernels import fused, log_softmax_rows, relu_grad
from ..function import Function
from ..spec import Axes, Spec
from ..variable import as_variable
from .elementwise import astype, exp, linked, masked_array
from .half_precision import in_float32
from .reduction import sum as reduce_sum
from .validation import float_input, normalize_axes


class ReLU(Function):
    """y = max(x, 0);  dy/dx = [y != 0]: 1 where x > 0, 0 at and below the kink, and 1 at a
    NaN, which passes its gradient on as it passes itself (PyTorch's)"""

    input_specs = (Spec(elements="nonzero"),)  # away from the kink
    reference = staticmethod(lambda x: np.maximum(x, 0))

    def forward(self, x):
        return get_array_module(x).maximum(x, 0)

    def backward(self, gy):
        return linked(ReLUGrad(self._active())(gy), self.inputs[0])

    def backward_data(self, gy):
        if fused(gy):  # a GPU array: one kernel (autograd/cuda_kernels.py)
            return relu_grad(gy, self.outputs[0]().data)
        return ReLUGrad(self._active()).forward(gy)

    def _active(self):
        return self.outputs[0]().data != 0


class ReLUGrad(Function):
    """gx = gy where the ReLU was active, else 0 (linear in gy: its backward is itself)"""

    checked_through = "ReLU"

    def __init__(self, active):
        self.active = active

    def forward(self, gy):
        return masked_array(gy, self.active)

    def backward(self, ggx):
        return ReLUGrad(self.active)(ggx)


class Softmax(Function):
    """y = e^x / sum(e^x) over `axis` (an int or a tuple);  dx = y (gy - sum(gy y))"""

    input_specs = (Spec(min_dims=1),)
    arg_specs = {"axis": Axes(of=0)}  # an int, a tuple of axes or None (all)
    apply = staticmethod(lambda x, axis: softmax(x, axis))
    reference = "autograd.testing.references:softmax"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return softmax_array(x, self.axis)

    def backward(self, gy):
        y = self.outputs[0]()
        gyy = gy * y
        return gyy - y * reduce_sum(gyy, axis=self.axis, keepdims=True)


class RowSafeSoftmax(Softmax):
    """softmax over `axis`, with 0 (not NaN) for a row whose entries are all -inf: attention
    where a mask hides every key. Decided in forward, on each call's values (a captured
    step's replay meets such rows too); the backward is softmax's, 0 on those rows."""

    apply = staticmethod(lambda x, axis: RowSafeSoftmax(axis)(x))

    def forward(self, x):
        xp = get_array_module(x)
        dead = xp.isneginf(x).all(axis=self.axis, keepdims=True)
        if not dead.any():
            return softmax_array(x, self.axis)
        y = softmax_array(xp.where(dead, 0, x), self.axis)
        y *= ~dead
        return y


class LogSoftmax(Function):
    """y = x - logsumexp(x) over `axis`;  dx = gy - e^y sum(gy)"""

    input_specs = (Spec(min_dims=1),)
    arg_specs = {"axis": Axes(of=0)}  # an int, a tuple of axes or None (all)
    apply = staticmethod(lambda x, axis: log_softmax(x, axis))
    reference = "autograd.testing.references:log_softmax"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return log_softmax_array(x, self.axis)

    def backward(self, gy):
        y = self.outputs[0]()
        return gy - exp(y) * reduce_sum(gy, axis=self.axis, keepdims=True)


def softmax_array(x, axis=-1):
    """e^x / sum(e^x) over `axis` (ignored for a 0-d x), shifted by the max (finite for
    logits of any size); an empty x gives an empty result, integer input float64. The one
    softmax on arrays: Softmax and the metrics' scores use it."""
    xp = get_array_module(x)
    if x.dtype.kind != "f":
        x = x.astype(xp.float64)
    if x.ndim == 0 or x.size == 0:
        return _edge_case(softmax_array, x)
    y = x - x.max(axis=axis, keepdims=True)
    xp.exp(y, out=y)
    y /= y.sum(axis=axis, keepdims=True)
    return y


def log_softmax_array(x, axis):
    """x - logsumexp(x, axis) computed stably on arrays (finite for logits of any size)."""
    if x.ndim == 0 or x.size == 0:
        return _edge_case(log_softmax_array, x)
    if fused(x) and x.ndim == 2 and axis in (1, -1):
        return log_softmax_rows(x)  # a GPU array: fused kernels
    xp = get_array_module(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    total = xp.exp(shifted).sum(axis=axis, keepdims=True)
    shifted -= xp.log(total)
    return shifted


def _edge_case(function, x):
    """function(x, axis) for a 0-d x (as the 1-element vector it is) or an empty x (empty)."""
    if x.size == 0:
        return x.copy()
    return function(x.reshape(1), 0).reshape(())


# ----- the public functions (nn.functional's relu, softmax and log_softmax; Variable's
# relu, softmax and log_softmax methods call them) -----

# PyTorch's `inplace` is taken, and changes nothing: a new Variable comes back (rungrad's
# graph records no in-place op), as `x = F.relu(x, inplace=True)` uses it. Integer input:
# relu keeps it, as PyTorch's; softmax and log_softmax refuse it (float_input), as PyTorch's.

def relu(input, inplace=False):  # noqa: A002 (PyTorch's names)
    return ReLU()(input)


def softmax(x, axis=-1, *, dim=None, dtype=None):
    """Softmax over `axis` (PyTorch's `dim=` is accepted too; a tuple of axes, or None for
    all, as SciPy's); the last axis by default. dtype: x is cast to it first (PyTorch's,
    e.g. float64 for float32 logits)."""
    x = softmax_input(x, dtype, "softmax")
    return in_float32(Softmax(softmax_axis(x, axis, dim, "softmax")), x)


def log_softmax(x, axis=-1, *, dim=None, dtype=None):
    """log(softmax(x)) over `axis` (or `dim=`; a tuple of axes too), computed stably; dtype
    as softmax's."""
    x = softmax_input(x, dtype, "log_softmax")
    return in_float32(LogSoftmax(softmax_axis(x, axis, dim, "log_softmax")), x)


def softmax_input(x, dtype, who):
    """x as a float Variable, cast to `dtype` (a float type) first when given: integers are
    taken then, as by PyTorch."""
    if dtype is None:
        return float_input(x, who)
    dtype = float_dtype(dtype, who)
    x = as_variable(x, who=who)
    return x if x.dtype == dtype else astype(x, dtype)


def softmax_axis(x, axis, dim, who):
    """The reduction axis as a non-negative int, or axes as a tuple (None: every axis, as
    SciPy's softmax), checked against x's rank; None for a 0-d x (whose only valid axes are 0
    and -1, as PyTorch's)."""
    if dim is not None and axis not in (None, -1, dim):  # (-1: the default, left as it is)
        raise TypeError(f"{who}: got axis={axis!r} and dim={dim!r}; give one of them")
    axis = axis if dim is None else dim
    if axis is None or isinstance(axis, (tuple, list)):
        axes = normalize_axes(axis, max(x.ndim, 1), who)
        return axes if x.ndim else None
    ndim = max(x.ndim, 1)
    if isinstance(axis, np.integer):
        axis = int(axis)
    if not isinstance(axis, int) or not -ndim <= axis < ndim:
        raise ValueError(f"{who}: axis {axis!r} is out of range for an input of shape "
                         f"{tuple(x.shape)}")
    return axis % ndim if x.ndim else None
