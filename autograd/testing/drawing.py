"""Examples drawn from a Function's declared specs (autograd/spec.py) with hypothesis.

An example is the Function's input arrays plus its keyword arguments. Shapes are drawn
axis count first and sides from small to large, so a failure shrinks to the fewest, smallest
arrays (often a single element).
"""
import importlib
import math

import numpy as np

from ..spec import FLOAT, INT, Axes, Choice, Draw, Index, Spec
from .strategies import arrays, element_range, float_dtypes, valid_axes

_BATCH_DIMS = (0, 2)  # how many axes a '*batch' name stands for


class Example:
    """One drawn case: `inputs`, its arrays (one per input spec), and `args` (keyword
    arguments). Its repr is Python that makes it again, with NumPy's names imported
    (`from numpy import array, float32, float64, int64`): a failing example pasted into
    `autograd.testing.check_example(cls, ...)` reruns it."""

    def __init__(self, inputs, args=None):
        self.arrays, self.args = [np.asarray(a) for a in inputs], dict(args or {})

    def __repr__(self):
        inputs = ", ".join(_describe(a) for a in self.arrays)
        args = ", ".join(f"{k!r}: {_short(v)}" for k, v in self.args.items())
        return f"Example(inputs=[{inputs}]" + (f", args={{{args}}})" if args else ")")


def examples(cls):
    """A hypothesis strategy of Examples for the Function class `cls` (it must declare
    `input_specs`; `arg_specs` is optional)."""
    from hypothesis import strategies as st
    specs = _checked_specs(cls)
    arg_specs = dict(getattr(cls, "arg_specs", None) or {})
    sides = {}
    for spec in specs:
        sides.update(spec.sides)

    @st.composite
    def draw_example(draw):
        dims, shapes = {}, []
        for spec in specs:
            shapes.append(tuple(_draw_shape(draw, spec, shapes, dims, sides)))
        float_dtype = draw(float_dtypes()) if any(s.dtype == FLOAT for s in specs) else None
        values = [draw(_values(spec, shape, dims, float_dtype))
                  for spec, shape in zip(specs, shapes)]
        args = {name: draw(_argument(arg, shapes, dims)) for name, arg in arg_specs.items()}
        return Example(values, args)

    return draw_example()


def _checked_specs(cls):
    """cls.input_specs as a tuple, its mistakes named (before hypothesis draws anything)."""
    specs = cls.input_specs
    if isinstance(specs, Spec) or not isinstance(specs, (tuple, list)) or not all(
            isinstance(spec, Spec) for spec in specs):
        raise TypeError(f"{cls.__name__}.input_specs must be a tuple of Spec, one per input "
                        f"(one input needs a trailing comma: (Spec(),)), got {specs!r}")
    names = {_multiple(entry)[1] for spec in specs
             if isinstance(spec.shape, (tuple, list)) for entry in spec.shape
             if isinstance(entry, str)}
    for k, spec in enumerate(specs):
        for relation in ("like", "broadcast", "broadcast_to"):
            other = getattr(spec, relation)
            if other is not None and other >= k:
                raise ValueError(f"{cls.__name__}: input {k}'s Spec({relation}={other}) must "
                                 f"name an earlier input (inputs are drawn in order)")
        high = spec.elements[1] if isinstance(spec.elements, (tuple, list)) else None
        if isinstance(high, str) and high not in names:
            raise ValueError(f"{cls.__name__}: input {k}'s elements name the dimension "
                             f"{high!r}, which no input's shape has (names: "
                             f"{sorted(names) or 'none'})")
    return tuple(specs)


# ----- shapes -----

def _draw_shape(draw, spec, shapes, dims, sides):
    from hypothesis import strategies as st
    if spec.like is not None:
        return shapes[spec.like]
    if spec.broadcast_to is not None:
        return _broadcasting(draw, shapes[spec.broadcast_to], spec, extra=False)
    if spec.broadcast is not None:
        return _broadcasting(draw, shapes[spec.broadcast], spec, extra=True)
    if callable(spec.shape):
        return spec.shape(tuple(shapes), dict(dims))
    if spec.shape is None:
        ndim = draw(st.integers(spec.min_dims, spec.max_dims))
        return [draw(st.integers(spec.min_side, spec.max_side)) for _ in range(ndim)]
    shape = []
    for entry in spec.shape:
        if isinstance(entry, str) and entry.startswith("*"):
            if entry not in dims:
                ndim = draw(st.integers(*_BATCH_DIMS))
                dims[entry] = tuple(draw(st.integers(spec.min_side, spec.max_side))
                                    for _ in range(ndim))
            shape.extend(dims[entry])
        elif isinstance(entry, str):
            times, name = _multiple(entry)
            if name not in dims:
                low, high = sides.get(name, (spec.min_side, spec.max_side))
                dims[name] = draw(st.integers(low, high))
            shape.append(times * dims[name])
        else:
            shape.append(int(entry))
    return shape


def _multiple(entry):
    """'3H' -> (3, 'H'); 'H' -> (1, 'H')."""
    digits = len(entry) - len(entry.lstrip("0123456789"))
    return (int(entry[:digits]) if digits else 1), entry[digits:]


def _broadcasting(draw, other, spec, extra):
    """A shape that broadcasts to `other` (extra=False) or with it (extra=True: it may have
    more axes, and any side where `other` has 1)."""
    from hypothesis import strategies as st
    kept = draw(st.integers(0, len(other)))
    shape = []
    for n in other[len(other) - kept:]:
        if n == 1 and extra:
            shape.append(draw(st.integers(1, spec.max_side)))
        else:
            shape.append(n if draw(st.booleans()) else 1)
    if extra and kept == len(other):
        lead = draw(st.integers(0, max(0, spec.max_dims - len(other))))
        shape = [draw(st.integers(1, spec.max_side)) for _ in range(lead)] + shape
    return shape


# ----- values -----

def _values(spec, shape, dims, float_dtype):
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
    if spec.dtype == INT:
        low, high = (_size(bound, dims, i) for i, bound in enumerate(spec.elements))
        if high < low:  # e.g. class indices for 0 classes: no valid value (an empty shape)
            high = low
        return hnp.arrays(np.int64, shape, elements=st.integers(low, high))
    if spec.dtype == "bool":
        return hnp.arrays(np.bool_, shape)
    dtype = float_dtype if spec.dtype == FLOAT else np.dtype(spec.dtype)
    if spec.grid is not None and spec.distinct:
        return _distinct_on_grid(spec, shape, dtype)
    strategy = arrays(shape, dtype, spec.elements, distinct=spec.distinct)
    if spec.grid is not None:
        step, offset = spec.grid
        strategy = strategy.map(lambda x: (np.round(x / step) * step + offset).astype(x.dtype))
    return strategy


def _distinct_on_grid(spec, shape, dtype):
    """Values on the grid, no two alike: distinct grid points drawn (rounding distinct values
    to the grid could make ties)."""
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
    step, offset = spec.grid
    low, high = element_range(spec.elements)
    first, last = math.ceil((low - offset) / step), math.floor((high - offset) / step)
    if math.prod(shape) > last - first + 1:
        raise ValueError(f"Spec: {math.prod(shape)} distinct values do not fit on the grid "
                         f"(step {step}) between {low} and {high}")
    return hnp.arrays(np.int64, shape, elements=st.integers(first, last), unique=True).map(
        lambda k: (k * step + offset).astype(dtype))


def _size(bound, dims, position):
    """An int bound, or a dimension's name: its size (minus 1 as an inclusive upper bound)."""
    if isinstance(bound, str):
        return dims[bound] - position
    return int(bound)


# ----- keyword arguments -----

def _argument(arg, shapes, dims):
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
    if isinstance(arg, Choice):
        return st.sampled_from(arg.values)
    if isinstance(arg, Axes):
        ndim = len(shapes[arg.of])
        if arg.single:  # (a 0-d input has no axis to name: such an example is not drawn)
            return st.integers(-ndim, ndim - 1) if ndim else st.nothing()
        if arg.normalized:
            return hnp.valid_tuple_axes(ndim).map(lambda axes: tuple(a % ndim for a in axes))
        return valid_axes(ndim)
    if isinstance(arg, Index):
        return _index(shapes[arg.of])
    if isinstance(arg, Draw):
        return resolve(arg.make)(st, tuple(shapes), dict(dims))
    return st.just(arg)


def _index(shape):
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
    options = [hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True),
               hnp.arrays(np.bool_, shape)]
    if shape:
        options.insert(1, hnp.integer_array_indices(shape))
    return st.one_of(*options)


def resolve(obj):
    """obj, or the object a 'module:name' string names: an op module can name a NumPy
    reference or a strategy that lives with the testing tools without importing them."""
    if not isinstance(obj, str):
        return obj
    module, _, name = obj.partition(":")
    return getattr(importlib.import_module(module), name)


# ----- printing -----

def _describe(array):
    # every digit and element: a failing example must be one you can paste and rerun
    # (0.30002 shown as 0.3 passed; elided arrays could not be rebuilt)
    text = np.array2string(np.asarray(array), floatmode="unique", threshold=100_000,
                           separator=", ", max_line_width=100)
    return f"array({text}, dtype={array.dtype})" if array.ndim else f"{array.dtype}({text})"


def _short(value):
    return _describe(value) if isinstance(value, np.ndarray) else repr(value)
