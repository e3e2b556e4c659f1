"""Keras' HashedCrossing: the cross of categorical features (strings or integers), each
combination hashed into one of num_bins bins, as TensorFlow's sparse.cross_hashed (which
Keras runs) hashes it: FarmHash's Fingerprint64 of a string (an integer as it is),
chained by FingerprintCat64 from TensorFlow's key, modulo num_bins. Not differentiable."""
import numpy as np

from autograd.arguments import positive_int

from ...module import Module
from ._base import KerasLayer
from .category_encoding import dtype_argument, encode_categories, output_mode_name
from .farmhash import MASK, fingerprint64
from .farmhash import _shift_mix as shift_mix
from .host_computed import HostComputed, host_values
from .lookup import as_strings

HASH_KEY = 0xDECAFCAFFE  # (tf.sparse.cross_hashed's default hash_key)
K_MUL = 0xC6A4A7935BD1E995  # (FingerprintCat64's multiplier)


class HashedCrossing(HostComputed, Module, KerasLayer):
    """[x1, x2, ...] (at least two; each of shape (), (N,) or (N, 1), one shape; strings or
    integers) -> the bin of each row's combination: int64 of the inputs' shape
    (output_mode='int'), or its one-hot vectors (N, num_bins), float32 ('one_hot').
    `dtype` changes either (Keras' dtype=)."""

    text_input = True  # (or integers)

    def __init__(self, num_bins, output_mode="int", sparse=False, *, name=None, dtype=None,
                 input_shape=None):
        super().__init__()
        who = "HashedCrossing"
        self.num_bins = positive_int(num_bins, "num_bins", who)
        self.output_mode = output_mode_name(output_mode, ("int", "one_hot"), who)
        self.dtype = dtype_argument(dtype, who, "int64" if output_mode == "int" else "float32")
        if sparse:
            raise NotImplementedError(f"{who}: sparse=True (sparse tensors) is not supported")
        self.sparse = False
        self._keras_arguments(name, input_shape)

    def forward(self, inputs):
        columns = self._columns(inputs)
        shape = columns[0].shape
        hashed = [_feature_hashes(c.reshape(-1), self.who) for c in columns]
        bins = np.array([_crossed(row) % self.num_bins for row in zip(*hashed)],
                        np.int64).reshape(shape)
        if self.output_mode == "int":
            return self._placed(bins.astype(self.dtype), inputs[0])
        encoded = encode_categories(bins, "one_hot", self.num_bins, dtype=self.dtype)
        return self._placed(encoded.reshape(-1) if not shape else encoded, inputs[0])

    def _columns(self, inputs):
        """The inputs on the host, their number, shapes and kinds checked (Keras')."""
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{self.who}: should be called on a list or tuple of inputs, got "
                             f"{type(inputs).__name__}")
        if len(inputs) < 2:
            raise ValueError(f"{self.who}: should be called on at least two inputs, got "
                             f"{len(inputs)}")
        columns = [host_values(x) for x in inputs]
        shapes = [c.shape for c in columns]
        first = shapes[0]
        if len(first) > 2 or (len(first) == 2 and first[-1] != 1) or len(set(shapes)) > 1:
            raise ValueError(f"{self.who}: all inputs should have one shape, (), (batch_size,) "
                             f"or (batch_size, 1); got shapes {', '.join(map(str, shapes))}")
        for c in columns:
            if c.dtype.kind not in "iuUSO":
                raise ValueError(f"{self.who}: all inputs should have an integer or string "
                                 f"dtype, got {c.dtype}")
        return columns

    def get_config(self):
        return {"num_bins": self.num_bins, "output_mode": self.output_mode,
                "sparse": self.sparse, "name": self.name, "dtype": self.dtype,
                "input_shape": self.input_shape}

    def extra_repr(self):
        return f"num_bins={self.num_bins}, output_mode={self.output_mode!r}"


def _feature_hashes(values, who):
    """Each value's 64-bit feature hash (TensorFlow's): an integer's own bits, a string's
    Fingerprint64 of its UTF-8 (each distinct string hashed once)."""
    if values.dtype.kind in "iu":
        return [int(v) & MASK for v in values.astype(np.int64).tolist()]
    texts = as_strings(values, who)
    unique, inverse = np.unique(texts, return_inverse=True)
    hashes = [fingerprint64(t.encode("utf-8")) for t in unique.tolist()]
    return [hashes[i] for i in inverse.reshape(-1).tolist()]


def _crossed(hashes):
    """FingerprintCat64 of the hashes, in order, from HASH_KEY (TensorFlow's HashCrosser)."""
    result = HASH_KEY
    for h in hashes:
        result = _fingerprint_cat64(result, h)
    return result


def _fingerprint_cat64(first, second):
    mixed = first ^ K_MUL
    mixed ^= (shift_mix((second * K_MUL) & MASK) * K_MUL) & MASK
    mixed = (mixed * K_MUL) & MASK
    mixed = (shift_mix(mixed) * K_MUL) & MASK
    return shift_mix(mixed)


__all__ = ["HashedCrossing"]
