"""PyTorch's logical ops: logical_and, logical_or, logical_xor, logical_not, of any dtype
(zero is False). Their results are booleans, through which no gradient flows; each is an op,
so a captured step computes them again from each call's values."""
import numpy as np

from ..backend import get_array_module
from ..config import no_grad
from ..function import Function
from ..spec import Choice, Spec
from ..variable import as_variable

_BINARY = ("logical_and", "logical_or", "logical_xor")


class Logical(Function):
    """y = x0 (op) x1 of truth values (nonzero is True), elementwise and broadcast, or not x0
    for logical_not (booleans: no gradient)"""

    input_specs = (Spec(), Spec(broadcast_to=0))
    arg_specs = {"kind": Choice(*_BINARY)}
    apply = staticmethod(lambda x0, x1, kind: Logical(kind)(x0, x1))
    reference = staticmethod(lambda x0, x1, kind: getattr(np, kind)(x0, x1))
    gradcheck_order = 0  # (booleans)

    def __init__(self, kind):
        self.kind = kind

    @property
    def name(self):  # (errors name the op the user called)
        return self.kind

    def forward(self, *arrays):
        return getattr(get_array_module(arrays[0]), self.kind)(*arrays)

    def backward(self, *gys):
        return (None,) * len(self.inputs)


def _logical_call(kind, *values):
    xs = [as_variable(v, who=kind) for v in values]
    with no_grad():
        return Logical(kind)(*xs)


def _binary(kind):
    def op(x0, x1):
        return _logical_call(kind, x0, x1)
    op.__name__ = op.__qualname__ = kind
    op.__doc__ = f"PyTorch's {kind}: a boolean Variable, elementwise and broadcast (nonzero " \
                 f"is True)."
    return op


logical_and, logical_or, logical_xor = map(_binary, _BINARY)


def logical_not(x):
    """PyTorch's logical_not: a boolean Variable, True where x is zero."""
    return _logical_call("logical_not", x)


__all__ = ["Logical", "logical_and", "logical_not", "logical_or", "logical_xor"]
