"""Function: the base class of every op, and the place the graph is recorded.

Read `Function.__call__` as DeZero's (book step 24):

    xs = [x.data for x in inputs]; ys = self.forward(*xs); outputs = [Variable(y) for y in ys]
    if grad mode is on: self.generation = max(x.generation); link outputs to self; keep inputs

It runs once per op, so it is written for CPython's speed, which is why it looks as it does:
- explicit loops instead of comprehensions (a comprehension is a function call in 3.11);
- `x.__class__ is Variable` before `isinstance` (an identity test is the cheapest check),
  and module-level aliases such as `_ndarray` (a global read instead of an attribute chain);
- `wrap` instead of `Variable(...)`: forward's arrays need none of `__init__`'s checks;
- modes are read from contextvars through bound methods (`_grad_on()`): per thread, and
  as cheap as a global read.
`autograd/engine_reference.py` is the plain algorithm the engine is tested against.
"""
import weakref

import numpy as np

from .backend import get_array_module, is_gpu_array
from .config import anomaly_mode, grad_mode
from .element_count import ElementCount
from .own_code import rungrads_own
from .variable import Mutations, Variable, as_variable, own_name, resized_since, share_version, wrap

_ndarray = np.ndarray
_float64, _asarray = np.float64, np.asarray
# Bound once: calling a bound method skips the method lookup, which CPython 3.11 does not
# specialize for ContextVar (measured: 0.1 us per op under no_grad).
_grad_on, _anomaly_on = grad_mode.get, anomaly_mode.get
_ref = weakref.ref


def _singular(function, name):
    """function.input / .output: what a subclass stored there, else a pointer to the plural."""
    try:
        return function.__dict__[name]
    except KeyError:
        raise AttributeError(
            f"{type(function).__name__} has no attribute {name!r}: DeZero's early steps keep "
            f"self.{name}; here it is self.{name}s[0] (self.{name}s: every {name}, "
            f"{'weak references: call them' if name == 'output' else 'Variables'})") from None


def _singular_property(name):
    """function.input / .output: a subclass's own (steps 6-12 of the book keep them), read,
    set and deleted as a plain attribute would be, else the hint of _singular."""
    def store(function, value):
        function.__dict__[name] = value

    def forget(function):
        if function.__dict__.pop(name, _missing) is _missing:
            raise AttributeError(f"{type(function).__name__!r} object has no attribute {name!r}")
    return property(lambda function: _singular(function, name), store, forget)


_missing = object()


class Function:
    """An op. Subclasses write `forward(*arrays)` and `backward(*grads)`.

    `forward` receives and returns arrays. `backward` receives one gradient Variable per
    output and returns one per input (or None), of that input's shape and dtype; written
    with differentiable ops, it gives higher-order derivatives for free. The engine fits
    what it can, as PyTorch's autograd does: a gradient of a shape the input broadcasts to
    is summed over the broadcast axes, one of another float dtype is cast (a float64
    gradient for a float32 input), one for an integer input is dropped; any other shape is
    an error naming the Function. Inside `backward`, `self.inputs` holds the input
    Variables, `self.outputs` weak references to the outputs, and `self.needs_input_grad`
    tells which inputs want a gradient at all.

    `backward_data` is optional: the same math on arrays, for first-order backprop (no
    graph is built there, so making a Variable and a Function per term is pure overhead).
    Without it, first-order backprop runs `backward`. A subclass or mixin that gives
    another `backward` has that one run on both paths; replacing `backward` on an existing
    class (a monkeypatch) does not reach its `backward_data`: subclass, or replace both.

    `draws_random = True` marks an op that draws random numbers at each call (dropout's
    mask): its values follow the generator of its arrays' backend, so NumPy and CuPy
    give different ones (an instance drawing from a generator of its own sets it False).
    `takes_missing_grads = True`: backward gets None for an output that received no
    gradient (by default, zeros of its shape). `masks_with_inf = True`: -inf in its outputs
    is its meaning (an attention mask's), which detect_anomaly then lets pass.
    """

    generation = 0
    draws_random = False
    masks_with_inf = False
    takes_missing_grads = False
    inputs = ()
    outputs = ()
    needs_input_grad = ()
    recorded_at = 0
    # Whether backward reads what forward made (its outputs, or state it kept on self: a
    # mask, the targets), and its inputs' values (not only their shapes). A captured step
    # skips the forward of an op whose result nothing reads when the first is False (a loss
    # only backpropagated: autograd/capture.py); with the second False too, the ops making
    # its inputs may be skipped in turn. Trusted only from the class that defines forward and
    # backward, or one below it.
    backward_reads_forward = True
    backward_reads_inputs = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if isinstance(cls.__dict__.get("forward"), staticmethod):  # PyTorch's style
            from .torch_function import apply, refuse_call
            cls.apply, cls.__call__ = classmethod(apply), refuse_call
            return
        # A `backward_data` is used only with the `backward` it was written beside (or one
        # above it): a subclass or a mixin that gives another `backward` has that one used
        # on arrays too, not an array version of math it replaced.
        if not issubclass(_owner(cls, "backward_data"), _owner(cls, "backward")):
            cls.backward_data = Function.backward_data
        for flag in ("backward_reads_forward", "backward_reads_inputs"):
            if not _below_the_math(cls, flag):
                setattr(cls, flag, True)
        for method in ("saved_inputs", "saved_outputs"):  # (a mixin's hold for any math)
            owner = _owner(cls, method)
            if issubclass(owner, Function) and not _below_the_math(cls, method):
                setattr(cls, method, getattr(Function, method))

    @property
    def name(self):
        return type(self).__name__.lower()

    # The hot path of every op: plain loops, no comprehensions (each costs a frame).
    def __call__(self, *inputs):
        for x in inputs:
            if x.__class__ is not Variable and not isinstance(x, Variable):
                inputs = _convert_inputs(inputs, self)
                break
        try:  # one to three inputs, nearly every op, skip building an argument list
            n = len(inputs)
            if n == 2:
                ys = self.forward(inputs[0].data, inputs[1].data)
            elif n == 1:
                ys = self.forward(inputs[0].data)
            elif n == 3:  # (an affine map with its bias: linear, conv)
                ys = self.forward(inputs[0].data, inputs[1].data, inputs[2].data)
            else:
                ys = self.forward(*[x.data for x in inputs])
        except (ValueError, IndexError, TypeError, ArithmeticError) as exc:
            raise _op_error(self, inputs, exc) from _users_own(self, exc)
        if ys.__class__ is _ndarray:
            outputs = wrap(ys)
        elif ys.__class__ is _float64:  # NumPy's 0-d results are scalars (DeZero's examples)
            outputs = wrap(_asarray(ys))
        elif ys.__class__ is tuple:
            outputs = tuple([_make_output(y, inputs) for y in ys])
        else:
            outputs = wrap(_as_output(ys, inputs, self))
        if _anomaly_on():  # anomaly checks, or a capture recording (off the hot path)
            _watch_call(_anomaly_on(), self, inputs, outputs)
        if _grad_on():
            for x in inputs:
                if x.requires_grad:
                    break
            else:
                for x in inputs:
                    if x.creator is not None:  # computed, yet wanting no gradient
                        raise _cut_error(x, self)
                return outputs  # nothing here wants a gradient: nothing to record
            # Record: link the outputs to this function so backward can find its way back.
            # Inline, not a method: one call less for every op (2 % of a chain's instructions).
            if n == 1:  # its only input wants a gradient (checked above)
                generation, needs = inputs[0].generation, _ONE_NEEDED
            elif n == 2:
                x0, x1 = inputs
                generation = x0.generation if x0.generation > x1.generation else x1.generation
                if x0.requires_grad and x1.requires_grad:
                    needs = _BOTH_NEEDED
                else:
                    needs = (x0.requires_grad, x1.requires_grad)
                    if (x0.creator is not None and not needs[0]) or (
                            x1.creator is not None and not needs[1]):
                        raise _cut_error(x1 if needs[0] else x0, self)
            else:
                generation, needs = _generation_and_needs(inputs, self)
            self.generation = generation
            self.inputs = inputs
            self.needs_input_grad = needs
            self.recorded_at = Mutations.count
            if outputs.__class__ is tuple:
                self._link_all(outputs, generation)
            else:
                self.outputs = [_ref(outputs)]
                if outputs.data.dtype.kind in "fc":  # (integers and booleans: constants)
                    outputs.requires_grad = True
                    outputs.creator = self
                    outputs.generation = generation + 1
        return outputs

    def _link_all(self, outputs, generation):
        """Record several outputs (a split, an LSTM step's h and c)."""
        for y in outputs:
            _link(y, self, generation)
        self.outputs = [_ref(y) for y in outputs]
        self.output_specs = [(y.data.shape, y.data.dtype) for y in outputs]

    def check_saved(self):
        """Raise if an input or output whose values backward reads was changed in place after
        this op recorded it (PyTorch's version check of its saved tensors), or if an input
        Parameter was given an array of another shape since (PyTorch refuses the gradient).

        Called by the engine only when something changed in place since then (rare), so
        the check costs the usual backward one comparison."""
        recorded = self.recorded_at
        for x in self.saved_inputs():
            if x._version > recorded:
                raise modified_error(self, x, "input")
        for y in self.saved_outputs():
            if y is not None and y._version > recorded:
                raise modified_error(self, y, "output")
        for x in self.inputs:
            if x._version > recorded and resized_since(x, recorded):
                raise resized_error(self, x)

    def saved_inputs(self):
        """The inputs whose values backward reads (PyTorch's saved tensors): a change in place
        of one of them after the op recorded it makes backward refuse. Every input, unless
        the class declares `backward_reads_inputs = False`. An op whose backward reads some
        inputs only, or only for some gradients, returns those (x0 * x1: x1 only where x0
        needs a gradient, as PyTorch's mul saves)."""
        return self.inputs if self.backward_reads_inputs else ()

    def saved_outputs(self):
        """The outputs (None for one that died) whose values backward reads, as
        saved_inputs: every output, unless the class declares
        `backward_reads_forward = False` (exp reads its output; mul does not)."""
        return [ref() for ref in self.outputs] if self.backward_reads_forward else ()

    def forward(self, *xs):
        raise NotImplementedError(f"{type(self).__name__}.forward is not implemented")

    def backward(self, *gys):
        raise NotImplementedError(f"{type(self).__name__}.backward is not implemented")

    def backward_data(self, *gys):
        """First-order backward on arrays: arrays in, one array (or None) per input out.

        The engine calls it when no graph is built for higher orders. Ops on the hot path
        override it with the same math on arrays, which skips making a Variable and a
        Function for every term; any other op gets `backward` on wrapped gradients (grad
        mode is off there, so nothing is recorded)."""
        gxs = self.backward(*[None if g is None else wrap(g) for g in gys])
        if gxs.__class__ is list:  # (as a tuple, as the engine takes it)
            gxs = tuple(gxs)
        if gxs.__class__ is not tuple:
            return _data_of(gxs)
        return tuple([_data_of(gx) for gx in gxs])

    def __repr__(self):
        return f"<{type(self).__name__} function>"

    # DeZero's early steps keep self.input / self.output: reading them here gives a hint.
    # Properties, not a class __getattr__ (which would cost every attribute read of every
    # op: CPython does not specialize attribute reads on a class that defines one).
    input = _singular_property("input")
    output = _singular_property("output")


def call_op(function, *xs):
    """`function(*xs)`, recorded as any call, for Variables; its `forward` alone for arrays.
    Gradient code written with it serves `backward` and `backward_data` both."""
    if isinstance(xs[0], Variable):
        return function(*xs)
    return function.forward(*xs)


def reads_nothing(func):
    """saved_inputs / saved_outputs of an op whose backward reads no values (x + y, -x, a
    view: only shapes)."""
    return ()


def crossed_inputs(func):
    """saved_inputs of a product (x0 * x1, x0 @ x1): x1 where x0 wants a gradient, x0 where
    x1 does (PyTorch's mul and mm save so)."""
    x0, x1 = func.inputs
    need0, need1 = func.needs_input_grad
    return (x1,) * need0 + (x0,) * need1


class BinaryGrads:
    """Mixin of a two-input Function whose `_grads(gy, x0, x1)` is written for Variables and
    arrays alike (with call_op, operators): `backward` gives it the input Variables (a graph
    for higher orders), `backward_data` their arrays (first order, nothing recorded)."""

    def backward(self, gy):
        x0, x1 = self.inputs
        return self._grads(gy, x0, x1)

    def backward_data(self, gy):
        x0, x1 = self.inputs
        return self._grads(gy, x0.data, x1.data)


# shared, never built per op: needs_input_grad of one input (which must want a gradient for
# anything to be recorded) and of two that both want one, nearly every recorded op
_ONE_NEEDED, _BOTH_NEEDED = (True,), (True, True)


def _watch_call(watch, func, inputs, outputs):
    """anomaly_mode holds the Record of a capture in progress (callable) or, for
    detect_anomaly, True."""
    if callable(watch):
        watch(func, inputs, outputs)
    else:
        from .anomaly import check_forward
        check_forward(func, inputs, outputs)


def _generation_and_needs(inputs, func):
    """The latest generation among `inputs`, and which of them want a gradient (a tuple)."""
    generation, needs = 0, []
    for x in inputs:
        if x.generation > generation:
            generation = x.generation
        if x.creator is not None and not x.requires_grad:
            raise _cut_error(x, func)
        needs.append(x.requires_grad)
    return generation, tuple(needs)


def _cut_error(x, func):
    """A computed Variable whose requires_grad was set to False by hand: using it would cut
    the gradient of everything before it without a word, so it is refused, as PyTorch
    refuses the assignment itself."""
    who = f"{own_name(x)!r}" if own_name(x) else f"of shape {tuple(x.shape)}"
    return RuntimeError(f"a computed Variable {who} (an input of {func.name}) had "
                        "requires_grad set to False; "
                        "only a leaf's flag can change (PyTorch's rule). To use its value "
                        "without a gradient, use x.detach()")


def op_title(func):
    """The name graphs and messages give an op: its `label` (a str) where it has one (a
    PyTorch-style Function's call: its class'), else its class'."""
    label = getattr(func, "label", None)
    return label if isinstance(label, str) else type(func).__name__


def _below_the_math(cls, name):
    """Whether cls's `name` comes from the class that defines its forward and backward, or
    one below it (a subclass giving other math does not inherit what the old math reads)."""
    return all(issubclass(_owner(cls, name), _owner(cls, method))
               for method in ("forward", "backward", "backward_data"))


def _owner(cls, name):
    """The class in cls's method resolution order whose own attribute `name` cls uses."""
    return next(klass for klass in cls.__mro__ if name in vars(klass))


def _data_of(gx):
    return gx.data if isinstance(gx, Variable) else gx


def _make_output(y, inputs):
    return wrap(y if y.__class__ is _ndarray else _as_output(y, inputs))


def _link(y, func, generation):
    """Make `y` an output of `func` that backward reaches; an integer or boolean output (an
    index, a mask) has no gradient: it stays a constant, as in PyTorch."""
    if y.data.dtype.kind in "fc":
        y.requires_grad = True
        y.creator = func
        y.generation = generation + 1


def _as_output(y, inputs, func=None):
    """Forward may return NumPy scalars (e.g. a full sum): make them 0-d arrays."""
    if y.__class__ is list:  # NumPy would stack several outputs into one array
        who = f"{type(func).__name__}.forward" if func is not None else "forward"
        raise TypeError(f"{who} returned a list; return a tuple for several outputs, or one "
                        "array")
    xp = get_array_module(inputs[0].data if inputs else y)  # (no inputs: a draw's own)
    return xp.asarray(y)


def _convert_inputs(inputs, func):
    """Wrap raw arrays and scalars; a Python scalar takes the dtype of the array beside it:
    the first floating one, else the first numeric one (where's boolean condition comes
    first), a Variable's before a raw array's of the same kind."""
    like, rank, home = None, None, None  # home: a GPU array, where NumPy constants go
    for x in inputs:
        if isinstance(x, Variable):
            x = x.data
            kind_rank = (_KIND_RANK.get(x.dtype.kind, 0), 1)
        elif hasattr(x, "shape") and isinstance(getattr(x, "dtype", None), np.dtype):
            kind_rank = (_KIND_RANK.get(x.dtype.kind, 0), 0)
        else:
            continue
        if rank is None or kind_rank > rank:
            like, rank = x, kind_rank
        if home is None and x.__class__ is not _ndarray and is_gpu_array(x):
            home = x
    converted = []
    for x in inputs:
        if isinstance(x, Variable):
            converted.append(x)
        elif like is not None and x.__class__ in PY_SCALARS:
            converted.append(scalar_constant(x, like))
        else:
            converted.append(as_variable(x, who=func.name, like=like if home is None else home))
    return tuple(converted)


_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 2}  # which array a scalar follows


def _users_own(func, exc):
    """exc where `func` is a Function the user wrote (the traceback then shows their line),
    else None: NumPy's insides of rungrad's own ops tell a user nothing."""
    defined = getattr(func, "definition", type(func))  # (a PyTorch-style Function's class)
    return None if rungrads_own(defined) else exc


def _op_error(func, inputs, exc):
    message = str(exc)
    if not message.startswith(func.name + ":"):
        on_gpu = [is_gpu_array(x.data) for x in inputs]
        described = ", ".join(f"{tuple(x.shape)} {x.dtype}{' on the GPU' if gpu else ''}"
                              for x, gpu in zip(inputs, on_gpu))
        message = (f"{func.name}: invalid input{'s' if len(inputs) > 1 else ''} "
                   f"({described}): {message}")
        if any(on_gpu) and not all(on_gpu):
            message += " (NumPy arrays beside GPU ones: move them with to_gpu)"
    return _rebuilt(exc, message)


def _rebuilt(exc, message):
    """`exc`'s type with a new message; some NumPy errors (e.g. _UFuncOutputCastingError)
    cannot be built from a message alone, so those become their nearest builtin base."""
    try:
        new = type(exc)(message)
        if str(new) == message:
            return new
    except Exception:  # noqa: BLE001 - any constructor failure means: use the builtin base
        pass
    for base in type(exc).__mro__:
        if base.__module__ == "builtins":
            return base(message)
    return RuntimeError(message)


def modified_error(func, var, role):
    who = f"{own_name(var)!r}" if own_name(var) else f"of shape {tuple(var.shape)}"
    return RuntimeError(
        f"backward: the {role} {who} of {func.name} was modified in place after {func.name} "
        f"recorded it (an optimizer step, x[...] = v, a new .data of a Parameter, a .grad "
        f"zeroed by zero_grad(set_to_none=False), or bump_version()), and its backward reads "
        f"its values (PyTorch's saved tensors). Compute the graph again after changing it, "
        f"or change it only after backward.")


def resized_error(func, var):
    who = f" {own_name(var)!r}" if own_name(var) else ""
    return RuntimeError(
        f"backward: the Parameter{who} (an input of {func.name}) was given a new .data of "
        f"shape {tuple(var.shape)} after {func.name} recorded it; its gradient would have the "
        f"old shape (PyTorch refuses it too). Compute the graph again after changing it.")


# Scalars that become constants of the dtype beside them (NumPy 2's weak Python scalars):
# Python's numbers, and NumPy's real scalars (`x / np.sqrt(d)`), which PyTorch also takes as
# plain numbers, so a float32 Variable stays float32 beside them (beside an integer or bool
# Variable a NumPy scalar keeps NumPy's rule: int8 + np.int64(1000) is int64).
# ElementCount (x.size) is an int too: `loss.sum() / x.size` keeps float32, as PyTorch's
# `/ x.numel()`.
PY_SCALARS = frozenset([float, int, bool, np.bool_, np.float16, np.float32, np.float64,
                        np.longdouble, np.int8, np.int16, np.int32, np.int64,
                        np.uint8, np.uint16, np.uint32, np.uint64, ElementCount])
_constants = {}


def scalar_constant(value, like):
    """A read-only constant Variable for a Python (or NumPy) scalar, in the dtype NumPy 2 gives
    a Python scalar next to the array `like` (a float32 array keeps float32). Cached: loops
    reuse their constants."""
    # repr tells 0.0 from -0.0 (equal, so one cache key otherwise); only zeros need it.
    key = (value.__class__, value if value else repr(value), like.dtype, like.__class__)
    const = _constants.get(key)
    if const is None:
        if value.__class__ is ElementCount:  # (an int: NumPy 2 weakens only int itself)
            value = int(value)
        # beside an integer or bool array, NumPy's own rule (a NumPy scalar keeps its type)
        dtype = like.dtype if like.dtype.kind == "f" else np.result_type(like.dtype, value)
        try:
            data = get_array_module(like).asarray(value, dtype=dtype)
        except OverflowError:
            raise OverflowError(f"the number {value} does not fit the dtype {dtype} of the "
                                "array beside it; cast that array to a wider dtype first "
                                "(x.astype('int64'))") from None
        if isinstance(data, np.ndarray):
            data.flags.writeable = False
        if len(_constants) > 4096:  # bound the cache; rebuilding is cheap
            _constants.clear()
        const = _constants[key] = wrap(data, False)
    return const


class ReturnsViews:
    """Mixin (before Function) for an op whose outputs are views of its one input's array
    (reshape, transpose, basic indexing, split): each output shares the input's version,
    so writing through a view is seen by graphs that saved the input, and the reverse.
    Such an op saves no values (PyTorch's view ops): its gradient moves `gy`'s elements by
    the input's shape alone, so the input may change in place before backward."""

    saved_inputs = saved_outputs = reads_nothing

    def __call__(self, x):
        outputs = super().__call__(x)
        if isinstance(x, Variable):
            memory = x.data if x.data.base is None else x.data.base
            for y in outputs if outputs.__class__ is tuple else (outputs,):
                if y.data.base is memory:
                    share_version(y, x)
        return outputs

from .torch_function import once_differentiable  # noqa: E402,F401  (PyTorch's home of it)
