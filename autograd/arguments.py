"""Checks and normal forms of user-given arguments, shared by autograd, nn and optim.

They live in autograd because all three packages may import it (optim never imports nn).
Every check takes `(value, name, who)`: the value, the argument's name and the caller
(a function, layer or optimizer name) that leads the message, as in
"DataLoader: batch_size must be a positive integer, got 0".
"""
from numbers import Integral, Real

import numpy as np


class TorchValueError(ValueError, RuntimeError):
    """A wrong value that PyTorch reports as a RuntimeError (a non-scalar output for hessian,
    a gradient of the wrong shape): ported code's `except RuntimeError` catches it too."""


def positive_int(value, name, who, hint=""):
    """`value` as an int >= 1, or a ValueError naming `who` and `name` (`hint` is appended).

    Whole numbers of any type pass (3, np.int64(3), 3.0); bool, None, text, fractions,
    inf and nan do not.
    """
    return _whole_number(value, name, who, 1, "a positive integer", hint)


def nonnegative_int(value, name, who):
    """`value` as an int >= 0 (a count that may be zero, such as epochs), else a ValueError
    naming `who` and `name`; what passes is as for positive_int."""
    return _whole_number(value, name, who, 0, "an integer >= 0", "")


def probability(value, name, who):
    """`value` if it is a number in [0, 1] (a dropout rate), else a ValueError naming `who`
    and `name`; bool is not a number here."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value <= 1:
        raise ValueError(f"{who}: {name} must be a probability in [0, 1], got {value!r}")
    return float(value)  # (a NumPy scalar too: np.float32(0.3), read from a config array)


def random_seed(value, who):
    """A random seed as a non-negative int for NumPy's generators: any integer (negative
    ones too, as PyTorch takes them: mapped into [0, 2^64)), else a ValueError naming `who`."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{who}: seed must be an integer, got {value!r}")
    return int(value) % 2**64


def seed_or_drawn(value, who):
    """`value` as random_seed gives it, or for None a seed drawn from NumPy's global
    generator: then np.random.seed (keras.utils.set_random_seed) makes an unseeded shuffle,
    split or augmentation repeat, as torch.manual_seed does PyTorch's (the same split on
    every rank of a distributed run, too)."""
    if value is None:
        return int(np.random.randint(0, 2**63 - 1, dtype=np.int64))
    return random_seed(value, who)


def integer_indices(values, who):
    """`values` (a sequence or array of indices) as an int64 array, or a TypeError naming
    `who`: floats would be truncated and booleans read as 0 and 1 without a word."""
    array = np.asarray(values)
    if array.size and array.dtype.kind not in "iu":
        raise TypeError(f"{who}: indices must be integers, got {array.dtype} values "
                        f"{array.ravel()[:5].tolist()}")
    return array.astype(np.int64, copy=False).reshape(-1)


def numpy_dtype(dtype):
    """NumPy's dtype for `dtype`: NumPy's names and types, or a PyTorch dtype (torch.float64)
    for code written for PyTorch; a TypeError where NumPy has none."""
    name = str(dtype)
    if "bfloat16" in name:
        raise TypeError(f"dtype {name}: NumPy has no bfloat16, so rungrad computes in float16, "
                        "float32 or float64")
    return np.dtype(name[len("torch."):] if name.startswith("torch.") else dtype)


def real_dtype(dtype, who):
    """numpy_dtype(dtype) for a Variable's values: booleans, integers or floats. Complex
    numbers are refused: rungrad's ops and gradients are written for real ones, and a
    complex tensor is a (real, imag) pair of them, as the spectral ops take it."""
    dtype = numpy_dtype(dtype)
    if dtype.kind == "c":
        raise TypeError(f"{who}: rungrad's Variables hold real numbers, not {dtype}; give a "
                        "complex tensor as a (real, imag) pair of floats (autograd.ops."
                        "spectral's fft and rfft take and give such pairs)")
    if dtype.kind not in "biuf":
        raise TypeError(f"{who}: a Variable holds numbers, not {dtype} (dtype {dtype!r})")
    return dtype


def float_dtype(dtype, who, default=np.float32):
    """A layer's `dtype=` argument as a floating NumPy dtype: NumPy's names and types, or a
    PyTorch dtype (torch.float64) for code written for PyTorch; None gives `default`."""
    if dtype is None:
        return np.dtype(default)
    try:
        dtype = numpy_dtype(dtype)
    except TypeError:
        raise TypeError(f"{who}: dtype must be a floating-point type, got {str(dtype)!r}") \
            from None
    if dtype.kind != "f":
        raise TypeError(f"{who}: dtype must be a floating-point type, got {dtype}")
    return dtype


def _whole_number(value, name, who, minimum, expected, hint):
    whole = isinstance(value, Integral) or (isinstance(value, Real)
                                            and float(value).is_integer())
    if isinstance(value, bool) or not whole or value < minimum:
        raise ValueError(f"{who}: {name} must be {expected}, got {value!r}{hint}")
    return int(value)


def one_of(value, choices, name, who):
    """`value` if it is one of `choices` (a mode, a strategy), else a ValueError naming
    `who`, `name` and the choices."""
    if value not in choices:
        raise ValueError(f"{who}: {name} must be one of {', '.join(map(repr, choices))}, "
                         f"got {value!r}")
    return value


def as_list(xs):
    """`xs` as a list: a list's or tuple's items, anything else as the only item."""
    return list(xs) if isinstance(xs, (list, tuple)) else [xs]
