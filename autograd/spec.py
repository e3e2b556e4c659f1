"""Input specs: how a Function declares the inputs its gradient can be checked on.

A Function subclass may declare, as class attributes,

    input_specs = (Spec(elements="positive"), Spec(broadcast=0))  # one per array input
    arg_specs = {"axis": Axes(of=0), "keepdims": Choice(False, True)}  # keyword arguments
    apply = staticmethod(lambda x, y, **args: ...)  # how to call it (default cls(**args)(x, y))
    reference = staticmethod(lambda x, y, **args: ...)  # the forward in NumPy, on arrays
    gradcheck_order = 2  # check second derivatives too (the default)

`apply` and `reference` may also be 'module:function' names, loaded only by the check (so
an op module need not import test helpers). `pytest --rungrad-gradcheck=PACKAGE`
(autograd/testing/plugin.py) draws inputs from the specs with hypothesis and checks the
forward against `reference` and backprop, to first and second order, against numerical
differentiation. A Function whose backward only ever runs inside another's (a grad
Function) may name that one instead: `checked_through = "Parent"` (the parent's second-order
check runs it).

This module is plain data: it imports nothing but the standard library's `numbers`, so
declaring specs costs an op module nothing.
"""
import numbers

FLOAT, INT, BOOL = "float", "int", "bool"


class Spec:
    """One array input.

    dtype: 'float' (float64 and float32 are drawn), 'float64', 'float32', 'int' (int64) or
    'bool'; float inputs are differentiated, the others passed through.
    shape: None (any shape of min_dims..max_dims axes of min_side..max_side), a tuple of ints
    and dimension names (a name such as 'N' is drawn once and shared by every input that
    uses it, '3N' is three times it; '*batch' stands for 0 to 2 shared leading axes), or a
    callable
    `shape(shapes, dims)` of the shapes drawn so far and the named sizes.
    like=k: the shape of input k. broadcast=k: a shape that broadcasts with input k's (either
    may be larger); broadcast_to=k: one that broadcasts to input k's shape.
    sides: {'H': (2, 4)}: the range of named dimensions (default min_side..max_side).
    elements: 'bounded' [-2, 2], 'positive' [0.5, 2.5], 'nonzero' (|x| in [1e-3, 2.5]: off
    a kink at 0 by more than a numerical step can straddle), 'away_from_zero' (|x| in [0.5,
    2.5]: for derivatives that grow or cancel near 0), 'unit' [0.05, 0.95] (probabilities),
    a (low, high) pair; for 'int' a (low, high) pair,
    inclusive, where high may name a dimension ('C' means up to C - 1).
    distinct: every two values of the input at least a gap apart (no ties for max/min);
    a number: that gap (DISTINCT_GAP for True).
    grid: (step, offset): values rounded to offset + multiples of step, so inputs on grids
    with different offsets never tie and kinks on the grid are never met.
    grad=False: a float input the check does not differentiate (a loss's target, whose
    gradient the backward may leave None): it is passed as a constant.
    """

    def __init__(self, dtype=FLOAT, shape=None, *, like=None, broadcast=None,
                 broadcast_to=None, min_dims=0, max_dims=3, min_side=1, max_side=3,
                 sides=None, elements=None, distinct=False, grid=None, grad=True):
        if dtype not in (FLOAT, "float64", "float32", INT, BOOL):
            raise ValueError(f"Spec: dtype must be 'float', 'float64', 'float32', 'int' or "
                             f"'bool', got {dtype!r}")
        relations = [r for r in (shape, like, broadcast, broadcast_to) if r is not None]
        if len(relations) > 1:
            raise ValueError("Spec: give at most one of shape, like, broadcast, broadcast_to")
        for name, value in (("like", like), ("broadcast", broadcast),
                            ("broadcast_to", broadcast_to)):
            if value is not None and (not _is_count(value) or value < 0):
                raise ValueError(f"Spec: {name} must be the index of an earlier input, got "
                                 f"{value!r}")
        if elements is not None and not (_is_pair(elements) or (
                isinstance(elements, str) and dtype not in (INT, BOOL))):
            raise ValueError(f"Spec: elements must be a (low, high) pair"
                             f"{'' if dtype in (INT, BOOL) else ' or a name'} for dtype "
                             f"{dtype!r}, got {elements!r}")
        if grid is not None and not (_is_pair(grid, names=False) and grid[0] > 0):
            raise ValueError(f"Spec: grid must be a (step, offset) pair with step > 0, got "
                             f"{grid!r}")
        self.dtype, self.shape = dtype, shape
        self.like, self.broadcast, self.broadcast_to = like, broadcast, broadcast_to
        self.min_dims, self.max_dims = min_dims, max_dims
        self.min_side, self.max_side = min_side, max_side
        self.sides = dict(sides or {})
        default = (0, 3) if dtype == INT else "bounded"
        self.elements = default if elements is None else elements
        self.distinct, self.grid, self.grad = distinct, grid, bool(grad)

    def __repr__(self):
        fields = [f"{k}={v!r}" for k, v in vars(self).items()
                  if v not in (None, False, {}) and k not in ("min_dims", "max_dims",
                                                              "min_side", "max_side", "grad")]
        if not self.grad:
            fields.append("grad=False")
        return f"Spec({', '.join(fields)})"


def _is_pair(value, names=True):
    """A (low, high) pair of numbers (NumPy's too), or of dimension names where `names`."""
    return isinstance(value, (tuple, list)) and len(value) == 2 and all(
        (isinstance(v, numbers.Real) and not isinstance(v, bool)) or (names and isinstance(v, str))
        for v in value)


def _is_count(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


class Choice:
    """A keyword argument drawn from `values` (shrinking towards the first)."""

    def __init__(self, *values):
        if not values:
            raise ValueError("Choice: give at least one value")
        self.values = values

    def __repr__(self):
        return f"Choice{self.values!r}"


class Axes:
    """An axis argument for input `of`: None, an int or a tuple of axes (negative ones too).
    single=True: one int axis (a 0-d input, with no axis to name, is then not drawn);
    normalized=True: a tuple of non-negative axes (what the Function classes themselves
    take)."""

    def __init__(self, of=0, single=False, normalized=False):
        self.of, self.single, self.normalized = of, single, normalized

    def __repr__(self):
        return f"Axes(of={self.of}, single={self.single}, normalized={self.normalized})"


class Index:
    """An index into input `of`: basic (ints, slices, None, Ellipsis), integer arrays (with
    repeated entries) or a boolean mask."""

    def __init__(self, of=0):
        self.of = of

    def __repr__(self):
        return f"Index(of={self.of})"


class Draw:
    """Any keyword argument: `make(st, shapes, dims)` returns a hypothesis strategy, given the
    hypothesis.strategies module, the input shapes drawn and the named dimensions. `make`
    may be a 'module:function' name, loaded only by the check."""

    def __init__(self, make):
        self.make = make

    def __repr__(self):
        return f"Draw({getattr(self.make, '__name__', 'strategy')})"


__all__ = ["Spec", "Choice", "Axes", "Index", "Draw"]
