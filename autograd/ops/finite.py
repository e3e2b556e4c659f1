"""nan_to_num: NaN and infinities replaced by finite numbers (torch.nan_to_num)."""
import numpy as np

from ..backend import get_array_module
from ..function import Function
from ..spec import Choice, Spec
from ..variable import wrap
from .elementwise import linked
from .validation import real_scalar


class NanToNum(Function):
    """y = x where finite, else `nan`, `posinf` or `neginf` (None: 0, the dtype's largest,
    its lowest);  dy/dx = 1 where x is finite, else 0 (PyTorch's)"""

    input_specs = (Spec(),)
    arg_specs = {"nan": Choice(0.0), "posinf": Choice(None, 1.0), "neginf": Choice(None)}
    apply = staticmethod(lambda x, **fills: NanToNum(**fills)(x))
    reference = staticmethod(lambda x, **fills: np.nan_to_num(x, **fills))

    def __init__(self, nan=0.0, posinf=None, neginf=None):
        self.nan, self.posinf, self.neginf = nan, posinf, neginf

    def forward(self, x):
        if x.dtype.kind not in "fc":  # integers are finite: a copy, in their dtype
            return x.copy()
        return get_array_module(x).nan_to_num(x, nan=self.nan, posinf=self.posinf,
                                              neginf=self.neginf)

    def backward(self, gy):
        x = self.inputs[0]
        finite = get_array_module(x.data).isfinite(x.data).astype(gy.dtype)
        return linked(gy * wrap(finite), x)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):  # noqa: A002 (PyTorch's names)
    fills = {name: None if value is None else real_scalar(value, name, "nan_to_num")
             for name, value in (("nan", nan), ("posinf", posinf), ("neginf", neginf))}
    if fills["nan"] is None:
        fills["nan"] = 0.0
    return NanToNum(**fills)(input)
