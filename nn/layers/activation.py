"""Activation layers (PyTorch's constructor arguments), and names for Keras' `activation=`.
Numeric arguments are checked when the layer is made, so a bad one points at the model's
definition rather than at its first forward pass."""
import numpy as np

from autograd.arguments import float_dtype, positive_int
from autograd.function import Function
from autograd.ops import clip, exp, minimum, sqrt
from autograd.ops.validation import real_scalar
from autograd.variable import Parameter, as_variable

from .. import functional as F
from .. import init
from ..functional.sparsemax import sparsemax
from ..module import Module
from .config import init_config
from .keras_name import KerasNamed


class ReLU(Module):
    """max(x, 0). `inplace` is accepted for PyTorch compatibility; rungrad never writes
    into its inputs, so it changes nothing."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def forward(self, x):
        return F.relu(x)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""  # (PyTorch's)


class _Scalars(Module):
    """An activation with real-valued settings (`scalars`, checked when it is made):
    forward(x) = function(x, *settings); PyTorch's `inplace` is accepted and changes
    nothing (rungrad never writes into its inputs)."""

    scalars = ()

    def _keep(self, inplace=None, **values):
        for name, value in values.items():
            real_scalar(value, name, type(self).__name__)
            setattr(self, name, value)
        if inplace is not None:
            self.inplace = inplace

    def forward(self, x):
        return type(self).function(x, *[getattr(self, name) for name in self.scalars])

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        shown = [f"{name}={getattr(self, name)}" for name in self.scalars]
        return ", ".join(shown + (["inplace=True"] if getattr(self, "inplace", False) else []))


class LeakyReLU(_Scalars):
    """x if x > 0 else negative_slope * x."""

    function, scalars = F.leaky_relu, ("negative_slope",)

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self._keep(negative_slope=negative_slope, inplace=inplace)


def _elementwise(name, function, doc, inplace=False):
    """A module with no parameter and no setting: forward(x) = function(x). With `inplace`,
    it takes PyTorch's `inplace` argument, which changes nothing (rungrad never writes into
    its inputs)."""
    def forward(self, x):
        return function(x)
    body = {"__doc__": doc, "__module__": __name__, "__qualname__": name, "forward": forward}
    if inplace:
        body.update(__init__=_init_inplace, get_config=init_config, extra_repr=_inplace_repr)
    return type(name, (Module,), body)


def _init_inplace(self, inplace=False):
    Module.__init__(self)
    self.inplace = inplace


def _inplace_repr(self):
    return "inplace=True" if self.inplace else ""


class Identity(Module):
    """Its input, unchanged (PyTorch's placeholder layer: any argument is taken and
    ignored)."""

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def __init__(self, *args, **kwargs):
        super().__init__()

    get_config = init_config  # Keras' get_config: none of its arguments matter

    def forward(self, x):
        return x


Sigmoid = _elementwise("Sigmoid", F.sigmoid, "1 / (1 + e^-x).")
Tanh = _elementwise("Tanh", F.tanh, "(e^x - e^-x) / (e^x + e^-x).")
SiLU = _elementwise("SiLU", F.silu, "x sigmoid(x) (swish).", inplace=True)
LogSigmoid = _elementwise("LogSigmoid", F.logsigmoid, "log(sigmoid(x)), finite for large |x|.")
ReLU6 = _elementwise("ReLU6", F.relu6, "min(max(x, 0), 6).", inplace=True)
Hardsigmoid = _elementwise("Hardsigmoid", F.hardsigmoid, "relu6(x + 3) / 6.", inplace=True)
Hardswish = _elementwise("Hardswish", F.hardswish, "x hardsigmoid(x).", inplace=True)
Mish = _elementwise("Mish", F.mish, "x tanh(softplus(x)).", inplace=True)
SELU = _elementwise("SELU", F.selu, "scale * elu(x, alpha), self-normalizing.", inplace=True)


class _OverDim(Module):
    """An activation over one axis, `dim` (the last by default). Softmax and LogSoftmax are
    siblings, not parent and child, so `isinstance(layer, Softmax)` means a softmax.

    PyTorch without a dim picks one by the input's rank (axis 0 of a 3-D input, axis 1 of
    a 4-D one), a legacy rule it warns is deprecated: code ported from it that relied on
    that rule names the dim (`nn.Softmax(dim=1)`); 1-D and 2-D inputs agree."""

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


class ELU(_Scalars):
    """x if x > 0 else alpha (e^x - 1)."""

    function, scalars = F.elu, ("alpha",)

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self._keep(alpha=alpha, inplace=inplace)


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


class Softplus(_Scalars):
    """log(1 + e^(beta x)) / beta, linear where beta x > threshold."""

    function, scalars = F.softplus, ("beta", "threshold")

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self._keep(beta=beta, threshold=threshold)


class Hardtanh(_Scalars):
    """x clipped to [min_val, max_val]."""

    function, scalars = F.hardtanh, ("min_val", "max_val")

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        self._keep(min_val=min_val, max_val=max_val, inplace=inplace)


class PReLU(Module):
    """x where x > 0, a x elsewhere, with the slope a learned: one for all channels
    (num_parameters=1) or one per channel (axis 1), starting at `init`."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = positive_int(num_parameters, "num_parameters", "PReLU")
        self.init = real_scalar(init, "init", "PReLU")
        self.dtype = float_dtype(dtype, "PReLU")
        self.weight = Parameter(np.full(self.num_parameters, self.init, dtype=self.dtype))
        self.to(device=device)

    def reset_parameters(self):
        """Every slope back to `init` (PyTorch's)."""
        init.constant_(self.weight, self.init)

    def forward(self, x):
        return F.prelu(x, self.weight)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Softmin(_OverDim):
    """softmax(-x) over `dim` (the last axis by default)."""

    def forward(self, x):
        return F.softmin(x, dim=self.dim)


class GLU(_OverDim):
    """The gated linear unit a sigmoid(b), a and b the halves of x along `dim` (the last by
    default)."""

    def forward(self, x):
        return F.glu(x, self.dim)


class Softmax2d(Module):
    """Softmax over the channels of each position: x (N, C, H, W) or (C, H, W), axis -3."""

    get_config = init_config  # Keras' get_config: the constructor's arguments (none)

    def forward(self, x):
        ndim = getattr(x, "ndim", None)
        if ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {ndim}D instead "
                             f"(shape {getattr(x, 'shape', None)})")
        return F.softmax(x, dim=-3)


class Threshold(_Scalars):
    """x where x > threshold, else value."""

    function, scalars = F.threshold, ("threshold", "value")

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self._keep(threshold=threshold, value=value, inplace=inplace)


class CELU(_Scalars):
    """x if x > 0 else alpha (e^(x / alpha) - 1)."""

    function, scalars = F.celu, ("alpha",)

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self._keep(alpha=alpha, inplace=inplace)
        if alpha == 0:
            raise ValueError("CELU: alpha cannot be 0 (x / alpha), as in PyTorch")


class _Shrink(_Scalars):
    """A shrinkage by `lambd`, printed as PyTorch prints it: the bare number."""

    scalars = ("lambd",)

    def __init__(self, lambd=0.5):
        super().__init__()
        self._keep(lambd=lambd)

    def extra_repr(self):
        return str(self.lambd)


class Softshrink(_Shrink):
    """x - lambd above lambd, x + lambd below -lambd, 0 between (lambd >= 0)."""

    function = F.softshrink

    def __init__(self, lambd=0.5):
        super().__init__(lambd)
        if not lambd >= 0:
            raise ValueError(f"Softshrink: lambd must be at least 0, got {lambd}")


class Hardshrink(_Shrink):
    """0 where -lambd <= x <= lambd, else x."""

    function = F.hardshrink


Tanhshrink = _elementwise("Tanhshrink", F.tanhshrink, "x - tanh(x).")
Softsign = _elementwise("Softsign", F.softsign, "x / (1 + |x|).")


class RReLU(_Scalars):
    """x where x > 0, else a x: a drawn per element from U(lower, upper) in training (NumPy's
    global generator), (lower + upper)/2 in evaluation."""

    scalars = ("lower", "upper")

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self._keep(lower=lower, upper=upper, inplace=inplace)
        if lower > upper:
            raise ValueError(f"RReLU: lower ({lower}) must not exceed upper ({upper})")

    def forward(self, x):
        return F.rrelu(x, self.lower, self.upper, training=self.training)


# Keras' activation functions, with Keras' arguments and defaults where they differ from
# nn.functional's (PyTorch's): keras.activations.relu(x, max_value=6), leaky_relu's 0.2.
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Keras' relu, as Keras computes it: x above `threshold` (0 at it: x = threshold gives
    0, not threshold), clipped to [0, max_value] when that is given, and below the threshold
    negative_slope (x - threshold). With a negative threshold x in (threshold, 0) stays x,
    or 0 under max_value's clip, as in Keras."""
    if not threshold:
        y = F.leaky_relu(x, negative_slope) if negative_slope else F.relu(x)
        return y if max_value is None else minimum(y, real_scalar(max_value, "max_value",
                                                                  "relu"))
    x = as_variable(x)  # (the step [x > t] is constant: an op keeps captures right)
    y = x * Above(threshold)(x)
    if max_value is not None:
        y = clip(y, 0.0, real_scalar(max_value, "max_value", "relu"))
    return y - F.relu(threshold - x) * negative_slope if negative_slope else y


def leaky_relu(x, negative_slope=0.2):
    """Keras' leaky_relu: its slope 0.2 (PyTorch's is 0.01)."""
    return F.leaky_relu(x, negative_slope)


def gelu(x, approximate=False):
    """Keras' gelu: exact, or with approximate=True the tanh approximation."""
    return F.gelu(x, "tanh" if approximate else "none")


class Above(Function):
    """[x > value] as x's float dtype: a step, whose gradient is 0."""

    def __init__(self, value):
        self.value = value

    def forward(self, x):
        return (x > self.value).astype(x.dtype)

    def backward(self, gy):
        return None


def softsign(x):
    """Keras' softsign: x / (|x| + 1)."""
    x = as_variable(x)
    return x / (abs(x) + 1.0)


def squareplus(x, b=4.0):
    """Keras' squareplus: (x + sqrt(x^2 + b)) / 2, a smooth relu."""
    x = as_variable(x)
    return (x + sqrt(x * x + b)) * 0.5


def sparse_sigmoid(x):
    """Keras' sparse_sigmoid: 0 below -1, (x + 1) / 2 between, 1 above 1."""
    return F.hardtanh(as_variable(x) * 0.5 + 0.5, 0.0, 1.0)


def sparse_plus(x):
    """Keras' sparse_plus: 0 below -1, (x + 1)^2 / 4 between, x above 1."""
    x = as_variable(x)
    middle = F.hardtanh(x)  # (x clipped to [-1, 1])
    return (middle + 1.0) * (middle + 1.0) * 0.25 + F.relu(x - 1.0)


def glu(x, axis=-1):
    """Keras' glu: a * sigmoid(b), x halved into a and b along `axis` (F.glu's dim)."""
    return F.glu(x, dim=axis)


# Keras' activation names -> functions (None: the identity).
ACTIVATIONS = {
    "linear": None, "relu": relu, "sigmoid": F.sigmoid, "tanh": F.tanh,
    "softmax": F.softmax, "log_softmax": F.log_softmax, "elu": F.elu, "gelu": gelu,
    "softplus": F.softplus, "leaky_relu": leaky_relu, "silu": F.silu, "swish": F.silu,
    "selu": F.selu, "relu6": F.relu6, "hard_sigmoid": F.hardsigmoid, "hard_silu": F.hardswish,
    "hard_swish": F.hardswish, "mish": F.mish, "exponential": exp, "softsign": softsign,
    "celu": F.celu, "glu": glu, "hard_shrink": F.hardshrink, "hard_tanh": F.hardtanh,
    "log_sigmoid": F.logsigmoid, "soft_shrink": F.softshrink, "tanh_shrink": F.tanhshrink,
    "squareplus": squareplus, "sparse_plus": sparse_plus, "sparse_sigmoid": sparse_sigmoid,
    "sparsemax": sparsemax,
}


# nn.functional's functions that are these Keras activations at their defaults
_FUNCTIONAL_EQUIVALENTS = {"relu": F.relu, "gelu": F.gelu, "glu": F.glu}


def activation_config(fn):
    """The name of activation function `fn` (a Keras activation's, or nn.functional's at
    Keras' defaults), as a config saves it; `fn` itself when it has none."""
    known = list(ACTIVATIONS.items()) + list(_FUNCTIONAL_EQUIVALENTS.items())
    return next((name for name, f in known if f is not None and f is fn), fn)


def resolve_activation(activation, who):
    """(display name, function or None) for an activation name, callable or None."""
    if activation is None:
        return "None", None
    if callable(activation):
        return getattr(activation, "__name__", type(activation).__name__), activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return repr(activation), ACTIVATIONS[activation]
    if activation == "threshold":  # (Keras takes the name, then fails at the first call)
        raise ValueError(f"{who}: activation 'threshold' needs its threshold and "
                         "default_value, which a name cannot give; pass a function, e.g. "
                         "lambda x: keras.activations.threshold(x, 0.5, 0.0)")
    raise ValueError(f"{who}: unknown activation {activation!r}; use a callable or one of "
                     f"{sorted(ACTIVATIONS)}")


class Activation(Module, KerasNamed):
    """Keras' Activation layer: `Activation('relu')` applies the named (or given) function;
    'linear' or None passes x through. `name` names the layer in its Sequential."""

    supports_masking = True  # (Keras' masks pass it unchanged: nn.training.masking)

    def __init__(self, activation, name=None):
        super().__init__()
        self.activation_name, self.activation = resolve_activation(activation, "Activation")
        self._given = activation
        self._set_name(name)

    def forward(self, x):
        return x if self.activation is None else self.activation(x)

    def get_config(self):
        return {"activation": self._given, "name": self.name}

    def extra_repr(self):
        return self.activation_name


__all__ = ["ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "ELU", "GELU",
           "Softplus", "Activation", "Identity", "ReLU6", "Hardsigmoid", "Hardswish", "Mish",
           "SELU", "GLU", "Softmax2d", "Threshold", "CELU", "Softshrink", "Hardshrink",
           "Tanhshrink", "Softsign", "RReLU"]
