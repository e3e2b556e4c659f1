"""UninitializedParameter: the placeholder a lazily sized layer holds until it knows its shape.

PyTorch's design: the placeholder is a Parameter from the start, so `model.parameters()` can
be handed to an optimizer before the first call, and `materialize` turns that same object into
an ordinary Parameter. The optimizer's reference stays valid, so it updates the real weights.
"""
import numpy as np

from autograd.backend import get_array_module
from autograd.variable import Parameter


class UninitializedParameter(Parameter):
    """A Parameter whose shape is not known yet (PyTorch's name). It holds an empty array of
    its dtype and no gradient, so optimizers skip it; `materialize(shape)` gives it data."""

    def __init__(self, dtype=np.float32, requires_grad=True):
        super().__init__(np.empty(0, dtype), requires_grad=requires_grad)

    def materialize(self, shape):
        """Become a Parameter of `shape` (uninitialized values: the layer draws them next), on
        the placeholder's array backend. The object stays the same one."""
        xp = get_array_module(self.data)
        self.data = xp.empty(tuple(shape), self.data.dtype)
        self.__class__ = Parameter

    def __repr__(self):
        return f"<UninitializedParameter dtype={self.data.dtype}>"


def is_uninitialized(param):
    return isinstance(param, UninitializedParameter)


__all__ = ["UninitializedParameter", "is_uninitialized"]
