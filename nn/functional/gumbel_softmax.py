"""Gumbel-softmax (PyTorch's F.gumbel_softmax): a differentiable sample of a categorical
distribution given by logits, soft or (straight-through) one-hot. The Gumbel noise comes
from NumPy's global generator (CuPy's for GPU arrays), as dropout's masks do, drawn inside an
op (GumbelNoise), as the one-hot is found inside one (OneHotOfMax): a captured step draws
and finds them again at every replay."""

from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops.validation import float_input, normalize_axis, real_scalar
from autograd.spec import Choice, Spec
from autograd.user_warnings import user_warning

from .activation import softmax
from .dropout import _drawn_from_seed


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """softmax((logits + g) / tau) over `dim`, g drawn from Gumbel(0, 1) for each element:
    a sample whose argmax along `dim` is class i with probability softmax(logits)_i.
    hard=True returns the one-hot of that argmax, with the gradient of the soft sample
    (the straight-through estimator). `eps` is deprecated and unused, as in PyTorch."""
    x = float_input(logits, "gumbel_softmax")
    if eps != 1e-10:
        user_warning("gumbel_softmax: `eps` parameter is deprecated and has no effect.")
    tau = real_scalar(tau, "tau", "gumbel_softmax")
    if not tau > 0:
        raise ValueError(f"gumbel_softmax: tau must be a positive temperature, got {tau}")
    axis = normalize_axis(dim, x.ndim, "gumbel_softmax")
    soft = softmax(GumbelNoise()(x) / tau, axis)
    if not hard or x.size == 0:
        return soft
    # forward: the one-hot (hard - soft + soft, rounded as PyTorch's); backward: soft's alone
    return (OneHotOfMax(axis)(soft) - soft.detach()) + soft


class GumbelNoise(Function):
    """y = x + g, g ~ Gumbel(0, 1) drawn for each element at each call;  dy/dx = 1"""

    draws_random = True

    backward_reads_forward = backward_reads_inputs = False
    input_specs = (Spec(),)
    # the gradient check draws the same noise at every call (checking needs a fixed function)
    apply = staticmethod(lambda x: _drawn_from_seed(0, lambda: GumbelNoise()(x)))

    def forward(self, x):
        return x + _gumbel_noise(x)

    def backward(self, gy):
        return gy


class OneHotOfMax(Function):
    """y = 1 at the first largest entry of x along `axis`, 0 elsewhere;  dy/dx = 0 (constant
    between ties)"""

    backward_reads_forward = backward_reads_inputs = False
    input_specs = (Spec(shape=("N", "C"), distinct=True),)
    arg_specs = {"axis": Choice(-1, 0)}

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return _one_hot_of_max(x, self.axis)

    def backward(self, gy):
        return gy * 0


def _gumbel_noise(like):
    """-log(E), E ~ Exponential(1): Gumbel(0, 1) draws of like's shape and dtype."""
    xp = get_array_module(like)
    return -xp.log(xp.random.standard_exponential(like.shape)).astype(like.dtype)


def _one_hot_of_max(y, axis):
    """1 at the (first) largest entry of y along `axis`, 0 elsewhere; y's shape and dtype."""
    xp = get_array_module(y)
    one_hot = xp.zeros_like(y)
    xp.put_along_axis(one_hot, xp.expand_dims(y.argmax(axis=axis), axis), 1, axis=axis)
    return one_hot


__all__ = ["gumbel_softmax"]
