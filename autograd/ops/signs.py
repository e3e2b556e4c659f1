"""copysign: one number's magnitude with another's sign (torch.copysign)."""
import numpy as np

from ..backend import float64_if_integer, get_array_module
from ..function import Function
from ..spec import Spec
from ..variable import wrap
from .elementwise import linked, zero_grad
from .math_base import operands


class Copysign(Function):
    """y = |x0| with the sign of x1 (-0.0 counts as negative);  dy/dx0 = y / x0, 0 where
    x0 = 0;  dy/dx1 = 0 (PyTorch's)"""

    input_specs = (Spec(elements="nonzero"), Spec(broadcast=0, elements="nonzero"))
    reference = staticmethod(np.copysign)

    def forward(self, x0, x1):
        return get_array_module(x0).copysign(float64_if_integer(x0), float64_if_integer(x1))

    def backward(self, gy):
        x0, x1 = self.inputs
        need0, need1 = self.needs_input_grad
        gx0 = None
        if need0:  # +-1 where the sign flips or not (piecewise constant: linked)
            xp = get_array_module(x0.data)
            with np.errstate(invalid="ignore"):
                ratio = xp.where(x0.data == 0, 0, self.outputs[0]().data / x0.data)
            gx0 = linked(gy * wrap(ratio.astype(gy.dtype, copy=False)), x0, x1)
        return gx0, zero_grad(x1) if need1 else None


def copysign(input, other):  # noqa: A002 (PyTorch's names)
    """|input| with other's sign; integers give float64 (PyTorch's float32)."""
    return Copysign()(*operands(input, other, "copysign"))
