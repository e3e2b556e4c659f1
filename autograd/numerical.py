"""Numerical differentiation, and gradient checks of backprop against it.

Every check works on the scalar F(x) = sum_k <f(x)_k, u_k>, where the u_k are random
(seeded) upstream gradients: a plain sum() would hide bugs that only show for unequal
upstream values (a transposed or mis-broadcast gradient). Numerical derivatives are
central differences computed in float64, whatever the dtype of the inputs.
"""
import contextlib
import numbers
from functools import partial

import numpy as np

from .arguments import as_list
from .array_text import position
from .backend import as_array, get_array_module, is_float, to_cpu
from .check_tolerance import Measured, Tolerance, element_value
from .config import no_grad
from .engine import grad
from .function import Function
from .ops.validation import real_scalar
from .output_element_check import WORDING as ELEMENT_WORDING
from .output_element_check import element_failures, watched_positions
from .variable import Variable

# Above this many elements an input is checked along random directions in mode='auto' (a
# full check costs two evaluations of f per element). Not the default: a wrong gradient of
# one element in n moves a random direction's derivative by about 1/sqrt(n) of it, so a
# large input's error can pass; mode='full' (PyTorch's default too) checks every element.
FAST_MODE_THRESHOLD = 256
FAST_DIRECTIONS = 4
_WORST_SHOWN = 8
_MODES = ("auto", "full", "fast")
_EPS64 = float(np.finfo(np.float64).eps)


class StepOutsideDomainError(ValueError):
    """f raised at a point a numerical-differentiation step from the checked one."""


def from_hypothesis(exc):
    """Whether `exc` is hypothesis' own (assume(), its control flow): never to be wrapped."""
    return type(exc).__module__.split(".")[0] == "hypothesis"


class GradcheckError(AssertionError):
    """Backprop disagrees with numerical differentiation.

    `entries` holds the worst mismatches as (input label, index, analytic, numeric,
    relative error), worst first; the message lists them too.
    """

    def __init__(self, message, entries=()):
        super().__init__(message)
        self.entries = list(entries)
        self.failures = self.entries  # every failing entry (entries: the worst of them)
        self.explained = False  # the numerical side explains each (_explained_by_numerics)
        self.check = None  # (f, inputs, order, options) of the failed check, set by it

    def localize(self):
        """Blame the Function of f's graph whose backward is wrong (autograd.testing.blame):
        returns a Blame naming its class, the user's line that created it and its worst
        entries."""
        if self.check is None:
            raise ValueError("localize: this GradcheckError does not come from gradcheck or "
                             "gradgradcheck, so f and its inputs are unknown")
        from .testing.blame import localize
        f, inputs, order, options = self.check
        return localize(f, *inputs, order=order, **options)


def numerical_diff(f, x, eps=1e-4):
    """Central difference (f(x + eps) - f(x - eps)) / (2 eps), elementwise, in float64.

    `x` is a Variable, array or number; `f` takes and returns a Variable. Returns an ndarray
    of f's output shape: the derivative of each output element along the all-ones direction.
    """
    _check_step("numerical_diff", eps)
    data = _float64(_data(x, "numerical_diff"))
    # (constants, as numerical_grad's: f may be NumPy's own, np.exp)
    y_hi = _data(f(Variable(data + eps, requires_grad=False)), "numerical_diff")
    y_lo = _data(f(Variable(data - eps, requires_grad=False)), "numerical_diff")
    return (_float64(y_hi) - _float64(y_lo)) / (2 * eps)


def numerical_gradient(f, x, h=1e-4):
    """"Deep Learning from Scratch"'s numerical_gradient: each entry of `x` (an array, or a
    Parameter's) moved by +-h in place and f(x) called, so that an f reading `x` through a
    network, `lambda W: net.loss(x, t)`, sees the step; every entry is put back. f returns a
    number (or a one-element Variable). Returns float64 central differences, x's shape
    (numerical_grad gives f copies instead, for f written on its argument)."""
    _check_step("numerical_gradient", h)
    data = x.data if isinstance(x, Variable) else x
    if not (hasattr(data, "dtype") and hasattr(data, "shape")) or data.dtype.kind != "f":
        raise TypeError(f"numerical_gradient: x must be a floating-point array (or Variable), "
                        f"changed in place, got {type(x).__name__}"
                        f"{f' of dtype {data.dtype}' if hasattr(data, 'dtype') else ''}")
    if not data.flags.c_contiguous:  # (else reshape would copy, and f see no step)
        raise TypeError("numerical_gradient: x must be a contiguous array, moved in place "
                        "(np.ascontiguousarray(...) it first)")
    flat = data.reshape(-1)
    grad = np.zeros(flat.size)
    with no_grad():  # (each call's value alone is read)
        for j in range(flat.size):
            original = flat[j]
            try:
                flat[j] = original + h
                higher = _number(f(x), "numerical_gradient")
                flat[j] = original - h
                lower = _number(f(x), "numerical_gradient")
            finally:
                flat[j] = original
            grad[j] = (higher - lower) / (2 * h)
    return grad.reshape(data.shape)


def numerical_grad(f, *inputs, eps=1e-6, grad_outputs=None):
    """Central-difference gradient of sum(f(*inputs) * grad_outputs) w.r.t. every float input.

    grad_outputs: one array per output of f (default: ones, i.e. the plain sum).
    Returns a tuple with one float64 array per input, None for integer and boolean inputs.
    """
    _check_step("numerical_grad", eps)
    arrays = [_data(x, "numerical_grad", i) for i, x in enumerate(inputs)]
    ys = _outputs(f(*[Variable(a, requires_grad=False) for a in arrays]))
    if grad_outputs is None:
        grad_outputs = [get_array_module(y.data).ones_like(y.data) for y in ys]
    grad_outputs = as_list(grad_outputs)
    if len(grad_outputs) != len(ys):
        raise ValueError(f"numerical_grad: {len(grad_outputs)} grad_outputs for the "
                         f"{len(ys)} output(s) of f; give one per output")
    for k, (u, y) in enumerate(zip(grad_outputs, ys)):
        if tuple(np.shape(_data(u, "numerical_grad"))) != tuple(y.shape):
            raise ValueError(f"numerical_grad: grad_output {k} has shape "
                             f"{tuple(np.shape(_data(u, 'numerical_grad')))}, output {k} of f "
                             f"{tuple(y.shape)}")
    objective = _Objective(f, arrays, grad_outputs, with_graph=False)
    return tuple(objective.gradient(i, eps) if is_float(a) else None
                 for i, a in enumerate(arrays))


def gradcheck(f, *inputs, eps=1e-6, atol=None, rtol=None, grad_outputs=None, seed=0,
              mode="full", localize=False):
    """Check backprop through `f` against numerical differentiation for every float input.

    f: takes Variables, returns a Variable or a sequence of them. inputs: Variables or
    arrays; integer/boolean ones are passed through (they get no gradient: the engine drops
    any a backward returns for them).
    grad_outputs: upstream gradients (default: seeded random, entries of size 0.5 to 1.5,
    either sign). mode: 'full' (the default) checks every element, and each output element
    alone (up to 64: autograd/output_element_check.py), 'fast' FAST_DIRECTIONS
    random directions per input
    (v·grad against a central difference along v: quicker, but a wrong gradient of a few
    elements of a large input may pass), 'auto' picks 'fast' for inputs above
    FAST_MODE_THRESHOLD elements. An entry passes when |analytic - numeric| <= atol + rtol
    |numeric|; atol and rtol given are used as they are, None chooses them from the inputs'
    dtypes and the gradients' sizes (autograd/check_tolerance.py: rtol 1e-3 in float64, 1e-4
    in float32; atol 1e-5 scaled down with gradients below 1 in float64, about 1e-5 times
    the gradients' size in float32). localize=True: on a mismatch, re-check each
    Function of f's graph at its own inputs and name the first wrong one in the error
    (GradcheckError.localize).
    Returns True, or raises GradcheckError.
    """
    _check_callable("gradcheck", f)
    arrays = [_data(x, "gradcheck", i) for i, x in enumerate(inputs)]
    _check_options("gradcheck", arrays, eps, atol, rtol)
    labels = [f"input {i}" for i in range(len(arrays))]
    with _blaming(f, arrays, 1, dict(eps=eps, atol=atol, rtol=rtol, mode=mode), localize):
        return _check("gradcheck", f, arrays, labels, grad_outputs, eps, atol, rtol, seed,
                      mode, with_graph=False)


def gradgradcheck(f, *inputs, eps=1e-6, atol=None, rtol=None, grad_outputs=None,
                  grad_grad_outputs=None, seed=0, mode="full", localize=False):
    """Check second-order backprop through `f` for every float input.

    The first-order gradient g(x, u) = d<f(x), u>/dx is built by backward with
    create_graph=True; backprop through that graph is checked against numerical
    differentiation of g, both w.r.t. x and w.r.t. the upstream gradient u (so a backward
    that detaches u or x is caught). grad_outputs: u (default: seeded random);
    grad_grad_outputs: upstream gradients for g's outputs (default: seeded random).
    Other arguments as in gradcheck (localize=True re-checks each Function's second order).
    Returns True, or raises GradcheckError.
    """
    _check_callable("gradgradcheck", f)
    arrays = [_data(x, "gradgradcheck", i) for i, x in enumerate(inputs)]
    _check_options("gradgradcheck", arrays, eps, atol, rtol)
    with _blaming(f, arrays, 2, dict(eps=eps, atol=atol, rtol=rtol, mode=mode), localize):
        return _second_order(f, arrays, eps, atol, rtol, grad_outputs, grad_grad_outputs,
                             seed, mode)


def _second_order(f, arrays, eps, atol, rtol, grad_outputs, grad_grad_outputs, seed, mode):
    rng = np.random.default_rng(seed)
    upstream = _upstream(f, arrays, grad_outputs, rng)
    count = len(arrays)

    def first_order(*args):
        xs, gys = args[:count], args[count:]
        grads = _input_grads(f, xs, gys, create_graph=True)
        return [_zeros_if_none(g, x) for g, x in zip(grads, xs) if is_float(x.data)]
    first_order.__name__ = f"the gradient of {_name_of(f)}"

    labels = ([f"input {i}" for i in range(count)]
              + [f"grad_output {k}" for k in range(len(upstream))])
    return _check("gradgradcheck", first_order, arrays + [u.data for u in upstream], labels,
                  grad_grad_outputs, eps, atol, rtol, int(rng.integers(2 ** 31)), mode,
                  with_graph=True)


# ----- the check itself -----

@contextlib.contextmanager
def _blaming(f, arrays, order, options, localize):
    """Record the failed check on its GradcheckError; with `localize`, add the blame."""
    try:
        yield
    except GradcheckError as error:
        error.check = (f, arrays, order, options)
        if not localize:
            raise
        blame = error.localize()
        blamed = GradcheckError(f"{error}\n{blame}", blame.error.entries if blame.function
                                else error.entries)
        blamed.check, blamed.blame = error.check, blame
        raise blamed from None


def _check(who, f, arrays, labels, grad_outputs, eps, atol, rtol, seed, mode, with_graph):
    if mode not in _MODES:
        raise ValueError(f"{who}: mode must be one of {_MODES}, got {mode!r}")
    rng = np.random.default_rng(seed)
    upstream = _upstream(f, arrays, grad_outputs, rng)
    _check_deterministic(who, f, arrays)
    given = [_float64(to_cpu(u.data)) for u in upstream]
    xs = [_leaf(a) for a in arrays]
    ys = _outputs_of(f, xs, upstream, "grad_grad_outputs" if with_graph else "grad_outputs")
    outputs = [to_cpu(y.data).copy() for y in ys]
    analytic = _grads_of(ys, xs, upstream, create_graph=False)
    _check_upstream_kept(who, upstream, given)
    _check_inputs_kept(who, xs, arrays, labels)
    _check_outputs_kept(who, ys, outputs)
    _check_grad_types(who, xs, analytic, labels)
    _check_reentrant(who, _grads_of(ys, xs, upstream, create_graph=False), analytic, labels)
    objective = _Objective(f, arrays, upstream, with_graph, who, labels)
    objective.check_precision()
    objective.watch_elements(watched_positions(objective.shapes, seed + 2))
    measured = []
    for i, (x, g) in enumerate(zip(xs, analytic)):
        if not is_float(x.data):
            continue
        g = _zeros_if_none(g, x).data
        if _use_fast(mode, x.size):
            measured += _directional_entries(objective, i, g, labels[i], eps, rng)
        else:
            measured += _elementwise_entries(objective, i, g, labels[i], eps)
    tolerance = Tolerance(atol, rtol, [a.dtype for a in arrays if is_float(a)], measured,
                          partial(_rounding_spread, f, arrays, upstream, labels, seed,
                                  analytic),
                          lambda m: _kink_slopes(objective, labels, eps, m.label,
                                                 m.index) is not None)
    try:
        _raise_on_mismatch(who, tolerance.failures(measured), len(measured), tolerance,
                           about=partial(_about, f, arrays, labels, grad_outputs is not None,
                                         "grad_grad_outputs" if with_graph else "grad_outputs"))
    except GradcheckError as mismatch:  # a random f agreeing with itself at x (dropout at 0)
        _name_randomness_near(who, f, arrays)  # is named as random, not blamed on backward
        mismatch.explained = _explained_by_numerics(mismatch, objective, labels, eps,
                                                    tolerance)
        _with_kink_note(mismatch, objective, labels, eps)
        _with_rounding_flat_note(mismatch, objective, labels, eps)
        _with_jump_note(mismatch, objective, labels, eps)
        _with_truncation_note(mismatch, objective, labels, eps)
        _with_domain_note(mismatch, objective, labels, eps)
        _with_no_gradient_note(mismatch, objective, xs, analytic, labels)
        raise _with_rounding_note(mismatch, objective, eps, tolerance.largest_atol()) from None
    _check_output_elements(who, _ElementCheck(f, arrays, labels, objective, atol, rtol, seed,
                                              eps, tolerance.base), xs, upstream)
    if not with_graph:
        _check_other_uses(who, f, arrays, xs, upstream, given, analytic, labels, tolerance)
    return True


class _ElementCheck:
    """What the check of each output element alone (autograd/output_element_check.py)
    takes from this one: f, its inputs and labels, the objective holding the central
    differences, the tolerances given, and how to measure again."""

    def __init__(self, f, arrays, labels, objective, atol, rtol, seed, eps, base):
        self.f, self.arrays, self.labels, self.objective = f, arrays, labels, objective
        self.atol, self.rtol, self.seed, self.eps, self.base = atol, rtol, seed, eps, base

    def outputs(self, xs, upstream):
        """f's outputs at xs, a graph of their own."""
        return _outputs_of(self.f, xs, upstream)

    def gradients(self, ys, xs, upstream):
        """Backprop's gradients of <ys, upstream> for each input, as float64 host arrays."""
        grads = _grads_of(ys, xs, upstream, create_graph=False)
        return [_float64(to_cpu(_zeros_if_none(g, x).data)) for g, x in zip(grads, xs)]

    def tolerance(self, measured, upstream, analytic):
        """The Tolerance of one element's entries: the weighted check's atols (`base`),
        rtol at each entry's own size, the rounding spread read with that element's
        upstream gradient. Kinks are the weighted check's to judge: read from one element,
        whose value may be all rounding (a softmax's gradient at a tie, 0.25 (u0 - u1)),
        a step's last-bit change looked like one."""
        dtypes = [a.dtype for a in self.arrays if is_float(a)]
        return Tolerance(self.atol, self.rtol, dtypes, measured,
                         partial(_rounding_spread, self.f, self.arrays, upstream, self.labels,
                                 self.seed, analytic), base=self.base)

    def remeasure(self, upstream):
        """(i, idx, factor) -> (numeric, noise) of input i's element idx with its step times
        factor, for the output element that `upstream` picks (None where f fails there)."""
        return partial(_unless_f_fails, self._objective(upstream).element_at(self.eps))

    def _objective(self, upstream):
        return _Objective(self.f, self.arrays, upstream, self.objective.with_graph,
                          self.objective.who, self.labels)


def _check_output_elements(who, check, xs, upstream):
    """Each kept output element alone (autograd/output_element_check.py)."""
    if not check.objective.columns:
        return
    failed, count, tolerance = element_failures(check, xs, upstream)
    if failed:
        _raise_on_mismatch(who, failed, count, tolerance, ELEMENT_WORDING)


def _check_other_uses(who, f, arrays, xs, upstream, given, analytic, labels, tolerance):
    """First order as backprop is used beyond the checked call, against the gradients that
    matched numerical differentiation: on both of the engine's paths (plain backprop and
    create_graph=True), each with one input requiring grad at a time and run twice through
    one graph; with an upstream of ones for a scalar output (loss.backward()), and with no
    gradient for all outputs but one of several."""
    paths = [False] + ([True] if _has_backward(xs, f) else [])
    for create_graph in paths:
        if create_graph:
            ys = _outputs_of(f, xs, upstream)
            graph = _grads_of(ys, xs, upstream, create_graph=True)
            _raise_on_mismatch(who, *_compared(xs, graph, analytic, labels, tolerance),
                               tolerance, _PATHS)
            _check_upstream_kept(who, upstream, given)  # (each Function's backward too)
            _check_reentrant(who, _grads_of(ys, xs, upstream, create_graph=True), graph,
                             labels)
        _raise_on_mismatch(who, *_partial_entries(f, arrays, upstream, analytic, labels,
                                                  tolerance, create_graph),
                           tolerance, _partial_wording(create_graph))
    _raise_on_mismatch(who, *_unit_upstream_entries(f, xs, upstream, analytic, labels,
                                                    tolerance), tolerance, _UNIT)
    _raise_on_mismatch(who, *_one_output_entries(who, f, xs, upstream, labels, tolerance),
                       tolerance, _ONE_OUTPUT)


def _rounding_spread(f, arrays, upstream, labels, seed, analytic):
    """Backprop's gradients, one {label: float64 array} per move of every float input by a
    few units in its last place (zeros stay: a move across a kink at 0 is no rounding); a
    move where f fails is left out (see autograd/check_tolerance.py). None at all where
    backprop at the point itself gives other gradients than `analytic`: a random f's
    changes are no rounding (and it is named as random)."""
    rng = np.random.default_rng(seed + 1)
    moves = []
    for k in range(_SPREAD_MOVES + 1):
        moved = [_nudged(a, rng) if k and is_float(a) else a for a in arrays]
        grads = _unless_f_fails(_input_grads, f, [_leaf(a) for a in moved], upstream, False)
        if grads is None:
            continue
        move = {label: _float64(to_cpu(_zeros_if_none(g, x).data))
                for label, g, x in zip(labels, grads, moved) if is_float(x)}
        if k:
            moves.append(move)
        elif any(not np.allclose(move[label], _float64(to_cpu(_zeros_if_none(g, x).data)),
                                 rtol=1e-10, atol=0, equal_nan=True)
                 for label, g, x in zip(labels, analytic, arrays) if is_float(x)):
            return []
    return moves


_SPREAD_MOVES = 3
_SPREAD_ULPS = 4


def _nudged(a, rng):
    """a with each element moved by 1 to _SPREAD_ULPS units in its last place, either way."""
    xp = get_array_module(a)
    ulps = rng.integers(1, _SPREAD_ULPS + 1, a.shape) * rng.choice((-1, 1), a.shape)
    return a * (1 + as_array(ulps, like=a).astype(a.dtype) * xp.finfo(a.dtype).eps)


def _with_domain_note(mismatch, objective, labels, eps):
    """Note a NaN numerical value where backprop's is finite. Either f's own output is not
    finite at the checked point (log of -1), its derivatives undefined there, and the NaN
    reaches every numerical entry (the outputs are weighted and summed), so the note names
    that output, not the first entry (backprop's value reads NaN there too, as a NaN
    output's gradient does); or f gave NaN a step from the point (NumPy's log and sqrt below
    0 give NaN, not an error): its domain ends within eps of it, which no backward can fix."""
    if not any(n != n for _, _, _, n, _ in mismatch.entries):
        return
    stepped_out = [(label, idx) for label, idx, a, n, _ in mismatch.entries
                   if n != n and a == a]
    undefined = objective.undefined_output()
    if undefined is None and not stepped_out:
        return
    if undefined is not None:
        k, idx, value = undefined
        what = "f's gradient" if objective.with_graph else "f's output"  # (gradgradcheck's)
        note = (f"{what} {k} is {value} at index {idx} at the checked point itself: its "
                "derivatives are undefined there, and the numerical side of every entry reads "
                "NaN: check f inside its domain")
    else:
        label, idx = stepped_out[0]
        note = (f"f gave NaN a step of {eps:g} from {label}, index {idx}: its domain ends "
                "within a step of the point (log or sqrt near 0): check it at inputs farther "
                "inside")
    _note(mismatch, note)


def _with_no_gradient_note(mismatch, objective, xs, analytic, labels):
    """Note a failing input that backprop gives no gradient at all (its analytic entries are
    zeros that stand for None): f's graph does not reach it, while its numbers move with it."""
    failing = {entry[0] for entry in mismatch.entries}
    cut = [label for label, x, g in zip(labels, xs, analytic)
           if g is None and is_float(x.data) and label in failing]
    if cut:
        _note(mismatch, f"backprop gives {cut[0]} no gradient at all (None: the graph of "
                        f"{objective.weighted()} does not reach it), though they change with "
                        f"it: the graph is cut, by math on .data or NumPy arrays, a new "
                        f"Variable made from a result, or a backward returning None for it "
                        f"(gradcheck differentiates every float input, one with "
                        f"requires_grad=False too: pass a constant such as a loss's target "
                        f"inside f, lambda p: loss(p, target))")


def _note(mismatch, text):
    """Add a note to a mismatch's message."""
    mismatch.args = (f"{mismatch.args[0]}\n  note: {text}",)


def _note_at_worst(mismatch, found, words):
    """Note what a probe `found` at the worst entry (nothing where it found None):
    words(backprop's value there, found) after the entry's place."""
    if found is not None:
        label, idx, analytic = mismatch.entries[0][:3]
        _note(mismatch, f"at {label}, index {idx}, {words(analytic, found)}")


def _with_rounding_note(mismatch, objective, eps, atol):
    """The mismatch, noting where f's outputs are so large that their rounding alone moves
    a central difference of step eps by more than atol (1e7 + x^2 at eps 1e-6), and by a
    tenth of the worst entry's error at least: then the numerical side, not backprop, may be
    what is off. (A backward giving 1 where f is flat, numeric 0, is off by 1: the 2e-10 of
    an output of size 1 rounding is no explanation.)"""
    largest, dtype = objective.largest_output(), objective.output_dtype()
    noise = largest * np.finfo(dtype).eps / eps
    _, _, analytic, numeric, _ = mismatch.entries[0]
    if not noise > max(atol, abs(analytic - numeric) / 10):  # (NaN error: max gives atol)
        return mismatch
    if dtype != np.float64:  # (f narrows whatever it is given: its own rounding)
        _note(mismatch, f"f returns its outputs in {dtype} given float64 inputs: their "
                        f"rounding alone (outputs up to {largest:.1e}) moves a central "
                        f"difference of step {eps:g} by about {noise:.1e}, so the numerical "
                        "side is what is off (compute f in its inputs' dtype to check it, or "
                        "check with a larger eps)")
    else:
        _note(mismatch, f"f's outputs reach {largest:.1e}, whose float64 rounding alone moves "
                        f"a central difference of step {eps:g} by about {noise:.1e}: the "
                        "numerical side may be what is off (check f without its large "
                        "constant, or with a larger eps)")
    return mismatch


def _with_kink_note(mismatch, objective, labels, eps):
    """Note a kink at the worst entry, where backprop's value is then no mistake (see
    `_slopes_at_kink`)."""
    _note_at_worst(mismatch, _slopes_at_kink(objective, labels, eps, mismatch.entries[0]),
                   lambda analytic, kink:
                   f"the checked function ({objective.weighted()} weighted by the upstream "
                   f"gradients) has a kink: slope {kink[0]:.6e} from the left, "
                   f"{kink[1]:.6e} from the right, "
                   f"and the numeric value is their mean; backprop's {analytic:.6e} "
                   f"lies between them, as a one-sided slope or a subgradient does. It "
                   f"is not differentiable there: check it at inputs away from the kink "
                   f"(max(x, 0) and |x| at x = 0, a max or sort at ties)")


_EXPLAINED_AT_MOST = 64  # failing entries probed one by one (5 to 9 evaluations each)


def _explained_by_numerics(mismatch, objective, labels, eps, tolerance):
    """Whether every failing element sits where f has no derivative a central difference
    can measure: at a kink, with backprop's value between its slopes (`_slopes_at_kink`),
    or within a step of one (or of strong curvature), where a tenth or a hundredth of the
    step agrees with backprop. check_function then draws another example (so a wrong
    backward near a kink still fails, off it, rather than shrink onto the kink)."""
    if not 0 < len(mismatch.failures) <= _EXPLAINED_AT_MOST:
        return False
    at_kinks = []
    for entry in mismatch.failures:
        if not isinstance(entry[1], tuple):
            return False
        if _resolved_by_smaller_steps(objective, labels, eps, tolerance, entry):
            continue
        if _flat_by_rounding(objective, labels, eps, entry) is not None:
            continue
        if _slopes_at_kink(objective, labels, eps, entry) is not None:
            at_kinks.append(entry)
        elif _jump_at(objective, labels, eps, entry) is None:
            return False
    return len(at_kinks) < 2 or _kinks_agree_jointly(objective, labels, eps, tolerance,
                                                     at_kinks)


def _kinks_agree_jointly(objective, labels, eps, tolerance, entries):
    """Whether the entries at kinks, each excused alone, agree moved together: at a tie
    (max(x, y) at x = y, a max over equal elements) F has a derivative along all the tied
    elements at once, which their backprop values must sum to (a backward giving each of
    two tied inputs the whole gradient sums to twice it). True where F has a kink along
    that direction too (kinks of separate elements: no derivative to check)."""
    moves = [(labels.index(label), idx, float(_steps(objective.arrays[labels.index(label)])
                                               [idx])) for label, idx, *_ in entries]
    h = eps / 10
    try:
        left, right = objective.jointly_one_sided(moves, h)
        noise = objective.largest_output() * np.finfo(np.float64).eps / h
    except Exception:  # noqa: BLE001  (f's own error belongs to its own check, not to a note)
        return True
    if abs(right - left) > max(1e-3 * max(abs(left), abs(right)), 100 * noise):
        return True  # (a kink along the joint direction too)
    analytic = sum(entry[2] * scale for entry, (_, _, scale) in zip(entries, moves))
    return tolerance.agrees(entries[0][0], analytic, (left + right) / 2, noise)


def _resolved_by_smaller_steps(objective, labels, eps, tolerance, entry):
    label, idx, analytic, _, _ = entry
    i = labels.index(label)
    for factor in (0.1, 0.01):
        measured = _unless_f_fails(objective.element, i, idx, eps, factor)
        if measured is not None and tolerance.agrees(label, analytic, *measured):
            return True
    return False


def _flat_by_rounding(objective, labels, eps, entry):
    """The larger step at which f's weighted outputs first change, and the slope seen
    there, where they stay the same bit for bit across the checked steps while that slope
    is backprop's to 10 %; else None. f is computed there with cancellation (1 - sigmoid(30)
    keeps three digits of its 1e-13): across a small step its outputs move by less than
    their rounding, so a derivative below that reach reads 0. A flat f (a clip beyond its
    bounds) stays flat at every step, and a backward giving it a slope still fails."""
    label, idx, analytic, numeric, _ = entry
    if numeric != 0.0 or not analytic or not isinstance(idx, tuple):
        return None
    i = labels.index(label)
    for factor in (1e2, 1e3, 1e4, 1e5):
        measured = _unless_f_fails(objective.element, i, idx, eps, factor)
        if measured is None:
            return None
        if measured[0] != 0.0 and abs(measured[0] - analytic) <= 0.1 * abs(analytic):
            return factor, measured[0]
    return None


def _with_rounding_flat_note(mismatch, objective, labels, eps):
    """Note, at the worst entry, f's outputs flat across the step by rounding (see
    `_flat_by_rounding`)."""
    _note_at_worst(mismatch, _flat_by_rounding(objective, labels, eps, mismatch.entries[0]),
                   lambda analytic, flat:
                   f"{objective.weighted()} stay the same bit for bit across the step, while a "
                   f"step {flat[0]:g} times larger measures {flat[1]:.6e}, backprop's "
                   f"{analytic:.6e} to 10 %: f is computed there with cancellation (as "
                   f"1 - sigmoid(x) for large x), and a small step moves it by less than its "
                   f"rounding. Check it at inputs where it keeps its digits")


def _slopes_at_kink(objective, labels, eps, entry):
    """(left, right): the one-sided slopes at a failing entry that sits at a kink, where
    backprop's value is then no mistake: the checked function's one-sided slopes there
    differ, by as much at a tenth of the step as at the step (a curve's differ ten times
    less, a jump's ten times more, rounding noise's ten times more), well above its
    rounding, and backprop's value lies between them (a one-sided slope or a subgradient;
    anything else is a wrong backward all the same). The central difference is then their
    mean. None elsewhere, for a direction of mode 'fast' (no element to probe), and where the
    probe's own evaluations fail (a domain ending within a step)."""
    label, idx, analytic, _, _ = entry
    slopes = _kink_slopes(objective, labels, eps, label, idx)
    if slopes is None:
        return None
    left, right = slopes
    gap = abs(right - left)
    between = min(left, right) - 1e-3 * gap <= analytic <= max(left, right) + 1e-3 * gap
    return slopes if between else None


def _kink_slopes(objective, labels, eps, label, idx):
    """(left, right): the checked function's one-sided slopes along element idx of the
    input `label` where they differ, by as much at a tenth of the step as at the step, well
    above its rounding (see _slopes_at_kink); None elsewhere, for a direction of mode 'fast'
    and where the probe's evaluations fail."""
    if not isinstance(idx, tuple):
        return None
    i = labels.index(label)
    step = eps * float(_steps(objective.arrays[i])[idx])
    try:
        (left, right), (left_small, right_small) = objective.one_sided(i, idx,
                                                                       (step, step / 10))
        noise = objective.largest_output() * np.finfo(np.float64).eps / (step / 10)
    except Exception:  # noqa: BLE001  (f's own error belongs to its own check, not to a note)
        return None
    gap, gap_small = abs(right - left), abs(right_small - left_small)
    kink = (gap > max(1e-3 * max(abs(left), abs(right)), 100 * noise)
            and 0.5 * gap < gap_small < 2 * gap)
    return (left, right) if kink else None


_JUMP_STEPS = (1.0, 0.1, 0.01)  # the step's factors a jump's change must survive


def _jump_at(objective, labels, eps, entry):
    """The change of the checked function across a failing entry's point where it jumps
    there (sign(x) at 0; under gradgradcheck, the gradient of |x| or of max at a tie):
    F(x + h) - F(x - h) as large, within a factor 4, at a tenth and a hundredth of the step
    (a continuous F's shrinks with the step: a hundredfold, a kink's too) and far above its
    rounding. The factor 4 lets a probe land on the jump itself (x = 1e-8 beside sign's
    jump at 0, where the hundredth of the step reaches 0 and half the jump): hypothesis
    shrinks onto just such points. F has no derivative there, so backprop's value is no
    mistake. None elsewhere, for a direction of mode 'fast', and where the probe's
    evaluations fail."""
    label, idx = entry[0], entry[1]
    if not isinstance(idx, tuple):
        return None
    i = labels.index(label)
    changes = []
    for factor in _JUMP_STEPS:
        measured = _unless_f_fails(objective.element, i, idx, eps, factor)
        if measured is None:
            return None
        h = 2 * eps * factor * float(_steps(objective.arrays[i])[idx])
        change, rounding = measured[0] * h, measured[1] * h
        if not abs(change) > 100 * rounding:  # (False for NaN)
            return None
        changes.append(change)
    alike = all(0.25 <= c / changes[0] <= 4 for c in changes)
    return changes[-1] if alike else None


def _with_jump_note(mismatch, objective, labels, eps):
    """Note a jump of the checked function at the worst entry (see `_jump_at`); not at a
    kink, which changes it by as much at each step once the kink is within all of them
    (|x| at 1e-8: by 2e-8 each), though it is continuous."""
    label, idx = mismatch.entries[0][:2]
    if _kink_slopes(objective, labels, eps, label, idx) is not None:
        return
    _note_at_worst(mismatch, _jump_at(objective, labels, eps, mismatch.entries[0]),
                   lambda _, change:
                   f"the checked function ({objective.weighted()} weighted by the upstream "
                   f"gradients) jumps by {change:.6e}, as much across a hundredth of the step "
                   f"as across the step: it is not continuous there, so it has no derivative "
                   f"to check (sign(x) at 0; under gradgradcheck, the gradient of |x| at 0 "
                   f"or of a max at a tie): check it at inputs away from the jump")


def _with_truncation_note(mismatch, objective, labels, eps):
    """Note, at the worst entry, a central difference that closes in on backprop's value as
    the step shrinks: at a tenth of the step its error falls at least twentyfold (a smooth
    f's falls a hundredfold, as h^2; a wrong backward's not at all), beyond the rounding
    the smaller step adds. f then curves too much within a step of the point (sqrt or log
    near 0, exp of a large x), and the numerical value, not backprop, is what is off."""
    label, idx, analytic, numeric, _ = mismatch.entries[0]
    if not isinstance(idx, tuple) or numeric != numeric:
        return
    i = labels.index(label)
    step = eps * float(_steps(objective.arrays[i])[idx])
    try:
        ((left, right),) = objective.one_sided(i, idx, (step / 10,))
        noise = objective.largest_output() * np.finfo(np.float64).eps / (step / 10)
    except Exception:  # noqa: BLE001  (f's own error belongs to its own check, not to a note)
        return
    finer = (left + right) / 2
    before, after = abs(numeric - analytic), abs(finer - analytic)
    if after < before / 20 and before > 100 * noise:
        _note(mismatch, f"at {label}, index {idx}, a central difference of a tenth of the "
                        f"step ({step / 10:g}) gives {finer:.6e}, "
                        f"{before / max(after, 1e-300):.0f} times nearer backprop's "
                        f"{analytic:.6e}: f curves strongly within a step of the point, so "
                        f"the numerical value's truncation error, not backprop, is what is off "
                        f"(sqrt or log near 0): check with a smaller eps, or farther from "
                        f"where f's derivatives grow")


def _check_deterministic(who, f, arrays):
    """Two calls of f on the same inputs must give the same outputs: numerical
    differentiation of a random f measures its noise, and would blame the backward."""
    first, second = ([_float64(to_cpu(y.data)) for y in _outputs(f(*[_leaf(a) for a in arrays]))]
                     for _ in range(2))
    for k, (a, b) in enumerate(zip(first, second)):
        if a.shape != b.shape or not np.allclose(a, b, rtol=1e-12, atol=0, equal_nan=True):
            raise GradcheckError(f"{who}: f gives other values at each call (output {k}), so "
                                 "its derivatives cannot be checked numerically: seed its "
                                 "randomness, or fix it (a dropout mask) outside f")


def _name_randomness_near(who, f, arrays):
    """_check_deterministic's error where f gives other values at each call a little off
    `arrays` (0 stays 0 under multiplicative noise); nothing where f fails there."""
    nudged = [a + 1e-3 if is_float(a) else a for a in arrays]
    try:
        _check_deterministic(who, f, nudged)
    except GradcheckError:
        raise
    except Exception:  # (off its domain: the mismatch stands as it is)
        return


def _check_inputs_kept(who, xs, arrays, labels):
    """f and its backprop must leave their inputs as they were: a backward writing into
    `self.inputs[k].data` (`d **= 2` where a copy was meant) corrupts a parameter at every
    step, and the numerical side, which runs on copies, would never see it."""
    for x, before, label in zip(xs, arrays, labels):
        if not np.array_equal(to_cpu(x.data), to_cpu(before), equal_nan=True):
            how = ("a backward writing into its gy: `gy *= ...`" if
                   label.startswith("grad_output") else "a backward or forward writing into "
                   "an input's array: `x.data **= 2`, `out=` an input")
            raise GradcheckError(f"{who}: f or its backprop changed {label} in place ({how}); "
                                 "compute into a new array")


def _check_outputs_kept(who, ys, before):
    """Backprop must leave f's outputs as they were: a backward writing into its forward's
    result (`y.data *= gy`) changes the value the caller holds."""
    for k, (y, values) in enumerate(zip(ys, before)):
        if not np.array_equal(to_cpu(y.data), values, equal_nan=True):
            raise GradcheckError(f"{who}: backprop changed output {k} of f in place (a backward "
                                 "writing into its forward's result: `y.data *= ...`); "
                                 "compute into a new array")


def _check_reentrant(who, again, analytic, labels):
    """A second backward through the same graph must give the first one's gradients (rungrad
    keeps a graph for backward to run again, as retain_graph=True does): a backward that
    updates what its forward saved (`self.c *= gy`) is right once only."""
    for first, second, label in zip(analytic, again, labels):
        if first is None or second is None:
            continue
        a, b = to_cpu(first.data), to_cpu(second.data)
        if not np.allclose(a, b, rtol=1e-10, atol=0.0, equal_nan=True):
            worst = int(np.argmax(np.abs(a - b)))
            raise GradcheckError(
                f"{who}: backprop is not reentrant: a second backward through the same graph "
                f"gives another gradient for {label} (at index "
                f"{position(worst, a.shape)}: {b.flat[worst]:.6g} "
                f"after {a.flat[worst]:.6g}); does a backward write into what its forward "
                "saved?")


def _check_upstream_kept(who, upstream, given):
    """Backprop must read the upstream gradients it is given, never write into them: the
    caller's array changes, and so does every gradient sharing it (Add hands one array to
    both its inputs)."""
    for k, (u, before) in enumerate(zip(upstream, given)):
        if not np.array_equal(_float64(to_cpu(u.data)), before, equal_nan=True):
            raise GradcheckError(f"{who}: backprop changed the upstream gradient of output {k} "
                                 "in place (a backward writing into its gy: `gy *= ...`); "
                                 "compute into a new array (`gy * ...`)")


# Inputs that do not require grad are skipped by the engine and by backward's
# `needs_input_grad`; a backward reading the flags wrongly is right only when all are set.
def _partial_wording(create_graph):
    path = " with create_graph=True (each Function's backward)" if create_graph else ""
    return (f"backprop{path} with only this input requiring grad disagrees with backprop "
            "with every float input requiring grad (which matched numerical "
            "differentiation): does the backward read needs_input_grad right?", "alone",
            "with all")


def _partial_entries(f, arrays, upstream, analytic, labels, tolerance, create_graph=False):
    """(failures, entries compared) of the gradient with only input i requiring grad against
    the one with all, for every float input when f has several."""
    floats = [i for i, a in enumerate(arrays) if is_float(a)]
    if len(floats) < 2:
        return [], 0
    failed, count = [], 0
    for i in floats:
        xs = [Variable(a.copy(), requires_grad=None if j == i else False)  # (None: if float)
              for j, a in enumerate(arrays)]
        alone = _input_grads(f, xs, upstream, create_graph=create_graph)[i]
        a = _float64(to_cpu(_zeros_if_none(alone, xs[i]).data))
        b = _float64(to_cpu(_zeros_if_none(analytic[i], xs[i]).data))
        failed += tolerance.apart(labels[i], a, b)
        count += a.size
    return failed, count


def _has_backward(xs, f):
    """Whether every Function of f's graph has a `backward` (on Variables): one with only
    `backward_data` serves plain backprop, not create_graph, so only that path is checked."""
    from .function import Function
    from .walk import functions_behind
    outputs = [y for y in _outputs(f(*xs)) if y.creator is not None]
    return all(type(func).backward is not Function.backward
               for func in functions_behind(outputs))


# First order is checked on both of the engine's paths: plain backprop runs each Function's
# `backward_data` (arrays), create_graph=True its `backward` (Variables). The second-order
# check differentiates `backward`'s result without checking the result itself, so without
# this a wrong `backward` beside a right `backward_data` would pass.
_PATHS = ("backprop with create_graph=True (each Function's backward) disagrees with plain "
          "backprop (backward_data, which matched numerical differentiation)",
          "with create_graph", "plain")


def _compared(xs, these, those, labels, tolerance, scale=1.0):
    """(failures, entries compared) of one pass's gradients, `these`, against another's,
    `those` divided by `scale`, for the float inputs."""
    failed, count = [], 0
    for x, a, b, label in zip(xs, these, those, labels):
        if is_float(x.data):
            a = _float64(to_cpu(_zeros_if_none(a, x).data))
            b = _float64(to_cpu(_zeros_if_none(b, x).data)) / scale
            failed += tolerance.apart(label, a, b)
            count += a.size
    return failed, count


# loss.backward() hands a scalar output an upstream of exactly 1: a backward with its own
# path for it (`if gy == 1`), or that reads gy's sign wrongly, is checked there too.
_UNIT = ("backprop with an upstream gradient of 1 (loss.backward()) disagrees with the one "
         "with the checked upstream u, divided by u", "with 1", "divided by u")


def _unit_upstream_entries(f, xs, upstream, analytic, labels, tolerance):
    """(failures, entries compared) of the gradients of a single scalar output with an
    upstream of 1 against the checked ones divided by the checked upstream."""
    if len(upstream) != 1 or upstream[0].size != 1:
        return [], 0
    u = upstream[0]
    scale = float(to_cpu(u.data).reshape(()))
    ones = [Variable(get_array_module(u.data).ones_like(u.data), requires_grad=False)]
    unit = _input_grads(f, xs, ones, create_graph=False)
    return _compared(xs, unit, analytic, labels, tolerance, scale)


# A user of one output of several (`s, c = sincos(x); s.backward()`) gives the others no
# gradient: backward gets zeros for them, or None where it takes_missing_grads.
_ONE_OUTPUT = ("backprop with only this output receiving a gradient disagrees with backprop "
               "with zero gradients for the others", "one output", "zeros for others")


def _one_output_entries(who, f, xs, upstream, labels, tolerance):
    """(failures, entries compared) of the gradients with one output of several given a
    gradient (the others none) against those with the others' gradients zero."""
    if len(upstream) < 2:
        return [], 0
    failed, count = [], 0
    ys = _outputs_of(f, xs, upstream)  # (one graph: backward runs through it again)
    for k, u in enumerate(upstream):
        if not ys[k].requires_grad:
            continue
        zeroed = [u if j == k else Variable(get_array_module(v.data).zeros_like(v.data),
                                            requires_grad=False)
                  for j, v in enumerate(upstream)]
        reference = _input_grads(f, xs, zeroed, create_graph=False)
        try:
            alone = grad([ys[k]], list(xs), grad_outputs=[u], allow_unused=True)
        except Exception as exc:
            if from_hypothesis(exc):
                raise
            raise GradcheckError(f"{who}: backprop with only output {k} receiving a gradient "
                                 f"(the others none, as `y{k}.backward()` gives them) raised "
                                 f"{type(exc).__name__}: {exc}") from exc
        found, compared = _compared(xs, alone, reference, labels, tolerance)
        failed += [(excess, (f"{label} (output {k} alone)", *rest))
                   for excess, (label, *rest) in found]
        count += compared
    return failed, count


def _use_fast(mode, size):
    return mode == "fast" or (mode == "auto" and size > FAST_MODE_THRESHOLD)


def _elementwise_entries(objective, i, analytic, label, eps):
    numeric, noise = objective.central(i, eps)
    analytic = _float64(to_cpu(analytic))
    numeric, noise = to_cpu(numeric), to_cpu(noise)
    return [Measured(label, idx, float(analytic[idx]), float(numeric[idx]), float(noise[idx]),
                     partial(element_value, idx), partial(_unless_f_fails, objective.element, i,
                                                     idx, eps))
            for idx in np.ndindex(*analytic.shape)]


def _unless_f_fails(measure, *args):
    """measure(*args), or None where f fails there (a domain ending within the step)."""
    try:
        return measure(*args)
    except Exception as exc:  # noqa: BLE001  (f's own error belongs to its own check)
        if from_hypothesis(exc):
            raise
        return None


# Steps: eps, and eps * |x| / 1e6 for elements above 1e6 in size, where x + 1e-6 would
# round to x's own neighbours (a relative step everywhere would cross kinks near large x).
_RELATIVE_ABOVE = 1e-6


def _steps(x):
    """The elements' step sizes relative to eps (1 up to |x| = 1e6)."""
    return np.maximum(1.0, np.abs(_float64(to_cpu(x))) * _RELATIVE_ABOVE)


def _directional_entries(objective, i, analytic, label, eps, rng):
    """v·grad against (F(x + eps v) - F(x - eps v)) / (2 eps) for random unit vectors v
    (scaled by each element's step)."""
    analytic = _float64(to_cpu(analytic))
    scale = _steps(objective.arrays[i])
    entries = []
    for k in range(FAST_DIRECTIONS):
        v = rng.standard_normal(analytic.shape)
        v /= max(np.linalg.norm(v), 1e-300)
        v *= scale
        numeric, noise = objective.directional(i, v, eps)
        entries.append(Measured(label, f"direction {k}", float(np.sum(analytic * v)), numeric,
                                noise, partial(_along, v),
                                partial(_unless_f_fails, _directional_again, objective, i, v,
                                        eps)))
    return entries


def _along(v, gradient):
    return float(np.sum(to_cpu(gradient) * v))


def _directional_again(objective, i, v, eps, factor):
    return objective.directional(i, v, eps * factor)


_NUMERICAL = ("backprop disagrees with numerical differentiation", "analytic", "numeric")


def _raise_on_mismatch(who, failures, checked, tolerance, wording=_NUMERICAL, about=None):
    """Raise GradcheckError naming the worst of the failures [(excess, (label, index, value,
    reference, relative error))] among `checked` entries; `wording`: (what disagrees, value's
    name, reference's name); about(): a line naming f and its inputs."""
    if not failures:
        return
    failures = sorted(failures, key=lambda item: -item[0])
    worst = [entry for _, entry in failures[:_WORST_SHOWN]]
    disagreement, value, reference = wording
    lines = [f"{who}: {disagreement} in {len(failures)} of {checked} checked entries "
             f"({tolerance.text()}); worst first:"]
    for label, idx, a, n, rel in worst:
        lines.append(f"  {label}, index {idx}: {value} {a:.6e}, {reference} {n:.6e}, "
                     f"relative error {rel:.2e}")
    if about is not None:
        lines.append(about())
    error = GradcheckError("\n".join(lines), worst)
    error.failures = [entry for _, entry in failures]
    raise error


def _about(f, arrays, labels, upstream_given, keyword):
    """The line of a mismatch naming f, its float inputs' shapes and dtypes, and what an
    entry is (a message read alone, or among several checks', says what was checked);
    `keyword`: the argument that gives the upstream gradients."""
    inputs = ", ".join(f"{label} of shape {tuple(a.shape)} {a.dtype}"
                       for label, a in zip(labels, arrays) if is_float(a))
    weights = (f"the {keyword} given" if upstream_given else
               "random upstream gradients of size 0.5 to 1.5 (seeded; gradcheck's "
               f"{keyword}= chooses them)")
    return (f"  f: {_name_of(f)}, {inputs}; each entry is a derivative of f's outputs "
            f"weighted by {weights}")


def _name_of(f):
    """f's name: a Function's class, a function's qualified name."""
    if isinstance(f, Function):
        return type(f).__name__
    if isinstance(f, partial):
        return _name_of(f.func)
    return getattr(f, "__name__", None) or type(f).__name__


def _check_grad_types(who, xs, grads, labels):
    """Integer inputs get no gradient; float ones get one of their own shape and dtype."""
    for x, g, label in zip(xs, grads, labels):
        if not is_float(x.data):
            if g is not None:
                raise GradcheckError(f"{who}: {label} has dtype {x.dtype} but received a "
                                     "gradient (integer inputs must get none)")
        elif g is not None and (g.shape != x.shape or g.dtype != x.dtype):
            raise GradcheckError(f"{who}: the gradient of {label} has shape {g.shape} and "
                                 f"dtype {g.dtype}; expected {x.shape} and {x.dtype}")


# ----- evaluating f -----

class _Objective:
    """F(x) = sum_k <f(x)_k, u_k> in float64, with one input replaced: central differences."""

    def __init__(self, f, arrays, upstream, with_graph, who="gradcheck", labels=None):
        self.f, self.who = f, who
        self.labels = labels or [f"input {i}" for i in range(len(arrays))]
        self.given_dtypes = [a.dtype for a in arrays if is_float(a)]
        self.arrays = [_float64(a) if is_float(a) else a for a in arrays]
        self.upstream = [_float64(_data(u, "gradcheck")) for u in upstream]
        self.shapes = [tuple(u.shape) for u in self.upstream]  # (f's outputs' shapes)
        self.with_graph = with_graph  # f itself runs backward (gradgradcheck's first order)
        self.positions, self.watched, self.columns = [], [], {}  # (see watch_elements)

    def watch_elements(self, positions):
        """Keep, at each central difference of `central`, the derivative of each output
        element (k, e) of `positions` alone, and its rounding bound: columns[i] holds two
        arrays (input i's size, len(positions)) (autograd/output_element_check.py)."""
        self.watched = [(k, np.array([e for kk, e in positions if kk == k]),
                         np.array([c for c, (kk, _) in enumerate(positions) if kk == k]))
                        for k in sorted({k for k, _ in positions})]
        self.positions, self.columns, self._width = list(positions), {}, len(positions)

    def at(self, i, xi):
        """f's float outputs at x_i = xi, in float64. f gets copies, and must leave them as
        they were: a backward writing into its gy (under gradgradcheck) would otherwise move
        the point of every later evaluation, and read as a kink."""
        given = list(self.arrays)
        given[i] = xi
        return self.at_all(given)

    def at_all(self, given):
        """f's float outputs at the arrays `given` (one per argument), as `at`."""
        args = [Variable(a.copy(), requires_grad=None if self.with_graph else False)
                for a in given]  # (None: a float one requires grad, an integer one none)
        ys = _outputs(self.f(*args))
        _check_inputs_kept(self.who, args, given, self.labels)
        if len(ys) != len(self.upstream):
            raise ValueError(f"gradcheck: f returned {len(ys)} outputs, "
                             f"{len(self.upstream)} upstream gradients given")
        return [_float64(y.data).ravel() if is_float(y.data) else None for y in ys]

    def difference(self, hi, lo):
        """F(hi) - F(lo) from the two calls' outputs, subtracted output by output before
        they are weighted and summed: large outputs (1e6 + x^2) would round the sums' small
        difference away."""
        return float(sum((a - b) @ u.ravel() for a, b, u in zip(hi, lo, self.upstream)
                         if a is not None))

    def rounding(self, hi, lo):
        """A unit in the last place of each of the two calls' outputs, weighted: a bound on
        the rounding of `difference` where f computes its outputs to about an ulp."""
        return float(sum((np.abs(a) + np.abs(b)) @ np.abs(u.ravel()) for a, b, u
                         in zip(hi, lo, self.upstream) if a is not None)) * _EPS64

    def gradient(self, i, eps):
        """dF/dx_i, element by element, each with the step of `_steps`."""
        return self.central(i, eps)[0]

    def central(self, i, eps):
        """(dF/dx_i, a bound on each element's rounding error): central differences, each
        with the step of `_steps`."""
        x = self.arrays[i].copy()
        flat = x.reshape(-1)  # a view: writing to it perturbs x
        grads, noise = get_array_module(x).zeros(x.size), np.zeros(x.size)
        steps = eps * _steps(x).reshape(-1)
        if self.watched:
            self.columns[i] = (np.zeros((x.size, self._width)), np.zeros((x.size, self._width)))
        for j in range(x.size):
            original, h = flat[j], float(steps[j])
            flat[j] = original + h
            hi = self.stepped(i, x, partial(_moved, i, j, x.shape, h))
            flat[j] = original - h
            lo = self.stepped(i, x, partial(_moved, i, j, x.shape, -h))
            flat[j] = original
            grads[j] = self.difference(hi, lo) / (2 * h)
            noise[j] = self.rounding(hi, lo) / (2 * h)
            if self.watched:
                self._keep_elements(i, j, hi, lo, h)
        return grads.reshape(x.shape), noise.reshape(x.shape)

    def _keep_elements(self, i, j, hi, lo, h):
        """The watched output elements' own central differences at step j of input i."""
        numeric, noise = self.columns[i]
        for k, elements, columns in self.watched:
            if hi[k] is not None:
                a, b = to_cpu(hi[k][elements]), to_cpu(lo[k][elements])
                numeric[j, columns] = (a - b) / (2 * h)
                noise[j, columns] = (np.abs(a) + np.abs(b)) * _EPS64 / (2 * h)

    def element_at(self, eps):
        """(i, idx, factor) -> element(i, idx, eps, factor)."""
        return lambda i, idx, factor: self.element(i, idx, eps, factor)

    def element(self, i, idx, eps, factor):
        """(dF/dx_i at element idx, its rounding bound), with that element's step times
        `factor`."""
        x = self.arrays[i].copy()
        h = eps * factor * float(_steps(x)[idx])
        original = x[idx]
        x[idx] = original + h
        hi = self.at(i, x)
        x[idx] = original - h
        lo = self.at(i, x)
        return self.difference(hi, lo) / (2 * h), self.rounding(hi, lo) / (2 * h)

    def weighted(self):
        """What the objective weights: f's outputs, or under gradgradcheck f's gradients."""
        return "f's gradients" if self.with_graph else "f's outputs"

    def undefined_output(self):
        """(output number, index, value) of f's first output element that is not finite at
        the checked point, or None."""
        for k, (y, shape) in enumerate(zip(self.at(0, self.arrays[0]), self.shapes)):
            y = to_cpu(y) if y is not None else None
            bad = np.flatnonzero(~np.isfinite(y)) if y is not None else ()
            if len(bad):
                return k, position(int(bad[0]), shape), y[bad[0]]
        return None

    def output_dtype(self):
        """The narrowest float dtype of f's outputs at the checked point (float64 unless f
        computes in a narrower one whatever it is given)."""
        args = [Variable(a.copy(), requires_grad=None if self.with_graph else False)
                for a in self.arrays]
        dtypes = [np.dtype(y.data.dtype) for y in _outputs(self.f(*args)) if is_float(y.data)]
        return min(dtypes, key=lambda d: d.itemsize, default=np.dtype(np.float64))

    def largest_output(self):
        """The largest magnitude among f's float outputs at the checked point."""
        return max((float(np.max(np.abs(y))) for y in self.at(0, self.arrays[0])
                    if y is not None and y.size), default=0.0)

    def one_sided(self, i, idx, steps):
        """[(left, right)]: the one-sided slopes of F along element idx of x_i, one pair
        per step in `steps`."""
        x = self.arrays[i].copy()
        mid = self.at(i, x)
        original, slopes = x[idx], []
        for h in steps:
            x[idx] = original + h
            right = self.difference(self.at(i, x), mid) / h
            x[idx] = original - h
            slopes.append((self.difference(mid, self.at(i, x)) / h, right))
        return slopes

    def jointly_one_sided(self, moves, h):
        """(left, right): the one-sided slopes of F when the elements of `moves`, (argument,
        index, scale) each, move together, each by h times its scale."""
        def moved(sign):
            arrays = [a.copy() for a in self.arrays]
            for i, idx, scale in moves:
                arrays[i][idx] += sign * h * scale
            return self.at_all(arrays)
        mid = self.at_all(self.arrays)
        return self.difference(mid, moved(-1)) / h, self.difference(moved(1), mid) / h

    def directional(self, i, v, eps):
        """(dF/dx_i along the direction v, which `_steps` scaled element by element, its
        rounding bound)."""
        x = self.arrays[i]
        step = eps * as_array(v, like=x)
        where = f"argument {i} moved along a random direction by {eps:g} (scaled by _steps)"
        hi = self.stepped(i, x + step, lambda: f"{where}, forward")
        lo = self.stepped(i, x - step, lambda: f"{where}, backward")
        return self.difference(hi, lo) / (2 * eps), self.rounding(hi, lo) / (2 * eps)

    def check_precision(self):
        """f must compute in float64 when given float64: numerical differentiation runs it on
        float64 copies of narrower inputs, whose differences a float32 f would round to a
        few digits (backprop then blamed), or which it may refuse (then no step of it is
        outside a domain)."""
        narrower = [a for a in self.given_dtypes if a != np.float64]
        if not narrower:
            return
        args = [Variable(a.copy(), requires_grad=None if self.with_graph else False)
                for a in self.arrays]
        try:
            ys = _outputs(self.f(*args))
        except Exception as exc:
            if from_hypothesis(exc) or isinstance(exc, GradcheckError):
                raise
            raise GradcheckError(
                f"{self.who}: f raised {type(exc).__name__} given float64 copies of its "
                f"{narrower[0]} inputs: {exc}. Numerical differentiation runs f in float64 "
                "(differences in float32 keep a few digits), so f must take float64 and "
                "compute in its inputs' dtype") from exc
        for k, y in enumerate(ys):
            if is_float(y.data) and y.data.dtype != np.float64:
                raise GradcheckError(
                    f"{self.who}: given float64 copies of its {narrower[0]} inputs, f returns "
                    f"output {k} in {y.data.dtype}: numerical differentiation runs f in "
                    "float64 (differences in float32 keep a few digits), so f must compute in "
                    "its inputs' dtype (x.dtype, not a fixed float32) to be checked")

    def stepped(self, i, xi, where):
        """`at`, naming the step when f raises there and not at the checked point: f's
        domain ends within a step of it (sqrt at 0), which no backward can fix. `where`
        gives the step's words (made only then)."""
        try:
            return self.at(i, xi)
        except Exception as exc:
            if from_hypothesis(exc) or isinstance(exc, GradcheckError):
                raise
            raise StepOutsideDomainError(
                f"numerical differentiation: f raised {type(exc).__name__} at {where()} (a "
                f"step from the checked point, where it runs): {exc}. Its domain ends within "
                f"a step of the point: check it at inputs farther inside") from exc


def _moved(i, j, shape, by):
    return f"argument {i}, index {position(j, shape)} moved by {by:+g}"


def _input_grads(f, xs, upstream, create_graph):
    """d<f(xs), upstream>/dx for every x in xs (None where no gradient arrives)."""
    return _grads_of(_outputs_of(f, xs, upstream), xs, upstream, create_graph)


def _outputs_of(f, xs, upstream, keyword="grad_outputs"):
    """f(*xs) as a list of Variables, one per upstream gradient and of its shape (else a
    clear error naming `keyword`, the argument that gave them)."""
    result = f(*xs)
    for y in result if isinstance(result, (list, tuple)) else [result]:
        if not isinstance(y, Variable):  # (its gradients would all read 0: a correct
            raise TypeError(  # backward blamed for a mismatch)
                f"gradcheck: f returned a {type(y).__name__}, not a Variable: compute its "
                f"result with rungrad's ops on the Variables it is given (not on .data), so "
                f"that backprop has a graph to check")
    ys = _outputs(result)
    if len(ys) != len(upstream):
        raise ValueError(f"gradcheck: f returned {len(ys)} outputs, "
                         f"{len(upstream)} upstream gradients given")
    for k, (y, u) in enumerate(zip(ys, upstream)):
        if tuple(u.shape) != tuple(y.shape):  # (else the engine's error names no argument)
            raise ValueError(f"gradcheck: {keyword} {k} has shape {tuple(u.shape)}, but "
                             f"{_outputs_word(keyword)} {k} has shape {tuple(y.shape)}; give "
                             f"one upstream gradient of each output's shape")
    return ys


def _outputs_word(keyword):
    """What the upstream gradients of `keyword` weight: f's outputs, or (gradgradcheck's
    grad_grad_outputs) f's gradients."""
    return "f's gradient" if keyword == "grad_grad_outputs" else "f's output"


def _grads_of(ys, xs, upstream, create_graph):
    """d<ys, upstream>/dx for every x in xs (None where no gradient arrives)."""
    pairs = [(y, u) for y, u in zip(ys, upstream) if y.requires_grad]
    if not pairs:
        return [None] * len(xs)
    return grad([y for y, _ in pairs], list(xs), grad_outputs=[u for _, u in pairs],
                create_graph=create_graph, allow_unused=True)


def _upstream(f, arrays, given, rng):
    """The upstream gradients, as Variables in each output's dtype (random unless given)."""
    if given is not None:
        return [Variable(_data(u, "gradcheck"), requires_grad=False) for u in as_list(given)]
    ys = _outputs(f(*[_leaf(a) for a in arrays]))
    return [Variable(as_array(_of_size_one(rng, y.shape), like=y.data).astype(y.dtype),
                     requires_grad=False) for y in ys]


def _of_size_one(rng, shape):
    """Random entries of size 0.5 to 1.5 and random sign: an entry near 0 (a normal draw of
    0.1) would shrink that output's part of every checked derivative, and with it the
    tolerance's reach (atol acting as ten times itself on the Jacobian)."""
    return rng.uniform(0.5, 1.5, shape) * rng.choice((-1.0, 1.0), shape)


def _outputs(result):
    items = list(result) if isinstance(result, (list, tuple)) else [result]
    for y in items:
        if y is None:
            raise TypeError("gradcheck: f returned None where an output was expected: return "
                            "the Variable it computes (or a tuple of them)")
        if not isinstance(y, (Variable, numbers.Number)) and not hasattr(y, "__array__"):
            raise TypeError(f"gradcheck: f returned a {type(y).__name__}, not a Variable: "
                            "return the Variable it computes (or a tuple or list of them)")
    return [y if isinstance(y, Variable) else Variable(y, requires_grad=False) for y in items]


def _leaf(array):
    """A fresh leaf for backprop: float data requires grad, integer data cannot."""
    return Variable(array.copy())


def _zeros_if_none(g, x):
    if g is not None:
        return g
    return Variable(get_array_module(x.data).zeros_like(x.data), requires_grad=False)


# ----- small helpers -----

def _check_step(who, eps):
    if not 0 < real_scalar(eps, "eps", who) < np.inf:
        raise ValueError(f"{who}: eps, the difference step, must be a positive number, got "
                         f"{eps!r}")


def _check_callable(who, f):
    """f first: gradcheck(x, f) would otherwise read f as an input of object dtype."""
    if not callable(f):
        raise TypeError(f"{who}: f, the first argument, must be the function to check, got "
                        f"{type(f).__name__}: call {who}(f, *inputs)")


def _check_options(who, arrays, eps, atol, rtol):
    """The step and tolerances, and that there is a float input to check at all (an
    integer array, as np.arange(6) is, would pass unchecked)."""
    _check_step(who, eps)
    for name, value in (("atol", atol), ("rtol", rtol)):
        if value is not None and not real_scalar(value, name, who) >= 0:
            raise ValueError(f"{who}: {name} must be a number >= 0, got {value!r}")
    if not any(is_float(a) for a in arrays):
        dtypes = ", ".join(str(a.dtype) for a in arrays) or "no inputs"
        raise ValueError(f"{who}: no floating-point input to check ({dtypes}): give float "
                         f"arrays, e.g. x.astype(float)")
    for i, a in enumerate(arrays):  # (one NaN makes every numerical entry NaN: all blamed)
        bad = np.flatnonzero(~np.isfinite(to_cpu(a))) if is_float(a) else ()
        if len(bad):
            raise ValueError(f"{who}: input {i} holds {to_cpu(a).flat[bad[0]]} at index "
                             f"{position(bad[0], a.shape)}: numerical differentiation needs "
                             "finite inputs (check f at finite points)")


def _data(x, who, position=None):
    data = x.data if isinstance(x, Variable) else as_array(x)
    if data.dtype.kind not in "biuf":
        where = "" if position is None else f" input {position}"
        raise TypeError(f"{who}:{where} expected numeric data, got dtype {data.dtype}")
    return data


def _number(value, who):
    """f's value as a float: f must return one number (a loss), not an array of several."""
    data = _data(value, who)
    if data.size != 1:
        raise TypeError(f"{who}: f must return one number (a loss), got an array of shape "
                        f"{tuple(data.shape)}: sum it, or use numerical_grad for each output")
    return float(data.reshape(()))


def _float64(array):
    return array.astype(get_array_module(array).float64)
