"""Keras' GetItem keys (`x[:, -1]`, `x[..., 1:3]`, `x[:, None]` on a functional model's
tensor): checked, and written as JSON and read back by value.

Keras records the key as its call's second argument: an int, or a list (Keras' tuple: one
index per axis) of ints, `{"class_name": "__slice__", "config": {"start", "stop", "step"}}`,
`{"class_name": "__ellipsis__"}` and None (a new axis). The reader of Keras' files makes
those Python's slice and Ellipsis; an Operation's constants hold them so and its config
writes them as {"slice": [start, stop, step]} and {"ellipsis": true}.
"""
from numbers import Integral

import numpy as np


def index_key(key):
    """Python's key of a Keras GetItem key: a list is a tuple of one index per axis, as
    Keras reads it. NotImplementedError names a part rungrad does not index by (a tensor:
    a gather by indices the model computes; a float, a string, ...)."""
    parts = tuple(key) if isinstance(key, (list, tuple)) else (key,)
    for part in parts:
        _check(part, key)
    return parts if isinstance(key, (list, tuple)) else key


def _check(part, key):
    if part is None or part is Ellipsis or _is_int(part):
        return
    if isinstance(part, slice) and all(
            bound is None or _is_int(bound) for bound in (part.start, part.stop, part.step)):
        return
    what = (f"{_shown(part)} (a gather by indices the model computes)"
            if _is_tensor(part) else f"{part!r} ({type(part).__name__})")
    raise NotImplementedError(f"the key {_shown(key)} indexes by {what}; rungrad reads ints, "
                              "slices of ints, Ellipsis and None (a new axis)")


def _shown(key):
    """The key in a message: a tensor by its shape (its values say nothing of the index)."""
    if _is_tensor(key):
        return f"<a tensor of shape {tuple(key.shape)}>"
    if isinstance(key, (list, tuple)):
        return "[" + ", ".join(_shown(part) for part in key) + "]"
    return repr(key)


def _is_tensor(value):
    return hasattr(value, "shape") and hasattr(value, "dtype")


def _is_int(value):
    return isinstance(value, Integral) and not isinstance(value, bool)  # (NumPy's too)


def to_json(value):
    """A constant with its slices, Ellipsis and arrays as JSON ({"slice": [...]},
    {"ellipsis": true}, {"array": [...], "dtype": "float64"})."""
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, slice):
        return {"slice": to_json([value.start, value.stop, value.step])}
    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "dtype": value.dtype.name}
    if _is_int(value):  # (a NumPy int as JSON's)
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return {"ellipsis": True} if value is Ellipsis else value


def from_json(value):
    """to_json's inverse (a list stays a list: Keras' tuple)."""
    if isinstance(value, list):
        return [from_json(item) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"slice"} and len(value["slice"]) == 3:
        return slice(*value["slice"])
    if set(value) == {"array", "dtype"}:
        return np.asarray(value["array"], dtype=value["dtype"])
    return Ellipsis if value == {"ellipsis": True} else value


__all__ = ["index_key", "to_json", "from_json"]
