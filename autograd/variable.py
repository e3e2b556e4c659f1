"""Variable: an array plus the record of the Function that made it."""

import functools
import itertools
import threading
import weakref

import numpy as np

from . import hooks as _hooks
from .arguments import numpy_dtype
from .backend import as_array, get_array_module, is_array, is_float, is_gpu_array
from .config import Config, anomaly_mode
from .config import no_grad as _no_grad
from .element_count import ElementCount
from .hooks import GradWatch
from .keras_variable import ComputedAssignments, KerasVariableMethods
from .tensor_methods import TensorMethods

_NUMERIC_KINDS = "biuf"
_ticks = itertools.count(1)


class _Stamps:
    """The stamp of the latest in-place change made through rungrad, in any thread.

    A Function notes the stamp when it records; a Variable changed in place takes a new,
    larger stamp as its `_version`. Backward compares stamps only when the latest one moved
    since the Function recorded, so the common case costs one comparison per op.

    One instance, `Mutations`: assigning a class attribute instead would invalidate CPython's
    attribute caches for the class at every optimizer step (each op reads the count).
    """

    __slots__ = ("count", "in_this_thread")

    def __init__(self):
        self.count = 0
        self.in_this_thread = threading.local()  # .count: the latest stamp made by this thread


Mutations = _Stamps()


def mutations_in_this_thread():
    """The stamp of the latest in-place change this thread made (0 if none): a capture
    recording in one thread is not disturbed by another thread's training."""
    return getattr(Mutations.in_this_thread, "count", 0)


def new_stamp():
    """A stamp larger than every one before, made the latest: the Functions recorded from
    now on carry it or a later one (autograd.checkpoint tells what a call recorded by it)."""
    Mutations.count = stamp = next(_ticks)
    return stamp


def mark_modified(var):
    """Give `var`, and every Variable viewing the same memory, a fresh stamp: graphs recorded
    before now refuse to backward through them."""
    mark_all_modified((var,))


def mark_all_modified(variables):
    """mark_modified for each of `variables` with one stamp (an optimizer's step: one
    thread-local write for them all)."""
    stamp = Mutations.in_this_thread.count = new_stamp()
    for var in variables:
        var._version = stamp
        if _view_groups:  # (no call at all in the common case: no views anywhere)
            for view in _views_of(var):
                view._version = stamp


# id(Variable) -> (a weak ref to it, its group: the set of the ids of the Variables sharing
# its memory, itself included). Kept beside the Variables, not in a slot: a slot makes every
# Variable larger, which cost the 1-10-1 MLP's step 1.7 % of its instructions (callgrind).
# A Variable's entry, and its id in its group, go when it dies (the ref's callback).
_view_groups = {}


def share_version(view, base):
    """`view`'s array is a view of `base`'s: from now on an in-place change through either
    stamps both (PyTorch's views share a version counter), so a graph that saved one sees a
    change made through the other. Members are held weakly."""
    group = _group_of(base)
    if group is None:
        group = _first_group(base)
    _join(view, group)


def _first_group(base):
    """`base`'s group, made now unless another thread just made it. One atomic setdefault,
    no lock: two threads taking the first views of one base at once each made a group and
    the later overwrote the base's entry, so an in-place change through the base missed the
    first thread's view. (An entry found is base's own: entries leave with their Variable,
    in the weakref's callback, before its id can be reused.)"""
    key = id(base)
    return _view_groups.setdefault(key, (_weak(base, key), {key}))[1]


def _group_of(var):
    entry = _view_groups.get(id(var))
    return entry[1] if entry is not None and entry[0]() is var else None


def _views_of(var):
    """The live Variables sharing var's memory (var among them), or ()."""
    group = _group_of(var) if _view_groups else None
    if group is None:
        return ()
    # .get, not [key]: a view dying in another thread leaves the table before its group
    get = _view_groups.get
    return [view for key in list(group)
            if (entry := get(key)) is not None and (view := entry[0]()) is not None]


def _join(var, group):
    key = id(var)
    group.add(key)
    _view_groups[key] = (_weak(var, key), group)


def _weak(var, key):
    """A weak reference to `var` that drops its entry, `key`, when `var` dies."""
    return weakref.ref(var, lambda ref: _forget(key, ref))


def _forget(key, ref):
    entry = _view_groups.get(key)
    if entry is not None and entry[0] is ref:
        del _view_groups[key]
        entry[1].discard(key)


def _leave_views(var):
    """var no longer views its group's memory (a Parameter given a new array)."""
    entry = _view_groups.pop(id(var), None)
    if entry is not None:
        entry[1].discard(id(var))


# id(Parameter) -> (a weak ref to it, the stamp of the latest new .data of another shape).
# Graphs recorded before refuse to backpropagate to it even through ops that read no values
# (`w.sum()`): their gradient has the old shape. Rare, so kept beside the Parameters.
_resized = {}


def _note_resized(param):
    key = id(param)

    def forget(ref):
        entry = _resized.get(key)
        if entry is not None and entry[0] is ref:
            del _resized[key]
    _resized[key] = (weakref.ref(param, forget), param._version)


def resized_since(var, stamp):
    """Whether `var` is a Parameter given a new .data of another shape after `stamp`."""
    entry = _resized.get(id(var)) if _resized else None
    return entry is not None and entry[0]() is var and entry[1] > stamp


_new = object.__new__


def _cast(dtype):
    """The method x.<cast>() = x.astype(dtype) (PyTorch's float(), long(), ...)."""
    def cast(self):
        return self.astype(dtype)
    cast.__doc__ = f"As {np.dtype(dtype)} (PyTorch's cast); itself when it already is."
    return cast


class _NotGiven:
    """The default of a keyword whose None means something when given (var's dim=)."""

    def __repr__(self):
        return "<not given>"


_NOT_GIVEN = _NotGiven()


class AxisDefault:
    """An axis parameter's default (-1, 0) that a call can tell from the same value given:
    NumPy's axis beside PyTorch's dim= is refused, not silently dropped."""

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return repr(self.value)


FIRST_AXIS, LAST_AXIS = AxisDefault(0), AxisDefault(-1)


class Variable(ComputedAssignments, TensorMethods):
    """An n-d array that remembers its creator, so gradients can flow back through it.

    `requires_grad` (default: True for floating-point data) cannot be asked of integer
    arrays (labels, indices), which never receive gradients: they require none.
    """

    # Slots: every op creates Variables, and slot reads/writes are the cheapest Python has.
    __slots__ = ("data", "name", "grad", "creator", "generation", "requires_grad",
                 "_watch", "_version", "__weakref__")
    __array_priority__ = 200

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy's ufuncs given a Variable. An operator between an array and a Variable
        (`a * v`, `a < v`, which NumPy routes here) is the Variable's own: an op,
        differentiable. Any other call (`np.logical_and(m1, m2)`, `np.add.at(counts, pred,
        1)`, `counts += mask`) runs on the values, as PyTorch's tensors let it: of Variables
        that need no gradient, giving arrays."""
        operator = _OPERATOR_UFUNCS.get(ufunc.__name__)
        if operator and method == "__call__" and not kwargs and len(inputs) == 2:
            left, right = inputs
            if isinstance(left, Variable):
                return getattr(left, operator[0])(right)
            return getattr(right, operator[1])(left)
        inputs = [_values_for_numpy(x, ufunc) for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(_out_for_numpy(o, ufunc) for o in kwargs["out"])
        return computed_from_values(getattr(ufunc, method)(*inputs, **kwargs))

    def __init__(self, data, name=None, requires_grad=None):
        given = data
        data = as_variable(data, who=type(self).__name__).data
        self.data = data
        self.name = name
        self.grad = None
        self.creator = None
        self.generation = 0
        floating = is_float(data)
        if requires_grad and not floating:  # (asked for: PyTorch refuses it too)
            raise TypeError(f"{type(self).__name__}: only floating-point data can require "
                            f"gradients, got dtype {data.dtype}; give float data "
                            f"(x.astype(float)), or requires_grad=False for a constant "
                            f"(PyTorch refuses it too)")
        self.requires_grad = floating if requires_grad is None else bool(requires_grad)
        self._watch = None  # a hooks.GradWatch once a hook or retain_grad asks for one
        self._version = 0
        if isinstance(given, Variable):  # the same array: a change through either is one
            self._version = given._version  # to the graphs that saved the other (PyTorch's
            share_version(self, given)  # nn.Parameter(t) shares t's version counter)

    def __getstate__(self):
        """pickle's and copy's state, without the gradient hooks (PyTorch's copies drop
        them: a deepcopy of a model must not clip or freeze its own gradients with hooks
        that only the original's handles remove). A computed Variable's is a leaf's (its
        values and requires_grad, no .grad), as PyTorch pickles a non-leaf: the graph
        behind it is this process's, held by weak references."""
        slots = {name: getattr(self, name) for name in _slot_names(type(self))
                 if hasattr(self, name)}
        slots["_watch"] = None
        slots["name"] = own_name(self)  # (not a Keras name a layer gives a Parameter)
        if self.creator is not None:
            slots.update(creator=None, generation=0, grad=None)
        return getattr(self, "__dict__", None) or None, slots

    # ----- array-like properties -----
    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        """The number of elements (NumPy's); callable as PyTorch's size() / size(dim)."""
        data = self.data
        return ElementCount(data.shape, data.size)

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def T(self):
        return _ops.transpose(self)

    @property
    def is_leaf(self):
        return self.creator is None

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d Variable (a scalar: it has no rows)")
        return len(self.data)

    def __iter__(self):
        """The rows (x[0], x[1], ...). A 0-d Variable has none to iterate, as PyTorch says:
        without this, Python's fallback would index it until an error and find none, so
        sum(x) would be 0 and a loop over x would not run."""
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d Variable (a scalar: use it directly, or "
                            ".item() for its number)")
        for i in range(len(self.data)):
            yield self[i]

    def __repr__(self):
        body = str(self.data).replace("\n", "\n" + " " * 9)
        name = own_name(self)
        extra = f", name={name!r}" if name else ""
        return f"{type(self).__name__}({body}{extra})"

    def item(self):
        return self._single_value("item")

    def __float__(self):
        """`float(v)` of a one-element Variable (PyTorch's: `float(model.losses[0])`), with
        or without a graph; the value only, as item()."""
        return float(self._single_value("float"))

    def __int__(self):
        """`int(v)` of a one-element Variable, truncated toward zero as int() is."""
        return int(self._single_value("int"))

    def __index__(self):
        """`classes[v]`, `range(v)` of a one-element integer Variable (PyTorch's 0-d index
        tensor: `classes[predicted[j]]`)."""
        read_in_python(self, "an index")
        # (0-d only: NumPy indexes with a 1-D one as an array, a[v] keeping its axis)
        if self.data.dtype.kind not in "iu" or self.data.ndim != 0:
            raise TypeError(f"only a 0-d integer Variable can be a Python index, got one of "
                            f"dtype {self.dtype} and shape {tuple(self.shape)}")
        return int(self.data.item())

    def __format__(self, spec):
        """f"{loss:.4f}" of a 0-d Variable formats its number (PyTorch's); another's format
        is its text, without a format spec."""
        if self.data.ndim == 0:
            read_in_python(self, "format()")
            return format(self.data.item(), spec)
        if spec:
            raise TypeError(f"unsupported format string {spec!r} for a Variable of shape "
                            f"{tuple(self.shape)}: format v.item() of a one-element one, or "
                            "the array v.data")
        return str(self)

    def _single_value(self, conversion):
        read_in_python(self, f"{conversion}()")
        if self.data.size != 1:
            raise TypeError(f"{conversion}() takes a Variable of one element, got one of shape "
                            f"{tuple(self.data.shape)} ({self.data.size} elements); use "
                            f"v.data for the array, or index one element first")
        return self.data.item()

    def __bool__(self):
        read_in_python(self, "bool()")
        if self.data.size != 1:
            raise ValueError(f"the truth value of a Variable with {self.data.size} elements is "
                             "ambiguous; use (x.data).any() or .all()")
        return bool(self.data)

    def __array__(self, dtype=None, copy=None):
        """`np.asarray(v)`: the data when no gradient is wanted (PyTorch's rule for .numpy())."""
        if self.requires_grad:
            raise RuntimeError("cannot make a NumPy array of a Variable that requires grad (the "
                               "graph would be lost): use `v.data`, or `v.detach()`")
        read_in_python(self, "np.asarray()")
        data = self.numpy()
        if dtype is not None and data.dtype != dtype:
            return data.astype(dtype)
        return data.copy() if copy else data

    # ----- in-place changes: they bump the version, so graphs that saved the old values
    # refuse to backward (PyTorch's version counter) -----
    def __setitem__(self, index, value):
        """`x[index] = value`, in place. Not recorded for backward: allowed on a Variable that
        requires grad only under `no_grad()` (a manual update), as PyTorch does for leaves."""
        needs_grad = self.requires_grad or getattr(value, "requires_grad", False)
        if Config.enable_backprop and needs_grad:
            which = ("a Variable that requires grad" if self.requires_grad else
                     "a Variable by a value that requires grad")
            raise RuntimeError(f"Variable[...] = value: an in-place change of {which} is not "
                               "recorded for backward; do it under no_grad() (a manual "
                               "update), or build a new Variable (autograd.where, "
                               "concatenate)")
        try:
            self.data[index] = _raw(value)
        except (ValueError, IndexError, TypeError) as exc:
            raise type(exc)(f"Variable[...] = value: cannot assign a value of shape "
                            f"{getattr(value, 'shape', ())} into shape {self.shape} at "
                            f"{index!r}: {exc}") from None
        mark_modified(self)

    # x += y, -=, *=, /=, //=, %=, **=: in place where PyTorch is, out of place where a graph
    # is recorded
    def __iadd__(self, other):
        return self._in_place(other, "add", Variable.__add__, "+=")

    def __isub__(self, other):
        return self._in_place(other, "subtract", Variable.__sub__, "-=")

    def __imul__(self, other):
        return self._in_place(other, "multiply", Variable.__mul__, "*=")

    def __itruediv__(self, other):
        return self._in_place(other, "true_divide", Variable.__truediv__, "/=")

    def __ifloordiv__(self, other):
        return self._in_place(other, "floor_divide", Variable.__floordiv__, "//=")

    def __imod__(self, other):
        return self._in_place(other, "remainder", Variable.__mod__, "%=")

    def __ipow__(self, other):
        return self._in_place(other, "power", Variable.__pow__, "**=")

    def _in_place(self, other, ufunc, out_of_place, sign):
        """In place, as PyTorch's, for what a manual update changes: a Parameter, or a leaf
        that requires grad, under no_grad() (`p -= lr * p.grad` changes the model; graphs that
        saved p then refuse to backward). Anything else gets a new Variable, as `x = x + y`
        (an accumulator `total += loss`, `x /= 255` on a batch: the caller's array is not
        written). A Parameter that cannot change in place (a graph is recorded, or its array
        cannot hold the result), or a Variable requiring grad whose array cannot under no_grad(),
        is an error, never silently replaced (the name would leave the model)."""
        parameter = isinstance(self, Parameter)
        if not (parameter or self.requires_grad):
            return out_of_place(self, other)
        problem = "a graph is recorded (update it under autograd.no_grad(), as an optimizer does)"
        if not Config.enable_backprop:
            try:  # (NumPy checks dtype, shape and writability before it writes anything)
                getattr(get_array_module(self.data), ufunc)(self.data, _raw(other, self),
                                                            out=self.data, casting="same_kind")
            except (TypeError, ValueError) as exc:  # a dtype, shape or read-only array
                problem = str(exc)
                parameter = True  # (meant to change in place: refused, as PyTorch's)
            else:
                mark_modified(self)
                return self
        if parameter:
            raise RuntimeError(f"p {sign} y: the {type(self).__name__} p (shape {self.shape}, "
                               f"dtype {self.dtype}) cannot change in place: {problem}; write "
                               f"p = p {sign[:-1]} y for a new Variable")
        return out_of_place(self, other)

    def bump_version(self):
        """Tell rungrad that `.data` was changed in place by hand: backward through graphs
        that saved the old values will refuse. (`x.data` is the raw array, as PyTorch's
        `.data`: writes into it are invisible to rungrad until this is called.)"""
        mark_modified(self)

    def numpy(self):
        """The data as a NumPy array (copied from the GPU if needed)."""
        from .backend import to_cpu
        read_in_python(self, "numpy()")
        return to_cpu(self.data)

    def to_gpu(self):
        from .backend import to_gpu
        self.data = to_gpu(self.data)
        return self

    def to_cpu(self):
        from .backend import to_cpu
        self.data = to_cpu(self.data)
        return self

    # ----- graph -----
    def set_creator(self, func):
        self.creator = func
        self.generation = func.generation + 1

    def backward(self, grad=None, retain_grad=False, create_graph=False, *, retain_graph=None,
                 inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's `.grad` (seed: ones, or `grad`, or
        as in DeZero a computed Variable's own `.grad` set by hand before the call);
        with PyTorch's `inputs=`, into those Variables' `.grad` only. retain_graph is
        accepted for PyTorch's signature: rungrad keeps a graph as long as its outputs
        live, so backward may always run through it again.

        >>> import numpy as np
        >>> from autograd import Variable
        >>> x = Variable(np.array(3.0))
        >>> y = x ** 2
        >>> y.backward()
        >>> x.grad                  # dy/dx = 2x
        Variable(6.0)
        >>> y.backward()            # a leaf's gradient accumulates until cleared
        >>> x.grad
        Variable(12.0)
        """
        if grad is None and self.grad is not None and self.creator is not None and \
                not _engine().filled_by_backward(self):  # DeZero's `y.grad = ...` (steps 7, 8)
            grad = self.grad
        seeds = None if grad is None else [grad]
        if inputs is not None and retain_grad:  # (it would keep nothing: inputs= prunes)
            raise ValueError("backward: retain_grad=True cannot be combined with inputs=; "
                             "call .retain_grad() on each Variable whose gradient you want "
                             "kept")
        if inputs is not None:
            _engine().backward_into([self], seeds, inputs, create_graph)
            return
        _engine().backward([self], seeds, retain_grad=retain_grad, create_graph=create_graph)

    def retain_grad(self):
        """Keep this (non-leaf) variable's gradient after backward, in `.grad` (it
        accumulates over backward calls, as a leaf's does). A leaf keeps its own anyway."""
        if self.creator is None and self.requires_grad:  # (PyTorch's: nothing to do)
            return
        self._watched("retain_grad").retain = True

    @property
    def retains_grad(self):
        """Whether retain_grad() was called on this non-leaf (False for a leaf, PyTorch's)."""
        return self._watch is not None and self._watch.retain

    def register_post_accumulate_grad_hook(self, hook):
        """PyTorch's: call `hook(self)` after backward has added into this leaf's `.grad`
        (an optimizer step per parameter inside backward, say). Returns a handle."""
        if self.creator is not None:
            raise RuntimeError("register_post_accumulate_grad_hook: post accumulate grad "
                               "hooks cannot be registered on non-leaf Variables")
        return self._watched("register_post_accumulate_grad_hook").add_post(hook)

    def register_hook(self, hook):
        """Call `hook(grad)` each time this variable's gradient is computed (a non-leaf's
        once it is complete, a leaf's before it is added to `.grad`). A return value other
        than None replaces the gradient. Returns a handle: `handle.remove()` unregisters.

        >>> import numpy as np
        >>> from autograd import Variable
        >>> x = Variable(np.array([1.0, 2.0]))
        >>> h = x * 3
        >>> handle = h.register_hook(lambda g: g * 0)   # stop the gradient at h
        >>> h.sum().backward()
        >>> x.grad
        Variable([0. 0.])
        >>> handle.remove()
        """
        handle = self._watched("register_hook").add(hook)
        if self.creator is None:
            GradWatch.hooked_leaves.add(self)  # backward now finishes it as early as it can
            # memory offered for its gradient (a DDP bucket slot) is for the final hooks; a
            # hook of the user's may keep the gradient it is handed
            from .grad_memory import offer_grad_memory
            offer_grad_memory(self, None)
        return handle

    def _watched(self, who):
        if not self.requires_grad:
            raise RuntimeError(f"{who}: this Variable does not require grad, so no gradient "
                               f"will be computed for it")
        watch = self._watch
        return watch if watch is not None else _hooks.registry_of(self, "_watch",
                                                                  _hooks.GradWatch)

    def cleargrad(self):
        self.grad = None

    zero_grad = cleargrad

    def detach(self):
        """Same data, cut from the graph, not requiring grad. It shares this Variable's
        version: writing into it in place is seen by graphs that saved this one."""
        with _no_grad():  # an op, so that a captured step replays it; linked to nothing
            detached = Detach()(self)
        share_version(detached, self)
        return detached

    def clone(self):
        """A copy in new memory, in the graph: gradients flow through it (PyTorch's)."""
        return _ops.clone(self)

    def detach_(self):
        """Cut this Variable from the graph in place: a leaf not requiring grad.

        As DeZero's unchain, and unlike PyTorch's detach_, the cut holds for graphs already
        recorded through it too: a backward from a result computed from it earlier stops
        here. Truncated backprop through time (`h.detach_()` after each backward) is what
        it is for; `y = y.detach()` leaves earlier graphs whole."""
        self.creator, self.generation, self.requires_grad = None, 0, False
        return self

    def requires_grad_(self, requires_grad=True):
        """Set requires_grad in place and return self (PyTorch's): only a leaf's flag may
        change, and only floating-point data can require grad."""
        requires_grad = bool(requires_grad)
        if self.creator is not None and requires_grad != self.requires_grad:
            raise RuntimeError("requires_grad_: only a leaf's flag can change (this Variable "
                               "was computed); use detach() for a copy cut from the graph")
        if requires_grad and not is_float(self.data):
            raise TypeError(f"requires_grad_: only floating-point data can require grad, "
                            f"got dtype {self.dtype}")
        self.requires_grad = requires_grad
        return self

    def unchain(self):
        self.creator = None

    def unchain_backward(self):
        """Cut every creator link behind this variable (truncated BPTT)."""
        from .walk import functions_behind
        for func in functions_behind([self]):
            for x in func.inputs:
                x.unchain()
        self.unchain()

    # ----- methods mirroring NumPy -----
    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return _ops.reshape(self, shape)

    def transpose(self, *axes):
        """NumPy's: no axes reverses them, a full order permutes them. Two ints swap those
        two axes, as PyTorch's `transpose(0, 1)` (NumPy would read (0, 1) of a matrix as
        the identity, which nobody writes on purpose)."""
        if len(axes) == 0:
            axes = None
        elif len(axes) == 1 and (isinstance(axes[0], (tuple, list)) or axes[0] is None):
            axes = axes[0]
        elif len(axes) == 2 and all(isinstance(a, (int, np.integer)) for a in axes):
            return _ops.swapaxes(self, *axes)
        return _ops.transpose(self, axes)

    # NumPy's axis= and keepdims=, or PyTorch's dim= and keepdim= (a port's keywords, which
    # the ops take as well); dtype= and out=None as np.sum(v), np.mean(v)... pass them
    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None, dtype=None, out=None):
        x = _numpy_keywords(self, "sum", dtype, out)
        return in_dtype(_ops.sum(x, axis, keepdims, dim=dim, keepdim=keepdim), dtype)

    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None, dtype=None, out=None):
        x = _numpy_keywords(self, "mean", dtype, out)
        return _ops.mean(x, axis, keepdims, dim=dim, keepdim=keepdim)

    def max(self, *dim, axis=None, keepdims=False, out=None, **torch_style):
        """NumPy's max over axis=; `x.max(1)` or `x.max(dim=1)`: PyTorch's (values,
        indices) (see autograd.max)."""
        x = _numpy_keywords(self, "max", None, out)
        return _reduction.extreme(x, dim, axis, keepdims, torch_style.pop("keepdim", False),
                                  torch_style, largest=True, positional_dim=True)

    def min(self, *dim, axis=None, keepdims=False, out=None, **torch_style):
        """NumPy's min over axis=; `x.min(1)` or `x.min(dim=1)`: PyTorch's (values,
        indices) (see autograd.min)."""
        x = _numpy_keywords(self, "min", None, out)
        return _reduction.extreme(x, dim, axis, keepdims, torch_style.pop("keepdim", False),
                                  torch_style, largest=False, positional_dim=True)

    def var(self, axis=None, ddof=0, keepdims=False, *, correction=None, dim=_NOT_GIVEN,
            keepdim=None, unbiased=None, dtype=None, out=None):
        """NumPy's var (ddof=0: divided by N); called with PyTorch's dim= (None too) or
        keepdim=, PyTorch's (unbiased, divided by N - 1, unless unbiased=False or a
        correction is given)."""
        return _spread(_ops.var, _numpy_keywords(self, "var", dtype, out), axis, ddof,
                       keepdims, correction, dim, keepdim, unbiased)

    def std(self, axis=None, ddof=0, keepdims=False, *, correction=None, dim=_NOT_GIVEN,
            keepdim=None, unbiased=None, dtype=None, out=None):
        """NumPy's std, or PyTorch's with dim= or keepdim= (see var)."""
        return _spread(_ops.std, _numpy_keywords(self, "std", dtype, out), axis, ddof,
                       keepdims, correction, dim, keepdim, unbiased)

    def prod(self, axis=None, keepdims=False, *, dim=None, keepdim=None, dtype=None, out=None):
        x = _numpy_keywords(self, "prod", dtype, out)
        return in_dtype(_ops.prod(x, axis, keepdims, dim=dim, keepdim=keepdim), dtype)

    def cumsum(self, axis=None, dtype=None, *, dim=None):
        return _ops.cumsum(self, axis, dtype, dim=dim)

    def cumprod(self, axis=None, dtype=None, *, dim=None):
        return _ops.cumprod(self, axis, dtype, dim=dim)

    def clip(self, a_min=None, a_max=None, *, min=None, max=None):  # noqa: A002
        """NumPy's clip; `min` and `max` as NumPy 2 and PyTorch name them."""
        return _ops.clip(self, min if a_min is None else a_min, max if a_max is None else a_max)

    # Indices: int64 Variables (no gradient), as PyTorch's; `sort` is left out: ndarray's
    # sorts in place, and ag.sort returns new values.
    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return _ops.argmax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return _ops.argmin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argsort(self, axis=LAST_AXIS, descending=False, *, dim=None, stable=True):
        return _ops.argsort(self, axis, descending=descending, dim=dim)

    def astype(self, dtype):
        return _ops.astype(self, dtype)

    def flatten(self, start_dim=0, end_dim=-1):
        """NumPy's flatten (1-D), or PyTorch's: the axes start_dim..end_dim merged."""
        return _ops.flatten(self, start_dim, end_dim)

    def squeeze(self, axis=None, *, dim=None):
        return _ops.squeeze(self, axis, dim=dim)

    def __getitem__(self, index):
        return _ops.get_item(self, index)

    # ----- PyTorch's names for the same ops (what a port from PyTorch calls) -----
    def view(self, *shape, dtype=None):
        """PyTorch's view: reshape (a view where NumPy can make one, a copy otherwise); given a
        dtype (x.view(np.int32)), the same bytes read as that dtype (autograd.bitcast)."""
        if dtype is None and len(shape) == 1 and isinstance(shape[0], (str, type, np.dtype)):
            dtype = shape[0]
        if dtype is not None:
            return _ops.bitcast(self, dtype)
        return self.reshape(*shape)

    # PyTorch's casts: x.float() is x.astype(np.float32), and so on (an integer or boolean
    # result is a constant: no gradient flows through it)
    float = _cast(np.float32)
    double = _cast(np.float64)
    half = _cast(np.float16)
    long = _cast(np.int64)
    int = _cast(np.int32)
    short = _cast(np.int16)
    char = _cast(np.int8)
    byte = _cast(np.uint8)
    bool = _cast(np.bool_)

    def permute(self, *dims):
        """PyTorch's permute: the axes in the order given."""
        return _ops.transpose(self, dims[0] if len(dims) == 1 else dims)

    def unsqueeze(self, dim):
        """PyTorch's unsqueeze: a new axis of size 1 at `dim`."""
        return _ops.expand_dims(self, dim)

    def expand(self, *sizes):
        """PyTorch's expand: broadcast to `sizes`, -1 keeping an axis' size."""
        sizes = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
        lead = len(sizes) - self.ndim
        if lead < 0:
            raise ValueError(f"expand: {len(sizes)} sizes for a Variable of shape {self.shape}")
        shape = tuple(self.shape[i - lead] if n == -1 and i >= lead else n
                      for i, n in enumerate(sizes))
        return _ops.broadcast_to(self, shape)

    def clamp(self, min=None, max=None):  # noqa: A002 (PyTorch's names)
        """PyTorch's clamp: clip to [min, max]; either bound may be left out."""
        return _ops.clip(self, min, max)

    def numel(self):
        return self.size

    def dim(self):
        return self.ndim

    def tolist(self):
        read_in_python(self, "tolist()")
        return self.numpy().tolist()

    # ----- operators (they call the op classes directly: one frame less per op) -----
    # A number goes to the op that holds it (autograd/ops/scalar.py), anything else to the
    # two-input op, as PyTorch's overloads do. The number is the cached 0-d constant of the
    # dtype NumPy 2 gives it beside x (a float32 x keeps float32): NumPy adds a 0-d array
    # faster than a Python number.
    def __add__(self, other):
        if other.__class__ in PY_SCALARS:
            return AddScalar(scalar_constant(other, self.data).data)(self)
        return Add()(*_operands(self, other))

    def __radd__(self, other):
        if other.__class__ in PY_SCALARS:
            return AddScalar(scalar_constant(other, self.data).data)(self)
        x, other = _operands(self, other)
        return Add()(other, x)

    def __sub__(self, other):
        if other.__class__ in PY_SCALARS:
            return SubScalar(scalar_constant(other, self.data).data)(self)
        return Sub()(*_operands(self, other))

    def __rsub__(self, other):
        if other.__class__ in PY_SCALARS:
            return RSubScalar(scalar_constant(other, self.data).data)(self)
        x, other = _operands(self, other)
        return Sub()(other, x)

    def __mul__(self, other):
        if other.__class__ in PY_SCALARS:
            return MulScalar(scalar_constant(other, self.data).data)(self)
        if isinstance(other, (str, bytes)):  # ("ab" * index: Python repeats by __index__)
            return NotImplemented
        return Mul()(*_operands(self, other))

    def __rmul__(self, other):
        if other.__class__ in PY_SCALARS:
            return MulScalar(scalar_constant(other, self.data).data)(self)
        if isinstance(other, (str, bytes)):
            return NotImplemented
        x, other = _operands(self, other)
        return Mul()(other, x)

    def __truediv__(self, other):
        if other.__class__ in PY_SCALARS:
            return DivScalar(scalar_constant(other, self.data).data)(self)
        return Div()(*_operands(self, other))

    def __rtruediv__(self, other):
        if other.__class__ in PY_SCALARS:
            return RDivScalar(scalar_constant(other, self.data).data)(self)
        x, other = _operands(self, other)
        return Div()(other, x)

    def __floordiv__(self, other):  # (no gradient: a step function, as PyTorch's)
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _ops.floor_divide(other, self)

    def __mod__(self, other):  # Python's (and PyTorch's remainder): the divisor's sign
        return _ops.remainder(self, other)

    def __rmod__(self, other):
        return _ops.remainder(other, self)

    def __neg__(self):
        return Neg()(self)

    def __pos__(self):
        return self

    def __pow__(self, other):
        if other.__class__ in PY_SCALARS:
            return PowScalar(scalar_constant(other, self.data).data)(self)
        return Pow()(*_operands(self, other))

    def __rpow__(self, other):
        x, base = _operands(self, other)
        return Pow()(base, x)

    def __matmul__(self, other):
        return _ops.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.matmul(other, self)

    def __abs__(self):
        return _ops.abs(self)

    # Comparisons are ops giving boolean Variables, as PyTorch's (no gradient flows through
    # them): `(y.argmax(1) == t).float().mean()` reads as it does there, `x[x > 0]` selects,
    # and a captured step compares each call's values.
    def __lt__(self, other):
        return _compared(_ops.less, self, other)

    def __le__(self, other):
        return _compared(_ops.less_equal, self, other)

    def __gt__(self, other):
        return _compared(_ops.greater, self, other)

    def __ge__(self, other):
        return _compared(_ops.greater_equal, self, other)

    # Elementwise, as every comparison (NumPy's and PyTorch's). Hashing stays by identity;
    # `in` and dict lookups test identity first.
    def __eq__(self, other):
        return _compared(_ops.equal, self, other)

    def __ne__(self, other):
        return _compared(_ops.not_equal, self, other)

    # &, |, ^ and ~ of booleans (masks) and integers, as PyTorch's
    def __and__(self, other):
        return _bitwise("bitwise_and", self, other)

    def __rand__(self, other):
        return _bitwise("bitwise_and", other, self)

    def __or__(self, other):
        return _bitwise("bitwise_or", self, other)

    def __ror__(self, other):
        return _bitwise("bitwise_or", other, self)

    def __xor__(self, other):
        return _bitwise("bitwise_xor", self, other)

    def __rxor__(self, other):
        return _bitwise("bitwise_xor", other, self)

    def __invert__(self):
        return _ops.bitwise_not(self)

    def __lshift__(self, other):
        return _bitwise("bitwise_left_shift", self, other)

    def __rlshift__(self, other):
        return _bitwise("bitwise_left_shift", other, self)

    def __rshift__(self, other):
        return _bitwise("bitwise_right_shift", self, other)

    def __rrshift__(self, other):
        return _bitwise("bitwise_right_shift", other, self)

    __hash__ = object.__hash__


@functools.lru_cache(maxsize=None)
def _slot_names(cls):
    """The slots a Variable class' instances keep state in (its own and its bases')."""
    names = []
    for klass in cls.__mro__:
        slots = vars(klass).get("__slots__", ())
        names += [slots] if isinstance(slots, str) else slots
    return tuple(dict.fromkeys(n for n in names if n not in ("__weakref__", "__dict__")))


def _capture_recording():
    """The Record of a capture recording in this thread (anomaly_mode's callable), or None."""
    watch = anomaly_mode.get()
    return watch if watch and callable(watch) else None


def read_in_python(var, how):
    """A capture recording refuses an argument's values read as Python numbers or arrays
    (autograd/capture.py); anything else reads them freely. `var` may also be a number the
    recording handed out (_ReadGuarded), or any other value (an array, a list: nothing to
    check)."""
    record = _capture_recording()
    if record is None:
        return
    if isinstance(var, _ReadGuarded):
        var._read(how)
    elif isinstance(var, Variable):  # (another array: the capture checks where it came from)
        record.read_in_python(var, how)


# ufunc name: (the operator's method, its reflected one)
_OPERATOR_UFUNCS = {
    "add": ("__add__", "__radd__"), "subtract": ("__sub__", "__rsub__"),
    "multiply": ("__mul__", "__rmul__"), "divide": ("__truediv__", "__rtruediv__"),
    "floor_divide": ("__floordiv__", "__rfloordiv__"), "remainder": ("__mod__", "__rmod__"),
    "power": ("__pow__", "__rpow__"), "matmul": ("__matmul__", "__rmatmul__"),
    "less": ("__lt__", "__gt__"), "less_equal": ("__le__", "__ge__"),
    "greater": ("__gt__", "__lt__"), "greater_equal": ("__ge__", "__le__"),
    "equal": ("__eq__", "__eq__"), "not_equal": ("__ne__", "__ne__"),
    "bitwise_and": ("__and__", "__rand__"), "bitwise_or": ("__or__", "__ror__"),
    "bitwise_xor": ("__xor__", "__rxor__"), "left_shift": ("__lshift__", "__rlshift__"),
    "right_shift": ("__rshift__", "__rrshift__"),
}


def _values_for_numpy(x, ufunc):
    """x's values for a NumPy ufunc: a Variable's array, refused where it requires grad (the
    graph would be lost, as PyTorch refuses .numpy())."""
    if not isinstance(x, Variable):
        return x
    if x.requires_grad:
        raise TypeError(f"np.{ufunc.__name__}: a Variable that requires grad (shape "
                        f"{tuple(x.shape)}) has no NumPy values to give: its graph would be "
                        f"lost. Use the operators (`a = a + v`, not `a += v` on an array) or "
                        f"autograd's ops for a gradient, or v.detach() for the values")
    return x.numpy()


def _out_for_numpy(out, ufunc):
    if isinstance(out, Variable):
        raise TypeError(f"np.{ufunc.__name__}: a Variable cannot be out= (NumPy would write "
                        f"into it behind the graph's back); write into v.data, or assign the "
                        f"result")
    return out


def _compared(comparison, var, other):
    """comparison(var, other), or NotImplemented for an `other` no op takes (`x == None` is
    then False, by Python's fallback, as PyTorch gives)."""
    return NotImplemented if _foreign(other) else comparison(var, other)


def _bitwise(kind, x0, x1):
    """bitwise `kind` of x0 and x1 (one a Variable), or NotImplemented as _compared."""
    return NotImplemented if _foreign(x0) or _foreign(x1) else getattr(_ops, kind)(x0, x1)


def _foreign(value):
    return value is None or isinstance(value, (str, bytes, dict, set))


def copied_setting(copy, source):
    """`copy`, an op's setting made from the user's array, list or tuple `source` (cast to
    the op's dtype): while a capture records, a replay holds only while `source` keeps its
    values, as it would reuse the copy (class weights rebalanced in place then record the
    step again)."""
    record = _capture_recording()
    if record is not None and copy is not source:
        if is_array(source):
            record._note_leaf_read(wrap(source, False))
        elif isinstance(source, (list, tuple)):
            record._note_leaf_read(_ValuesOf(source))
    return copy


class _ValuesOf:
    """A list's (or tuple's) values as an array at each read: what a capture compares."""

    __slots__ = ("source",)

    def __init__(self, source):
        self.source = source

    @property
    def data(self):
        return np.asarray(self.source)


def computed_from_values(result):
    """`result`, an array computed from Variables' values outside the ops (norm's count of
    nonzeros, split's sections): a capture recording notes it, and refuses an op or a step
    that is given it, as a replay would keep this call's values (autograd/capture.py)."""
    record = _capture_recording()
    if record is not None:
        record.computed_outside(result)
    return result


class _ReadGuarded(np.ndarray):
    """A number made from this call's values, as a capture recording hands it to the step
    (capture.number_of_this_call: a gradient norm): a Python number of it (int(), float(),
    bool(), an index, .item(), .tolist()) goes through `_read`, which the capture refuses
    while it records. An ndarray elsewhere; what NumPy makes of it inherits the guard."""

    made_by = None

    def __array_finalize__(self, obj):
        self.made_by = getattr(obj, "made_by", None)

    def __getitem__(self, key):  # (an element is a NumPy scalar: kept guarded as 0-d)
        item = super().__getitem__(key)
        return item if isinstance(item, np.ndarray) else self.of(item, self.made_by)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    @classmethod
    def of(cls, value, made_by):
        guarded = np.asarray(value).view(cls)
        guarded.made_by = made_by
        return guarded

    def _read(self, how):
        return self.view(np.ndarray)

    def __int__(self):
        return int(self._read("int()"))

    def __float__(self):
        return float(self._read("float()"))

    def __bool__(self):
        return bool(self._read("bool()"))

    def __index__(self):
        return self._read("an index").__index__()

    def item(self, *args):
        return self._read(".item()").item(*args)

    def tolist(self):
        return self._read(".tolist()").tolist()


def torch_axis(axis, keepdims, dim, keepdim, who):
    """(axis, keepdims) from NumPy's keywords or PyTorch's (dim, keepdim), not both (the
    functions of autograd take both, as the methods do). An empty dim is every axis, as
    PyTorch reduces over it."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{who}: give axis= (NumPy's name) or dim= (PyTorch's), not both")
        axis = every_dim_if_empty(dim)
    if keepdim is None:
        return axis, keepdims
    if keepdims:  # (False is also the default: only True is known to be given)
        raise TypeError(f"{who}: give keepdims= (NumPy's name) or keepdim= (PyTorch's), "
                        "not both")
    return axis, keepdim


def every_dim_if_empty(dim):
    """dim as PyTorch's reductions read it (sum, mean, amax, norm, nansum, ...): no dims,
    () or [], is every dim (None). (all and any read it as no reduction, as NumPy's axis=().)"""
    return None if isinstance(dim, (tuple, list)) and not dim else dim


def axis_or_dim(axis, dim, who):
    """The axis: `axis` (its default's value where not given), or dim= where given."""
    if dim is not None:
        if not isinstance(axis, AxisDefault):
            raise TypeError(f"{who}: give axis (NumPy's name) or dim= (PyTorch's), not both")
        return dim
    return axis.value if isinstance(axis, AxisDefault) else axis


def _numpy_keywords(x, who, dtype, out):
    """x, cast to `dtype` (PyTorch's sum(dtype=) too) when given: the keywords NumPy's
    np.sum(v), np.mean(v)... pass to the method. out= is refused: a reduction makes a new
    Variable, never writes one."""
    if out is not None:
        raise TypeError(f"{who}: out= is not supported (a reduction gives a new Variable; "
                        f"assign its result)")
    return x if dtype is None else _ops.astype(x, dtype)


def in_dtype(result, dtype):
    """A reduction's result in the dtype= asked for: NumPy widens sums and products of small
    integers and booleans to int64, where np.sum(a, dtype=np.int8) wraps around in int8 (the
    same numbers modulo 2^8, as the cast gives) and a boolean sum is a logical or."""
    if dtype is None or result.dtype == numpy_dtype(dtype):
        return result
    return _ops.astype(result, numpy_dtype(dtype))


def _spread(op, x, axis, ddof, keepdims, correction, dim, keepdim, unbiased):
    """op(x) for op autograd's var or std, from NumPy's keywords or PyTorch's. Called with
    PyTorch's dim= (dim=None too: all axes, as ported code passes it) or keepdim=, the
    correction defaults to PyTorch's 1 (divided by N - 1)."""
    who = op.__name__
    if isinstance(ddof, bool):  # (PyTorch's positional x.std(dim, unbiased))
        raise TypeError(f"{who}: the second argument is NumPy's ddof, a number; got {ddof!r}:"
                        f" for PyTorch's unbiased, write {who}(dim, unbiased={ddof})")
    torch_style = dim is not _NOT_GIVEN or keepdim is not None
    axis, keepdims = torch_axis(axis, keepdims, None if dim is _NOT_GIVEN else dim, keepdim,
                                 who)
    if unbiased is not None:
        if correction is not None:
            raise TypeError(f"{who}: give correction= or unbiased=, not both")
        correction = 1 if unbiased else 0
    elif correction is None and torch_style:
        correction = 1
    return op(x, axis, ddof, keepdims, correction=correction)


def wrap(data, requires_grad=False):
    """A Variable around an array that is already known to be good (an op's result, a
    gradient, a constant), without __init__'s checks: the fast way to make a Variable."""
    v = _new(Variable)
    v.data = data
    v.name = None
    v.grad = None
    v.creator = None
    v.generation = 0
    v.requires_grad = requires_grad
    v._watch = None
    v._version = 0
    return v


class Parameter(KerasVariableMethods, Variable):
    """A trainable leaf: what `nn` layers own and `optim` updates (it may carry extra
    attributes, so it keeps a __dict__). Keras' Variable methods too (assign, assign_add,
    assign_sub, trainable, value: autograd/keras_variable.py)."""

    def __init__(self, data, name=None, requires_grad=True):
        if data is None:
            raise TypeError("Parameter(None): a parameter whose shape is known only later (a "
                            "lazily sized layer, DeZero's Parameter(None)) is "
                            "nn.UninitializedParameter(); test isinstance(p, "
                            "nn.UninitializedParameter) where DeZero tests p.data is None, and "
                            "set its .data at the first call (it is a Parameter from then on)")
        super().__init__(data, name=name, requires_grad=requires_grad)

    # A new array for a Parameter (DeZero's `W.data = W.data - lr * W.grad.data`) is an
    # in-place change for the graphs that used the old one: a property, whose reads go
    # straight to the slot's C getter (no Python frame); Variables keep the plain slot.
    def _set_data(self, array):
        first = not hasattr(self, "_version")  # __init__'s assignment changes no graph
        if not first and not (hasattr(array, "dtype") and hasattr(array, "shape")):
            raise TypeError(f"Parameter.data: expected an array, got {type(array).__name__} "
                            f"(np.asarray(...) it first)")
        old_shape = None if first else self.data.shape
        _data_slot.__set__(self, array)
        if not first:
            _leave_views(self)  # views of the old array still hold it, unchanged
            mark_modified(self)
            if array.shape != old_shape:
                _note_resized(self)

    data = property(Variable.data.__get__, _set_data, doc="The array held.")


_data_slot = Variable.__dict__["data"]
_name_slot = Variable.__dict__["name"]
set_own_name = _name_slot.__set__


def own_name(v):
    """The name given to `v` itself (None if none): what graph pictures, repr and error
    messages show. A Parameter's `name` may be Keras' name of the weight instead."""
    return _name_slot.__get__(v)


# The placeholder a lazily sized layer holds until it knows its shape (PyTorch's design): a
# Parameter from the start, so `model.parameters()` can go to an optimizer before the first
# call, and `materialize` turns that same object into an ordinary Parameter, so the
# optimizer's reference stays valid. It lives beside Parameter because optim, which never
# imports nn, must recognise it too.
class UninitializedParameter(Parameter):
    """A Parameter whose shape is not known yet (PyTorch's name). It holds an empty array of
    its dtype and no gradient, so optimizers skip it; `materialize(shape)` gives it data."""

    def __init__(self, dtype=np.float32, requires_grad=True):
        super().__init__(np.empty(0, dtype), requires_grad=requires_grad)

    def materialize(self, shape):
        """Become a Parameter of `shape` (uninitialized values: the layer draws them next), on
        the placeholder's array backend. The object stays the same one."""
        xp = get_array_module(self.data)
        self.data = xp.empty(tuple(shape), self.data.dtype)

    def _set_data(self, array):
        """Data given (DeZero's `W.data = ...` at the first call): a Parameter from now on,
        which state_dict holds and saves (it skips a placeholder). An empty placeholder of
        another dtype (a layer's dtype policy changing it) stays one."""
        first = not hasattr(self, "_version")  # (the placeholder's own, made in __init__)
        Parameter._set_data(self, array)
        if not first and array.shape != (0,):
            self.__class__ = Parameter

    data = property(Variable.data.__get__, _set_data, doc="The array held.")

    def __repr__(self):
        return f"<UninitializedParameter dtype={self.data.dtype}>"


def clear_grad(var, set_to_none=True):
    """Forget var's gradient (zero_grad's work): `.grad` becomes None, or with
    set_to_none=False its values are zeroed in the same memory (a fresh zero array where
    that memory is read-only), as a write that graphs which read the old .grad refuse to
    backward through (PyTorch's version check); a .grad with a graph (create_graph) is
    zeroed as a leaf, cut from it, as PyTorch detaches it."""
    if set_to_none or var.grad is None:
        var.grad = None
        return
    held = var.grad
    grad = held.data if isinstance(held, Variable) else held  # (an array set by hand)
    if getattr(grad.flags, "writeable", True):  # CuPy's flags have no writeable
        if isinstance(held, Variable):
            mark_modified(held)
            if held.creator is not None or held.requires_grad:
                var.grad = wrap(grad, False)
        grad[...] = 0
    else:
        var.grad = wrap(get_array_module(grad).zeros_like(grad), False)


def is_uninitialized(param):
    return isinstance(param, UninitializedParameter)


def _operands(x, other):
    """(x, other) for the binary operators: a Python scalar (`2 ** x`) becomes a cached
    constant of x's dtype, and otherwise as promoted()."""
    if other.__class__ in PY_SCALARS:
        return x, scalar_constant(other, x.data)
    dtype = getattr(other, "dtype", None)
    if dtype is None:
        return x, other
    kind = getattr(dtype, "kind", None)
    if kind == x.data.dtype.kind:  # (the usual case, without a call)
        return x, other
    if kind is None:  # another library's array (a torch tensor): as NumPy reads it
        other = as_variable(other, who="Variable operator")
    return promoted(x, other)


def promoted(x0, x1):
    """(x0, x1), an integer or bool array (or Variable) beside a floating one cast to its
    float dtype, as PyTorch's type promotion does (float32 * int64 stays float32, where NumPy
    would give float64: a one-hot times log-probabilities). Cast by an op, not by NumPy here:
    a captured step then casts each call's array."""
    if getattr(x0, "dtype", None) is None or getattr(x1, "dtype", None) is None:
        return x0, x1
    return tuple(promoted_all((x0, x1)))


def promoted_all(xs):
    """promoted's rule for any number of operands (matmul, einsum, concatenate...): the
    integer or bool ones cast to the dtype NumPy gives the floating ones together."""
    floats = [x.dtype for x in xs if x.dtype.kind == "f"]
    if not floats or len(floats) == len(xs):
        return list(xs)
    dtype = np.result_type(*floats)
    return [_cast_keeping_name(x, dtype) if x.dtype.kind in "biu" else x for x in xs]


def _cast_keeping_name(x, dtype):
    """astype(x, dtype) under x's name: a graph drawing shows `counts`, not an anonymous
    float constant, where the user's integer Variable entered."""
    cast = _ops.astype(x, dtype)
    name = own_name(x) if isinstance(x, Variable) else None
    if name is not None and cast is not x and cast.name is None:
        cast.name = name
    return cast


def _raw(x, beside=None):
    """x's array (a Variable's data); a NumPy array compared with a GPU Variable `beside`
    copied to the GPU, as ops copy their NumPy constants."""
    x = x.data if isinstance(x, Variable) else x
    if (beside is not None and x.__class__ is np.ndarray
            and beside.data.__class__ is not np.ndarray):
        return as_array(x, like=beside.data)
    return x


@functools.cache
def _engine():
    """autograd.engine, imported on first use (it imports this module)."""
    from . import engine
    return engine


def _converted(obj, like, who):
    """`obj` (not a NumPy array) as an array on the backend of `like`, or a TypeError."""
    if obj is None or isinstance(obj, (str, bytes)) or getattr(obj, "dtype", None) == object:  # noqa: E721  (a dtype, not a type)
        raise TypeError(f"{who}: expected a number, array or Variable, got {type(obj).__name__}")
    try:
        return as_array(obj, like=like)
    except (ValueError, TypeError):
        if "bfloat16" in str(getattr(obj, "dtype", "")):
            raise TypeError(f"{who}: a {type(obj).__name__} of dtype bfloat16, which NumPy has "
                            "no dtype for; convert it to float32 first (t.float())") from None
        raise TypeError(f"{who}: cannot convert {type(obj).__name__} to a numeric array") from None


def gpu_array_among(objs):
    """The first GPU array among `objs` (arrays, or Variables' arrays), else None: where an
    op's NumPy constants go (a NumPy array beside GPU arrays is copied to the GPU)."""
    for x in objs:
        data = x.data if isinstance(x, Variable) else x
        if is_gpu_array(data):
            return data
    return None


def on_device_of(obj, x, who):
    """`obj` as_variable, copied to the GPU beside a GPU `x` when it is a NumPy array or a
    NumPy Variable outside any graph (a loss's target: a constant)."""
    home = gpu_array_among((x,))
    if (home is not None and isinstance(obj, Variable) and obj.creator is None
            and not obj.requires_grad and obj.data.__class__ is np.ndarray):
        obj = obj.data
    return as_variable(obj, who=who, like=home)


def as_variables(objs, who):
    """Each of `objs` as_variable, the raw arrays on the GPU when a GPU array is among them
    (the Variables as they are: a NumPy Variable beside GPU ones is an op's error), and the
    integer ones beside floating ones cast to their float dtype (promoted_all: a one-hot
    matrix times float32 weights stays float32)."""
    home = gpu_array_among(objs)
    return promoted_all([as_variable(x, who=who, like=home) for x in objs])


def as_variable(obj, requires_grad=False, *, who="as_variable", like=None):
    """`obj` as a Variable: Variables pass through; numbers, lists and arrays are checked
    (numeric, real) and wrapped, on the array backend of `like` when given. Bad input raises
    a TypeError naming `who` (the op or layer that was called)."""
    if isinstance(obj, Variable):
        return obj
    if obj.__class__ is np.ndarray and (like is None or like.__class__ is np.ndarray):
        data = obj  # the usual case (a seed, an array argument): nothing to convert
    else:
        data = _converted(obj, like, who)
    if data.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(f"{who}: expected a number, array or Variable, got an array of dtype "
                        f"{data.dtype}")
    return wrap(data, bool(requires_grad) and is_float(data))


__all__ = ["Variable", "Parameter", "as_variable"]

from . import ops as _ops  # noqa: E402  (ops need Variable defined first)
from .detach import Detach  # noqa: E402  (it imports Function, which imports this module)
from .function import PY_SCALARS, scalar_constant  # noqa: E402
from .ops import reduction as _reduction  # noqa: E402
from .ops.arithmetic import Add, Div, Mul, Neg, Pow, Sub  # noqa: E402
from .ops.scalar import (  # noqa: E402
    AddScalar,
    DivScalar,
    MulScalar,
    PowScalar,
    RDivScalar,
    RSubScalar,
    SubScalar,
)
