"""Randomized leaky ReLU (PyTorch's F.rrelu): in training each non-positive element gets its
own slope drawn uniformly from [lower, upper]; in evaluation the mean slope, a leaky_relu."""
from autograd.backend import get_array_module
from autograd.function import Function
from autograd.ops.elementwise import linked
from autograd.ops.validation import float_input, real_scalar
from autograd.spec import Choice, Spec
from autograd.variable import wrap

from .activation import leaky_relu
from .dropout import _drawn_from_seed


class RandomLeakyReLU(Function):
    """y = a x with a = 1 where x > 0, a ~ U(lower, upper) elsewhere, drawn at each call
    (inside the op, so a captured step draws anew at every replay);  dy/dx = a"""

    draws_random = True

    input_specs = (Spec(elements="nonzero"),)  # off the kink at 0
    arg_specs = {"lower": Choice(0.125, 0.0), "upper": Choice(1 / 3, 0.5)}
    # the gradient check draws the same slopes at every call (checking needs a fixed function)
    apply = staticmethod(lambda x, lower, upper: _drawn_from_seed(
        0, lambda: RandomLeakyReLU(lower, upper)(x)))
    reference = staticmethod(lambda x, lower, upper: x * _drawn_from_seed(
        0, lambda: random_slopes(x, lower, upper)))

    def __init__(self, lower, upper):
        self.lower, self.upper = lower, upper

    def forward(self, x):
        self.slopes = random_slopes(x, self.lower, self.upper)
        return x * self.slopes

    def backward(self, gy):
        return linked(gy * wrap(self.slopes, False), self.inputs[0])

    def backward_data(self, gy):
        return gy * self.slopes


def random_slopes(x, lower, upper):
    """For array x: 1 where x > 0, else a slope from U(lower, upper) (NumPy's global
    generator, CuPy's for GPU arrays), in x's dtype."""
    xp = get_array_module(x)
    drawn = xp.random.uniform(lower, upper, x.shape).astype(x.dtype)
    return xp.where(x > 0, x.dtype.type(1), drawn)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False,  # noqa: A002 (PyTorch's)
          inplace=False):
    """x where x > 0, else a x: a drawn per element from U(lower, upper) when training,
    (lower + upper)/2 otherwise. `inplace` changes nothing (rungrad never writes into its
    inputs)."""
    who = "rrelu"
    lower, upper = real_scalar(lower, "lower", who), real_scalar(upper, "upper", who)
    if lower > upper:
        raise ValueError(f"{who}: lower ({lower}) must not exceed upper ({upper})")
    x = float_input(input, who)
    if not training:
        return leaky_relu(x, (lower + upper) / 2)
    return RandomLeakyReLU(lower, upper)(x)


__all__ = ["rrelu"]
