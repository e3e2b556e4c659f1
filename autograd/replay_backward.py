"""A captured backward pass (autograd/capture.py): the engine's walk, planned once.

The engine (`engine._backprop`) discovers the graph as it goes: a schedule ordered by
generation, a dict of pending gradients keyed by Variable. In a captured step the graph is
the same at every replay, so the order is fixed at capture and a replay only calls each
Function's `backward_data` and adds the gradients up, as the engine's first-order path
does, then stores the leaves' gradients through the engine's own `store_leaf_grads`.
"""
import numpy as np

from .backend import get_array_module
from .config import backward_running, grad_mode
from .engine import (
    _add_arrays,
    _fit_grad,
    _seed,
    _user_arrays,
    store_leaf_grads,
)
from .variable import Variable, wrap

_ndarray = np.ndarray


def backward_step(outputs, grad_outputs, order):
    """A callable running backward(outputs, grad_outputs) on the captured graph; `order`:
    the Functions in the order the engine ran them at capture."""
    seeds = _seed_sources(grad_outputs, len(outputs))
    _check_replayable(order)
    leaves = _leaves(order, outputs)
    plan = [(func.backward_data, func, [id(ref()) if ref() is not None else None
                                        for ref in func.outputs],
             [(x, id(x)) for x, needed in zip(func.inputs, func.needs_input_grad) if needed],
             [i for i, needed in enumerate(func.needs_input_grad) if needed])
            for func in order]

    def run():
        # as the engine runs backward: no graph recorded, and ops know they are in backward
        saved = grad_mode.set(False), backward_running.set(True)
        try:
            _run()
        finally:
            grad_mode.reset(saved[0])
            backward_running.reset(saved[1])

    def _run():
        grads = {}
        given = []
        for y, source in zip(outputs, seeds):
            g = None if source is None else source.data
            if g is None or g.__class__ is not _ndarray or g.dtype != y.data.dtype \
                    or g.shape != y.data.shape:
                g = _seed(y, g).data  # (a given array of the right kind is used as it is)
            given.append(g)
            key = id(y)
            grads[key] = g if key not in grads else _add_arrays(grads[key], g)
        for backward_data, func, out_keys, inputs, positions in plan:
            if len(out_keys) == 1:
                g = grads.pop(out_keys[0], None)
                if g is None:
                    continue  # nothing reached this op (its gradients were all None)
                gxs = backward_data(g)
            else:
                gys = _output_grads(func, out_keys, grads)
                if gys is None:
                    continue
                gxs = backward_data(*gys)
            if gxs.__class__ is not tuple:
                gxs = tuple(gxs) if gxs.__class__ is list else (gxs,)
            for (x, key), i in zip(inputs, positions):
                gx = gxs[i]
                if gx is None:
                    continue
                data = x.data
                if gx.__class__ is not _ndarray or gx.shape != data.shape \
                        or gx.dtype != data.dtype:
                    gx = _fit_grad(gx, x, True, func)
                old = grads.get(key)
                grads[key] = gx if old is None else _add_arrays(old, gx)
        store_leaf_grads([(x, wrap(grads[id(x)], False)) for x in leaves if id(x) in grads],
                         _user_arrays(given), False)
    return run


def _seed_sources(grad_outputs, n):
    """None (ones) or the Variable whose current array is each output's gradient."""
    if grad_outputs is None:
        return [None] * n
    seeds = list(grad_outputs) if isinstance(grad_outputs, (list, tuple)) else [grad_outputs]
    return [None if g is None else g if isinstance(g, Variable) else wrap(np.asarray(g), False)
            for g in seeds]


def _check_replayable(order):
    """Refuse hooks on what this graph reaches: they are Python, run by the engine, not by a
    replay."""
    from .capture import CaptureError
    for func in order:
        for x in func.inputs:
            if x.creator is None and x._watch is not None:
                raise CaptureError(f"capture: an input of {func.name} (a leaf of shape "
                                   f"{x.shape}) has a gradient hook; hooks cannot be replayed")
        for ref in func.outputs:
            y = ref()
            if y is not None and y._watch is not None:
                raise CaptureError(f"capture: an output of {func.name} has a gradient hook or "
                                   f"retains its gradient; hooks cannot be replayed")


def _leaves(order, outputs):
    """The Variables without a creator that receive a gradient (parameters, mostly)."""
    found, seen = [], set()
    for var in list(outputs) + [x for func in order for x in func.inputs]:
        if var.creator is None and var.requires_grad and id(var) not in seen:
            seen.add(id(var))
            found.append(var)
    return found


def _output_grads(func, out_keys, grads):
    """The gradients of a multi-output op's outputs (zeros for those that got none), or
    None when none of them got one."""
    gys = [None if key is None else grads.pop(key, None) for key in out_keys]
    if all(g is None for g in gys):
        return None
    xp = get_array_module(func.inputs[0].data)
    for i, (ref, spec) in enumerate(zip(func.outputs, func.output_specs)):
        if gys[i] is None:  # zeros of this call's output (its shape may follow the values)
            y = ref()
            gys[i] = xp.zeros(*((y.data.shape, y.data.dtype) if y is not None else spec))
    return gys
