"""What the elementwise math ops share: the shape of a one-input op (a NumPy function of
the array, integers in float64) and the preparation of two operands."""
from ..backend import float64_if_integer, get_array_module
from ..function import Function
from ..spec import Spec
from ..variable import as_variable, promoted


class UnaryMath(Function):
    """y = f(x) for the array function named `function` (np.sinh, np.log2, ...), integer and
    boolean input computed in float64; a subclass gives `function`, `reference`, `backward`."""

    function = None
    input_specs = (Spec(),)

    def forward(self, x):
        return getattr(get_array_module(x), self.function)(float64_if_integer(x))


def operands(x0, x1, who, floating=False):
    """(x0, x1) for a two-input op: an integer operand beside a floating one cast to its dtype
    (promoted), a Python number left for the op to make in the other's dtype (float32 stays
    float32), two numbers made Variables. `floating`: integer or boolean operands raise a
    TypeError naming `who` (PyTorch refuses them for hypot, lerp, ...)."""
    if not hasattr(x0, "dtype") and not hasattr(x1, "dtype"):
        x0 = as_variable(x0, who=who)
    x0, x1 = promoted(x0, x1)
    for name, x in (("input", x0), ("other", x1)):
        if floating and hasattr(x, "dtype") and x.dtype.kind != "f":
            raise TypeError(f"{who}: expected floating-point operands, got {name} of dtype "
                            f"{x.dtype}")
    return x0, x1
