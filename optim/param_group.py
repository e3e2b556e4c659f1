"""A parameter group: PyTorch's dict, which also keeps its hyperparameters converted for the
update until one of them is set again."""
from numbers import Real

import numpy as np

from autograd.capture import CaptureError, recording

_IMMUTABLE = (float, int, bool, str, type(None))


class Hyper:
    """A param group's hyperparameters as plain Python numbers, read as attributes.

    Python floats are NumPy 2 "weak" scalars: `float32_array * lr` stays float32,
    whereas an `np.float64` lr would promote the whole update to float64.
    """

    foreach = None  # for groups made without the key (optim/foreach.py)

    def __init__(self, items):
        self.__dict__.update(items)  # plain attributes: read as fast as any (hot per parameter)

    def get(self, name, default=None):
        return self.__dict__.get(name, default)


class ParamGroup(dict):
    """`{"params": [...], "lr": ..., ...}`, as users and schedulers edit it. `hyper()` is
    converted once and kept until an entry is set, deleted or updated (a scheduler's
    `group["lr"] = ...`); groups holding values that can change in place (a list, an array)
    convert on every call instead."""

    def hyper(self):
        """The hyperparameters (every entry but "params") as a `Hyper`."""
        hyper = getattr(self, "_hyper", None)
        if hyper is None:
            items = [(k, plain(v)) for k, v in self.items() if k != "params"]
            hyper = Hyper(items)
            # nothing for Optimizer._prepare_grad to do (dtypes aside): the common case
            hyper.bare = not hyper.get("maximize") and not hyper.get("weight_decay")
            if all(_frozen(v) for v in self.values() if v is not self.get("params")):
                self._hyper = hyper
        return hyper

    def _forget(self):
        self._hyper = None


def _changes(method):
    def changed(self, *args, **kwargs):
        _refuse_while_recording(method.__name__, args)
        self._forget()
        return method(self, *args, **kwargs)
    changed.__name__ = method.__name__
    return changed


def _refuse_while_recording(how, args):
    """A setting changed by the step's own Python while autograd.capture records it (not by
    a replayable call, a scheduler's step) would be skipped by every replay: refused. The
    parameters themselves ("params") may join a group (a lazily sized layer's)."""
    record = recording()
    if record is None or record.depth or (how == "__setitem__" and args[0] == "params"):
        return
    what = f"[{args[0]!r}]" if how in ("__setitem__", "__delitem__") and args else f".{how}()"
    raise CaptureError(f"capture: the step changed an optimizer's param group{what} itself: "
                       f"a replay would not repeat it (nor see a new value); set it outside "
                       f"the captured step, or with a scheduler inside it")


for _name in ("__setitem__", "__delitem__", "__ior__", "update", "setdefault", "pop",
              "popitem", "clear"):
    setattr(ParamGroup, _name, _changes(getattr(dict, _name)))


def _frozen(value):
    """Whether `value` cannot change without the group's entry being set again."""
    if isinstance(value, tuple):
        return all(_frozen(v) for v in value)
    return type(value) in _IMMUTABLE


def plain(value):
    """A hyperparameter as a Python number (bool, float) where it is one of NumPy's or
    another Real, or a 0-d array or tensor holding one (PyTorch takes a tensor lr); tuples
    element-wise; anything else as it is."""
    if type(value) is float or type(value) is bool:  # the common case, fast
        return value
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        return plain(value.item())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, (tuple, list)):
        return tuple(plain(v) for v in value)
    return value
