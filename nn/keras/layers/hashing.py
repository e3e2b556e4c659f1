"""Keras' Hashing: strings or integers -> one of num_bins bins by their FarmHash fingerprint,
no vocabulary needed. Not differentiable (tokens in, integers or constants out)."""
import numpy as np

from autograd.arguments import positive_int

from ...layers.config import init_config
from ...module import Module
from ._base import KerasLayer
from .category_encoding import ENCODINGS, dtype_argument, encode_categories, output_mode_name
from .farmhash import fingerprint_buckets
from .host_computed import HostComputed, host_values
from .lookup import as_strings
from .siphash import salt_key


class Hashing(HostComputed, Module, KerasLayer):
    """bin = fingerprint64(utf-8 of the value) mod num_bins (an integer hashed as its decimal
    text, as TensorFlow's as_string writes it); with a salt (an int k, read as [k, k], or a
    pair), SipHash-2-4 keyed by it instead of the fingerprint; with mask_value, that value
    is bin 0 and the others fall in 1 + (hash mod (num_bins - 1)). output_mode "int" gives the bins
    (int64, the inputs' shape); "one_hot", "multi_hot", "count" encode them (float32, as
    CategoryEncoding). `dtype` changes either, as Keras lets it: "int32" or "int64" for the
    bins, "int32", "int64", "float32" or "float64" for "multi_hot" and "count" (Keras
    counts them with TensorFlow's bincount, which takes no other), any of
    category_encoding.NUMBER_DTYPES for "one_hot"."""

    text_input = True  # (or integers)

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 *, name=None, input_shape=None, dtype=None):
        super().__init__()
        who = "Hashing"
        self.num_bins = positive_int(num_bins, "num_bins", who)
        self.mask_value = mask_value
        self.salt = salt_key(salt, who)
        self.output_mode = output_mode_name(output_mode, ("int",) + ENCODINGS, who)
        self.dtype = _output_dtype(dtype, self.output_mode, who)
        if sparse:
            raise NotImplementedError(f"{who}: sparse=True (sparse tensors) is not supported")
        self.sparse = False
        self._keras_arguments(name, input_shape)

    def forward(self, inputs):
        values = host_values(inputs)
        if values.dtype.kind in "US" and isinstance(inputs, (list, tuple, str, bytes)):
            values = as_strings(inputs, self.who)  # (strings as given: NumPy's drop NULs)
        bins = self.bins(values)
        if self.output_mode == "int":
            return self._placed(bins.astype(self.dtype), inputs)
        return self._placed(encode_categories(bins, self.output_mode, self.num_bins,
                                              dtype=self.dtype), inputs)

    def bins(self, values):
        """Each value's bin (int64, the values' shape)."""
        texts = self._texts(values)
        masked = self.mask_value is not None and self.num_bins > 1
        buckets = self.num_bins - masked
        hashed = fingerprint_buckets(texts, buckets, self.salt)
        if masked:
            hashed = np.where(self._is_mask(values, texts), 0, hashed + 1)
        return hashed

    def _texts(self, values):
        """The values as TensorFlow's as_string writes them, which Keras hashes: integers in
        decimal (uint64 unsigned), floats cut to integers, booleans "true" / "false"."""
        if values.dtype.kind == "b":
            return np.where(values, "true", "false")
        if values.dtype.kind in "iuf":
            numbers = values if values.dtype.kind in "iu" else values.astype(np.int64)
            return np.char.mod("%d", numbers) if values.size else values.astype(np.str_)
        return as_strings(values, self.who)

    def _is_mask(self, values, texts):
        """Where the values equal mask_value: a string mask for strings (str or bytes alike),
        a number for numbers; the other kind is a TypeError, as Keras'."""
        text_mask = isinstance(self.mask_value, (str, bytes))
        if text_mask != (values.dtype.kind not in "biuf"):
            raise TypeError(f"{self.who}: mask_value={self.mask_value!r} cannot mask inputs of "
                            f"dtype {values.dtype}: give a {'number' if text_mask else 'string'}"
                            " mask_value for them")
        if text_mask:  # (as Python strings: NumPy's str_ would drop a trailing NUL)
            return texts == as_strings(self.mask_value, self.who).astype(object)
        return values == self.mask_value

    get_config = init_config

    def extra_repr(self):
        return f"num_bins={self.num_bins}, output_mode={self.output_mode!r}"


def _output_dtype(dtype, output_mode, who):
    """Keras' dtype for output_mode: int64 for "int", float32 for the encodings by default;
    a ValueError for one it refuses in that mode."""
    name = dtype_argument(dtype, who, "int64" if output_mode == "int" else "float32")
    allowed = _MODE_DTYPES.get(output_mode)  # ("one_hot": any dtype_argument takes)
    if allowed is not None and name not in allowed:
        raise ValueError(f"{who}: with output_mode={output_mode!r}, dtype must be one of "
                         f"{', '.join(map(repr, allowed))}, got {dtype!r}")
    return name


_MODE_DTYPES = {"int": ("int32", "int64"), "multi_hot": ("int32", "int64", "float32", "float64"),
                "count": ("int32", "int64", "float32", "float64")}

__all__ = ["Hashing"]
