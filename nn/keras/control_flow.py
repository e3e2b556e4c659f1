"""Keras' control-flow operations (keras.ops' cond, switch, while_loop, fori_loop, scan, map,
vectorized_map, associative_scan, vectorize and custom_gradient), as Keras' PyTorch backend
runs them: Python's own branches and loops over the values, each step recorded in the graph
as it runs, so that gradients flow through what was computed. They take Python functions,
so a functional model's symbolic tensors cannot go through them (write them in a layer's
call)."""
import builtins
import inspect

import numpy as np

from autograd import Function, no_grad, ops
from autograd.backend import as_array, to_cpu
from autograd.variable import Variable, as_variable, gpu_array_among

from .functional import KerasTensor
from .operation_kinds import gpu_array_in, moved_to


def _concrete(who, *values):
    """Refuse a functional model's symbolic tensor, by name."""
    if builtins.any(_holds_symbolic(value) for value in values):
        raise ValueError(f"keras.ops.{who} runs Python functions on values: it takes no "
                         "functional model's symbolic tensors (call it in a layer's "
                         "call instead)")


def _holds_symbolic(value):
    """Whether value is, or holds at any depth (lists, tuples, dicts), a symbolic tensor."""
    if type(value) is KerasTensor:
        return True
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, (list, tuple)) and builtins.any(_holds_symbolic(v) for v in value)


def _truth(pred):
    return bool(pred.data if isinstance(pred, Variable) else pred)


def cond(pred, true_fn, false_fn):
    """true_fn() if pred holds, else false_fn()."""
    _concrete("cond", pred)
    return true_fn() if _truth(pred) else false_fn()


def switch(index, branches, *operands):
    """branches[index](*operands), the index clipped to the branches' range."""
    _concrete("switch", index)
    chosen = int(np.clip(int(index.data if isinstance(index, Variable) else index), 0,
                         len(branches) - 1))
    return branches[chosen](*operands)


def _as_tensor(value, home=None):
    """A loop variable as Keras holds it: numbers and arrays become tensors (numbers int32
    or float32), on the GPU of `home` where given; tuples, lists and dicts of them keep
    their structure."""
    if isinstance(value, (tuple, list)):
        return _like(value, [_as_tensor(item, home) for item in value])
    if isinstance(value, dict):
        return {key: _as_tensor(item, home) for key, item in value.items()}
    if isinstance(value, Variable):
        return value
    from .ops import convert_to_tensor  # (ops imports this module)
    tensor = convert_to_tensor(value)
    return tensor if home is None else Variable(as_array(tensor.data, like=home),
                                                requires_grad=False)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """loop_vars = body(*loop_vars) while cond(*loop_vars) holds (at most
    maximum_iterations times); loop_vars a tuple or list of them, or one."""
    several = isinstance(loop_vars, (tuple, list))
    given = loop_vars if several else (loop_vars,)
    home = gpu_array_among(_leaves(given))  # (numbers become tensors beside the GPU ones)
    values = tuple(_as_tensor(v, home) for v in given)
    _concrete("while_loop", values)
    done = 0
    while _truth(cond(*values)) and (maximum_iterations is None or done < maximum_iterations):
        values = body(*values)
        values = tuple(values) if isinstance(values, (tuple, list)) else (values,)
        done += 1
    return values if several else values[0]


def _leaves(structure):
    """The values of nested tuples, lists and dicts, in order."""
    if isinstance(structure, (tuple, list)):
        return [leaf for item in structure for leaf in _leaves(item)]
    if isinstance(structure, dict):
        return [leaf for item in structure.values() for leaf in _leaves(item)]
    return [structure]


def fori_loop(lower, upper, body_fun, init_val):
    """val = body_fun(i, val) for i from lower up to upper (excluded)."""
    _concrete("fori_loop", init_val)
    value = init_val
    for i in range(int(lower), int(upper)):
        value = body_fun(i, value)
    return value


def _slices(xs, length):
    """The slices of xs (a tensor, or a tuple, list or dict of them) along their first
    axis."""
    if xs is None:
        return [None] * length
    if isinstance(xs, (tuple, list)):
        columns = [_slices(x, None) for x in xs]
        _same_lengths(columns)
        return [_like(xs, parts) for parts in zip(*columns)]
    if isinstance(xs, dict):
        columns = {key: _slices(x, None) for key, x in xs.items()}
        _same_lengths(list(columns.values()))
        return [dict(zip(columns, parts)) for parts in zip(*columns.values())]
    return list(ops.unbind(as_variable(xs), 0))


def _same_lengths(columns):
    """Refuse tensors of several first sizes in one xs (zip would cut them to the shortest)."""
    lengths = sorted({len(column) for column in columns})
    if len(lengths) > 1:
        raise ValueError(f"keras.ops: the tensors of xs must have one first size (the steps), "
                         f"got sizes {lengths}")


def _like(structure, items):
    """A tuple or list like `structure` (a namedtuple too) holding `items`."""
    kind = type(structure)
    return kind(*items) if hasattr(structure, "_fields") else kind(items)


def _stacked(results):
    """The per-step results stacked along a new first axis (each of a tuple or a dict on its
    own; None stays None, as a scan step giving no y)."""
    first = results[0]
    if first is None:
        return None
    if isinstance(first, (tuple, list)):
        return _like(first, [_stacked(list(parts)) for parts in zip(*results)])
    if isinstance(first, dict):
        return {key: _stacked([r[key] for r in results]) for key in first}
    return ops.stack([as_variable(r) for r in results], axis=0)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """(carry, ys): carry, y = f(carry, x) for each slice x of xs along its first axis (in
    reverse order with reverse=True; `length` steps with x None when xs is None), the ys
    stacked in xs' order."""
    _concrete("scan", init, xs)
    if xs is None and length is None:
        raise ValueError("keras.ops.scan: give xs, or the length of a scan without them")
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(f"keras.ops.scan: unroll must be a positive integer or a boolean, "
                         f"got {unroll!r}")
    if length is not None:
        length = int(to_cpu(length.data) if isinstance(length, Variable) else length)
    steps = _slices(xs, length)
    if length is not None and len(steps) != length:
        raise ValueError(f"keras.ops.scan: length={length}, but xs has {len(steps)} slices")
    carry, ys = _as_tensor(init), []  # (numbers as Keras' tensors: float32, int32)
    for x in reversed(steps) if reverse else steps:
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, (_stacked(ys) if ys else None)


def map(f, xs):  # noqa: A001 (Keras' name)
    """f of each slice of xs along its first axis, the results stacked."""
    _concrete("map", xs)
    slices = _slices(xs, None)
    if not slices:
        raise ValueError("keras.ops.map: xs has no slice along its first axis to map over")
    return _stacked([f(x) for x in slices])


def vectorized_map(function, elements):
    """function of each slice of elements along its first axis, stacked (as map)."""
    return map(function, elements)


def associative_scan(f, elems, reverse=False, axis=0):
    """The inclusive scan of elems (a tensor, or a tuple, list or dict of them) along `axis`
    by the associative f: out[0] = elems[0], out[i] = f(out[i - 1], elems[i]) (from the end
    with reverse=True). As Keras' (and JAX's), f is called on whole batches of slices, their
    `axis` kept, so it must work elementwise along it: log2(n) calls for n steps (each
    offset k combines every element with the one k before it, k = 1, 2, 4, ...)."""
    _concrete("associative_scan", elems)
    leaves = [as_variable(leaf) for leaf in _leaves(elems)]
    if not leaves or any(not -leaf.ndim <= axis < leaf.ndim for leaf in leaves):
        raise ValueError(f"keras.ops.associative_scan: elems must hold tensors with an axis "
                         f"{axis}, got shapes {[tuple(leaf.shape) for leaf in leaves]}")
    lengths = {leaf.shape[axis] for leaf in leaves}
    if lengths == {0}:
        raise ValueError(f"keras.ops.associative_scan: nothing to scan along axis {axis} "
                         "(length 0)")
    if len(lengths) != 1:
        raise ValueError(f"keras.ops.associative_scan: the tensors of elems differ in length "
                         f"along axis {axis}: {sorted(lengths)}")
    n = lengths.pop()
    axes = [axis % leaf.ndim for leaf in leaves]
    if reverse:
        leaves = [ops.flip(leaf, a) for leaf, a in zip(leaves, axes)]
    offset = 1
    while offset < n:
        earlier = [_along(leaf, a, 0, n - offset) for leaf, a in zip(leaves, axes)]
        later = [_along(leaf, a, offset, n) for leaf, a in zip(leaves, axes)]
        combined = _leaves_as(elems, f(_rebuilt(elems, iter(earlier)),
                                       _rebuilt(elems, iter(later))))
        leaves = [ops.concatenate([_along(leaf, a, 0, offset), as_variable(c)], axis=a)
                  for leaf, a, c in zip(leaves, axes, combined)]
        offset *= 2
    if reverse:
        leaves = [ops.flip(leaf, a) for leaf, a in zip(leaves, axes)]
    return _rebuilt(elems, iter(leaves))


def _leaves_as(template, value):
    """value's leaves in the order of template's (elems') structure: a dict's by template's
    keys, whatever order f wrote them in."""
    if isinstance(template, (tuple, list)) and isinstance(value, (tuple, list)) \
            and len(value) == len(template):
        return [leaf for t, v in zip(template, value) for leaf in _leaves_as(t, v)]
    if isinstance(template, dict) and isinstance(value, dict) and value.keys() == template.keys():
        return [leaf for key in template for leaf in _leaves_as(template[key], value[key])]
    if isinstance(template, (tuple, list, dict)) or isinstance(value, (tuple, list, dict)):
        raise ValueError(f"keras.ops.associative_scan: f must return elems' structure "
                         f"({_structure(template)}), got {_structure(value)}")
    return [value]


def _structure(value):
    """value's nesting, its tensors as '*' (for messages)."""
    if isinstance(value, (tuple, list)):
        inner = ", ".join(_structure(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_structure(v)}" for k, v in value.items()) + "}"
    return "*"


def _along(x, axis, start, stop):
    """x's slices start..stop along `axis`."""
    return ops.get_item(x, (slice(None),) * axis + (slice(start, stop),))


def _rebuilt(structure, leaves):
    """structure (nested tuples, lists and dicts) with its leaves taken from the iterator
    `leaves`, in _leaves' order."""
    if isinstance(structure, (tuple, list)):
        return _like(structure, [_rebuilt(item, leaves) for item in structure])
    if isinstance(structure, dict):
        return {key: _rebuilt(item, leaves) for key, item in structure.items()}
    return next(leaves)


def vectorize(pyfunc, *, excluded=None, signature=None):
    """pyfunc made to run over tensors' leading axes, as numpy.vectorize: without a
    signature on each element of the broadcast positional arguments; with one ('(n),(n)->()'
    a gufunc's) on their core axes, the others broadcast and looped over. The results are
    stacked (a tuple of results each), differentiable through pyfunc. Positions in
    `excluded`, and keyword arguments, are passed as they are. (Python runs pyfunc once per
    element or core block: for large tensors write it with whole-tensor ops.)"""
    excluded = set(excluded or ())
    cores, outputs = _gufunc_signature(signature) if signature is not None else (None, None)

    def vectorized(*args, **kwargs):
        _concrete("vectorize", *args)
        home = gpu_array_in(args)
        if home is not None:  # (NumPy constants beside GPU tensors go there, as ops' do)
            args = [moved_to(arg, home) for arg in args]
        looped = [i for i in range(len(args)) if i not in excluded]
        core = cores if cores is not None else [()] * len(looped)
        if len(core) != len(looped):
            raise ValueError(f"keras.ops.vectorize: signature {signature!r} has {len(core)} "
                             f"inputs, the call {len(looped)} vectorized arguments")
        tensors = [as_variable(args[i]) for i in looped]
        loop = _loop_shape(tensors, core, signature)
        spread = [ops.broadcast_to(t, loop + tuple(t.shape[t.ndim - len(c):]))
                  for t, c in zip(tensors, core)]
        results = []
        for index in np.ndindex(*loop):
            call = list(args)
            for i, t in zip(looped, spread):
                call[i] = t[index] if index else t
            results.append(pyfunc(*call, **kwargs))
        if not loop:
            return results[0]
        if not results:
            raise ValueError("keras.ops.vectorize: nothing to loop over (a loop axis of "
                             "length 0)")
        stacked = _stacked(results)
        return _reshaped(stacked, loop)
    vectorized.__name__ = getattr(pyfunc, "__name__", "vectorized")
    vectorized.__doc__ = pyfunc.__doc__
    return vectorized


def _gufunc_signature(signature):
    """([core axis names per input], [per output]) of '(m,n),(n)->(m)'."""
    import re
    match = re.fullmatch(r"\s*(.*?)\s*->\s*(.*?)\s*", signature or "")
    if match is None:
        raise ValueError(f"keras.ops.vectorize: signature must read '(inputs)->(outputs)', got "
                         f"{signature!r}")

    def groups(side):
        found = re.findall(r"\(([^()]*)\)", side)
        if re.sub(r"\([^()]*\)|[,\s]", "", side):
            raise ValueError(f"keras.ops.vectorize: cannot read {side!r} of {signature!r}")
        return [tuple(name.strip() for name in group.split(",") if name.strip())
                for group in found]
    return groups(match.group(1)), groups(match.group(2))


def _loop_shape(tensors, cores, signature):
    """The broadcast shape of the tensors' axes before their core axes, the core sizes named
    alike checked to agree."""
    sizes, loops = {}, []
    for t, core in zip(tensors, cores):
        if t.ndim < len(core):
            raise ValueError(f"keras.ops.vectorize: an argument of shape {tuple(t.shape)} has "
                             f"fewer axes than its core {core} in {signature!r}")
        for name, size in zip(core, t.shape[t.ndim - len(core):]):
            if sizes.setdefault(name, size) != size:
                raise ValueError(f"keras.ops.vectorize: core axis {name!r} has sizes "
                                 f"{sizes[name]} and {size} in {signature!r}")
        loops.append(tuple(t.shape[:t.ndim - len(core)]))
    try:
        return tuple(np.broadcast_shapes(*loops)) if loops else ()
    except ValueError:
        raise ValueError(f"keras.ops.vectorize: the arguments' loop axes {loops} do not "
                         "broadcast") from None


def _reshaped(stacked, loop):
    """Results stacked along one axis, given the loop's shape (a tuple or dict each)."""
    if isinstance(stacked, (tuple, list)):
        return _like(stacked, [_reshaped(part, loop) for part in stacked])
    if isinstance(stacked, dict):
        return {key: _reshaped(part, loop) for key, part in stacked.items()}
    return ops.reshape(stacked, loop + tuple(stacked.shape[1:]))


class _CustomGradient(Function):
    """The output(s) a function computed, with the gradient its own gradient function gives:
    d inputs = gradient(*gys)."""

    def __init__(self, outputs, gradient, structure=None):
        self._outputs, self._gradient, self._structure = outputs, gradient, structure

    def forward(self, *inputs):
        return self._outputs

    def backward(self, *gys):
        if self._structure is not None:  # (upstream gradients in the outputs' structure)
            gys = _rebuilt(self._structure, iter(gys))
            gys = tuple(gys) if isinstance(gys, (tuple, list)) else (gys,)
        if _takes_upstream(self._gradient):  # (Keras' PyTorch form: grad(*args, upstream))
            grads = self._gradient(*self.inputs, upstream=gys[0] if len(gys) == 1 else gys)
        else:
            grads = self._gradient(*gys)
        grads = tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)
        if len(grads) != len(self.inputs):
            raise ValueError(f"keras.ops.custom_gradient: the gradient function gave "
                             f"{len(grads)} gradients for {len(self.inputs)} inputs")
        return tuple(None if g is None else as_variable(g) for g in grads)


def _takes_upstream(gradient):
    """Whether a gradient function is written grad(*args, upstream) (Keras' form for its
    PyTorch backend, which passes the inputs and upstream= by name)."""
    try:
        upstream = inspect.signature(gradient).parameters.get("upstream")
    except (TypeError, ValueError):  # (a builtin without a signature)
        return False
    return upstream is not None and upstream.kind is inspect.Parameter.KEYWORD_ONLY


def custom_gradient(f):
    """A function whose gradient f defines: f(*args, **kwargs) returns (output, grad_fn),
    the output a tensor or a tuple of them, and grad_fn the gradients of the positional
    args (one, or a tuple of them), called as Keras' backends call it: grad_fn(*upstream),
    one upstream gradient per output (JAX's and TensorFlow's form), or, for a grad_fn
    with an `upstream` parameter (`def grad(*args, upstream)`, the PyTorch backend's form),
    grad_fn(*inputs, upstream=...). The output is computed without a graph; the gradient
    is what grad_fn gives. Keyword arguments are passed on, not differentiated."""
    def with_gradient(*args, **kwargs):
        variables = [as_variable(a) for a in args]
        with no_grad():
            output, gradient = f(*variables, **kwargs)
        leaves = _leaves(output)  # (a nested output: its structure given back as it was)
        several = isinstance(output, (tuple, list, dict))
        arrays = tuple(as_variable(o).data for o in leaves) if several else \
            as_variable(output).data
        result = _CustomGradient(arrays, gradient, output if several else None)(*variables)
        return _rebuilt(output, iter(result)) if several else result
    with_gradient.__name__ = getattr(f, "__name__", "custom_gradient")
    with_gradient.__doc__ = f.__doc__
    return with_gradient


CONTROL_FLOW = ["cond", "switch", "while_loop", "fori_loop", "scan", "map", "vectorized_map",
                "associative_scan", "vectorize", "custom_gradient"]

__all__ = CONTROL_FLOW
