"""Capture a training step once, then replay it without rebuilding the graph.

    @autograd.capture
    def train_step(x, t):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), t)
        loss.backward()
        optimizer.step()
        return loss

    for x, t in batches:
        loss = train_step(x, t)     # the same step, a fraction of the Python work

An eager step pays for the graph each time: a Variable and a Function per op, the engine's
schedule and bookkeeping. For small models Python is most of the step, and the graph a good
part of it (a replay of a 1-10-1 MLP's step runs 20 % fewer instructions). A captured step
records, once, what the step does: each op call, the backward pass, and the calls that
declare themselves replayable (`replayed`: an optimizer's `step` and `zero_grad`,
`Module.zero_grad`, a scheduler's `step`, gradient clipping, BatchNorm's running
statistics). A replay runs exactly those: each op's `forward` on the current arrays of its
inputs, the same Functions' `backward_data` in a fixed order, the calls again with the same
arguments. It is CUDA graphs' idea (`torch.cuda.graph`) on NumPy, run as one generated
function (autograd/replay_code.py; `train_step.code` shows it), which skips the forward of a
result nothing reads (a loss only backpropagated).

What a replay repeats, and what it does not (as for CUDA graphs and `tf.function`):
- The arguments are the inputs: arrays (and Variables), alone or in tuples, lists and dicts,
  may change from call to call; a new shape, dtype or other non-array value, keyword
  arguments in another order, another grad or train mode, a module switched between
  train() and eval(), or a parameter frozen or unfrozen, records afresh. An argument that
  is another object (a batch object, a captured method's `self`) is itself: its arrays are
  constants, written in place as the step sees them, and one rebound (`batch.x = next_x`)
  or a public number changed (`self.beta = 0.5`) records afresh (pass the arrays
  themselves to replay them).
- Parameters are read when each op runs: updates, `.data =` and `load_state_dict` are seen.
- Other Python code (a print, NumPy on `.data`) ran at capture only; a value the step's
  own code names from a global or its closure (a number, by value; an array, a model, an
  optimizer, by identity), and the public attributes it reads off those, off its own
  object (a bound method's self) and off its arguments (`self.beta`, `config.beta`), are
  checked at each call, and one changed records afresh (autograd/capture_reads.py); an
  iterator it reads (`next(schedule)`) is refused. Python reading a value
  the step computes or trains (`.item()`, `float()`, `bool()`, a comparison: an `if` on it)
  is refused where it reads it: return the Variable (each call returns it fresh) or choose
  with ops. Capture runs the step eagerly twice and compares the two records: a step whose
  ops, branches or constants differ between them (an `if` on `.data`, a random array drawn
  with NumPy) is refused with the place named, rather than replayed wrongly.
- A result the step keeps (a loss put in a dict) is computed at every replay; one returned
  by a step that runs no backward is detached, which a DetachedResultWarning says.
- Refused at capture, with a clear error: hooks (but a pre-hook whose work is ops alone,
  `replayable`: weight_norm's; an optimizer's step hooks are part of its replayed step),
  `create_graph`, `retain_grad`,
  `autograd.grad`, changes in place outside ops and replayable calls (the second record
  watches the weights, buffers, gradients and flags the first touched), a `.grad` set by
  hand, an op setting (an index array) or a constant taken from the values. Under anomaly
  detection or `record_backward` a captured step runs eagerly.
Each call is one step, captured or replayed: the two capture calls are real steps.
"""
import functools
import random
import sys
import threading
import types
from collections import Counter, OrderedDict

import numpy as np

from .backend import as_array, get_array_module, is_array, is_gpu_array
from .backward_trace import recorder as backward_recorder
from .capture_reads import NamedReads, plain_value
from .config import (
    PythonState as _PythonState,
)
from .config import (
    anomaly_detection_on,
    anomaly_mode,
    backward_running,
    grad_mode,
    python_state_changed,
    python_state_changes_here,
    train_mode,
)
from .user_warnings import user_warning
from .variable import Parameter, Variable, _ReadGuarded, mutations_in_this_thread, wrap

_ndarray = np.ndarray


class CaptureError(RuntimeError):
    """A step cannot be captured as it is written (the message names what and where)."""


class DetachedResultWarning(UserWarning):
    """A captured step returns a result that requires grad but runs no backward: its calls
    return it detached, so a backward outside the step reaches none of its parameters."""


class RandomDrawWarning(UserWarning):
    """A captured step drew random numbers outside its random ops (np.random.rand() in
    Python): it runs eagerly, as a replay would keep the recorded draws."""


# ----- declaring replayable calls -----

def recording():
    """The Record of the capture recording in this thread, or None. It sits in the
    anomaly_mode setting, whose check every op already makes (autograd/config.py)."""
    watch = anomaly_mode.get()
    return watch if watch.__class__ is Record else None


def number_of_this_call(value, made_by):
    """`value`, a number a replayable call computed from this call's values (a gradient
    norm), as the step's Python code gets it: while a capture records, a 0-d array that
    refuses to become a Python number (an `if`, float(), a comparison's truth), which every
    replay would keep as this call's."""
    record = recording()
    if record is None or record.depth:
        return value
    number = _RecordedNumber.of(value, made_by)
    record.note_number(number)
    return number


class _RecordedNumber(_ReadGuarded):
    """See number_of_this_call."""

    def _read(self, how):
        if recording() is not None:
            raise CaptureError(
                f"capture: {how} of {self.made_by}'s result inside the step: a replay runs "
                f"the recorded calls alone, so an `if` on it would keep this call's branch "
                f"and a number made of it this call's value. Decide with ops on Variables, "
                f"or call the step without capture")
        return self.view(np.ndarray)


def replayed(method):
    """Decorator for a call with effects outside the graph (an optimizer's step): made while
    a capture records, it is noted and repeated with the same arguments at every replay."""
    @functools.wraps(method)
    def call(*args, **kwargs):
        record = recording()
        if record is not None:
            return record.effect(method, args, kwargs)
        return method(*args, **kwargs)
    call.replayed = True  # (a class wrapping its subclasses' methods wraps them once)
    return call


def replay_own_methods(cls, *names):
    """Make the methods `names` that `cls` defines itself replayable calls (once): for a base
    class's __init_subclass__, so that a subclass's own scheduler step or metric update is
    repeated whole by a captured step, its Python around super()'s too."""
    for name in names:
        method = vars(cls).get(name)
        if method is not None and not getattr(method, "replayed", False):
            setattr(cls, name, replayed(method))


def run_replayed(effect, *args):
    """effect(*args) now, and again at every replay of a capture recording this call (no
    wrapper made per call: layers call this in every forward)."""
    record = recording()
    return effect(*args) if record is None else record.effect(effect, args, {})


def _note_replayed(exc, step):
    """Add to an error a replay raised that it came from one: the step's own Python does not
    run then (a try/except around an op, an `if` on an input's values), which the traceback
    into the replay's code does not tell."""
    note = (f"(raised while replaying the captured step {getattr(step, '__name__', step)!r}: "
            "a replay runs the recorded ops only, not the step's Python, so a try/except "
            "around an op, or a check of the inputs, does not run; check the inputs before "
            "the call, or call the step without capture where an op may raise)")
    if hasattr(exc, "add_note"):  # (Python 3.11 on)
        exc.add_note(note)


def capturing():
    """True while a capture records in this thread (layers refuse what they cannot replay)."""
    return recording() is not None


# ----- the public face -----

def capture(step):
    """A captured version of `step` (a function doing forward, backward and an update);
    usable as a decorator. See this module's docstring for what a replay repeats."""
    if not callable(step):
        raise TypeError(f"capture: expected a function, got {type(step).__name__}")
    return CapturedStep(step)


class CapturedStep:
    """`step` that records its first two calls per signature and replays from the third.

    At most `max_signatures` captures are kept (each holds one step's arrays), the least
    recently used going first: a step called with ever new shapes (sequences of every
    length) records again and again, and gains nothing; pad such batches to a few shapes."""

    max_signatures = 8

    def __init__(self, step):
        self.step = step
        self._programs = OrderedDict()  # signature -> a Record (one call so far) or a Program
        self._warned_drawing = False
        self._new_signatures = 0  # records that began a signature (none replayed: a warning)
        self._eager = False  # given up: the calls record new signatures and replay none
        self.replays = 0  # calls replayed (the others ran the step's Python)
        self._lock = threading.RLock()  # a replay writes into shared Variables; (R: a step
        # calling itself while it records is refused by _record, not deadlocked)
        functools.update_wrapper(self, step)

    def __call__(self, *args, **kwargs):
        watch = anomaly_mode.get()  # (recording() and anomaly_detection_on(), read once)
        if watch and (watch.__class__ is Record or not callable(watch)) \
                or backward_recorder.get() is not None:
            return self._unreplayed(args, kwargs)
        if self._eager:  # (recording costs more than an eager call, and would never pay)
            return self.step(*args, **kwargs)
        key = _signature(args, kwargs)
        with self._lock:
            known = self._programs.get(key)
            if known is not None and not _still_holds(known, args, kwargs):
                known = None  # record this signature afresh
            if known.__class__ is Program:
                if len(self._programs) > 1:  # (the least recently used goes first)
                    self._programs.move_to_end(key)
                self.replays += 1
                try:
                    return known.run(args, kwargs)
                except Exception as exc:
                    _note_replayed(exc, self.step)
                    raise
            record = _record(self.step, args, kwargs, known)
            if record.drew_outside:  # this call ran eagerly; the next records again
                self._warn_drawing(record.drew_outside)
                return _returned(record.result, record)
            self._new_signatures += known is None
            if self._new_signatures == 3 * self.max_signatures and not self.captured:
                self._eager = True
                user_warning(f"capture: {self.step.__name__} has recorded "
                             f"{self._new_signatures} calls, each under a new signature, and "
                             f"replayed none: something it is given changes at every call "
                             f"(a shape, a Python value, a global or closure variable it reads, "
                             f"or an attribute of an argument or of the object of a captured "
                             f"method, such as self.last_loss = loss or a counter set by the step "
                             f"itself), or more than {self.max_signatures} signatures take "
                             f"turns; it runs eagerly from now on (reset() tries again)")
            if known is None:
                self._programs[key] = record
                while len(self._programs) > self.max_signatures:
                    self._programs.popitem(last=False)
            else:
                _refused_after_running(_compare, known, record)
                self._programs[key] = Program(record)
                _warn_if_detached(record)
            return _returned(record.result, record)

    def _unreplayed(self, args, kwargs):
        """The step run eagerly under detect_anomaly or a backward recorder (checked or
        recorded op by op); refused inside a recording, as a replay would be one opaque
        constant to it."""
        if recording() is not None:
            raise CaptureError("capture: a captured step called another one while it recorded")
        return self.step(*args, **kwargs)

    def _warn_drawing(self, what):
        if not self._warned_drawing:
            self._warned_drawing = True
            user_warning(f"capture: {self.step.__name__} drew random numbers from {what} "
                         f"while it recorded (or another thread did): a replay would keep "
                         f"this call's draws (and an `if` on them this call's branch), so "
                         f"the call ran eagerly and the next records again; while the step "
                         f"draws so, it runs eagerly. "
                         f"Draw outside the step and pass the result as an argument",
                         RandomDrawWarning)

    def __get__(self, instance, owner=None):
        """As a method (`@autograd.capture` in a class body): bound to the instance, which
        becomes part of the signature (each instance records its own step, and the
        recordings of up to max_signatures instances keep them alive until reset())."""
        return self if instance is None else functools.partial(self, instance)

    def reset(self):
        """Forget every capture: the next calls record again (after changing what the step
        reads in Python that no module setter sees and no check at each call follows: a
        private attribute read directly, a field reached through a list or a call's result,
        a global read by a function of another module)."""
        with self._lock:
            self._programs.clear()
            self._new_signatures, self._eager = 0, False

    @property
    def captured(self):
        """The number of signatures replayed from a finished capture."""
        return sum(isinstance(p, Program) for p in self._programs.values())

    @property
    def code(self):
        """The Python source a replay runs, for the signature used last (None before a
        capture is finished): each op's forward, the backward pass, the replayable calls."""
        programs = [p for p in self._programs.values() if isinstance(p, Program)]
        return programs[-1].code if programs else None


def _still_holds(known, args, kwargs):
    """Whether a record or program still describes the step: made under the modules' modes
    as they are (not before model.eval()), the leaves as recorded (a parameter's dtype, a
    warm-up factor Python read), and the names its code reads (and their attributes) bound
    as then."""
    return (known.state == _PythonState.changes and known.leaves.holds()
            and known.reads.hold(args, kwargs))


def _signature(args, kwargs):
    """What a capture depends on beyond array values: shapes, dtypes, other values, modes."""
    if not kwargs:  # the usual call, a batch of arrays: its key without a call per argument
        parts = []
        for a in args:
            if a.__class__ is not _ndarray:
                break
            parts.append((a.shape, a.dtype))
        else:
            return tuple(parts), grad_mode.get(), train_mode.get()
    parts = [_signature_of(a) for a in args]
    # in the order given, as a dict's keys: the step sees them so (a **kwargs loop), and
    # the records number the arguments so
    parts += [("keyword", name, _signature_of(v)) for name, v in kwargs.items()]
    return tuple(parts), grad_mode.get(), train_mode.get()


def _signature_of(value):
    if isinstance(value, Variable):
        if value.requires_grad:  # a leaf of the user's: the same object each time
            return ("leaf", id(value), value.shape, value.dtype.str)
        value = value.data
    if isinstance(value, _ndarray):
        return ("array", value.shape, value.dtype.str)
    if isinstance(value, (tuple, list)):
        return (type(value).__name__,) + tuple(_signature_of(v) for v in value)
    if isinstance(value, dict):  # a batch as a dict: by its keys and values, not its identity
        return (type(value),) + tuple((k, _signature_of(v)) for k, v in value.items())
    if is_gpu_array(value):
        return ("device array", value.shape, value.dtype.str)
    try:
        hash(value)
    except TypeError:  # an object without a value's hash (a dataclass's self): itself
        return ("object", _Identity(value), _held_state(value))
    if isinstance(value, (float, np.floating)) and value == 0:  # -0.0 == 0.0: by its sign too
        return ("value", type(value), repr(value))
    held = _held_state(value)
    return ("value", type(value), value) + ((held,) if held else ())


def _held_state(obj):
    """What a step reads of an object it is given (its `self` too) as constants, which its
    replays keep, so that the object given again with one of them changed records afresh:
    the arrays and Variables held in its attributes (or in tuples, lists and dicts there),
    by identity (`batch.x = next_x`; writing into an array in place needs nothing: a replay
    reads the array itself), and its public numbers, strings and tuples of them, by value
    (`self.beta = 0.5`; a private name is the object's own bookkeeping, as for modules)."""
    attributes = getattr(obj, "__dict__", None)
    if not isinstance(attributes, dict):
        return ()
    held = []
    for name, value in attributes.items():
        if plain_value(value):
            if not name.startswith("_"):
                held.append((name, value if value == value else "nan"))  # (nan != nan)
            continue
        items = (value.values() if isinstance(value, dict) else
                 value if isinstance(value, (tuple, list)) else (value,))
        held += [(name, _Identity(item)) for item in items
                 if isinstance(item, Variable) or is_array(item)]
    return tuple(held)


class _Identity:
    """An object as a key by identity (held, so that its id is not reused)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __hash__(self):
        return id(self.value)

    def __eq__(self, other):
        return isinstance(other, _Identity) and other.value is self.value


# ----- recording one eager call -----

class Record:
    """What one eager call of the step did: its ops, backward passes and replayable calls."""

    def __init__(self, arguments, plain):
        self.arguments = arguments       # [(path, Variable)] standing for the array arguments
        self.plain = plain               # the arguments were arrays only (a fast replay)
        self.events = []                 # ("op", func, inputs, outputs) | ("backward", ...) | ...
        self.made = {}                   # id(Variable) -> ("out", n) for every op output
        self.value_shaped = set()        # ids of the outputs whose shape follows values
        self.from_constants = {}         # id(op output) -> the constant leaves it came from
        self.results = []                # (output, its array, a copy): arrays an op made
        self.depth = 0                   # > 0 inside a replayable call
        self.mutations = mutations_in_this_thread()
        self.outside = []                # arrays computed from values outside ops (x != 0)
        self.watched = None              # a _State: what the first record touched
        self.state = _PythonState.changes
        self.own_changes = python_state_changes_here()[0]  # (changes the step makes itself)
        self.leaves_read = []            # [(a leaf, a copy of its values)] Python read
        self.leaves = None               # a _LeafState, when the call is recorded
        self.reads = None                # the NamedReads of the step's code
        self.result = None
        self.drew_outside = None         # what drew random numbers outside the ops, if any
        self.numbers = {}                # id(number) -> (number, index of the call made it)

    # Function.__call__ calls this for every op made while recording (anomaly_mode's slot)
    def __call__(self, func, inputs, outputs):
        if self.depth or backward_running.get():
            return  # a replayable call's or backward's own ops run again with them
        self._check_mutations(f"before {func.name}")
        # (a shape that follows values, unique's, is passed on: an index of that size cannot
        # be replayed, _index_roles)
        shaped = getattr(func, "shape_follows_values", False) or any(
            id(x) in self.value_shaped for x in (*inputs, *getattr(func, "index_variables", ())))
        sources = self._constant_sources(func, inputs)
        # a tuple when forward gave one (a split into one piece too): a replay does the same
        for y in outputs if outputs.__class__ is tuple else (outputs,):
            self.made[id(y)] = ("out", len(self.made))
            if shaped:
                self.value_shaped.add(id(y))
            if sources is not None:
                self.from_constants[id(y)] = sources
            data = y.data
            if data.base is None and not any(data is x.data for x in inputs):  # (its own)
                self.results.append((y, data, data.copy()))
        self.events.append(("op", func, tuple(inputs), outputs))

    def _constant_sources(self, func, inputs):
        """The leaves an op's result comes from, where they are all constants (no argument,
        no parameter, no other op's result but one of constants) and it draws nothing: its
        values are the same at each call while theirs are. Else None."""
        if _draws(func):
            return None
        sources = []
        for x in (*inputs, *getattr(func, "index_variables", ())):
            if id(x) in self.from_constants:
                sources.extend(self.from_constants[id(x)])
            elif id(x) in self.made or x.requires_grad or self._reads(x):
                return None
            else:
                sources.append(x)
        return sources

    def effect(self, method, args, kwargs):
        if self.depth:
            return method(*args, **kwargs)
        self._check_mutations(f"before {_name(method)}", values=True)
        self.events.append(("effect", method, args, kwargs))
        self.depth += 1
        try:
            return method(*args, **kwargs)
        finally:
            self.depth -= 1
            self._note_state()  # what the call wrote is the new baseline

    def note_number(self, number):
        """`number` is what the replayable call just recorded gave (clip_grad_norm_'s norm):
        a replay sets it afresh, so the step may return it."""
        if self.events and self.events[-1][0] == "effect":
            self.numbers[id(number)] = (number, len(self.events) - 1)

    def backward(self, outputs, grad_outputs, retain_grad, create_graph):
        """Noted before the engine runs it (engine.backward calls this)."""
        if self.depth:
            return
        if create_graph or retain_grad:
            raise CaptureError("capture: backward with create_graph or retain_grad cannot be "
                               "replayed; capture a first-order step")
        self._check_mutations("before backward", values=True)
        order = []  # the engine fills it as it runs: a replay keeps its order (and sums)
        self.events.append(("backward", list(outputs), grad_outputs, order))
        return order

    def backward_done(self):
        """What backward changed (gradients, in place inside it) is replayed with it."""
        if not self.depth:
            self._note_state()

    def watch(self, variables):
        """Watch the data, gradient and requires_grad of `variables` (what the first record
        touched): Python in the step that changes them (NumPy into a buffer or a weight,
        `requires_grad_`) would not be repeated by a replay."""
        self.watched = _State(variables)

    def _note_state(self):
        self.mutations = mutations_in_this_thread()
        if self.watched is not None:
            self.watched.note()

    def read_in_python(self, var, how):
        """An argument's values, or values the step computed or trains, read as Python
        numbers, a NumPy array or a comparison (float(x), x.item(), np.asarray(x), x > 0):
        whatever is made of them (an `if`'s branch, a logged number) would be this call's
        in every replay. Other leaves (a constant, a factor set between calls) read freely:
        a replay holds while their values do."""
        if self.depth:
            return
        if id(var) in self.from_constants:  # (ops of constants alone: a replay holds while
            for leaf in self.from_constants[id(var)]:  # those constants do)
                self._note_leaf_read(leaf)
            return
        if self._reads(var):
            raise CaptureError(
                f"capture: an argument of shape {tuple(var.shape)} is read in Python ({how}) "
                f"inside the step: what is made of its values would be the recorded call's in "
                f"every replay. Use it with rungrad's ops, or pass a number or flag as a Python "
                f"value (part of the signature: a new value records afresh)")
        what = self._changing(var)
        if not what:  # a leaf the step does not train: replays hold while its values do
            self._note_leaf_read(var)
            return
        raise CaptureError(
            f"capture: {what}, of shape {tuple(var.shape)}, is read in Python ({how}) inside "
            f"the step: a replay runs the ops alone, so an `if` on it would keep the capture's "
            f"branch and a number made of it the capture's value. Return the Variable from "
            f"the step (each replay returns it fresh) and read it after the call; choose by "
            f"values with ops (autograd.where, clip, maximum); or call the step without "
            f"capture")

    def _note_leaf_read(self, var):
        """Keep the values of a leaf that Python read (a warm-up factor set between calls,
        `beta.item()`): a replay holds only while they stay (_LeafState)."""
        if not any(var is v for v, _ in self.leaves_read):
            self.leaves_read.append((var, var.data.copy()))

    def _reads(self, var):
        """Whether `var` stands for one of the step's arguments."""
        return any(var is v for _, v in self.arguments)

    def _changing(self, var):
        """What `var` is, if its values change from call to call (an op's result, a
        parameter): None for a constant."""
        if id(var) in self.made:
            return "a value the step computed"
        return "a leaf that requires grad (a parameter)" if var.requires_grad else None

    def computed_outside(self, array):
        """Note an array computed from Variables' values outside the ops (a comparison):
        an op given it would keep this call's values in a replay."""
        if not self.depth:
            self.outside.append(array)

    def refuse(self, what):
        return CaptureError(f"capture: {what} cannot be replayed; call it outside the captured "
                            f"step")

    def _check_mutations(self, where, values=False):
        """Refuse changes made since the last op, backward or replayable call by other code;
        `values`: compare the watched values too (at backward, calls and the end), not only
        which arrays and gradients the watched Variables hold."""
        changed = None if self.watched is None else self.watched.changed(values)
        if changed:
            raise CaptureError(
                f"capture: {changed} {where}, outside the ops, backward and the replayable "
                f"calls (NumPy writing into .data or .grad, a .grad set by hand, requires_grad_ "
                f"in the step): a replay would not repeat it. Pass such values as arguments, "
                f"change them with ops, zero_grad or the optimizer, or call the step without "
                f"capture.")
        if mutations_in_this_thread() != self.mutations:
            raise CaptureError(
                f"capture: a Variable's data was assigned (.data =) or changed in place "
                f"{where} (x.mul_(), add_(), copy_(), `p -= ...` under no_grad: an EMA of the "
                f"weights, a hand-written update), outside an op and a "
                f"replayable call (an optimizer's step or zero_grad): a replay would not repeat "
                f"it. Change parameters only through the optimizer inside a captured step, and "
                f"make other in-place updates after it returns (a lazily sized layer built by "
                f"this call? call the step once without capture).")


def _record(step, args, kwargs, first=None):
    """One eager call of `step`, recorded; `first`: the signature's first record, whose
    constants and gradients this one watches for changes made outside ops."""
    if recording() is not None:
        raise CaptureError("capture: a captured step called another one while it recorded")
    if anomaly_detection_on():
        raise CaptureError("capture: anomaly detection is on; capture outside detect_anomaly()")
    if backward_recorder.get() is not None:
        raise CaptureError("capture: record_backward() is on; capture outside it")
    arguments = []
    plain = not kwargs and all(a.__class__ is _ndarray for a in args)
    args = _standing_in(args, arguments, ("args",))
    kwargs = {k: _standing_in(v, arguments, ("kwargs", k)) for k, v in kwargs.items()}
    record = Record(arguments, plain)
    # (before the call: a step rebinding one replays never)
    record.reads = NamedReads(step, args, kwargs)
    _refuse_iterators(record.reads)
    if first is not None:
        record.watch(_touched(first))
    given = [(path, v, v._version, v.data.copy()) for path, v in arguments]
    # (None: NumPy's global one)
    generators = _watched_generators(record.reads, args, kwargs)
    before = {name: _state_of(g) for name, g in generators.items()}, random.getstate()
    token = anomaly_mode.set(record)
    try:
        record.result = step(*args, **kwargs)
    finally:
        anomaly_mode.reset(token)
    record._check_mutations("after the last op", values=True)
    record.drew_outside = _random_draws_outside(record, generators, *before)
    _check_arguments_kept(given)
    _check_arguments_not_differentiated(arguments)
    _check_results_kept(record)
    changes, what = python_state_changes_here()
    if changes != record.own_changes:  # (another thread's change: the next call records again)
        raise CaptureError(f"capture: the step itself {what}: a replay holds only while the "
                           f"modules' modes, hooks, parameters, buffers and submodules stay as "
                           f"recorded; do that outside the step, or call the step without "
                           f"capture")
    _returned(record.result, record)  # refuses what it cannot return fresh
    record.leaves = _LeafState(record)
    return record


class _LeafState:
    """What a record depends on in the leaves it does not make: each touched leaf's
    requires_grad, dtype and shape (freezing a parameter changes which gradients backward
    computes; `.data =` of another dtype, which ops run), and the values of those Python
    read (`beta.item()`)."""

    def __init__(self, record):
        self.touched = [(leaf, leaf.requires_grad, leaf.data.dtype, leaf.data.shape)
                        for leaf in _touched(record)]
        self.read = record.leaves_read

    def holds(self):
        for leaf, wanted, dtype, shape in self.touched:
            data = leaf.data
            if (leaf.requires_grad is not wanted or data.shape != shape
                    or data.dtype is not dtype and data.dtype != dtype):  # (the same: usual)
                return False
        for leaf, values in self.read:
            data = leaf.data
            if data.shape != values.shape or not np.array_equal(
                    data, values, equal_nan=data.dtype.kind in "fc"):
                return False
        return True


def _refuse_iterators(reads):
    """Refuse, before it runs, a step that names an iterator (`w = next(schedule)`): a
    replay would neither advance it nor take its next item, but keep the recorded one
    (silently, where the first two items agree)."""
    names = reads.iterators()
    if names:
        raise CaptureError(f"capture: the step reads the iterator {', '.join(map(repr, names))} "
                           f"(next() on it inside the step?): a replay would not advance it and "
                           f"would keep the recorded item at every call. Take the item outside "
                           f"the step and pass it as an argument")


def _check_arguments_kept(given):
    """Refuse a step that wrote into an argument's array outside ops (`np.clip(x.data,
    out=x.data)`, PyTorch's `x.data.clamp_()`): a replay runs the ops alone, on the next
    call's arrays, so the write would be silently skipped. `given`: (path, stand-in, its
    version, a copy of its values) taken before the call."""
    for path, stand_in, version, before in given:
        data = stand_in.data
        same = data.shape == before.shape and bool(get_array_module(data).array_equal(
            data, before, equal_nan=data.dtype.kind in "fc"))
        if stand_in._version == version and not same:
            where = "".join(f"[{key!r}]" for key in path[1:])
            raise CaptureError(f"capture: the step wrote into the array of its argument "
                               f"{path[0]}{where} outside ops (NumPy on .data, out=): a replay "
                               f"would not repeat it; do it with ops inside the step, or "
                               f"before calling it")


def _check_arguments_not_differentiated(arguments):
    """Refuse a step that made an argument require grad (`x.requires_grad_()`): the step
    sees a stand-in for the caller's array or Variable, whose gradient the caller would
    never get."""
    for path, stand_in in arguments:
        if stand_in.requires_grad or stand_in.grad is not None:
            where = "".join(f"[{key!r}]" for key in path[1:])
            raise CaptureError(f"capture: the step made its argument {path[0]}{where} require "
                               f"grad: its gradient would go to the capture's stand-in, not to "
                               f"your Variable; pass a Variable that requires grad instead")


def _random_draws_outside(record, generators, numpy_before, python_before):
    """What drew random numbers while the step recorded other than its random ops (whose
    draws, dropout's masks, a replay makes again), or None: `if np.random.rand() < 0.5`
    decided by the recording calls' draw would keep that branch in every replay (and stop
    drawing, so that later masks would differ from an eager run's), `x + rng.normal(...)`
    its noise. Python's random module is never drawn from by ops; NumPy's global generator
    and the Generators the step names ({name: generator}, None: the global one) must end
    where the random ops' draws alone take them. (Another thread drawing meanwhile looks the
    same: the call stays eager, and the next records again.)"""
    if random.getstate() != python_before:
        return "Python's random module (random.random, random.choice, ...)"
    after = {name: _state_of(g) for name, g in generators.items()}
    if all(_same_state(after[name], numpy_before[name]) for name in generators):
        return None
    drawing = [event[1:3] for event in record.events if event[0] == "op" and _draws(event[1])]
    # the ops' own generators that are not watched (a seeded layer's) end where they were
    unwatched = {id(g): (g, _state_of(g)) for g in (getattr(f, "generator", None)
                                                   for f, _ in drawing)
                 if g is not None and all(g is not w for w in generators.values())}
    for name, g in generators.items():
        _set_state(g, numpy_before[name])
    try:
        for func, inputs in drawing:
            _draw_again(func, inputs)
        by_ops = {name: _state_of(g) for name, g in generators.items()}
    finally:
        for name, g in generators.items():
            _set_state(g, after[name])
        for g, state in unwatched.values():
            _set_state(g, state)
    for name in generators:
        if not _same_state(by_ops[name], after[name]):
            return (f"the NumPy generator {name!r} outside the step's random ops" if name else
                    "NumPy's global generator outside the step's random ops (np.random.rand() "
                    "in Python, or a Function whose forward draws without draws_random = "
                    "True)")
    return None


def _state_of(generator):
    """The state of a NumPy Generator or RandomState, or of NumPy's global one (None)."""
    if generator is None:
        return np.random.get_state()
    if isinstance(generator, np.random.RandomState):
        return generator.get_state()
    return generator.bit_generator.state


def _set_state(generator, state):
    if generator is None:
        np.random.set_state(state)
    elif isinstance(generator, np.random.RandomState):
        generator.set_state(state)
    else:
        generator.bit_generator.state = state


def _same_state(a, b):
    if isinstance(a, dict):  # a Generator's: numbers only
        return a == b
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


def _watched_generators(reads, args, kwargs):
    """{name: generator}, each generator once: NumPy's global one (None), those held by the
    objects given to the step and those its code names or reads off a name."""
    found = {}
    for name, generator in {None: None, **_held_generators(args, kwargs),
                            **reads.generators()}.items():
        if all(generator is not g for g in found.values()):
            found[name] = generator
    return found


def _held_generators(args, kwargs):
    """{"name.attribute": generator} for the NumPy Generators and RandomStates held in the
    attributes of the objects given to the step (a trainer's `self.rng`)."""
    found = {}
    for obj in (*args, *kwargs.values()):
        attributes = getattr(obj, "__dict__", None)
        if isinstance(attributes, dict):
            found.update((f"{type(obj).__name__}.{name}", value)
                         for name, value in attributes.items()
                         if isinstance(value, (np.random.Generator, np.random.RandomState)))
    return found


def _draws(func):
    """Whether an op draws random numbers: from NumPy's global generator (`draws_random`)
    or from a `generator` of its own (a seeded layer's, or one the step names), which a
    replay draws from again as an eager call would."""
    return func.draws_random or getattr(func, "generator", None) is not None


def _draw_again(func, inputs):
    """func's forward run again on its inputs for its draws alone (it keeps what it holds)."""
    held = dict(func.__dict__)
    try:
        func.forward(*[x.data for x in inputs])
    finally:
        func.__dict__.clear()
        func.__dict__.update(held)


def _check_results_kept(record):
    """Refuse a step that wrote into an op's result outside ops (`h.data *= 0.5`,
    `np.clip(h.data, out=h.data)`, `h.data = ...`): a replay stores each op's fresh result,
    so the write would be skipped. Results sharing memory (views) are checked through the
    array that owns it, when an op made that one too."""
    for y, data, before in record.results:
        same = y.data is data and bool(get_array_module(data).array_equal(
            data, before, equal_nan=data.dtype.kind in "fc"))
        if not same:
            raise CaptureError(f"capture: the step changed the array of an op's result (of "
                               f"shape {tuple(y.shape)}) outside ops (NumPy on .data, out=, "
                               f"a new .data): a replay would not repeat it; do it with ops")


def _touched(record):
    """The Variables a record's ops read that no call makes anew (parameters, constants,
    the user's leaves), and the parameters of the optimizers its replayable calls used."""
    standing = {id(v) for _, v in record.arguments}
    found = {id(x): x for e in record.events if e[0] == "op" for x in e[2]
             if x.creator is None and id(x) not in standing}
    for e in record.events:
        if e[0] == "effect":
            for value in e[2]:
                for group in getattr(value, "param_groups", ()):  # an optimizer
                    found.update((id(p), p) for p in group["params"])
    return [x for x in found.values() if is_array(x.data)]


class _State:
    """The data (object and values), gradient (object and values) and requires_grad of some
    Variables, as noted last: what only ops, backward and replayable calls may change."""

    def __init__(self, variables):
        self.variables = variables
        self.note()

    def note(self):
        self.seen = [(v, v.data, v.data.copy(), v.grad,
                      None if v.grad is None else _values(v.grad), v.requires_grad)
                     for v in self.variables]

    def changed(self, values=True):
        """What changed since the last note (a description), or None; without `values`,
        only which objects the Variables hold and their flags (cheap: checked at every op)."""
        for v, data, copy, grad, grad_copy, flag in self.seen:
            shape = tuple(v.shape)
            if v.grad is not grad:
                return f"a gradient (.grad of a Variable of shape {shape}) was replaced"
            if v.data is not data or (values and not _same_values(data, copy)):
                return f"the values of a Variable of shape {shape} changed"
            if values and grad is not None and not _same_values(_values(grad), grad_copy):
                return f"the gradient of a Variable of shape {shape} changed"
            if v.requires_grad is not flag:
                return f"requires_grad of a Variable of shape {shape} changed"
        return None


def _values(grad):
    data = grad.data if isinstance(grad, Variable) else grad
    return as_array(data).copy()


def _standing_in(value, arguments, path):
    """Arrays (and Variables without grad) stand in as fresh Variables the step receives;
    a replay puts the new arrays into them."""
    if isinstance(value, (tuple, list)):
        return _rebuilt(value, [_standing_in(v, arguments, path + (i,))
                                for i, v in enumerate(value)])
    if isinstance(value, dict):  # (a dict reused for each batch would otherwise hold the
        # first call's arrays as constants of the step)
        return _mapped(value, lambda key, v: _standing_in(v, arguments, path + (key,)))
    if isinstance(value, Variable) and value.requires_grad:
        return value
    if isinstance(value, Variable) or is_array(value):
        stand_in = wrap(value.data if isinstance(value, Variable) else value, False)
        arguments.append((path, stand_in))
        return stand_in
    return value


# ----- comparing two records -----

def _refused_after_running(check, *args):
    """check(*args), its CaptureError saying that the call it refuses has run: a recording
    runs the step as written, so one run again eagerly would train twice on that batch."""
    try:
        check(*args)
    except CaptureError as error:
        raise CaptureError(f"{error} (this call ran the step as written: its update is "
                           "applied; do not run it again for this batch)") from None


def _refuse_carried_over(first, second):
    """Refuse a second call whose ops read a Variable the first call computed (an RNN's
    state kept in an attribute, a global or a closure between calls): a replay would give
    its ops the recorded Variable, never the previous replay's."""
    for event in second.events:
        if event[0] == "op":
            for x in event[2]:
                if id(x) in first.made and id(x) not in second.made:
                    raise CaptureError(
                        f"capture: input of {event[1].name} is a value the previous call "
                        f"computed, kept between calls (an RNN's state stored on the module, "
                        f"`self.state = h.detach()`, or in a global): a replay would not carry "
                        f"it over. Pass it in and out as an argument (`h = step(x, h)`), or "
                        f"call the step without capture.")


def _compare(first, second):
    """Raise CaptureError where the two eager calls of one signature did different things."""
    _refuse_carried_over(first, second)
    a, b = _Described(first), _Described(second)
    if len(a.events) != len(b.events):
        raise CaptureError(f"capture: the step differs between the two recorded calls: it ran "
                           f"{len(a.events)} ops and calls the first time and {len(b.events)} "
                           f"the second (a branch on a value? or a value kept from the call "
                           f"before, such as an RNN's state stored on the module, None at "
                           f"first), so it cannot be replayed")
    for i, (x, y) in enumerate(zip(a.events, b.events)):
        if x != y:
            raise CaptureError(f"capture: event {i} differs between the two recorded calls: "
                               f"{_shown(x)} the first time, {_shown(y)} the second")
    for i, (x, y) in enumerate(zip(a.variables, b.variables)):
        if x is not y and x.data is not y.data and (  # (a buffer, wrapped in each call)
                isinstance(y, Parameter) or not _same_values(x.data, y.data)):
            raise CaptureError(
                f"capture: {b.variable_sites[i]} is an array that is not an argument, a "
                f"parameter or an op's result, and it differed between the two recorded calls "
                f"(drawn with NumPy, computed from .data, or a .grad read inside the step): a "
                f"replay would reuse it. Make it with rungrad's ops from the arguments, or pass "
                f"it as an argument; read gradients after the step returns.")
    for (site, x), (_, y) in zip(a.settings, b.settings):
        if not _same_setting(x, y):
            raise CaptureError(f"capture: {site} differed between the two recorded calls (an "
                               f"array computed from the data?): a replay would keep the "
                               f"second call's. Give it to the op as an input (a Variable).")
    if a.result != b.result:
        raise CaptureError("capture: the step returned different things in the two calls")


class _Described:
    """A record as comparable events: Variables as their roles, not their identities."""

    def __init__(self, record):
        self.record = record
        self.variables, self.variable_sites = [], []  # the others: parameters, constants
        self.settings = []  # (site, value) of each op's constructor arguments
        self.arguments = {id(v): ("arg", i) for i, (_, v) in enumerate(record.arguments)}
        self.argument_memory = {_memory(v.data) for _, v in record.arguments}
        # arrays of this call's values that did not come out of an op as its result: an op's
        # result taken out of the graph (.data), and comparisons of Variables (x != 0)
        leaves = {_memory(x.data) for e in record.events if e[0] == "op" for x in e[2]
                  if x.creator is None}
        self.value_memory = {_memory(y.data) for e in record.events if e[0] == "op"
                             for y in _as_tuple(e[3])} - leaves
        # results of ops of constants alone: the same at each call while the constants are
        self.constant_memory = {_memory(y.data): record.from_constants[id(y)]
                                for e in record.events if e[0] == "op"
                                for y in _as_tuple(e[3]) if id(y) in record.from_constants}
        self.value_memory -= set(self.constant_memory)
        self.value_memory |= {_memory(a) for a in record.outside}
        self.ops = {id(e[1]): i for i, e in enumerate(record.events) if e[0] == "op"}
        self.events = [self._event(i, e) for i, e in enumerate(record.events)]
        self.result = _shape_of_result(record.result, self._role, "the step's result")

    def _event(self, index, event):
        kind = event[0]
        if kind == "op":
            _, func, inputs, outputs = event
            site = f"input {{}} of {func.name} (event {index})"
            self._note_settings(func, index)
            return ("op", type(func), tuple(self._role(x, site.format(i))
                                            for i, x in enumerate(inputs)),
                    tuple((y.data.shape, y.data.dtype.str) for y in _as_tuple(outputs)))
        if kind == "backward":
            _, outputs, seeds, _ = event
            seeds = _as_seed_list(seeds, len(outputs))
            return ("backward", tuple(self._role(y, "backward's output") for y in outputs),
                    tuple(None if g is None else self._role(g, "backward's gradient")
                          for g in seeds))
        _, method, args, kwargs = event
        site = f"an argument of {_name(method)} (event {index})"
        return ("effect", _name(method), tuple(self._argument(v, site) for v in args),
                tuple((k, self._argument(v, site)) for k, v in sorted(kwargs.items())))

    def _note_settings(self, func, index):
        """The op's constructor arguments, as it keeps them (`self.index = index`): arrays
        there are the capture's (a label array a loss keeps, an index) and must be constants."""
        for name in _constructor_arguments(type(func)):
            if name not in vars(func) or name in _RECORDED:
                continue  # (an `inputs` argument kept under another name: Einsum's)
            value = vars(func)[name]
            site = f"{func.name}'s {name!r} (event {index})"
            if name == "index" and vars(func).get("held_index") is not None:
                value = self._index_roles(func.held_index, site)
            if any(_memory(a) in self.argument_memory for a in _arrays_in(value)):
                raise CaptureError(f"capture: {site} holds an argument's array: a replay would "
                                   f"keep the first call's values. Give it to the op as an "
                                   f"input (a Variable), not as a setting.")
            if any(_memory(a) in self.value_memory for a in _arrays_in(value)):
                raise _computed_outside(site)
            for array in _arrays_in(value):  # (a replay holds while those constants do)
                for leaf in self.constant_memory.get(_memory(array), ()):
                    self.record._note_leaf_read(leaf)
            self.settings.append((site, value))

    def _index_roles(self, index, site):
        """An index given with Variables (get_item's), each integer one that an op of this
        step made or an argument holds as its role: a replay reads its array afresh
        (GetItem.refresh_index). A boolean mask's stays its array, and so do indices whose
        number follows values (unique's): the result's shape would follow them."""
        if isinstance(index, tuple):
            return tuple(self._index_roles(part, site) for part in index)
        if not isinstance(index, Variable):
            return index
        if index.dtype.kind in "iu" and id(index) not in self.record.value_shaped and (
                id(index) in self.record.made or id(index) in self.arguments):
            return ("index", self._role(index, site))
        return index.data

    def _argument(self, value, site):
        if isinstance(value, Variable):
            return self._role(value, site)
        if isinstance(value, (list, tuple)):  # (the parameters to clip)
            return (type(value).__name__,) + tuple(self._argument(v, site) for v in value)
        index = self.ops.get(id(value))  # an op of this step, whose forward a replay repeats
        return ("op", index) if index is not None else _identity(value)

    def _role(self, x, site):
        if not isinstance(x, Variable):
            x = wrap(as_array(x), False)
        known = self.record.made.get(id(x)) or self.arguments.get(id(x))
        if known is not None:
            return known
        if _memory(x.data) in self.argument_memory:
            raise CaptureError(
                f"capture: {site} is an argument's array outside its Variable (.data of an "
                f"argument, or a view of it): a replay would keep the first call's values. "
                f"Use the argument itself with rungrad's ops.")
        if _memory(x.data) in self.value_memory:
            raise _computed_outside(site)
        # Compared with the other record's by identity (parameters) or by value (constants)
        self.variables.append(x)
        self.variable_sites.append(site.replace("input", "the input", 1))
        return ("var", len(self.variables) - 1)


def _computed_outside(site):
    return CaptureError(
        f"capture: {site} holds values computed outside rungrad's ops in this call (an "
        f"array compared in NumPy, `x.data != 0`; an op's result taken out of the graph "
        f"with .data; a boolean mask computed by "
        f"an op, or indices whose number follows the values, unique's, nonzero's: the "
        f"result's shape would follow them): a replay would keep this call's values. "
        f"Compute it with ops on Variables: a mask with `x != 0` (given to autograd.where "
        f"or masked_fill: as an index, x[mask], its selection's shape follows the values, "
        f"which a replay cannot), indices with argmax, argsort or x.max(dim), which "
        f"get_item, take, take_along_axis and gather read afresh at each replay; or call "
        f"the step without capture.")


def _identity(value):
    """How an effect's argument must match between the records: plain values by value,
    objects by identity (an optimizer, a buffer array: an array made anew in each call does
    not match, as both records are alive while they are compared, so ids are not reused)."""
    if value is None or isinstance(value, (bool, int, float, str, np.generic)):
        return ("value", value)
    return ("object", id(value))


def _shape_of_result(result, role, where):
    if result is None:
        return None
    if isinstance(result, Variable):
        return role(result, where)
    if isinstance(result, (tuple, list)):
        return (type(result).__name__,) + tuple(_shape_of_result(r, role, where) for r in result)
    if isinstance(result, _RecordedNumber):
        return ("number", result.made_by)
    return ("dict",) + tuple((k, _shape_of_result(v, role, where))
                             for k, v in result.items())


_RECORDED = frozenset(("inputs", "outputs", "generation", "needs_input_grad", "recorded_at",
                       "output_specs"))  # what Function.__call__ sets on every op


@functools.lru_cache(maxsize=None)
def _constructor_arguments(cls):
    import inspect
    try:
        parameters = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return ()
    return tuple(name for name in parameters if name != "self")


def _arrays_in(value, depth=0):
    """The arrays in a setting: itself, or inside tuples, lists and dicts (an index)."""
    if isinstance(value, np.generic) or is_array(value):  # (an argmax's NumPy scalar too)
        return [value]
    if depth > 2:
        return []
    if isinstance(value, (tuple, list)):
        return [a for v in value for a in _arrays_in(v, depth + 1)]
    if isinstance(value, dict):
        return [a for v in value.values() for a in _arrays_in(v, depth + 1)]
    held = _attributes_of(value)
    return [] if held is None else _arrays_in(held, depth + 1)


def _attributes_of(value):
    """vars() of another object given to an op as a setting (a user's settings object),
    looked into for arrays; None for what is compared by kind: a function, a class, a
    Function, a Variable, an object without attributes."""
    from .function import Function  # (function.py imports this module's users)
    if isinstance(value, (type, types.FunctionType, types.MethodType, Function, Variable)):
        return None
    return getattr(value, "__dict__", None)


def _same_setting(x, y, depth=0):
    if is_array(x) or is_array(y):
        return (is_array(x) and is_array(y) and get_array_module(x) is get_array_module(y)
                and (x is y or _same_values(x, y)))
    if depth > 3:  # (deeper: compared by kind, below)
        return type(x) is type(y)
    if isinstance(x, (tuple, list)) and type(x) is type(y):
        return len(x) == len(y) and all(_same_setting(a, b, depth + 1) for a, b in zip(x, y))
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(_same_setting(x[k], y[k], depth + 1) for k in x)
    if isinstance(x, (Variable, slice, np.generic)) or x is None or isinstance(
            x, (bool, int, float, str)):
        try:
            return bool(x == y) if not isinstance(x, Variable) else x is y
        except (TypeError, ValueError):
            return False
    if type(x) is not type(y):
        return False
    held = None if x is y else _attributes_of(x)
    # another object given to an op (a user's settings object): by what it holds, so that
    # an array computed from the data inside it is seen; a function or a class by its kind
    return held is None or _same_setting(held, vars(y), depth + 1)


def _same_values(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(
        a, b, equal_nan=a.dtype.kind in "fc")


def _memory(array):
    """The array that owns `array`'s memory (a view of a view, an asarray of an ndarray
    subclass's view: followed to the end), as an id."""
    while getattr(array, "base", None) is not None:
        array = array.base
    return id(array)


def _as_seed_list(seeds, n):
    if seeds is None:
        return [None] * n
    return list(seeds) if isinstance(seeds, (list, tuple)) else [seeds]


def _shown(event):
    if event[0] == "op":
        return f"{event[1].__name__} on {event[2]}"
    if event[0] == "effect":
        return f"{event[1]} with arguments {event[2]} {dict(event[3])}"
    return f"{event[0]} {event[1]}"


def _name(method):
    return getattr(method, "__qualname__", repr(method))


# ----- replaying -----

class Program:
    """A record turned into one generated function (autograd/replay_code.py)."""

    def __init__(self, record):
        self.arguments = record.arguments
        self.result = record.result
        self.record = record  # keeps every Variable the code uses alive
        self.stand_ins = [v for _, v in record.arguments]  # (positional, then by keyword)
        self.replay, self.code = _written(record, self.stand_ins)
        self.plain = record.plain
        self.leaves = record.leaves
        self.reads = record.reads
        self.state = record.state

    def run(self, args, kwargs):
        if self.plain:  # arrays only, each stood in for by one Variable
            self.replay(*args)
        else:
            values = []
            _flatten_arrays(args, values)
            for value in kwargs.values():  # (the signature matched: same names, same order)
                _flatten_arrays(value, values)
            self.replay(*[v.data if isinstance(v, Variable) else v for v in values])
        return _returned(self.result, None)


def _written(record, stand_ins):
    """The replay function of a record's events, and its source."""
    from .replay_backward import write_backward
    from .replay_code import CodeWriter
    code = CodeWriter(stand_ins)
    unread = _unread_ops(record)
    numbers = {index: number for number, index in record.numbers.values()}
    for index, event in enumerate(record.events):
        if event[0] == "op":
            code.refresh_index(event[1])
            if id(event[1]) in unread:
                code.line(f"# {event[1].name}: its result is never read")
            else:
                code.op(*event[1:])
        elif event[0] == "backward":
            code.line("# backward")
            write_backward(code, *event[1:])
        else:
            _, method, args, kwargs = event
            code.effect(functools.partial(method, *args, **kwargs), _name(method),
                        numbers.get(index))
    return code.function()


def _unread_ops(record):
    """The ids of the ops whose forward a replay may skip: nothing reads their results (no
    later op, the step's result, a replayable call's arguments, or the backward of a skipped
    op that reads its inputs' values), their backward does not read their forward's work
    (`Function.backward_reads_forward`: a loss only backpropagated, not returned) and they
    draw no random numbers (a skipped draw would shift every later one, dropout's masks,
    from the eager step's). A backward from such a result needs only its shape."""
    read = set()
    _note_variables(record.result, read)
    for event in record.events:
        if event[0] == "effect":
            _note_variables((event[2], event[3]), read)
        elif event[0] == "backward" and event[2] is not None:
            _note_variables(event[2], read)  # (a seed that is some op's result)
    while True:
        unread = _unread_given(record, set(read))
        kept = _held_outside(record, unread)
        if not kept:
            return unread
        read |= kept


def _unread_given(record, read):
    """The ids of the ops no later op reads (see _unread_ops), the results in `read` read."""
    unread = set()
    for event in reversed(record.events):
        if event[0] != "op":
            continue
        _, func, inputs, outputs = event
        # (an index's Variables are read by the forward and the backward both)
        read.update(id(v) for v in getattr(func, "index_variables", ()))
        if (not func.backward_reads_forward and not _draws(func) and id(func) not in read
                and not any(id(y) in read for y in _as_tuple(outputs))):
            unread.add(id(func))
            if func.backward_reads_inputs:  # (its backward still runs, on their arrays)
                read.update(id(x) for x in inputs)
        else:
            read.update(id(x) for x in inputs)
    return unread


def _held_outside(record, unread):
    """The ids of the results of the ops `unread` that something besides the record holds:
    the step kept them to read later (a loss put in a dict, a list, an attribute, an object
    array), so a replay must compute them. Told by their reference counts against the
    record's own references, calibrated on an object held as they are here."""
    results = [y for e in record.events if e[0] == "op" and id(e[1]) in unread
               for y in _as_tuple(e[3])]
    if not results:
        return set()
    containers = {id(entry): entry for entry in record.results}
    for event in record.events:  # (an op's inputs tuple is also its Function's .inputs)
        containers[id(event)] = event
        containers.update((id(p), p) for p in event[1:] if isinstance(p, (tuple, list)))
    results.append(object())  # the calibration: referenced by this list alone
    counts = [sys.getrefcount(y) for y in results]
    baseline = counts.pop()
    results.pop()
    own = Counter(id(z) for c in containers.values() for z in c)  # the record's references
    return {id(y) for y, count in zip(results, counts) if count > baseline + own[id(y)]}


def _note_variables(value, into):
    """Add the ids of the Variables and other objects in `value` (lists, tuples, dicts)."""
    if isinstance(value, (tuple, list)):
        for v in value:
            _note_variables(v, into)
    elif isinstance(value, dict):
        for v in value.values():
            _note_variables(v, into)
    else:
        into.add(id(value))


def _flatten_arrays(value, into):
    if isinstance(value, (tuple, list, dict)):  # (a dict's values: its keys' order is signed)
        for v in (value.values() if isinstance(value, dict) else value):
            _flatten_arrays(v, into)
    elif is_array(value) or (isinstance(value, Variable) and not value.requires_grad):
        into.append(value)


def _returned(result, record):
    """The step's result with each Variable a fresh, detached one: a replay must not change
    what an earlier call returned (a list of losses)."""
    if result is None:
        return None
    if isinstance(result, Variable):  # a copy: an op may write its next result in place
        if _is_a_gradient(result, record):
            raise CaptureError("capture: the step returned a .grad: a replay stores new "
                               "gradients but would return the recorded one; read .grad after "
                               "the step returns")
        return wrap(result.data.copy(), False)
    if isinstance(result, (tuple, list)):
        return _rebuilt(result, [_returned(r, record) for r in result])
    if isinstance(result, dict):
        return _mapped(result, lambda _, v: _returned(v, record))
    if isinstance(result, _RecordedNumber):
        return _fresh_number(result, record)
    kind = "NumPy array" if isinstance(result, np.ndarray) else type(result).__name__
    raise CaptureError(f"capture: the step returned a {kind}; return Variables (the loss), or "
                       f"tuples, lists or dicts of them: any other value would be the "
                       f"capture's, not the replay's")


def _fresh_number(number, record):
    """A replayable call's number the step returns (clip_grad_norm_'s norm) as the eager call
    gives it, a float: each replay sets it afresh (`record`: the recording, None in a
    replay). A number made of it would keep the recording call's value."""
    if record is not None and id(number) not in record.numbers:
        raise CaptureError(f"capture: the step returned a number computed from "
                           f"{number.made_by}'s result: a replay sets that result afresh, not "
                           f"what the step made of it; return {number.made_by}'s result "
                           f"itself")
    return float(number.view(np.ndarray))


def _warn_if_detached(record):
    """Warn, once per capture, of a step that returns results requiring grad and runs no
    backward (a model's forward captured alone): a replay has no graph, so every call
    returns them detached, and a loss built on them outside would silently train nothing
    before them."""
    if any(e[0] == "backward" for e in record.events):
        return
    found = set()
    _note_variables(record.result, found)
    made = {id(y): y for e in record.events if e[0] == "op" for y in _as_tuple(e[3])}
    if any(made[i].requires_grad for i in found if i in made):
        user_warning("capture: the step returns a result that requires grad but runs no "
                     "backward: each call returns it detached (a replay has no graph), so a "
                     "backward outside the step reaches none of the parameters before it. "
                     "Capture the whole training step (backward and the optimizer's step "
                     "inside it), or compute values alone under autograd.no_grad()",
                     DetachedResultWarning)


def _is_a_gradient(result, record):
    """Whether `result` is the .grad of a leaf the step's ops read (a parameter)."""
    return record is not None and any(x.grad is result for e in record.events
                                      if e[0] == "op" for x in e[2] if x.creator is None)


def _mapped(mapping, value_of):
    """A copy of the dict `mapping`, its type kept (a defaultdict, an OrderedDict), with each
    value v replaced by value_of(key, v)."""
    copy = mapping.copy()
    for key, v in mapping.items():
        copy[key] = value_of(key, v)
    return copy


def _rebuilt(sequence, items):
    """A tuple or list of `sequence`'s type holding `items` (a namedtuple takes them as
    separate arguments)."""
    return type(sequence)(*items) if hasattr(sequence, "_fields") else type(sequence)(items)


def _as_tuple(outputs):
    return outputs if outputs.__class__ is tuple else (outputs,)


__all__ = ["capture", "CapturedStep", "CaptureError", "DetachedResultWarning",
           "RandomDrawWarning", "replayed",
           "number_of_this_call",
           "run_replayed", "capturing", "recording", "python_state_changed"]
