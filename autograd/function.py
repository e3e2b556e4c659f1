"""Function: the base class of every op, and the place the graph is recorded."""
import weakref

import numpy as np

from .backend import get_array_module
from .config import Config
from .variable import Variable, wrap

_ndarray = np.ndarray
_ref = weakref.ref


class Function:
    """An op. Subclasses write `forward(*arrays)` and `backward(*grads)`.

    `forward` receives and returns arrays. `backward` receives one gradient Variable per
    output and returns one per input (or None); written with differentiable ops, it gives
    higher-order derivatives for free. Inside `backward`, `self.inputs` holds the input
    Variables, `self.outputs` weak references to the outputs, and `self.needs_input_grad`
    tells which inputs want a gradient at all.
    """

    generation = 0
    inputs = ()
    outputs = ()
    needs_input_grad = ()
    saved = ()

    @property
    def name(self):
        return type(self).__name__.lower()

    # The hot path of every op: plain loops, no comprehensions (each costs a frame).
    def __call__(self, *inputs):
        if self.outputs:
            raise _called_twice(self)
        xs = []
        for x in inputs:
            if x.__class__ is not Variable and not isinstance(x, Variable):
                inputs = _convert_inputs(inputs, self)
                xs = [x.data for x in inputs]
                break
            xs.append(x.data)
        try:
            ys = self.forward(*xs)
        except (ValueError, IndexError, TypeError, ArithmeticError) as exc:
            raise _op_error(self, inputs, exc) from None
        if ys.__class__ is tuple:
            outputs = tuple([_make_output(y, xs) for y in ys])
        else:
            outputs = wrap(ys if ys.__class__ is _ndarray else _as_output(ys, xs))
        if Config.detect_anomaly:
            from .anomaly import check_forward
            check_forward(self, inputs, outputs)
        if Config.enable_backprop:
            for x in inputs:
                if x.requires_grad:
                    self._record(inputs, outputs)
                    break
        return outputs

    def _record(self, inputs, outputs):
        """Link outputs to this function so backward can find its way back."""
        generation = 0
        needs = []
        saved = []  # (array, version) of each input: backward refuses if either changed
        for x in inputs:
            needs.append(x.requires_grad)
            saved.append(x.data)
            saved.append(x._version)
            if x.generation > generation:
                generation = x.generation
        self.generation = generation
        self.inputs = inputs
        self.needs_input_grad = needs
        if outputs.__class__ is tuple:
            for y in outputs:
                _link(y, self, generation)
                saved.append(y.data)
            self.outputs = [_ref(y) for y in outputs]
            self.output_specs = [(y.data.shape, y.data.dtype) for y in outputs]
        else:
            _link(outputs, self, generation)
            saved.append(outputs.data)
            self.outputs = [_ref(outputs)]
        self.saved = saved

    def check_saved(self):
        """Raise if an input or output was changed in place since this op recorded it.

        Changes made through rungrad (optimizer steps, `x[...] = v`, `bump_version()`) bump
        a Variable's version; giving it a new `.data` array is caught by identity.
        """
        saved = self.saved
        i = 0
        for x in self.inputs:
            if x.data is not saved[i] or x._version != saved[i + 1]:
                raise _modified_error(self, x, "input", saved[i + 1])
            i += 2
        for ref, data in zip(self.outputs, saved[i:]):
            y = ref()
            if y is not None and (y.data is not data or y._version):
                raise _modified_error(self, y, "output", 0)

    def forward(self, *xs):
        raise NotImplementedError(f"{type(self).__name__}.forward is not implemented")

    def backward(self, *gys):
        raise NotImplementedError(f"{type(self).__name__}.backward is not implemented")

    def __repr__(self):
        return f"<{type(self).__name__} function>"


def _make_output(y, xs):
    return wrap(y if y.__class__ is _ndarray else _as_output(y, xs))


def _link(y, func, generation):
    y.requires_grad = True
    y.creator = func
    y.generation = generation + 1


def _as_output(y, xs):
    """Forward may return NumPy scalars (e.g. a full sum): make them 0-d arrays."""
    xp = get_array_module(xs[0]) if xs else np
    return xp.asarray(y)


def _convert_inputs(inputs, func):
    """Wrap raw arrays and scalars; a Python scalar takes the dtype of the array beside it."""
    like = None
    for x in inputs:
        if isinstance(x, Variable):
            like = x.data
            break
        if like is None and hasattr(x, "dtype") and hasattr(x, "shape"):
            like = x
    converted = []
    for x in inputs:
        if isinstance(x, Variable):
            converted.append(x)
        elif like is not None and x.__class__ in PY_SCALARS:
            converted.append(scalar_constant(x, like))
        else:
            converted.append(_to_constant(x, like, func))
    return tuple(converted)


def _to_constant(x, like, func):
    if x is None or isinstance(x, (str, bytes)) or getattr(x, "dtype", None) == object:
        raise TypeError(f"{func.name}: expected a number, array or Variable, got {type(x).__name__}")
    xp = get_array_module(like) if like is not None else np
    try:
        data = xp.asarray(x)
    except (ValueError, TypeError):
        raise TypeError(f"{func.name}: cannot convert {type(x).__name__} to a numeric array") from None
    if data.dtype.kind not in "biuf":
        raise TypeError(f"{func.name}: expected numeric input, got an array of dtype {data.dtype}")
    return Variable._wrap(data, False)


def _op_error(func, inputs, exc):
    message = str(exc)
    if not message.startswith(func.name + ":"):
        described = ", ".join(f"{tuple(x.shape)} {x.dtype}" for x in inputs)
        message = (f"{func.name}: invalid input{'s' if len(inputs) > 1 else ''} "
                   f"({described}): {message}")
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


def _called_twice(func):
    return RuntimeError(
        f"{func.name}: this Function instance was already called; its graph record would be "
        f"overwritten and the first call's gradients lost. Create a new instance per call "
        f"(e.g. `{type(func).__name__}()(x)`).")


def _modified_error(func, var, role, expected):
    who = f"{var.name!r}" if var.name else f"of shape {tuple(var.shape)}"
    return RuntimeError(
        f"backward: the {role} {who} of {func.name} was modified in place after {func.name} "
        f"saved it for backward (version {var._version}, expected {expected}, or a new .data "
        f"array). Compute the graph again after changing it, or change it only after backward.")


PY_SCALARS = (float, int, bool)  # become constants of the dtype beside them
_constants = {}


def scalar_constant(value, like):
    """A read-only constant Variable for a Python scalar, in the dtype NumPy 2 gives it next to
    the array `like` (a float32 array keeps float32). Cached: loops reuse their constants."""
    # repr tells 0.0 from -0.0 (equal, so one cache key otherwise); only zeros need it.
    key = (value.__class__, value if value else repr(value), like.dtype, like.__class__)
    const = _constants.get(key)
    if const is None:
        dtype = like.dtype if like.dtype.kind == "f" else np.result_type(like.dtype, value)
        data = get_array_module(like).asarray(value, dtype=dtype)
        if isinstance(data, np.ndarray):
            data.flags.writeable = False
        if len(_constants) > 4096:  # bound the cache; rebuilding is cheap
            _constants.clear()
        const = _constants[key] = Variable._wrap(data, False)
    return const
