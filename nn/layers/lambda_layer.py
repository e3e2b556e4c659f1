"""Lambda: a plain function used as a layer (Keras' Lambda), e.g. `Sequential(..., F.relu)`."""
from autograd.variable import Variable

from ..module import Module
from .config import init_config
from .keras_name import KerasNamed


class Lambda(Module, KerasNamed):
    """`Lambda(function, name=None)`: calling the layer calls `function(x)`.

    It has no parameters. Its `label` (the name given, else the function's `__name__`,
    "lambda" for a lambda expression, as Keras names those layers) shows in `repr`, in
    `summary()` and on the output Variable, so the computation graph labels the value the
    function made; a name given also names the layer in its Sequential.
    """

    def __init__(self, function, name=None):
        super().__init__()
        if not callable(function) or isinstance(function, Module):
            raise TypeError(f"Lambda: expected a function, got {type(function).__name__}")
        self.function = function
        self._set_name(name)

    @property
    def label(self):
        given = self._given_name
        return given if given is not None else _function_name(self.function)

    def forward(self, *args, **kwargs):
        y = self.function(*args, **kwargs)
        # Label a new output only: a function that returns its input must not rename it.
        if isinstance(y, Variable) and y.name is None and not any(y is a for a in args):
            y.name = self.label
        return y

    get_config = init_config  # the function is saved by name: nn.functional's or registered

    def extra_repr(self):
        return self.label


def _function_name(function):
    name = getattr(function, "__name__", None) or type(function).__name__
    return "lambda" if name == "<lambda>" else name


__all__ = ["Lambda"]
