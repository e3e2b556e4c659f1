"""One Elman RNN time step as one Function: h' = tanh(gx + gh) or relu(gx + gh), with
gx = x W_ih^T + b_ih and gh = h W_hh^T + b_hh.

`step_on_arrays` / `grad_on_arrays` are the step and its gradient on plain arrays, shared by
the step Function and the whole-sequence Recurrence (see RecurrentStep); every grad
Function's own backward is written with differentiable ops (second order works).
"""
import numpy as np

from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops import tanh
from autograd.spec import Spec

from .activation import ReLUGrad
from .recurrent_step import RecurrentStep


class _ElmanStep(RecurrentStep):
    """What every Elman variant shares: (gx, gh) -> h' (h enters only through gh)."""

    num_gates, num_states = 1, 1

    def backward(self, g):
        d = self._grad_function(g)
        return d, d


def tanh_rnn_arrays(gx, gh, direct):
    """((h',), cache) with h' = tanh(gx + gh)."""
    y = gx + gh
    get_array_module(y).tanh(y, out=y)
    return (y,), (y,)


def tanh_rnn_grad_arrays(cache, grads, out=None):
    """(d, d, ()) with d = g (1 - h'^2), written into `out` when given."""
    y, g = cache[0], grads[0]
    xp = get_array_module(y)
    d = xp.multiply(y, y, out=out)
    xp.subtract(1, d, out=d)
    d *= g
    return d, d, ()


class TanhRNNStep(_ElmanStep):
    """h' = tanh(gx + gh)"""

    input_specs = (Spec(shape=("N", "H")), Spec(like=0))  # gx, gh
    reference = staticmethod(lambda gx, gh: np.tanh(gx + gh))

    step_on_arrays = staticmethod(tanh_rnn_arrays)
    grad_on_arrays = staticmethod(tanh_rnn_grad_arrays)

    def _grad_function(self, g):
        return TanhRNNStepGrad(self.cache)(g, *self.inputs)


class TanhRNNStepGrad(Function):
    """d = g (1 - y^2) with y = tanh(gx + gh) (gx, gh inputs for the second order);
    d/dg = u (1 - y^2),  d/dgx = d/dgh = -2 u g y (1 - y^2)"""

    checked_through = "TanhRNNStep"

    def __init__(self, cache):
        self.cache = cache

    def forward(self, g, gx, gh):
        return tanh_rnn_grad_arrays(self.cache, (g,))[0]

    def backward(self, u):
        g, gx, gh = self.inputs
        y = tanh(gx + gh)
        d_a = -2 * u * g * y * (1 - y * y)
        return TanhRNNStepGrad(self.cache)(u, gx, gh), d_a, d_a


def relu_rnn_arrays(gx, gh, direct):
    """((h',), cache) with h' = max(gx + gh, 0)."""
    y = gx + gh
    get_array_module(y).maximum(y, 0, out=y)
    return (y,), (y,)


def relu_rnn_grad_arrays(cache, grads, out=None):
    """(d, d, ()) with d = g where h' > 0, else 0 (PyTorch's kink), into `out` if given."""
    y, g = cache[0], grads[0]
    d = get_array_module(y).multiply(g, y > 0, out=out)
    return d, d, ()


class ReLURNNStep(_ElmanStep):
    """h' = max(gx + gh, 0)"""

    # gx + gh on a grid that misses 0, the kink
    input_specs = (Spec(shape=("N", "H"), grid=(0.1, 0.05)), Spec(like=0, grid=(0.1, 0.0)))
    reference = staticmethod(lambda gx, gh: np.maximum(gx + gh, 0))

    step_on_arrays = staticmethod(relu_rnn_arrays)
    grad_on_arrays = staticmethod(relu_rnn_grad_arrays)

    def _grad_function(self, g):
        return ReLUGrad(self.cache[0] > 0)(g)


__all__ = ["TanhRNNStep", "ReLURNNStep", "TanhRNNStepGrad"]
