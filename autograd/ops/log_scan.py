"""PyTorch's logcumsumexp: y_k = log sum_{j <= k} exp(x_j) along a dim, as NumPy's
logaddexp.accumulate (stable: no exp of a large number)."""
import numpy as np

from ..backend import accumulate, get_array_module
from ..function import Function
from ..spec import Axes, Spec
from ..variable import wrap
from .accumulation import accumulator
from .elementwise import abs as absolute
from .elementwise import exp, log, where
from .rearrange import reversed_view
from .shape import reshape
from .validation import float_input, normalize_axis


class LogCumsumExp(Function):
    """y_k = log sum_{j <= k} exp x_j along `axis`;  dx_i = sum_{k >= i} gy_k exp(x_i - y_k)
    (summed in log space, the positive and negative parts of gy apart, as PyTorch's)"""

    input_specs = (Spec(min_dims=1),)
    arg_specs = {"axis": Axes(of=0, single=True)}
    apply = staticmethod(lambda x, axis: logcumsumexp(x, axis))
    reference = staticmethod(lambda x, axis: np.logaddexp.accumulate(x, axis=axis))

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        wide = x.astype(accumulator(x.dtype) or x.dtype, copy=False)  # (float16 in float32)
        return accumulate("logaddexp", wide, self.axis).astype(x.dtype, copy=False)

    def backward(self, gy):
        x, y = self.inputs[0], self.outputs[0]()
        # log 0, finite (-inf would make nan in the second derivative); half the lowest
        # float, so that sums of two of them stay finite
        lowest = wrap(get_array_module(gy.data).asarray(np.finfo(gy.dtype).min / 2, gy.dtype))
        log_abs = log(absolute(where(gy.data != 0, gy, 1.0)))
        positive = self._reverse_sum(where(gy.data > 0, log_abs, lowest) - y, x)
        negative = self._reverse_sum(where(gy.data < 0, log_abs, lowest) - y, x)
        return positive - negative

    def _reverse_sum(self, log_terms, x):
        """exp(x_i + log sum_{k >= i} exp(log_terms_k))."""
        axes = (self.axis,)
        tail = reversed_view(LogCumsumExp(self.axis)(reversed_view(log_terms, axes)), axes)
        return exp(tail + x)


def logcumsumexp(x, dim):
    """PyTorch's logcumsumexp along `dim` (a 0-d x: itself)."""
    x = float_input(x, "logcumsumexp")
    if x.ndim == 0:
        normalize_axis(dim, 1, "logcumsumexp")
        return reshape(LogCumsumExp(0)(reshape(x, (1,))), ())
    return LogCumsumExp(normalize_axis(dim, x.ndim, "logcumsumexp"))(x)
