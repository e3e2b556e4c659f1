"""PyTorch's logical ops: logical_and, logical_or, logical_xor, logical_not, of any dtype
(zero is False). Their results are booleans, through which no gradient flows; each is an op,
so a captured step computes them again from each call's values."""
import numpy as np

from ..config import no_grad
from ..spec import Choice, Spec
from ..variable import as_variable
from .integer_math import IntegerMath, named_binary

_BINARY = ("logical_and", "logical_or", "logical_xor")


class Logical(IntegerMath):
    """y = x0 (op) x1 of truth values (nonzero is True), elementwise and broadcast, or not x0
    for logical_not, of any dtype (booleans: no gradient)"""

    input_specs = (Spec(), Spec(broadcast_to=0))
    arg_specs = {"kind": Choice(*_BINARY)}
    apply = staticmethod(lambda x0, x1, kind: Logical(kind)(x0, x1))
    reference = staticmethod(lambda x0, x1, kind: getattr(np, kind)(x0, x1))


def _logical_call(kind, *values):
    xs = [as_variable(v, who=kind) for v in values]
    with no_grad():
        return Logical(kind)(*xs)


logical_and, logical_or, logical_xor = (
    named_binary(kind, _logical_call, f"PyTorch's {kind}: a boolean Variable, elementwise and "
                 f"broadcast (nonzero is True).") for kind in _BINARY)


def logical_not(x):
    """PyTorch's logical_not: a boolean Variable, True where x is zero."""
    return _logical_call("logical_not", x)


__all__ = ["Logical", "logical_and", "logical_not", "logical_or", "logical_xor"]
