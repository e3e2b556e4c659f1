"""Memory offered for a leaf's next gradient, so an op can compute the gradient straight there.

Data-parallel training packs every gradient into a few contiguous buckets for the
allreduce. Without an offer, a weight's gradient is computed into new memory and then copied
into its bucket slot: one more pass over every gradient, and megabytes of short-lived
arrays per step that two ranks on one machine pay for in shared cache. With an offer, the
op that produces the gradient (Linear's weight and bias) writes it into the slot itself.

An offer is used at most once: the op that takes it withdraws it, so a second contribution
to the same leaf in one backward (a weight used twice) goes to new memory and the engine
adds the two as usual. It is used only by first-order backprop on arrays (`backward_data`);
`create_graph=True` needs gradients that are graphs. It is not taken while the leaf's
`.grad` lives in that memory: the new gradient would overwrite the one it must be added to.
Taken memory is the gradient the engine hands on, to hooks and into `.grad`.
"""
import weakref

import numpy as np

_offers = {}  # id(leaf) -> (weak reference to the leaf, the offered array)


def offer_grad_memory(variable, array):
    """Offer `array` (variable's shape and dtype, C-contiguous, writeable) for the next
    first-order gradient an op computes for `variable`; None withdraws an offer. The offer
    goes when the variable does."""
    key = id(variable)
    if array is None:
        _offers.pop(key, None)
        return
    problem = _unfit(variable, array)
    if problem:
        raise ValueError(f"offer_grad_memory: {problem}")
    _offers[key] = (weakref.ref(variable, lambda _, key=key: _offers.pop(key, None)), array)


def withdraw_grad_memory_in(memory):
    """Withdraw every offer of memory that overlaps the array `memory` (before that memory
    is freed: nothing may be written there after)."""
    for key, (_, array) in list(_offers.items()):
        if np.may_share_memory(array, memory):
            _offers.pop(key, None)


def any_grad_memory_offered():
    """Whether any memory is on offer (ops skip the lookup when none is)."""
    return bool(_offers)


def take_grad_memory(variable, dtype):
    """For an op's `backward_data`: the array offered for `variable`'s gradient, withdrawn
    now, if a result of `dtype` fits it (on the variable's array module) and the leaf's
    `.grad` does not live there; else None (compute into new memory)."""
    entry = _offers.pop(id(variable), None)  # one step: two threads never take one offer
    if entry is None or entry[0]() is not variable:
        return None
    array = entry[1]
    if (array.dtype != dtype or array.__class__ is not variable.data.__class__
            or _holds_grad(variable, array)):
        _offers.setdefault(id(variable), entry)  # not taken: still on offer
        return None
    return array


def _holds_grad(variable, array):
    grad = variable.grad
    return grad is not None and _overlap(grad.data, array)


def _overlap(a, b):
    # bounds only: may_share_memory never solves the exact (costly) problem
    return a.__class__ is b.__class__ is np.ndarray and np.may_share_memory(a, b)


def _unfit(variable, array):
    """Why `array` cannot hold variable's gradient, or None."""
    if variable.creator is not None:
        return "only a leaf (a Variable no Function made) can be offered gradient memory"
    if not isinstance(array, np.ndarray):
        return f"expected a NumPy array, got {type(array).__name__}"
    if array.shape != variable.shape or array.dtype != variable.dtype:
        return (f"the array ({array.shape}, {array.dtype}) does not match the variable "
                f"({variable.shape}, {variable.dtype})")
    if not (array.flags.c_contiguous and array.flags.writeable):
        return "the array must be C-contiguous and writeable"
    return None


__all__ = ["any_grad_memory_offered", "offer_grad_memory", "take_grad_memory",
           "withdraw_grad_memory_in"]
