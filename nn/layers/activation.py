"""Activation layers (PyTorch's constructor arguments), and names for Keras' `activation=`.
Numeric arguments are checked when the layer is made, so a bad one points at the model's
definition rather than at its first forward pass."""
import numpy as np

from autograd.arguments import positive_int
from autograd.ops.validation import real_scalar
from autograd.variable import Parameter

from .. import functional as F
from ..module import Module
from .config import init_config


class ReLU(Module):
    """max(x, 0). `inplace` is accepted for PyTorch compatibility; rungrad never writes
    into its inputs, so it changes nothing."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def forward(self, x):
        return F.relu(x)


class LeakyReLU(Module):
    """x if x > 0 else negative_slope * x."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        real_scalar(negative_slope, "negative_slope", "LeakyReLU")
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """1 / (1 + e^-x)."""

    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    def forward(self, x):
        return F.tanh(x)


class _OverDim(Module):
    """An activation over one axis, `dim` (the last by default). Softmax and LogSoftmax are
    siblings, not parent and child, so `isinstance(layer, Softmax)` means a softmax."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_OverDim):
    """Softmax over `dim` (the last axis by default)."""

    def forward(self, x):
        return F.softmax(x, dim=self.dim)


class LogSoftmax(_OverDim):
    """log(softmax(x)) over `dim` (the last axis by default), computed stably."""

    def forward(self, x):
        return F.log_softmax(x, dim=self.dim)


class ELU(Module):
    """x if x > 0 else alpha (e^x - 1)."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        real_scalar(alpha, "alpha", "ELU")
        self.alpha, self.inplace = alpha, inplace

    def forward(self, x):
        return F.elu(x, self.alpha)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"alpha={self.alpha}"


class GELU(Module):
    """x Phi(x) (approximate='none') or its tanh approximation (approximate='tanh')."""

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, self.approximate)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """log(1 + e^(beta x)) / beta, linear where beta x > threshold."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        real_scalar(beta, "beta", "Softplus")
        real_scalar(threshold, "threshold", "Softplus")
        self.beta, self.threshold = beta, threshold

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class SiLU(Module):
    """x sigmoid(x) (swish)."""

    def forward(self, x):
        return F.silu(x)


class LogSigmoid(Module):
    """log(sigmoid(x)), finite for large |x|."""

    def forward(self, x):
        return F.logsigmoid(x)


class Hardtanh(Module):
    """x clipped to [min_val, max_val]."""

    def __init__(self, min_val=-1.0, max_val=1.0):
        super().__init__()
        real_scalar(min_val, "min_val", "Hardtanh")
        real_scalar(max_val, "max_val", "Hardtanh")
        self.min_val, self.max_val = min_val, max_val

    def forward(self, x):
        return F.hardtanh(x, self.min_val, self.max_val)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"


class PReLU(Module):
    """x where x > 0, a x elsewhere, with the slope a learned: one for all channels
    (num_parameters=1) or one per channel (axis 1), starting at `init`."""

    def __init__(self, num_parameters=1, init=0.25):
        super().__init__()
        self.num_parameters = positive_int(num_parameters, "num_parameters", "PReLU")
        self.init = real_scalar(init, "init", "PReLU")
        self.weight = Parameter(np.full(self.num_parameters, self.init, dtype=np.float32))

    def forward(self, x):
        return F.prelu(x, self.weight)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Softmin(_OverDim):
    """softmax(-x) over `dim` (the last axis by default)."""

    def forward(self, x):
        return F.softmin(x, dim=self.dim)


# Keras' activation names -> functions (None: the identity).
ACTIVATIONS = {
    "linear": None, "relu": F.relu, "sigmoid": F.sigmoid, "tanh": F.tanh,
    "softmax": F.softmax, "log_softmax": F.log_softmax, "elu": F.elu, "gelu": F.gelu,
    "softplus": F.softplus, "leaky_relu": F.leaky_relu, "silu": F.silu, "swish": F.silu,
}


def resolve_activation(activation, who):
    """(display name, function or None) for an activation name, callable or None."""
    if activation is None:
        return "None", None
    if callable(activation):
        return getattr(activation, "__name__", type(activation).__name__), activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return repr(activation), ACTIVATIONS[activation]
    raise ValueError(f"{who}: unknown activation {activation!r}; use a callable or one of "
                     f"{sorted(ACTIVATIONS)}")


__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "ELU", "GELU",
           "Softplus"]
