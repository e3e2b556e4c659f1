"""Input checks shared by the op wrappers: bad inputs, axes and hyperparameters raise errors
naming the op."""
import numbers
import operator

from numpy.exceptions import AxisError

from ..backend import as_array
from ..variable import Variable, as_variable, read_in_python


def float_input(x, who):
    """`x` as a Variable of a floating-point dtype; integer or bool input raises a TypeError
    naming `who` and the dtype (PyTorch refuses these ops on integer tensors too)."""
    x = as_variable(x, who=who)
    if x.dtype.kind != "f":
        raise TypeError(f"{who}: expected a floating-point input, got dtype {x.dtype}")
    return x


def integer_index(index, who, replayed=False):
    """An index argument (an array, a list or a Variable) as an integer array; any other
    dtype (float, bool) raises a TypeError naming `who` and the dtype. A Variable's values
    are read in Python (a copy; a captured step refuses that of an argument or an op's
    result), unless the caller gives the Variable itself on to an op that a replay refreshes
    and that checks its version at backward (`replayed`: get_item's index,
    GetItem.refresh_index)."""
    if not replayed:  # (argmax's guarded array too)
        read_in_python(index, f"the index of {who}")
    index = as_array(index.data) if replayed and isinstance(index, Variable) else \
        values_now(index)
    if index.dtype.kind not in "iu":
        raise TypeError(f"{who}: index must hold integers, got dtype {index.dtype}")
    return index


def values_now(index, like=None):
    """An index's (or a mask's) array as it is now (on like's backend): a Variable's copied,
    so that a change to the Variable in place after the op cannot move the gradient that
    backward scatters with it."""
    if isinstance(index, Variable):
        return as_array(index.data.copy(), like=like)
    return as_array(index, like=like)


def real_scalar(value, name, who):
    """`value` as a Python float when it is a real number (int, float, NumPy real scalar);
    anything else (complex, str, an array, None) raises a TypeError naming `who` and `name`.
    A Python float also keeps a float32 input float32, where a NumPy float64 would promote it."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"{who}: {name} must be a real number, got {value!r} "
                    f"({type(value).__name__})")


def integer(value, name, who):
    """`value` as an int (a Python or NumPy integer); anything else raises a TypeError naming
    `who` and `name`."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{who}: {name} must be an integer, got {value!r} "
                        f"({type(value).__name__})") from None


def normalize_axis(axis, ndim, who):
    """One axis (an int; negative counts from the end) as a non-negative int; out of range
    raises NumPy's AxisError (a ValueError and an IndexError) naming `who`."""
    axis = integer(axis, "axis", who)
    if not -ndim <= axis < ndim:
        raise AxisError(f"{who}: axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def int_tuple(value, what, who):
    """`value` as NumPy takes a shape or a permutation (an int, or a sequence of ints) as a
    tuple of ints; anything else raises a TypeError naming `who` and `what` it was."""
    try:
        return (operator.index(value),)
    except TypeError:
        pass
    try:
        return tuple([operator.index(n) for n in value])
    except TypeError:
        raise TypeError(f"{who}: {what} must be an int or a sequence of ints, got {value!r} "
                        f"({type(value).__name__})") from None


def normalize_axes(axis, ndim, who):
    """`axis` (None, an int or a tuple/list of ints) as a tuple of non-negative axes;
    out-of-range axes raise AxisError and repeated ones ValueError, both naming `who`."""
    if axis is None:
        return tuple(range(ndim))
    if ndim == 0:  # PyTorch's rule: axes 0 and -1 of a 0-d array are the value itself
        for a in axis if isinstance(axis, (tuple, list)) else (axis,):
            if integer(a, "axis", who) not in (0, -1):
                raise AxisError(f"{who}: axis {a} is out of bounds for array of dimension 0 "
                                "(only 0 and -1 name its value, as in PyTorch)")
        return ()
    if not isinstance(axis, (tuple, list)):
        return (normalize_axis(axis, ndim, who),)
    axes = tuple([normalize_axis(a, ndim, who) for a in axis])
    if len(set(axes)) != len(axes):
        raise ValueError(f"{who}: repeated axis in {tuple(axis)} for array of dimension {ndim}")
    return axes
