"""The Python settings a captured fit step (compile(jit_compile=True)) reads that no
setter reports, compared around the user's code (fit's callbacks, and between two fits)
so that a change makes the step record afresh.

A replay keeps every Python value the recording read: a number a layer's `call` multiplies
by, a custom loss's `self.alpha`, a global of the function computing the loss. Public
attributes of modules report their changes themselves (nn/module.py); these do not:
- a layer's private attribute (`self._scale = 2.0`) and the entries of a list or dict it
  holds (`self.factors[0] = 2.0`);
- the attributes of a loss object that is not a module (a `keras.losses.Loss` subclass);
- the globals and closure variables that a layer's `call`/`forward` or a loss function
  names (autograd/capture_reads.py follows those of the captured step's own code only),
  and the entries of a small list or dict they name.
A callback, or the user's code between two fit calls, changing one of them made
jit_compile=True go on with the old value while jit_compile=False used the new one. The
callbacks' epoch and training hooks are watched, not their batch hooks (a snapshot costs
as much as a small model's step).
Only what can be compared by value is watched (numbers, strings, None, and lists, tuples
and dicts of them); arrays and Variables are read by the replay itself.
"""
import types

from autograd.capture_reads import NamedReads, plain_value

from .callbacks.callback_list import defines_hook

# the models' own bookkeeping, written outside the steps (by fit, by a validation's call)
_FIT_OWN = frozenset({"_bound", "stop_training", "_output_shapes", "_output_dtypes",
                      "_logged_names", "_loop_results"})
_SMALL = 64  # entries of a list or dict compared by value
_SKIPPED = object()
_EXACT = frozenset({int, float, str, bool, type(None)})
_FUNCTIONS = (types.FunctionType, types.MethodType)


class StepSettings:
    """note() before the user's code runs (a callback, or the code between two fits),
    changed() after it: whether it changed a setting the step may have read (see the
    module's docstring)."""

    def __init__(self):
        self._seen = None  # the settings noted last
        self._reads = None  # NamedReads of the functions the step calls, as then bound

    def note(self, model):
        objects = _watched(model)
        if self._reads is None:
            self._reads = [NamedReads(f) for f in _functions(objects)]
        self._seen = _settings(objects), _contents(self._reads)

    def changed(self, model):
        if self._seen is None:
            return False
        changed = not all(reads.hold() for reads in self._reads) or (
            _settings(_watched(model)), _contents(self._reads)) != self._seen
        if changed:
            self._seen = self._reads = None  # (note() takes them afresh)
        return changed


class WatchedHooks:
    """fit's CallbackList, each hook that one of the user's callbacks defines watched, but
    the batch hooks: a setting it changed (StepSettings) makes the captured update record
    afresh. (A change made at a batch hook is not seen; schedules and the like change
    settings at an epoch's end.)"""

    def __init__(self, runner, user_callbacks, model):
        self.runner, self.model = runner, model
        self.callbacks = runner.callbacks
        self._user = runner.callbacks[:len(user_callbacks)]  # (schedulers wrapped)
        self._settings = StepSettings()
        self._listened = {}  # hook -> whether a user callback defines it

    def listens(self, hook):
        return self.runner.listens(hook)

    def call(self, hook, *args):
        listened = self._listened.get(hook)
        if listened is None:  # (not the batch hooks: a snapshot walks every module's
            # attributes, 0.2 ms for a three-layer MLP, as long as a small model's step)
            listened = self._listened[hook] = "_batch_" not in hook and defines_hook(
                self._user, hook)
        if listened:
            self._settings.note(self.model)
        self.runner.call(hook, *args)
        if listened and self._settings.changed(self.model):
            self.model._captured_update.reset()


def _watched(model):
    """The objects whose attributes a step of `model` reads: its modules, and the loss
    objects and functions compile made its loss of."""
    objects = list(model.modules())
    compiled = model.compiled_loss
    for loss in getattr(compiled, "losses", None) or [compiled]:
        fn, keras_object = getattr(loss, "fn", None), getattr(loss, "keras_object", None)
        held = [value for value in getattr(keras_object, "__dict__", {}).values()
                if callable(value) and not isinstance(value, type)]  # (a wrapper's function)
        for part in (keras_object, fn, getattr(fn, "__self__", None), *held):
            if part is not None and not any(part is known for known in objects):
                objects.append(part)
    return objects


def _settings(objects):
    """(id, ((name, value), ...)) of each object's attributes that are compared by value."""
    found = []
    for obj in objects:
        attributes = getattr(obj, "__dict__", None)
        if attributes is None or isinstance(obj, types.FunctionType):
            continue
        kept = []
        for name, value in attributes.items():
            if name in _FIT_OWN:
                continue
            if value.__class__ in _EXACT:  # (most attributes: compared without a call; a
                kept.append((name, value.__class__, value))  # NaN equals itself here)
            elif (frozen := _frozen(value)) is not _SKIPPED:
                kept.append((name, frozen))
        found.append((id(obj), tuple(kept)))
    return tuple(found)


def _contents(named_reads):
    """The contents of the lists and dicts those functions name (`factors[0] = 2.0`
    between steps; NamedReads compares dicts only, as the step's own code may log into a
    list: here a list filled during the steps is the same before and after the callbacks)."""
    return tuple(_frozen(value) for reads in named_reads for _, _, value, _ in reads.reads
                 if isinstance(value, (list, dict)))


def _frozen(value, depth=0):
    """A comparable copy of a plain value, or of a small list, tuple or dict of them; else
    _SKIPPED. Numbers by type and repr: -0.0 is not 0.0, NaN equals NaN."""
    if plain_value(value) and not isinstance(value, tuple):
        return type(value), repr(value)
    if depth > 1 or not isinstance(value, (list, tuple, dict)) or len(value) > _SMALL:
        return _SKIPPED
    copy = []
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        frozen = _frozen(item, depth + 1)
        if frozen is _SKIPPED:  # (at the first: a module's dict of parameters or layers)
            return _SKIPPED
        copy.append((key, frozen))
    return type(value), tuple(copy)


def _functions(objects):
    """The Python functions the step runs for these objects: each module's call and forward,
    each loss function or loss object's call, and the functions they hold (the user's
    function in a LossFunctionWrapper or a Lambda layer): their globals and closures are
    watched."""
    functions, codes = [], set()
    for obj in objects:
        if isinstance(obj, _FUNCTIONS):
            candidates = [obj]
        else:
            candidates = [getattr(type(obj), name, None) for name in ("call", "forward",
                                                                      "__call__")]
            candidates += [value for value in getattr(obj, "__dict__", {}).values()
                           if isinstance(value, _FUNCTIONS)]
        for function in candidates:
            code = getattr(getattr(function, "__func__", function), "__code__", None)
            if code is not None and code not in codes:
                codes.add(code)
                functions.append(function)
    return functions

