"""Check one Function class on inputs drawn from its specs: the forward against its NumPy
`reference`, backprop against numerical differentiation to first and second order.

`check_function(cls)` runs hypothesis over `examples(cls)`: a failure is shrunk to a minimal
example and raised as a FunctionCheckError naming the class and that example.
"""
import importlib
import inspect
import os
import traceback
import zlib

import numpy as np

from ..arguments import as_list
from ..array_text import position
from ..engine import grad
from ..function import Function
from ..numerical import GradcheckError, from_hypothesis, gradcheck, gradgradcheck
from ..variable import Variable
from ..walk import functions_behind
from .discovery import function_name
from .drawing import examples, resolve

# Where a raised error's frames are not the user's: rungrad's packages and NumPy
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_NOT_THE_USERS = tuple(os.path.join(_ROOT, name) + os.sep for name in ("autograd", "nn", "optim")
                       ) + (os.path.dirname(os.path.abspath(np.__file__)) + os.sep,)

# Forward against reference: a hundred ulps (a stable formula and NumPy's plain one round
# differently, and sums over an axis add up their rounding).
_FORWARD_ULPS = 100


class FunctionCheckError(AssertionError):
    """A declared Function failed its check; `kind` is 'forward', 'gradcheck',
    'gradgradcheck', 'spec' (the declaration itself is wrong) or 'raised' (the Function
    raised an error on a drawn example)."""

    def __init__(self, message, kind):
        super().__init__(message)
        self.kind = kind


def spec_status(cls):
    """'spec' (declares input_specs), 'through' (checked_through another Function) or
    'missing'."""
    if getattr(cls, "input_specs", None):
        return "spec"
    if getattr(cls, "checked_through", None):
        return "through"
    return "missing"


def check_function(cls, settings=None):
    """Run the hypothesis-driven check of the Function class `cls` (see the module docstring).
    settings: a hypothesis `settings` object (default: the loaded profile); either way
    without hypothesis' default timing rules, unless they set their own deadline."""
    from hypothesis import given
    from hypothesis import settings as hypothesis_settings

    if not (isinstance(cls, type) and issubclass(cls, Function)):
        raise TypeError(f"check_function: cls must be a Function subclass, the class itself, "
                        f"got {_described(cls)}")
    if settings is not None and not isinstance(settings, hypothesis_settings):
        raise TypeError(f"check_function: settings must be a hypothesis settings object, "
                        f"settings(max_examples=...), got {type(settings).__name__}")
    if spec_status(cls) != "spec":
        raise FunctionCheckError(f"{_name(cls)} declares no input_specs", "spec")

    def check(example):
        check_example(cls, example)
    # One database key per class: the check's source is the same for all, and hypothesis
    # keys its saved failures by source (this attribute is how its own stateful tests add to
    # the key; an older or newer hypothesis that ignores it only shares the key again)
    check._hypothesis_internal_add_digest = _name(cls).encode()
    check = _untimed(settings)(given(example=examples(cls))(check))
    try:
        check()
    except Exception as found:
        report = one_report(found) or _all_rejected(cls, found)
        if report is None:
            raise
        raise report from None


def _described(thing):
    """What check_function was given instead of a Function class, in words."""
    if isinstance(thing, Function):
        return f"an instance of {type(thing).__name__} (pass the class, {type(thing).__name__})"
    if isinstance(thing, type):
        return f"the class {thing.__qualname__}, which is no Function"
    return f"a {type(thing).__name__}"


def one_report(found):
    """hypothesis' group of distinct failures (an ExceptionGroup) as one FunctionCheckError
    naming each, of the first check failure's kind; None for anything else. Another error
    in the group (hypothesis' own, say) is named by its type."""
    failures = getattr(found, "exceptions", None)
    if not failures or not any(isinstance(e, FunctionCheckError) for e in failures):
        return None
    kind = next(e.kind for e in failures if isinstance(e, FunctionCheckError))
    return FunctionCheckError(f"{len(failures)} distinct failures:\n" + "\n".join(
        str(e) if isinstance(e, FunctionCheckError) else f"{type(e).__name__}: {e}"
        for e in failures), kind)


def _all_rejected(cls, found):
    """hypothesis' error where (nearly) every example drawn was left out, as a
    FunctionCheckError: the specs draw inputs at a kink of the Function (where it has no
    derivative to check) or nothing at all; None for any other error."""
    from hypothesis.errors import FailedHealthCheck, Unsatisfiable
    if not isinstance(found, (Unsatisfiable, FailedHealthCheck)) or (
            isinstance(found, FailedHealthCheck) and "filter" not in str(found)):
        return None
    return FunctionCheckError(f"{_name(cls)}: too few of the examples drawn from its specs "
                              f"could be checked: each sat at a kink of the Function (f has "
                              f"no derivative there), or the specs draw nothing; declare "
                              f"specs that keep off the kink (Spec(elements=\"nonzero\") off "
                              f"0)\n  ({type(found).__name__}: {found})", "spec")


def _untimed(chosen=None):
    """`chosen` settings (default: the loaded profile), without the timing rules of
    hypothesis' defaults if they still apply (a deadline of 200 ms an example; the health
    check that fails slow input drawing): a check's time says nothing of its correctness,
    and a loaded machine (a CI runner) breaks them. `settings(max_examples=50)` inherits
    them from the default profile, so a deadline equal to hypothesis' default counts as
    not chosen."""
    from hypothesis import HealthCheck, settings
    current = settings() if chosen is None else chosen
    if current.deadline != settings.get_profile("default").deadline:
        return current  # the user chose their own timing rules
    quiet = set(current.suppress_health_check) | {HealthCheck.too_slow}
    return settings(current, deadline=None, suppress_health_check=list(quiet))


def check_parent(cls):
    """`cls.checked_through` must name a Function of cls's module that declares specs, is
    checked to second order, and records a `cls` when differentiated with create_graph=True
    (so that its second-order check runs cls's backward)."""
    parent_name = cls.checked_through
    parent = getattr(importlib.import_module(cls.__module__), parent_name, None)
    if parent is None or spec_status(parent) != "spec" or getattr(
            parent, "gradcheck_order", 2) < 2:
        raise FunctionCheckError(f"{cls.__qualname__} is checked_through {parent_name!r}, "
                                 f"which is not a Function of {cls.__module__} with "
                                 "input_specs checked to second order", "spec")
    from hypothesis import find, settings
    from hypothesis.errors import NoSuchExample
    apply = _applier(parent)

    def records_cls(example):
        grads = _input_grads(lambda *xs: apply(*xs, **example.args), example.arrays, True)
        return any(type(func) is cls for func in functions_behind(
            [g for g in grads if g is not None]))
    try:
        find(examples(parent), records_cls,
             settings=settings(max_examples=50, database=None, deadline=None))
    except NoSuchExample:
        raise FunctionCheckError(f"{cls.__qualname__} is checked_through {parent_name!r}, "
                                 f"but {parent_name}'s gradient never records a "
                                 f"{cls.__name__} (so its check never runs "
                                 f"{cls.__name__}'s backward)", "spec") from None


def _call_on_copies(f, arrays):
    """(the inputs, the Variable outputs) of f called on copies of `arrays`, the float ones
    requiring grad."""
    xs = [Variable(a.copy(), requires_grad=a.dtype.kind == "f") for a in arrays]
    return xs, [y for y in as_list(f(*xs)) if isinstance(y, Variable)]


def _input_grads(f, arrays, create_graph):
    """The gradients of f's recorded outputs (upstream gradients of ones that want
    gradients too, as gradgradcheck's) for its float inputs; [] where nothing is recorded."""
    xs, outputs = _call_on_copies(f, arrays)
    outputs = [y for y in outputs if y.creator is not None]
    wanted = [x for x in xs if x.requires_grad]
    if not outputs or not wanted:
        return []
    upstream = [Variable(np.ones_like(y.data)) for y in outputs]
    return grad(outputs, wanted, grad_outputs=upstream, create_graph=create_graph,
                allow_unused=True)


def check_example(cls, example):
    """Check `cls` on one Example; raise FunctionCheckError on the first disagreement, or
    on an error the Function raises (named with the line of the Function's own code that
    raised it, not a traceback through the checker and hypothesis)."""
    try:
        _check_example(cls, example)
    except FunctionCheckError:
        raise
    except Exception as exc:
        if from_hypothesis(exc):  # (assume(), and its own)
            raise
        raise FunctionCheckError(_raised(cls, exc, example), "raised") from exc


def _raised(cls, exc, example):
    """The report of `exc`, raised while checking cls on `example`: where in cls's own
    module (else the innermost frame outside rungrad and NumPy) it was raised."""
    frames, link = [], exc
    while link is not None:  # (an op re-raises its forward's error with a clearer message)
        frames += traceback.extract_tb(link.__traceback__)
        link = link.__cause__ or link.__context__
    try:
        home = inspect.getsourcefile(cls)
    except (OSError, TypeError):  # (a class made in a notebook or by exec: no file)
        home = None
    own = [f for f in frames if f.filename == home] or [
        f for f in frames if not os.path.abspath(f.filename).startswith(_NOT_THE_USERS)]
    where = (f"\n  raised at {own[-1].filename}:{own[-1].lineno}: {own[-1].line}"
             if own else "")
    return (f"{_name(cls)}: raised {type(exc).__name__}: {exc}{where}\n  on {example!r}")


def _check_example(cls, example):
    args = example.args
    apply = _applier(cls)

    def f(*xs):
        return apply(*xs, **args)
    f.__name__ = f"{cls.__name__}.apply"  # (what a report calls it)

    _check_creates(cls, f, example)
    _check_gradient_precision(cls, f, example)
    reference = resolve(getattr(cls, "reference", None))
    if reference is not None:
        _check_forward(cls, f, reference, example)
    order = _checked_order(cls, f, example)
    g, arrays, notes = _differentiated(cls, f, example.arrays)
    for who, check in (("gradcheck", gradcheck), ("gradgradcheck", gradgradcheck))[:order]:
        try:  # (upstream gradients drawn anew for each example: a scalar's sign varies)
            check(g, *arrays, seed=_seed_of(arrays))
        except GradcheckError as exc:
            if exc.explained:  # (f has no derivative to measure there, a kink within a
                from hypothesis import reject  # step: another example is drawn, so that
                reject()  # the search goes on beside the kink)
            if who == "gradgradcheck":
                notes += _detached_note(g, arrays)
            raise FunctionCheckError(f"{_name(cls)}: {exc}{notes}\n  on {example!r}",
                                     who) from None


def _seed_of(arrays):
    """A seed made from the example's numbers: each example's upstream gradients are its
    own, and the same when hypothesis replays it."""
    return zlib.crc32(b"".join(np.ascontiguousarray(a).tobytes() for a in arrays))


def _detached_note(f, arrays):
    """A note where backward's gradients are constants under create_graph=True (arrays
    returned, or math on .data): second order then reads 0, whatever backward's math."""
    if not any(g is not None and not g.requires_grad for g in _input_grads(f, arrays, True)):
        return ""
    return ("\n  note: with create_graph=True its backward gives gradients that are "
            "constants (NumPy arrays, or math on .data): no graph reaches second order. "
            "Write backward with ops on Variables, or declare gradcheck_order = 1")


def _differentiated(cls, f, arrays):
    """(g, its inputs, notes for a report): f of the inputs whose Spec has grad (all but,
    say, a loss's target, which g passes to f as a constant). An input declared
    Spec(grad=False) whose gradient backward gives all the same is differentiated too: a
    gradient given must be right (return None to give none)."""
    declared = [k for k, spec in enumerate(cls.input_specs) if not spec.grad]
    given = _given_gradients(f, arrays, declared)
    fixed = {k: Variable(a, requires_grad=False) for k, a in enumerate(arrays)
             if k in declared and k not in given}
    notes = "".join(f"\n  note: input {k} is declared Spec(grad=False), but its backward "
                    f"gives it a gradient, so that gradient is checked too (return None for "
                    f"it to give none)" for k in given)
    if not fixed:
        return f, arrays, notes
    varying = [k for k in range(len(arrays)) if k not in fixed]
    notes += "".join(f"\n  note: gradcheck's input {i} is the Function's input {k} (its "
                     f"grad=False inputs are passed as constants)"
                     for i, k in enumerate(varying) if i != k)

    def g(*xs):
        moving = iter(xs)
        return f(*[fixed[k] if k in fixed else next(moving) for k in range(len(arrays))])
    g.__name__ = f.__name__
    return g, [arrays[k] for k in varying], notes


def _given_gradients(f, arrays, declared):
    """The inputs among `declared` (float, Spec(grad=False)) that backprop gives a gradient
    when every float input requires one; none where backward refuses that with
    NotImplementedError (a gradient it declines, as det's third derivative at a singular
    matrix: the check of the other inputs goes on without it)."""
    if not declared:
        return []
    floats = [k for k, a in enumerate(arrays) if a.dtype.kind == "f"]
    try:
        grads = _input_grads(f, arrays, False)
    except NotImplementedError:
        return []
    return [k for k, g in zip(floats, grads) if k in declared and g is not None]


def _applier(cls):
    apply = resolve(getattr(cls, "apply", None))
    if apply is not None:
        return apply
    return lambda *xs, **args: cls(**args)(*xs)


def _check_creates(cls, f, example):
    """The declared `apply` must record a `cls` in the graph, or nothing of cls is checked;
    and the call must leave its inputs as they were (a forward that writes into its input
    changes the caller's array, and the numbers every later check sees)."""
    xs, outputs = _call_on_copies(f, example.arrays)
    for k, (x, a) in enumerate(zip(xs, example.arrays)):
        if x.data.shape != a.shape or not np.array_equal(x.data, a, equal_nan=a.dtype.kind
                                                             in "fc"):
            raise FunctionCheckError(f"{_name(cls)}: forward changed its input {k} in place "
                                     f"(a Function must leave its inputs as they were)\n"
                                     f"  on {example!r}", "forward")
    if not any(isinstance(y, Variable) and y.creator is not None for y in outputs):
        return  # nothing recorded (no float input): nothing to look for
    if not any(type(func) is cls or getattr(func, "definition", None) is cls
               for func in functions_behind(outputs)):  # (PyTorch's style: a call of it)
        raise FunctionCheckError(f"{_name(cls)}: its `apply` records no {cls.__name__} in the "
                                 f"graph (so nothing of {cls.__name__} would be checked)\n"
                                 f"  on {example!r}", "spec")


def _check_gradient_precision(cls, f, example):
    """Plain backprop's gradients, as cls's backward gives them (before the engine casts
    them to their inputs' dtypes), must be as precise as their inputs: a float16 gradient
    for a float64 input (a float16 table, a cast) is cast to float64 unseen, its values off
    by up to 4.9e-4, inside gradcheck's rtol of 1e-3 (PyTorch's engine casts it too)."""
    from ..config import no_grad
    xs, outputs = _call_on_copies(f, example.arrays)
    for func in functions_behind([y for y in outputs if y.creator is not None]):
        if type(func) is not cls:
            continue
        ys = [ref() for ref in func.outputs]
        if any(y is None for y in ys):
            continue  # (an output f dropped: its gradient is not backprop's to give)
        with no_grad():
            try:
                given = as_list(func.backward_data(*[np.ones_like(y.data) for y in ys]))
            except NotImplementedError:  # (declined for a grad=False input: its other
                if all(spec.grad for spec in cls.input_specs):  # gradients are gradcheck's)
                    raise
                continue
        for k, (x, g) in enumerate(zip(func.inputs, given)):
            narrower = (g is not None and x.dtype.kind == "f" and np.dtype(g.dtype).kind == "f"
                        and np.dtype(g.dtype).itemsize < x.dtype.itemsize)
            if narrower:
                raise FunctionCheckError(
                    f"{_name(cls)}: backward gives input {k} ({x.dtype}) a {g.dtype} "
                    f"gradient: the engine casts it to {x.dtype}, but its values keep "
                    f"{g.dtype}'s precision (eps {np.finfo(g.dtype).eps:.1e}), which "
                    f"gradcheck's tolerance lets pass; compute it in its input's dtype\n"
                    f"  on {example!r}", "gradcheck")


def _checked_order(cls, f, example):
    """cls's gradcheck_order (0, 1 or 2); 0 (forward only) only for a Function whose
    backward gives no gradient: a declared 0 must not turn a derivative's check off."""
    order = getattr(cls, "gradcheck_order", 2)
    if order not in (0, 1, 2):
        raise FunctionCheckError(f"{_name(cls)}: gradcheck_order must be 0 (forward only), "
                                 f"1 or 2, got {order!r}", "spec")
    if order == 2 and cls.backward is Function.backward:
        raise FunctionCheckError(f"{_name(cls)}: gradcheck_order is 2 (the default), but it "
                                 f"has only backward_data, which serves first-order backprop; "
                                 f"write `backward` (with Variables) for create_graph and "
                                 f"second derivatives, or declare gradcheck_order = 1", "spec")
    if order == 0 and any(g is not None for g in _input_grads(f, example.arrays, False)):
        raise FunctionCheckError(f"{_name(cls)}: gradcheck_order = 0 checks no derivative, "
                                 f"but its backward gives one; declare 1 or 2\n"
                                 f"  on {example!r}", "spec")
    if order and not any(a.dtype.kind == "f" for a in example.arrays):
        raise FunctionCheckError(f"{_name(cls)}: no input of it is floating-point (its specs "
                                 f"draw {', '.join(str(a.dtype) for a in example.arrays)}), "
                                 f"so it has no derivative to check: declare "
                                 f"gradcheck_order = 0 (its forward is checked), or a float "
                                 f"Spec\n  on {example!r}", "spec")
    return order


def _check_forward(cls, f, reference, example):
    got = as_list(f(*[Variable(a.copy()) for a in example.arrays]))
    try:
        want = as_list(reference(*[a.copy() for a in example.arrays], **example.args))
    except Exception as exc:
        if from_hypothesis(exc):
            raise
        raise FunctionCheckError(f"{_name(cls)}: its reference raised {type(exc).__name__}: "
                                 f"{exc} (it must take every input the specs draw)\n"
                                 f"  on {example!r}", "spec") from exc
    if len(got) != len(want):
        raise FunctionCheckError(f"{_name(cls)}: forward gives {len(got)} outputs, the "
                                 f"reference {len(want)}\n  on {example!r}", "forward")
    for k, (y, w) in enumerate(zip(got, want)):
        value, w = np.asarray(y.data), np.asarray(w)
        problem = _forward_problem(value, w)
        if problem:
            raise FunctionCheckError(f"{_name(cls)}: forward output {k} {problem}\n"
                                     f"  on {example!r}", "forward")


def _forward_problem(value, want):
    if value.shape != want.shape:
        return f"has shape {value.shape}, the reference {want.shape}"
    if value.dtype != want.dtype:
        return f"has dtype {value.dtype}, the reference {want.dtype}"
    tol = _FORWARD_ULPS * np.finfo(want.dtype).eps if want.dtype.kind == "f" else 0
    if not np.allclose(value, want, rtol=tol, atol=tol, equal_nan=True):
        worst = position(np.argmax(np.abs(value - want)), value.shape)
        return (f"differs from the reference: at index {worst} {value[worst]!r} against "
                f"{want[worst]!r}")
    return ""


def _name(cls):
    return f"{cls.__module__}.{function_name(cls)}"
