"""The globals and closure variables a captured step's own code reads
(autograd/capture.py).

A replay runs no Python: whatever the step read by name while it was recorded stays as it
was then. With `loss * beta`, `beta` a global or a variable of the enclosing function,
rebinding `beta = 0.5` between steps (KL annealing, a loss weight) would change nothing;
with `model = other_model` between steps, a replay would go on training the first one.
So a capture notes what the step's code loads by name (its own bytecode, that of the
lambdas and comprehensions inside it and of the functions of its module it names), as
bound before it runs, and records afresh once a name is bound to something else: numbers,
strings, None and tuples of them by value, a dict of up to 64 of those by its contents
too (`hparams["beta"] = 0.5`), anything else (arrays, models, optimizers) by
identity. Writing into an array in place needs nothing (a replay reads the array itself);
what is read further away (an attribute of a plain object, a global of a function in
another module) is not followed: `CapturedStep.reset()` is for that.
"""
import dis
import functools
import types

import numpy as np

_PLAIN = (int, float, complex, str, bytes, bool, type(None), np.generic)
_LOADS = frozenset({"LOAD_GLOBAL", "LOAD_NAME"})
_GONE = object()  # a name no longer bound
_SMALL = 64  # entries of a dict of plain values compared at every call


class NamedReads:
    """What `step`'s function reads by name: (scope, name, value, kept) each, scope its
    globals dict or the name's closure cell, and kept what besides the value's identity is
    compared (see _kept)."""

    __slots__ = ("reads",)

    def __init__(self, step):
        function = _function_of(step)
        self.reads = () if function is None else tuple(_reads(function))

    def hold(self):
        """Whether every name is still bound to what it was when recorded."""
        for scope, name, value, kept in self.reads:
            now = _bound(scope, name)
            if now is value:
                if kept.__class__ is not _Contents or now == kept.copy:
                    continue
            elif kept.__class__ is str and type(now) is type(value) and repr(now) == kept:
                continue  # (an equal number bound anew)
            return False
        return True

    def generators(self):
        """{name: generator} for the NumPy Generators and RandomStates the step names (a
        draw from one outside the random ops is a constant to a replay)."""
        found = {}
        for _, name, value, _ in self.reads:
            if isinstance(value, (np.random.Generator, np.random.RandomState)):
                found.setdefault(id(value), (name, value))
        return dict(found.values())


class _Contents:
    """A copy of a small dict of plain values (`hparams["beta"] = 0.5` between calls is a
    change too). Not lists: a list is more often a log the step appends to, which would
    make every call a recording (and stop mattering past the size limit)."""

    __slots__ = ("copy",)

    def __init__(self, container):
        self.copy = container.copy()


def _kept(value):
    """repr(value) for a plain value (by value: -0.0 is not 0.0, nan is nan, 1 is not
    True), _Contents for a small dict of them, else None (by identity alone)."""
    if plain_value(value):
        return repr(value)
    if isinstance(value, dict) and len(value) <= _SMALL and all(
            plain_value(v) for v in value.values()):
        return _Contents(value)
    return None


def _function_of(step):
    """The Python function a step's call runs first (through partials, bound methods and
    callable objects), or None (a builtin)."""
    for _ in range(8):  # (a partial of a bound method of ...: a few levels at most)
        if isinstance(step, functools.partial):
            step = step.func
        elif isinstance(step, types.MethodType):
            step = step.__func__
        elif isinstance(step, types.FunctionType):
            return step
        else:
            step = type(step).__call__ if callable(step) else None
    return None


def _reads(function, seen=None):
    """The (scope, name, value, kept) of `function`'s global and closure reads, and of
    the functions of its own module it loads (a loss helper in the same script reading
    `beta`), each function once."""
    seen = set() if seen is None else seen
    if function.__code__ in seen:
        return
    seen.add(function.__code__)
    code, namespace = function.__code__, function.__globals__
    for name in sorted(_global_loads(code)):
        if name in namespace:  # (else a builtin: len, range)
            value = namespace[name]
            yield namespace, name, value, _kept(value)
            if isinstance(value, types.FunctionType) and value.__globals__ is namespace:
                yield from _reads(value, seen)
    for name, cell in zip(code.co_freevars, function.__closure__ or ()):
        value = _bound(cell, name)
        if value is not _GONE:
            yield cell, name, value, _kept(value)
            if isinstance(value, types.FunctionType) and value.__globals__ is namespace:
                yield from _reads(value, seen)


def _global_loads(code):
    """The names a code object, and the functions, lambdas and comprehensions inside it,
    load as globals (not attribute names: `out.loss` reads no global `loss`)."""
    names = {ins.argval for ins in dis.get_instructions(code) if ins.opname in _LOADS}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_loads(const)
    return names


def plain_value(value):
    """Whether a value is a number, string, None or a tuple of them (compared by value)."""
    return isinstance(value, _PLAIN) or isinstance(value, tuple) and all(
        plain_value(v) for v in value)


def _bound(scope, name):
    if scope.__class__ is dict:
        return scope.get(name, _GONE)
    try:
        return scope.cell_contents
    except ValueError:  # an empty cell
        return _GONE

