"""Keras' Input: the first element of a Sequential, saying what one sample looks like."""

import numpy as np

from autograd.arguments import numpy_dtype
from autograd.ops import astype
from autograd.user_warnings import user_warning

from ..module import Module
from .keras_name import KerasNamed


class InputLayer(Module, KerasNamed):
    """Passes its input through, after checking that each sample has `shape` (None: any
    size on that axis). First in a Sequential, it sizes the layers after it at once, as
    Keras' `Sequential([keras.Input(shape=(784,)), Dense(64), ...])`; `name` names it."""

    dtype_policies = False  # (its dtype is its inputs', float32 under any global policy)

    def __init__(self, shape=None, dtype="float32", name=None, *, batch_size=None,
                 batch_shape=None, input_shape=None):
        super().__init__()
        if input_shape is not None:  # (tf.keras 2's name, which Keras 3 takes with a warning)
            user_warning("InputLayer: argument `input_shape` is deprecated. Use `shape` "
                         "instead.", UserWarning)
            shape = input_shape if shape is None else shape
        shape, self.batch_size = _sample_shape(shape, batch_size, batch_shape)
        if isinstance(shape, (int, np.integer)):
            shape = (int(shape),)
        if not isinstance(shape, (tuple, list)) or not all(
                n is None or (isinstance(n, (int, np.integer)) and n >= 0) for n in shape):
            raise ValueError(f"Input: shape is one sample's shape, a tuple of sizes (None for "
                             f"any), such as (784,) or (28, 28, 1); got {shape!r}")
        self.shape, self.dtype = tuple(shape), input_dtype(dtype)
        self._set_name(name)

    def forward(self, x):
        if self.dtype.kind == "U" and not hasattr(x, "shape"):
            x = np.asarray(x)  # (a list of strings, for a text layer)
        sample = tuple(x.shape[1:])
        if len(sample) != len(self.shape) or any(
                n is not None and n != m for n, m in zip(self.shape, sample)):
            raise ValueError(f"Input: the model takes samples of shape {self.shape}, got a "
                             f"batch of shape {tuple(x.shape)} (samples of shape {sample})")
        return in_input_dtype(x, self.dtype)

    def example_sample(self):
        """(shape, dtype) of one sample to try the model with (None sizes taken as 1)."""
        return tuple(1 if n is None else n for n in self.shape), self.dtype

    def get_config(self):
        config = {"shape": self.shape, "dtype": dtype_name(self.dtype), "name": self.name}
        return config if self.batch_size is None else dict(config, batch_size=self.batch_size)

    def extra_repr(self):
        return f"shape={self.shape}"


def is_text_dtype(dtype):
    """Whether `dtype` holds text: NumPy's str, bytes or object (Keras takes all as
    strings)."""
    return np.dtype(dtype).kind in "USO"


def input_dtype(dtype):
    """An Input's dtype as NumPy's: Keras' "string" is NumPy's str (the inputs of a text
    layer, TextVectorization or StringLookup), and so are object and bytes, which Keras
    takes as strings too."""
    if dtype == "string":
        return np.dtype(np.str_)
    try:
        dtype = numpy_dtype(dtype)
    except TypeError as exc:  # (bfloat16: NumPy has none)
        raise TypeError(f"Input: {exc}") from None
    return np.dtype(np.str_) if is_text_dtype(dtype) else dtype


def dtype_name(dtype):
    """Keras' name of an Input's dtype: "string" for text."""
    return "string" if dtype.kind == "U" else dtype.name


def takes_text(layer):
    """Whether `layer` reads strings: an Input of dtype "string", or a text layer
    (TextVectorization, StringLookup, Hashing: those whose `text_input` is true)."""
    if isinstance(layer, InputLayer):
        return layer.dtype.kind == "U"
    return bool(getattr(layer, "text_input", False))


# a second try's unknown sizes: far above 1, so that no stride up to it (a strided 'same'
# convolution or pooling, ceil(n / stride); several in a Sequential, their product) gives
# the size 1 gives
LARGER_UNKNOWN = 33


def example_batch(shape, dtype, unknown=1):
    """A batch of `shape` to try a model with, its unknown sizes (None) `unknown`: zeros, or
    for a text input texts of `unknown` words (an empty one would give a text layer no
    token, and the layers after it no step)."""
    shape = tuple(unknown if n is None else n for n in shape)
    if is_text_dtype(dtype):
        return np.full(shape, " ".join(["word"] * unknown))
    return np.zeros(shape, dtype=dtype)


def mark_unknown_sizes(shapes, call_larger, who):
    """`shapes` (a call's output shapes on an example batch whose unknown sizes and token
    counts were 1; None for an output without one) with None where the shapes
    `call_larger()` returns differ (the same call, those sizes LARGER_UNKNOWN): the sizes
    that follow the unknown ones. A call that cannot take both (a layer built for the
    first size: Dense after Flatten) is refused, a ValueError as Keras refuses to build it."""
    try:
        again = call_larger()
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"{who}: a size unknown until it is called (None: an Input's None size, or the "
            "number of tokens of a text) sets a layer's size, so it cannot be built (Keras "
            "refuses it too); make that size known (TextVectorization(output_sequence_length"
            f"=...), an Input shape without None) or pool over that axis ({error})") from error
    return [tuple(None if n != m else n for n, m in zip(a, b))
            if a is not None and b is not None and len(a) == len(b) else a
            for a, b in zip(shapes, again)]


def in_input_dtype(x, dtype):
    """x as Keras' Input takes it: integers and booleans cast to the Input's float dtype
    (Keras converts inputs to the Input's dtype: uint8 pixels minus 128 must not wrap
    around). Floats pass as they are (the model's dtype is fit's to choose), as do integers
    for an integer Input (token ids)."""
    if np.dtype(dtype).kind == "f" and x.dtype.kind in "biu":
        return astype(x, dtype)
    return x


def _sample_shape(shape, batch_size, batch_shape):
    """(one sample's shape, the batch size or None) from Keras' shape and batch_size, or
    batch_shape (the batch's, its first size the batch size)."""
    if batch_shape is None:
        if shape is None:
            raise ValueError("Input: give shape (one sample's, such as (784,)) or batch_shape "
                             "(the batch's, such as (32, 784))")
        return shape, _batch_size(batch_size)
    if shape is not None:
        raise ValueError(f"Input: give shape or batch_shape, not both (got shape={shape!r}, "
                         f"batch_shape={batch_shape!r})")
    if not isinstance(batch_shape, (tuple, list)) or not batch_shape:
        raise ValueError(f"Input: batch_shape is the batch's shape, its first size the batch "
                         f"size (None for any), such as (32, 784); got {batch_shape!r}")
    return tuple(batch_shape[1:]), _batch_size(batch_shape[0])


def _batch_size(value):
    if value is not None and (not isinstance(value, (int, np.integer)) or
                              isinstance(value, bool) or value < 1):
        raise ValueError(f"Input: batch_size must be a positive integer or None, got {value!r}")
    return None if value is None else int(value)


Input = InputLayer  # Keras' `Input(shape=...)`, for the start of a Sequential


__all__ = ["Input", "InputLayer", "input_dtype", "dtype_name", "example_batch", "takes_text",
           "LARGER_UNKNOWN", "mark_unknown_sizes", "is_text_dtype"]
