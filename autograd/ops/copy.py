"""clone: a copy of a Variable's values that stays in the graph (PyTorch's Tensor.clone).

What a copy is for: a value that later code changes in place (a buffer that power iteration
updates) is read through its clone, so that a graph saved before the change still
backpropagates through the value it saw. As an op, a captured step (autograd.capture)
copies each call's values again.
"""
import numpy as np

from ..function import Function
from ..spec import Spec
from ..variable import as_variable


class Clone(Function):
    """y = x, in new memory;  dy/dx = 1"""

    input_specs = (Spec(),)
    reference = staticmethod(np.copy)

    def forward(self, x):
        return x.copy()

    def backward(self, gy):
        return gy

    backward_data = backward


def clone(x):
    """A copy of x (an array, a number or a Variable) in new memory, gradients flowing
    through it as through x (torch.clone)."""
    return Clone()(as_variable(x, who="clone"))
