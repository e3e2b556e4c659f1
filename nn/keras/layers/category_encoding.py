"""Keras' CategoryEncoding: integer categories as one-hot, multi-hot or count vectors, and
`encode_categories`, the encoding that StringLookup, IntegerLookup and TextVectorization's
non-"int" output modes share with it. Not differentiable (integers in, constants out)."""
import numpy as np

from autograd.arguments import positive_int

from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer
from .host_computed import HostComputed, host_integers, host_values

ENCODINGS = ("one_hot", "multi_hot", "count")


def output_mode_name(output_mode, allowed, who):
    """Keras' output_mode, its old names mapped ("binary" is "multi_hot", "tf-idf"
    "tf_idf"); a ValueError naming `who` when not one of `allowed`."""
    name = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
    if name not in allowed:
        raise ValueError(f"{who}: output_mode must be one of {', '.join(map(repr, allowed))}, "
                         f"got {output_mode!r}")
    return name


# The dtypes Keras 3 (torch backend) gives a preprocessing layer's output in as asked; it
# refuses "int8" (a quantization mode's name) and gives uint16 and uint32 as int32 and int64
NUMBER_DTYPES = ("bool", "uint8", "int16", "int32", "int64", "float16", "float32", "float64")
TEXT_DTYPES = NUMBER_DTYPES + ("string",)  # (what a text layer's dtype= may also name)
_SUMMED_AS_INT32 = ("bool", "uint8", "int16")  # Keras' sums (ops.sum) widen these to int32


def dtype_argument(dtype, who, default="float32", allowed=NUMBER_DTYPES):
    """A preprocessing layer's `dtype=` (Keras' argument) by name: `default` for None, else
    one of `allowed` given by name, as a NumPy type or a dtype (kept by name: it is the
    layer's config, and Module.to leaves it alone); a TypeError naming `who` otherwise."""
    if dtype is None:
        return default
    name = getattr(dtype, "name", dtype)
    if name != "string":
        try:
            name = np.dtype(name).name
        except (TypeError, ValueError):
            name = None
    if name not in allowed:
        raise TypeError(f"{who}: dtype must be one of {', '.join(map(repr, allowed))}, got "
                        f"{dtype!r}")
    return name


def encode_categories(indices, output_mode, depth, weights=None, dtype="float32"):
    """indices (ints; negative ones are left out: masked or padding) as vectors of `depth`
    in `dtype`, Keras' encodings (a scalar taken as one sample of one category, (1,)):

    - "one_hot": out[..., k] = [i == k], a trailing axis of 1 replaced (shape (..., 1) or
      (...,) -> (..., depth));
    - "multi_hot": [k among the categories], "count": #{categories == k} (each counted with
      its weight, cast to `dtype` first, where given; bool, uint8 and int16 counts int32, as
      Keras sums them), over axis 1, a sample's categories (N, k, ...) -> (N, ..., depth);
      over axis 0 of a 1-D input, (k,) -> (depth,), as Keras reduces it.
    """
    indices = np.asarray(indices).reshape(-1) if np.ndim(indices) == 0 else \
        np.asarray(indices)
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        return (indices[..., None] == np.arange(depth)).astype(dtype)
    reduced = 1 if indices.ndim > 1 else 0
    rows = np.moveaxis(indices, reduced, -1)  # (..., k): each row's categories together
    samples = int(np.prod(rows.shape[:-1]))  # (not -1: a row may hold no category)
    flat = rows.reshape(samples, rows.shape[-1])
    kept = flat >= 0
    at = (np.broadcast_to(np.arange(samples)[:, None], flat.shape)[kept], flat[kept])
    if output_mode == "multi_hot":
        counts = np.zeros((samples, depth), dtype)
        counts[at] = 1
    else:
        summed = "int32" if np.dtype(dtype).name in _SUMMED_AS_INT32 else dtype
        counts = np.zeros((samples, depth), summed)
        added = np.ones(flat.shape, dtype) if weights is None else np.moveaxis(
            np.asarray(weights).astype(dtype).reshape(indices.shape), reduced, -1)
        np.add.at(counts, at, added.reshape(flat.shape)[kept])
    return counts.reshape(rows.shape[:-1] + (depth,))


class CategoryEncoding(HostComputed, Module, KerasLayer):
    """Integer categories in [0, num_tokens) -> vectors of num_tokens (see
    encode_categories): "multi_hot" (Keras' default) and "count" (N, k) -> (N, num_tokens),
    "one_hot" (N,) or (N, 1) -> (N, num_tokens). `count_weights` (the inputs' shape) weigh
    each category's count. `dtype`: the output's, one of NUMBER_DTYPES (float32 by
    default; Keras' counts in bool, uint8 or int16 are int32). A preprocessing layer: no
    gradient flows through it."""

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, *, name=None,
                 input_shape=None, dtype=None):
        super().__init__()
        who = "CategoryEncoding"
        self.dtype = dtype_argument(dtype, who)
        if num_tokens is None:
            raise ValueError(f"{who}: num_tokens must be set (the number of categories); when "
                             "it is not known beforehand, use IntegerLookup")
        self.num_tokens = positive_int(num_tokens, "num_tokens", who)
        self.output_mode = output_mode_name(output_mode, ENCODINGS, who)
        if sparse:
            raise NotImplementedError(f"{who}: sparse=True (sparse tensors) is not supported")
        self.sparse = False
        self._keras_arguments(name, input_shape)

    def forward(self, inputs, count_weights=None):
        indices = host_integers(inputs, self.who, "categories")
        if indices.size and (indices.min() < 0 or indices.max() >= self.num_tokens):
            raise ValueError(f"{self.who}: categories must be in [0, {self.num_tokens}), got "
                             f"values from {indices.min()} to {indices.max()}")
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(f"{self.who}: count_weights weigh the counts of "
                                 f"output_mode='count', not {self.output_mode!r}")
            count_weights = host_values(count_weights)
            if np.shape(count_weights) != indices.shape:
                raise ValueError(f"{self.who}: count_weights of shape "
                                 f"{np.shape(count_weights)} must have the inputs' shape "
                                 f"{indices.shape}")
        return self._placed(encode_categories(indices, self.output_mode, self.num_tokens,
                                              count_weights, self.dtype), inputs)

    get_config = init_config

    def extra_repr(self):
        return f"num_tokens={self.num_tokens}, output_mode={self.output_mode!r}"


__all__ = ["CategoryEncoding", "encode_categories", "output_mode_name", "dtype_argument",
           "NUMBER_DTYPES", "TEXT_DTYPES"]
