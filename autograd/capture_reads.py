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
identity. The public attributes the code reads off those names, off the step's own
object (a bound method's or callable object's `self`, a partial's arguments) and off its
arguments are compared alike (`self.beta`, a class attribute, a property computed from
the object's state, `config.beta`, `helpers.SCALE`): a chain of names `a.b.c` as loaded,
read again at each call. Writing into an array in place needs nothing (a replay reads the
array itself); a private attribute (`self._count`, the object's own bookkeeping) and a
global of a function in another module are not followed: `CapturedStep.reset()` is for
that. NumPy generators and iterators found so are reported (`generators`, `iterators`):
a replay would neither draw from them nor advance them.
"""
import dis
import functools
import io
import sys
import types

import numpy as np

from .own_code import rungrads_own

_PLAIN = (int, float, complex, str, bytes, bool, type(None), np.generic)
_LOADS = frozenset({"LOAD_GLOBAL", "LOAD_NAME"})
_LOCAL_LOADS = frozenset({"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_DEREF"})
_ATTRIBUTE_FLAGGED = sys.version_info >= (3, 12)  # (LOAD_ATTR's low bit: a method load)
_GONE = object()  # a name no longer bound
_GENERATORS = (np.random.Generator, np.random.RandomState)
_SMALL = 64  # entries of a dict of plain values compared at every call


class NamedReads:
    """What `step`'s function reads by name: `reads`, (scope, name, value, kept) each, scope
    its globals dict or the name's closure cell, and kept what besides the value's identity
    is compared (see _kept); `paths`, (root, names, value, kept) each for the attributes
    read off a name (see _Root)."""

    __slots__ = ("reads", "paths", "_cells", "_globals")

    def __init__(self, step, args=(), kwargs=None, attributes=True):
        """attributes=False: the names alone, not the attributes read off them."""
        function, bound, keywords = _unwrapped(step)
        if function is None:
            self.reads = self.paths = self._cells = self._globals = ()
            return
        roots = _Roots(function, bound, keywords, args, kwargs or {}) if attributes else None
        calls = []  # (object, function) of the user's code the step calls: calls, methods
        self.paths = tuple(_paths(function, roots, args, kwargs or {}, calls)) \
            if attributes else ()
        seen = set()  # (their globals are read at each call too: TEMPERATURE in forward)
        functions = (function, *(called for _, called in calls if called is not None))
        self.reads = tuple(read for f in functions for read in _reads(f, seen))
        # checked at every call of a captured step: split by scope, read without a call
        self._cells = tuple((scope, value, kept) for scope, _, value, kept in self.reads
                            if scope.__class__ is not dict)
        self._globals = tuple(read for read in self.reads if read[0].__class__ is dict)

    def hold(self, args=(), kwargs=None):
        """Whether every name is still bound to what it was when recorded, and every
        attribute read off one still what it was. (The same object, the usual answer, is
        decided inline: a dict compared by its entries is the one object that may have
        changed.)"""
        for cell, value, kept in self._cells:
            try:
                now = cell.cell_contents
            except ValueError:  # an emptied cell
                now = _GONE
            if (now is not value or kept.__class__ is _Contents) and not _same(now, value, kept):
                return False
        for scope, name, value, kept in self._globals:
            now = scope.get(name, _GONE)
            if (now is not value or kept.__class__ is _Contents) and not _same(now, value, kept):
                return False
        for root, names, value, kept in self.paths:
            if not _same(_followed(root.value(args, kwargs), names), value, kept):
                return False
        return True

    def _values(self):
        yield from ((name, value) for _, name, value, _ in self.reads)
        yield from ((f"{root.name}.{'.'.join(names)}", value)
                    for root, names, value, _ in self.paths)

    def generators(self):
        """{name: generator} for the NumPy Generators and RandomStates the step names or
        reads off a name (a draw from one outside the random ops is a constant to a
        replay)."""
        found = {id(value): (name, value) for name, value in self._values()
                 if isinstance(value, _GENERATORS)}
        for _, value in self._values():  # (a helper of another module: its globals)
            if isinstance(value, types.FunctionType):
                found.update((id(held), (f"{value.__module__}.{inner}", held))
                             for _, inner, held, _ in _reads(value)
                             if isinstance(held, _GENERATORS) and id(held) not in found)
        return dict(found.values())

    def iterators(self):
        """The names of the iterators the step names or reads off a name (`next(schedule)`
        in the step: a replay would not advance it, and keep the recorded item)."""
        return sorted({name for name, value in self._values() if _iterator(value)})


def _same(now, value, kept):
    """Whether `now` is what was read as `value` (see _kept)."""
    if kept.__class__ is _Contents:  # (a property may make its dict anew at each read)
        # (a value no longer plain, a Variable stored there, is a change: never compared)
        return type(now) is type(value) and all(plain_value(v) for v in now.values()) and \
            now == kept.copy
    if now is value:
        return True
    # (an equal number bound anew)
    return kept.__class__ is str and type(now) is type(value) and repr(now) == kept


def _iterator(value):
    """Whether `value` is an iterator a step would consume (not a file, whose lines a step
    does not read, but may write a log to)."""
    return (isinstance(value, types.GeneratorType) or hasattr(type(value), "__next__")
            and not isinstance(value, (io.IOBase, np.random.Generator)))


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


def _unwrapped(step):
    """(function, bound, keywords): the Python function a step's call runs first (through
    partials, bound methods and callable objects), or None (a builtin); the values bound
    to its first parameters (a method's self, a partial's arguments) and by keyword."""
    bound, keywords = [], {}
    for _ in range(8):  # (a partial of a bound method of ...: a few levels at most)
        if isinstance(step, functools.partial):
            bound[:0], keywords = step.args, {**step.keywords, **keywords}
            step = step.func
        elif isinstance(step, types.MethodType):
            bound.insert(0, step.__self__)
            step = step.__func__
        elif isinstance(step, types.FunctionType):
            return step, bound, keywords
        elif callable(step):
            bound.insert(0, step)
            step = type(step).__call__
        else:
            break
    return None, (), {}


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


@functools.lru_cache(maxsize=4096)
def _global_loads(code):
    """The names a code object, and the functions, lambdas and comprehensions inside it,
    load as globals (not attribute names: `out.loss` reads no global `loss`). Kept per code
    object: a capture reads the same functions at every recording."""
    names = {ins.argval for ins in _instructions(code) if ins.opname in _LOADS}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_loads(const)
    return frozenset(names)


@functools.lru_cache(maxsize=4096)
def _instructions(code):
    return tuple(dis.get_instructions(code))


class _Root:
    """Where a chain of attributes starts: a global, a closure cell, a value bound to the
    step's parameter (its self), or the step's argument at a position or keyword."""

    __slots__ = ("name", "scope", "key", "where")

    def __init__(self, name, scope, key, where):
        self.name, self.scope, self.key, self.where = name, scope, key, where

    def value(self, args, kwargs):
        where = self.where
        if where == "bound":
            return self.scope
        if where == "arg":
            return args[self.key] if self.key < len(args) else _GONE
        if where == "kwarg":
            return kwargs.get(self.key, _GONE) if kwargs else _GONE
        return _bound(self.scope, self.key)


class _Roots:
    """The roots of `function`'s loads by name (see _Root), for a call with the arguments
    `args` and `kwargs` (an object among them: arrays and plain values are signed)."""

    def __init__(self, function, bound, keywords, args, kwargs):
        code = function.__code__
        parameters = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
        self.parameters = {}
        for i, name in enumerate(parameters):
            at = i - len(bound)
            if at < 0:
                self.parameters[name] = _Root(name, bound[i], None, "bound")
            elif name in keywords:
                self.parameters[name] = _Root(name, keywords[name], None, "bound")
            elif at < len(args) and i < code.co_argcount and _an_object(args[at]):
                self.parameters[name] = _Root(name, None, at, "arg")
            elif name in kwargs and _an_object(kwargs[name]):
                self.parameters[name] = _Root(name, None, name, "kwarg")
        self.cells = {name: _Root(name, cell, name, "cell")
                      for name, cell in zip(code.co_freevars, function.__closure__ or ())}
        self.namespace = function.__globals__

    def bound(self):
        """The values bound to the function's parameters before the call (a self)."""
        return [root.scope for root in self.parameters.values() if root.where == "bound"]

    def of(self, opname, name, nested):
        """The root of a load, or None (a local variable, a builtin)."""
        if opname == "LOAD_GLOBAL" or opname == "LOAD_NAME":
            return _Root(name, self.namespace, name, "global") \
                if name in self.namespace else None
        if nested and opname != "LOAD_DEREF":  # (a lambda's own local)
            return None
        return self.parameters.get(name) or self.cells.get(name)


def _paths(function, roots, args, kwargs, calls):
    """(root, names, value, kept) for each chain of public attributes read off a root by
    `function`'s code (and the code nested in it, the functions of its module it names:
    their globals, and the methods it calls on a root: their self's), as bound now: a
    number by value, an object held in its parent's attributes by identity
    (`self.model = other_model`)."""
    seen = set()
    for root, names, stored in _all_chains(function, roots, args, kwargs, set(), calls):
        if (root.name, root.where, id(root.scope), names) in seen:
            continue
        seen.add((root.name, root.where, id(root.scope), names))
        parent = _followed(root.value(args, kwargs), names[:-1])
        if not _an_object(parent):  # (a Variable's .grad and .data: the step's to change)
            continue
        value = _followed(parent, names[-1:])
        if value is _GONE or isinstance(value, (types.MethodType, types.BuiltinMethodType)):
            continue  # (a method is made anew at each read: compared by the object's chain)
        if stored and hasattr(value, "shape"):
            continue  # (an array the call stores and reads back, self.hidden: its own)
        kept = _kept(value)
        if kept is not None or getattr(parent, "__dict__", {}).get(names[-1]) is value:
            yield root, names, value, kept


def _all_chains(function, roots, args, kwargs, followed, calls, depth=0):
    """(root, names) of _chains of `function`, of the functions of its module it names
    (their globals and closures alone: their parameters are not the step's), and of the
    methods it calls on a root or names bound (`model.loss(x)`, `loss_of = model.loss`,
    reading `self.beta`; not a replayable call, which runs its Python at every replay)."""
    followed.add(function.__code__)
    for value in roots.bound():  # (a function given to a partial)
        yield from _value_chains(value, followed, calls, depth)
    for root, names, method, stored in _chains(function.__code__, roots, nested=False):
        if method is None:
            yield root, names, stored
            obj = _followed(root.value(args, kwargs), names)
            yield from _value_chains(obj, followed, calls, depth)
        else:
            obj = _followed(root.value(args, kwargs), names)
            yield from _method_chains(obj, getattr(type(obj), method, None), followed, calls,
                                      depth)
    for *_, value, _ in _reads(function):
        yield from _value_chains(value, followed, calls, depth)


def _value_chains(value, followed, calls, depth):
    """_all_chains of a function or bound method the step holds, or of the forward of a
    model of the user's it names (`model(x)` runs it), or none."""
    if _own_forward(value) is not None or _framework_model(value):
        yield from _forward_chains(value, followed, calls, depth)
    elif isinstance(value, types.MethodType):
        yield from _method_chains(value.__self__, value.__func__, followed, calls, depth)
    elif isinstance(value, types.FunctionType) and value.__code__ not in followed \
            and depth < 4:
        if not rungrads_own(value):  # (the user's: its globals are read at each call too)
            calls.append((None, value))
        yield from _all_chains(value, _Roots(value, (), {}, (), {}), (), {}, followed, calls,
                               depth + 1)


def _framework_model(obj):
    """Whether obj is one of rungrad's models or layers (its class from autograd, nn, optim)."""
    return isinstance(getattr(type(obj), "forward", None), types.FunctionType) and \
        rungrads_own(type(obj).forward)


def _own_forward(obj):
    """The `forward` (or a Keras layer's `call`, which rungrad's forward runs) a call of
    `obj` runs, where the user wrote it (a model's class in their script: its globals and
    `self.cfg.scale` are read at each call); None for rungrad's own layers, whose settings
    tell captures of their changes themselves (nn.Module)."""
    for name in ("forward", "call", "__call__"):  # (__call__: a callable object of theirs)
        method = getattr(type(obj), name, None)
        if isinstance(method, types.FunctionType) and not rungrads_own(method):
            return method
    return None


def _forward_chains(obj, followed, calls, depth):
    """_all_chains of the forward of a model of the user's, its self bound to obj: each
    model once (two blocks of one class each hold their own settings), down to four levels
    of the user's models; noted in `calls` as (model, forward)."""
    forward = _own_forward(obj)
    if forward is None and not _framework_model(obj) or depth >= 4 or any(
            model is obj and called in (None, forward) for model, called in calls):
        return
    if forward is None:  # rungrad's container (Sequential) of the user's blocks: theirs
        calls.append((obj, None))
        children = getattr(obj, "children", None)
        for child in children() if callable(children) else ():
            yield from _forward_chains(child, followed, calls, depth + 1)
        for held in vars(obj).values():  # (the user's function a layer runs: nn.Lambda's)
            if isinstance(held, types.FunctionType) and not rungrads_own(held):
                yield from _value_chains(held, followed, calls, depth + 1)
        return
    calls.append((obj, forward))
    yield from _all_chains(forward, _Roots(forward, (obj,), {}, (), {}), (), {}, followed,
                           calls, depth + 1)


def _method_chains(obj, called, followed, calls, depth):
    """_all_chains of the method `called` of `obj`, its self bound to obj (noted in
    `calls`: its globals are read too); none for a replayable call (run whole at every
    replay) or past four levels."""
    if (depth < 4 and isinstance(called, types.FunctionType)
            and not getattr(called, "replayed", False) and called.__code__ not in followed):
        followed.add(called.__code__)
        calls.append((obj, called))
        yield from _all_chains(called, _Roots(called, (obj,), {}, (), {}), (), {}, followed,
                               calls, depth + 1)


def _chains(code, roots, nested):
    """(root, names, method, stored) for each `root.a.b` that `code` and the code inside it
    load, each prefix too (`self.cfg` of `self.cfg.beta`), up to the first private name;
    `method`: the name of a method called on it (`model.loss(x)`), else None; `stored`:
    whether the code stores that very attribute before, on every path (not under an `if`
    or in a loop: `self.hidden = h`, then `self.fc2(self.hidden)`), see _paths."""
    root, names, written = None, (), set()
    skippable = _skippable(code)
    for ins in _instructions(code):
        if root is not None and ins.opname == "STORE_ATTR":
            if ins.offset not in skippable:
                written.add((root.name, root.where, names + (ins.argval,)))
            root = None
            continue
        if root is not None and ins.opname in ("COPY", "DUP_TOP"):
            continue  # (`self.calls += 1` loads the object twice: its attribute is read)
        if root is not None and ins.opname in ("LOAD_ATTR", "LOAD_METHOD"):
            stored = (root.name, root.where, names + (ins.argval,)) in written
            if ins.argval.startswith("_"):
                root = None  # (private: the object's own bookkeeping)
            elif ins.opname == "LOAD_METHOD" or _ATTRIBUTE_FLAGGED and ins.arg & 1:
                yield root, names + (ins.argval,), None, stored  # (`holder.model(x)` too)
                yield root, names, ins.argval, False
                root = None
            else:
                names += (ins.argval,)
                yield root, names, None, stored
            continue
        root, names = None, ()
        if ins.opname in _LOADS or ins.opname in _LOCAL_LOADS and not (
                nested and ins.argval in code.co_cellvars):
            root = roots.of(ins.opname, ins.argval, nested)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _chains(const, roots, nested=True)


_JUMPS = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)


@functools.lru_cache(maxsize=4096)
def _skippable(code):
    """The offsets of `code`'s instructions that a forward jump can pass over (inside an
    `if`, a loop, a conditional expression): a store there may not have run."""
    instructions = _instructions(code)
    regions = [(ins.offset, ins.argval) for ins in instructions if ins.opcode in _JUMPS
               and isinstance(ins.argval, int) and ins.argval > ins.offset]
    return frozenset(ins.offset for ins in instructions
                     if any(start < ins.offset < end for start, end in regions))


def _an_object(value):
    """Whether an argument is an object whose attributes the signature does not hold (not
    an array, a Variable, a container of them or a plain value)."""
    return not (plain_value(value) or isinstance(value, (tuple, list, dict))
                or hasattr(value, "shape") and hasattr(value, "dtype"))


def _followed(value, names):
    """value.a.b for names (a, b), or _GONE where one is missing or raises."""
    for name in names:
        if value is _GONE:
            return _GONE
        try:
            value = getattr(value, name)
        except Exception:  # noqa: BLE001 (a property failing now: not what was read)
            return _GONE
    return value


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

