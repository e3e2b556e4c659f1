"""Padding layers (PyTorch's ZeroPad, ConstantPad, ReflectionPad, ReplicationPad and
CircularPad, 1d to 3d) over nn.functional.pad. `padding` is an int (every side) or a tuple
(left, right[, top, bottom[, front, back]]), the last axis first, as F.pad takes it."""
import numbers

from ..functional.padding import pad
from ..module import Module
from .config import init_config


class _Pad(Module):
    """Pads the last `dims` axes of its input in `mode`."""

    dims, mode = 1, "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = _widths(padding, 2 * self.dims, type(self).__name__)

    get_config = init_config  # Keras' get_config: the constructor's arguments

    def forward(self, x):
        ndim = getattr(x, "ndim", None)
        if self.mode != "constant" and ndim not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"{type(self).__name__}: expected a {self.dims + 1}-D or "
                             f"{self.dims + 2}-D input (unbatched or batched), got shape "
                             f"{getattr(x, 'shape', None)}")
        try:
            return pad(x, self.padding, self.mode, *self._value())
        except ValueError as error:  # (pad's message, for this layer)
            raise ValueError(f"{type(self).__name__}: {error}") from None

    def _value(self):
        return ()

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPad(_Pad):
    """Pads with a constant `value`."""

    def __init__(self, padding, value):
        super().__init__(padding)
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise TypeError(f"{type(self).__name__}: value must be a real number, got "
                            f"{value!r}")
        self.value = value

    def _value(self):
        return (self.value,)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _ZeroPad(_ConstantPad):
    """Pads with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    extra_repr = _Pad.extra_repr


def _widths(padding, count, who):
    """padding as a tuple of `count` ints (an int repeated)."""
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
        return (int(padding),) * count
    if (isinstance(padding, (tuple, list)) and len(padding) == count
            and all(isinstance(w, numbers.Integral) and not isinstance(w, bool)
                    for w in padding)):
        return tuple(int(w) for w in padding)
    raise TypeError(f"{who}: padding must be an int or a tuple of {count} ints, got "
                    f"{padding!r}")


def _family(kind, base, mode, doc):
    """kind1d, kind2d, kind3d: `base` padding the last 1, 2 or 3 axes in `mode`."""
    return tuple(type(f"{kind}{d}d", (base,), {
        "__doc__": doc.format(d=d, sides=_SIDES[d]), "__module__": __name__,
        "__qualname__": f"{kind}{d}d", "dims": d, "mode": mode}) for d in (1, 2, 3))


_SIDES = {1: "(left, right)", 2: "(left, right, top, bottom)",
          3: "(left, right, top, bottom, front, back)"}

ZeroPad1d, ZeroPad2d, ZeroPad3d = _family(
    "ZeroPad", _ZeroPad, "constant", "Pads the last {d} axes with zeros, {sides}.")
ConstantPad1d, ConstantPad2d, ConstantPad3d = _family(
    "ConstantPad", _ConstantPad, "constant", "Pads the last {d} axes with `value`, {sides}.")
ReflectionPad1d, ReflectionPad2d, ReflectionPad3d = _family(
    "ReflectionPad", _Pad, "reflect", "Pads the last {d} axes with their reflection (the "
    "edge not repeated), {sides}; each width below the size of the axis.")
ReplicationPad1d, ReplicationPad2d, ReplicationPad3d = _family(
    "ReplicationPad", _Pad, "replicate", "Pads the last {d} axes with copies of their edge "
    "values, {sides}.")
CircularPad1d, CircularPad2d, CircularPad3d = _family(
    "CircularPad", _Pad, "circular", "Pads the last {d} axes by wrapping around, {sides}.")

__all__ = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]
