"""Gradient clipping by global norm or by value."""
import math

import numpy as np

from autograd import Variable
from autograd.backend import get_array_module
from autograd.capture import CaptureError, number_of_this_call, recording, replayed
from autograd.ops.accumulation import wide

from .optimizer import _param_list, grad_array


def _with_grads(parameters, who):
    return [(p, g) for p in _param_list(parameters, who)
            if (g := grad_array(p)) is not None]


def _set_grad(p, g, done):
    """Give `p` the gradient array `g`.

    The engine may hand one gradient Variable to several parameters (`a + b`),
    so gradients are replaced, never scaled in place: in place, a shared one
    would be clipped twice. `done` maps old grad ids to their replacement.
    """
    old = id(p.grad)
    if old not in done:
        done[old] = Variable(g, requires_grad=False)
    p.grad = done[old]


def _norm(xp, g, norm_type):
    g = wide(g)  # float16 summed in float32, as PyTorch's CPU: in float16 squares past 65504
    # made the norm inf (every gradient zeroed), small ones 0
    if norm_type == 0:  # the number of non-zero entries (PyTorch's vector_norm, ord 0)
        return float(xp.count_nonzero(g))
    if norm_type == math.inf:
        return float(xp.max(xp.abs(g))) if g.size else 0.0
    if g.size == 1:  # |g| for every order, as PyTorch's: |g|^p overflowed (a 1e200 scalar
        return float(xp.abs(g).reshape(()))  # gradient: norm inf, every gradient zeroed)
    if norm_type == -math.inf:  # the smallest absolute entry (g is not empty: see below)
        return float(xp.min(xp.abs(g)))
    if norm_type == 2.0:
        flat = g.ravel()
        return math.sqrt(float(xp.dot(flat, flat).real)) if g.size else 0.0
    with np.errstate(divide="ignore"):  # a negative order: 0 ** p = inf, and the norm 0
        return _root(float(xp.sum(xp.abs(g) ** norm_type)), norm_type)


def _root(total, norm_type):
    """total ** (1 / norm_type), also for a negative order's sums of 0 or inf (norm inf, 0)."""
    if total == 0 and norm_type < 0:
        return math.inf
    return total ** (1.0 / norm_type)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scale the gradients so that their joint `norm_type`-norm is at most `max_norm`.

    The norm is taken over all gradients together, as if concatenated into one
    vector; `norm_type` may be `math.inf` (the largest absolute entry), `-math.inf` (the
    smallest), negative (PyTorch's vector_norm: 0 when an entry is 0) or 0 (PyTorch's
    value: the 0-norm of the parameters' 0-norms, i.e. how many gradients have a non-zero
    entry). `foreach` is accepted for PyTorch's signature (None, True or
    False: the result is the same; rungrad chooses how to loop). When the
    norm exceeds `max_norm`, every gradient is multiplied by
    `max_norm / (norm + 1e-6)` (PyTorch's rule). Returns the norm before
    clipping, as a float (inside a step autograd.capture records, a 0-d array that refuses
    to be read in Python, as a replay would keep this call's value; the step may return it,
    and each replay returns its own norm). A NaN norm (with
    error_if_nonfinite=False) makes every gradient NaN, as in PyTorch: the step is visibly
    broken, not silently unclipped. float16 gradients are summed in float32, as PyTorch's CPU
    sums them (the norm is a float, not rounded to float16: PyTorch's is inf past 65504).
    """
    _check_foreach(foreach, "clip_grad_norm_")
    total = _clip_grad_norm(_param_list(parameters, "clip_grad_norm_"), max_norm, norm_type,
                            error_if_nonfinite)
    return number_of_this_call(total, "clip_grad_norm_")


def _check_foreach(foreach, who):
    if foreach not in (None, True, False):
        raise ValueError(f"{who}: foreach must be None, True or False, got {foreach!r}")


def _number(value, name, who):
    """float(value) (PyTorch's: 'inf' too), or a TypeError naming `who` and `name`."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: {name} must be a number (or inf), got {value!r}") from None


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The `norm_type`-norm of `tensors` (arrays or Variables, or one of them) taken
    together, as if concatenated into one vector: PyTorch's norm of the per-tensor norms, 0
    for no tensors (norm_type and error_if_nonfinite as in clip_grad_norm_). A float (PyTorch
    returns a 0-d tensor); not differentiable."""
    _check_foreach(foreach, "get_total_norm")
    record = recording()
    if record is not None and not record.depth:  # (a float: a replay would keep this one)
        raise CaptureError("get_total_norm: the norm is a number of this call's gradients, "
                           "which a captured step would keep in every replay; call "
                           "clip_grad_norm_ (replayed) inside the step, or clip outside it")
    if isinstance(tensors, Variable) or hasattr(tensors, "shape"):
        tensors = [tensors]
    arrays = [t.data if isinstance(t, Variable) else t for t in tensors]
    for a in arrays:
        if not hasattr(a, "shape"):
            raise TypeError(f"get_total_norm: expected arrays or Variables, got "
                            f"{type(a).__name__}")
    return _total_norm(arrays, norm_type, error_if_nonfinite, "get_total_norm")


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the parameters' gradients by min(1, max_norm / (total_norm + 1e-6)) (PyTorch's
    rule; a NaN total_norm makes them NaN): the second half of clip_grad_norm_, with the
    norm given (from get_total_norm, perhaps reduced across processes first)."""
    _check_foreach(foreach, "clip_grads_with_norm_")
    _clip_grads_with_norm(_param_list(parameters, "clip_grads_with_norm_"), max_norm,
                          total_norm)


@replayed  # (a total_norm Variable is read again at each replay)
def _clip_grads_with_norm(parameters, max_norm, total_norm):
    who = "clip_grads_with_norm_"
    _scale_grads(_with_grads(parameters, who), max_norm, total_norm, who)


def _total_norm(arrays, norm_type, error_if_nonfinite, who):
    """get_total_norm on a list of arrays; `who` names the caller in errors."""
    norm_type = _number(norm_type, "norm_type", who)
    if math.isnan(norm_type):
        raise ValueError(f"{who}: norm_type must be a number or +-inf, got nan")
    if not arrays:
        return 0.0
    if norm_type < 0 and any(a.size == 0 for a in arrays):  # (as PyTorch's vector_norm)
        raise ValueError(f"{who}: the {norm_type:g}-norm of an empty gradient is undefined "
                         "(a negative order's norm has no value for no entries)")
    norms = [_norm(get_array_module(a), a, norm_type) for a in arrays]
    if any(math.isnan(n) for n in norms):  # (Python's max and min would skip a NaN)
        total = math.nan
    elif norm_type == math.inf:
        total = max(norms)
    elif norm_type == -math.inf:
        total = min(norms)
    elif norm_type == 0:  # PyTorch's: the norm of the per-parameter norms, ord 0 as well
        total = float(sum(n != 0 for n in norms))
    elif len(norms) == 1:  # (the one norm itself, without its p-th power: see _norm)
        total = norms[0]
    elif norm_type < 0 and min(norms) == 0:  # (0 ** p: a ZeroDivisionError in Python)
        total = 0.0
    else:
        with np.errstate(over="ignore"):  # (inf, as PyTorch's; a Python float's ** raised)
            powers = np.power(norms, norm_type)
        total = _root(math.fsum(powers), norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"{who}: the total norm of order {norm_type} of the gradients "
                           f"is {total}; pass error_if_nonfinite=False to clip anyway")
    return total


def _scale_grads(pairs, max_norm, total_norm, who):
    """Scale each (parameter, gradient) pair's gradient by PyTorch's clipping coefficient."""
    if _number(max_norm, "max_norm", who) < 0:
        raise ValueError(f"{who}: max_norm must be >= 0, got {max_norm}")
    total_norm = total_norm.data if isinstance(total_norm, Variable) else total_norm
    coef = float(max_norm) / (_number(total_norm, "total_norm", who) + 1e-6)
    if coef < 1.0 or math.isnan(coef):  # (times 1 would change nothing)
        done = {}
        for p, g in pairs:
            _set_grad(p, g * coef, done)


@replayed  # a captured step clips again at each replay (with the list, not a used generator)
def _clip_grad_norm(parameters, max_norm, norm_type, error_if_nonfinite):
    """clip_grad_norm_ on a list of parameters: get_total_norm, then clip_grads_with_norm_."""
    who = "clip_grad_norm_"
    pairs = _with_grads(parameters, who)
    total = _total_norm([g for _, g in pairs], norm_type, error_if_nonfinite, who)
    _scale_grads(pairs, max_norm, total, who)
    return total


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient entry into `[-clip_value, clip_value]` (`foreach` as in
    clip_grad_norm_)."""
    _check_foreach(foreach, "clip_grad_value_")
    _clip_grad_value(_param_list(parameters, "clip_grad_value_"), clip_value)


@replayed
def _clip_grad_value(parameters, clip_value):
    """clip_grad_value_ on a list of parameters."""
    c = float(clip_value)
    if c < 0:
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    done = {}
    for p, g in _with_grads(parameters, "clip_grad_value_"):
        _set_grad(p, get_array_module(g).clip(g, -c, c), done)
