"""lerp: linear interpolation start + weight (end - start) (torch.lerp), the weight a number
or a Variable (which gets a gradient too)."""
import numbers

from ..backend import get_array_module
from ..function import PY_SCALARS, Function, scalar_constant
from ..spec import Choice, Spec
from ..variable import as_variable, promoted_all
from .validation import real_scalar


class Lerp(Function):
    """y = x0 + w (x1 - x0), for w >= 1/2 computed as x1 - (1 - w)(x1 - x0) (PyTorch's: exact
    at w = 1);  dy/dx0 = 1 - w, dy/dx1 = w, dy/dw = x1 - x0. The weight w is the third
    input, or the number `weight`."""

    input_specs = (Spec(), Spec(broadcast_to=0), Spec(broadcast_to=0))
    reference = staticmethod(lambda x0, x1, w: _lerp_array(x0, x1, w))

    def __init__(self, weight=None):
        self.weight = weight

    def forward(self, x0, x1, *w):
        return _lerp_array(x0, x1, w[0] if w else self.weight)

    def backward(self, gy):
        x0, x1, *w = self.inputs
        weight = w[0] if w else self.weight
        needs = self.needs_input_grad
        g0 = gy * (1 - weight) if needs[0] else None
        g1 = gy * weight if needs[1] else None
        gw = (gy * (x1 - x0) if needs[2] else None) if w else None
        return (g0, g1, gw) if w else (g0, g1)


class LerpScalar(Lerp):
    """Lerp with a number for the weight"""

    name = "lerp"  # (in error messages)

    input_specs = (Spec(), Spec(broadcast=0))
    arg_specs = {"weight": Choice(0.25, 0.75)}
    apply = staticmethod(lambda x0, x1, weight: LerpScalar(weight)(x0, x1))
    reference = staticmethod(lambda x0, x1, weight: _lerp_array(x0, x1, weight))


def _lerp_array(x0, x1, w):
    """PyTorch's two-sided formula, exact at both ends."""
    xp = get_array_module(x0)
    diff = x1 - x0
    return xp.where(xp.abs(w) < 0.5, x0 + w * diff, x1 - diff * (1 - w))


def lerp(input, end, weight):  # noqa: A002 (PyTorch's names)
    """input + weight (end - input); floating input only, as PyTorch's."""
    # a number (a NumPy scalar too) is the weight attribute, an `end` of input's dtype:
    # float32 stays float32
    input = _floating(input, "input")  # noqa: A001
    if end.__class__ in PY_SCALARS:
        end = scalar_constant(end, input.data)
    operands = [input, end] + ([] if isinstance(weight, numbers.Number) else [weight])
    operands = promoted_all([_floating(x, name) for x, name in zip(operands, (
        "input", "end", "weight"))])
    if len(operands) == 3:
        return Lerp()(*operands)
    return LerpScalar(real_scalar(weight, "weight", "lerp"))(*operands)


def _floating(x, name):
    x = as_variable(x, who="lerp")
    if x.dtype.kind != "f":
        raise TypeError(f"lerp: expected floating-point operands, got {name} of dtype "
                        f"{x.dtype}")
    return x
