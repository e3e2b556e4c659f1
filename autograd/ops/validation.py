"""Input checks shared by the op wrappers: bad inputs, axes and hyperparameters raise errors
naming the op."""
import numbers
import operator

from numpy.exceptions import AxisError

from ..variable import as_variable


def float_input(x, op):
    """`x` as a Variable of a floating-point dtype; integer or bool input raises a TypeError
    naming `op` and the dtype (PyTorch refuses these ops on integer tensors too)."""
    x = as_variable(x, who=op)
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point input, got dtype {x.dtype}")
    return x


def real_scalar(value, op, name):
    """`value` as a Python float when it is a real number (int, float, NumPy real scalar);
    anything else (complex, str, an array, None) raises a TypeError naming `op` and `name`.
    A Python float also keeps a float32 input float32, where a NumPy float64 would promote it."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"{op}: {name} must be a real number, got {value!r} "
                    f"({type(value).__name__})")


def normalize_axis(axis, ndim, op):
    """One axis (an int; negative counts from the end) as a non-negative int; out of range
    raises NumPy's AxisError (a ValueError and an IndexError) naming `op`."""
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError(f"{op}: axis must be an integer, got {axis!r} "
                        f"({type(axis).__name__})") from None
    if not -ndim <= axis < ndim:
        raise AxisError(f"{op}: axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def normalize_axes(axis, ndim, op):
    """`axis` (None, an int or a tuple/list of ints) as a tuple of non-negative axes;
    out-of-range axes raise AxisError and repeated ones ValueError, both naming `op`."""
    if axis is None:
        return tuple(range(ndim))
    if not isinstance(axis, (tuple, list)):
        return (normalize_axis(axis, ndim, op),)
    axes = tuple([normalize_axis(a, ndim, op) for a in axis])
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated axis in {tuple(axis)} for array of dimension {ndim}")
    return axes
