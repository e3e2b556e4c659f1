"""Inverted dropout: zero each element with probability p, scale the survivors by 1/(1-p).
Its channel-wise and SELU-preserving kinds are in channel_dropout.py."""


from autograd.arguments import probability
from autograd.backend import get_array_module
from autograd.config import train_mode
from autograd.function import Function
from autograd.lazy import refuse_book_keywords
from autograd.random_states import RandomStates
from autograd.spec import Choice, Spec
from autograd.variable import as_variable, wrap


class Dropout(Function):
    """y = x * m, with m = 1/(1-p) where kept and 0 where dropped, drawn at each call; the
    mask is drawn inside the op, so a captured step (autograd.capture) draws a new one at
    every replay."""

    draws_random = True

    input_specs = (Spec(),)
    arg_specs = {"p": Choice(0.25, 0.5)}
    # the gradient check draws the same mask at every call (checking needs a fixed function)
    apply = staticmethod(lambda x, p: _drawn_from_seed(0, lambda: Dropout(p)(x)))
    reference = "autograd.testing.references:dropout_seeded"

    def __init__(self, p, generator=None, noise_shape=None):
        """generator: a NumPy Generator of the caller's own (a seeded layer's), else the
        backend's global one; noise_shape: the mask's shape, broadcast over x (Keras')."""
        self.p, self.generator, self.noise_shape = p, generator, noise_shape
        if generator is not None:  # (only the global generator's draws are the capture's)
            self.draws_random = False

    def forward(self, x):
        self.mask = dropout_mask(x, self.p, self.generator, self.noise_shape)
        return x * self.mask

    def backward(self, gy):
        return gy * wrap(self.mask, False)

    def backward_data(self, gy):
        return gy * self.mask


def dropout(input, p=0.5, training=None, inplace=False, **book):  # noqa: A002 (PyTorch's)
    """Drop elements of `x` with probability `p` when training; otherwise return x itself.

    training: True drops and False does not, whatever the mode; None (the default) follows
    this thread's mode: it drops, except inside `autograd.test_mode()` (DeZero's dropout).
    PyTorch's default is True: the two agree in every program that does not use test_mode().
    `F.dropout` does not see a module's `.eval()`: in a Module's forward pass
    `training=self.training`, which reads False after eval() and inside test_mode().

    The mask comes from NumPy's global generator (CuPy's for GPU arrays), so
    `np.random.seed` makes it reproducible; its gradient is the same mask. `inplace`, as in
    the activations, changes nothing (a new Variable comes back).
    """
    if book:
        refuse_book_keywords(book, "dropout", {"dropout_ratio": "p="})
    return _dropped(input, p, training, "dropout", Dropout)


def _dropped(x, p, training, who, make):
    """make(p)(x) when training (None: this thread's mode) and p > 0, else x itself."""
    probability(p, "p", who)
    if training is None:
        training = train_mode.get()
    x = as_variable(x, who=who)
    if not training or p == 0:
        return x
    return make(p)(x)


def _drawn_from_seed(seed, draw):
    """draw() with NumPy's global generator seeded by `seed` (and CuPy's, when imported:
    GPU arrays draw from it), their states restored after."""
    saved = RandomStates.now()
    RandomStates.seed(seed)
    try:
        return draw()
    finally:
        saved.restore()


def dropout_mask(x, p, generator=None, shape=None):
    """The scaled keep-mask for array `x`: 1/(1-p) where kept, 0 where dropped, x's dtype;
    of `shape` (broadcasting over x) when given, drawn from `generator` when given."""
    xp = get_array_module(x)
    dtype = x.dtype if x.dtype.kind == "f" else xp.dtype("float64")
    shape = x.shape if shape is None else shape
    if p == 1:
        return xp.zeros(shape, dtype)
    draws = xp.random.random_sample(shape) if generator is None else \
        xp.asarray(generator.random(shape))
    mask = (draws >= p).astype(dtype)
    mask *= 1 / (1 - p)
    return mask


__all__ = ["dropout"]
