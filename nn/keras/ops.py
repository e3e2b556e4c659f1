"""Keras 3's `keras.ops`: the backend-independent operations a Keras layer's `call` or loss is
written with (`ops.mean(x, axis=1)`, `ops.exp(0.5 * z_log_var)`), with Keras' names,
arguments and defaults.

Each works two ways, as Keras' do:
- on arrays and Variables: rungrad's op now, recorded in the graph (differentiable, also
  in higher orders where the op is);
- on a functional model's symbolic tensors (keras.Input and what layers made of it): a
  node of the model, an Operation layer held by Keras' class name ("Mean"), so that
  model.save writes it by name and value, never as code, as Keras records it.
Arithmetic, comparisons and slicing of symbolic tensors (`x * 2`, `x[:, -1]`) make the same
nodes. What the ops do is nn.keras.operations' table (which reads Keras' files too).
"""
import builtins

import numpy as np

from autograd import ops as _autograd_ops
from autograd.backend import array_of, to_cpu
from autograd.variable import Variable, as_variable

from ..call_losses import call_array_module
from .functional import KerasTensor
from .layers.operation import Operation
from .operations import OPERATIONS


def _symbolic(value):
    """Whether `value` is a symbolic tensor, or a list of them (Concatenate's, Stack's)."""
    if isinstance(value, (list, tuple)):
        return builtins.any(type(item) is KerasTensor for item in value)
    return type(value) is KerasTensor


def _operation(name, args, **config):
    """Keras' operation `name` on the call arguments `args` with its own arguments `config`:
    a node of the functional model being built where an argument is symbolic (the others
    its constants), else the op on arrays and Variables now."""
    if not builtins.any(_symbolic(arg) for arg in args):  # (this module's any is Keras')
        result = OPERATIONS[name](*args, **config)  # (Argmax's indices come as an array)
        return result if isinstance(result, Variable) else as_variable(result)
    tensors, constants = [], []
    for position, arg in enumerate(args):
        if _symbolic(arg):
            tensors.append(list(arg) if isinstance(arg, tuple) else arg)
        else:
            constants.append([position, _constant(arg, name)])
    return Operation(name, config, constants)(*tensors)


def _constant(value, name):
    """A call argument of a functional model's op that is no symbolic tensor: a value the
    model keeps (and saves); a Variable that trains cannot be one."""
    if isinstance(value, Variable):
        if value.requires_grad:
            raise TypeError(f"keras.ops: {name} of a functional model's tensors given a "
                            f"Variable that requires grad (shape {value.shape}) as a "
                            "constant: it would never train; make it a layer's weight "
                            "(add_weight in a keras.layers.Layer)")
        return value.data
    return value


def _made(name, call, config_defaults=(), doc=""):
    """keras.ops' function of Keras' operation `name`: its call arguments `call` (names,
    positional), then its own `config_defaults` ((name, default) pairs, by keyword too)."""
    config_names = [key for key, _ in config_defaults]

    def function(*args, **kwargs):
        count = len(call) + len(config_names)
        if len(args) > count:
            raise TypeError(f"keras.ops.{function.__name__}() takes {count} arguments, "
                            f"{len(args)} given")
        given = dict(zip(call + config_names, args))
        for key, value in kwargs.items():
            if key not in call and key not in config_names or key in given:
                raise TypeError(f"keras.ops.{function.__name__}() got an unexpected or "
                                f"repeated argument {key!r}")
            given[key] = value
        missing = [key for key in call if key not in given]
        if missing:
            raise TypeError(f"keras.ops.{function.__name__}() is missing {missing}")
        config = {key: given.get(key, default) for key, default in config_defaults}
        return _operation(name, [given[key] for key in call], **config)
    function.__doc__ = doc or f"Keras' ops.{name.lower()}: see nn.keras.operations ({name})."
    return function


_AXIS = (("axis", None), ("keepdims", False))

# (function name, Keras' class name, call arguments, own arguments with their defaults)
_TABLE = [
    # reductions
    ("mean", "Mean", ["x"], _AXIS), ("sum", "Sum", ["x"], _AXIS),
    ("max", "Max", ["x"], _AXIS + (("initial", None),)),
    ("min", "Min", ["x"], _AXIS + (("initial", None),)),
    ("any", "Any", ["x"], _AXIS), ("all", "All", ["x"], _AXIS),
    ("std", "Std", ["x"], _AXIS), ("var", "Var", ["x"], _AXIS),
    ("prod", "Prod", ["x"], _AXIS + (("dtype", None),)),
    ("argmax", "Argmax", ["x"], _AXIS), ("argmin", "Argmin", ["x"], _AXIS),
    ("logsumexp", "Logsumexp", ["x"], _AXIS),
    ("cumsum", "Cumsum", ["x"], (("axis", None), ("dtype", None))),
    # shapes
    ("expand_dims", "ExpandDims", ["x"], (("axis", None),)),
    ("squeeze", "Squeeze", ["x"], (("axis", None),)),
    ("reshape", "Reshape", ["x"], (("newshape", None),)),
    ("transpose", "Transpose", ["x"], (("axes", None),)),
    ("concatenate", "Concatenate", ["xs"], (("axis", 0),)),
    ("stack", "Stack", ["x"], (("axis", 0),)),
    ("flip", "Flip", ["x"], (("axis", None),)), ("tile", "Tile", ["x"], (("repeats", None),)),
    # arithmetic
    ("add", "Add", ["x1", "x2"], ()), ("subtract", "Subtract", ["x1", "x2"], ()),
    ("multiply", "Multiply", ["x1", "x2"], ()), ("divide", "Divide", ["x1", "x2"], ()),
    ("true_divide", "TrueDivide", ["x1", "x2"], ()), ("power", "Power", ["x1", "x2"], ()),
    ("matmul", "Matmul", ["x1", "x2"], ()), ("maximum", "Maximum", ["x1", "x2"], ()),
    ("minimum", "Minimum", ["x1", "x2"], ()), ("negative", "Negative", ["x"], ()),
    # elementwise
    ("sqrt", "Sqrt", ["x"], ()), ("exp", "Exp", ["x"], ()), ("log", "Log", ["x"], ()),
    ("absolute", "Absolute", ["x"], ()), ("abs", "Absolute", ["x"], ()),
    ("tanh", "Tanh", ["x"], ()), ("square", "Square", ["x"], ()),
    ("log1p", "Log1p", ["x"], ()), ("expm1", "Expm1", ["x"], ()), ("sin", "Sin", ["x"], ()),
    ("cos", "Cos", ["x"], ()), ("sign", "Sign", ["x"], ()), ("floor", "Floor", ["x"], ()),
    ("round", "Round", ["x"], (("decimals", 0),)),
    ("clip", "Clip", ["x"], (("x_min", None), ("x_max", None))),
    ("erf", "Erf", ["x"], ()), ("rsqrt", "Rsqrt", ["x"], ()),
    ("cast", "Cast", ["x"], (("dtype", None),)),
    ("zeros_like", "ZerosLike", ["x"], (("dtype", None),)),
    ("ones_like", "OnesLike", ["x"], (("dtype", None),)),
    # comparisons and logic
    ("equal", "Equal", ["x1", "x2"], ()), ("not_equal", "NotEqual", ["x1", "x2"], ()),
    ("greater", "Greater", ["x1", "x2"], ()), ("greater_equal", "GreaterEqual", ["x1", "x2"], ()),
    ("less", "Less", ["x1", "x2"], ()), ("less_equal", "LessEqual", ["x1", "x2"], ()),
    ("logical_and", "LogicalAnd", ["x1", "x2"], ()), ("logical_or", "LogicalOr", ["x1", "x2"], ()),
    ("logical_not", "LogicalNot", ["x"], ()),
    # activations (keras.ops.nn's, also at the top level)
    ("relu", "Relu", ["x"], ()), ("sigmoid", "Sigmoid", ["x"], ()),
    ("softmax", "Softmax", ["x"], (("axis", -1),)),
    ("log_softmax", "LogSoftmax", ["x"], (("axis", -1),)),
    ("softplus", "Softplus", ["x"], ()), ("elu", "Elu", ["x"], (("alpha", 1.0),)),
    ("gelu", "Gelu", ["x"], (("approximate", True),)), ("silu", "Silu", ["x"], ()),
    ("selu", "Selu", ["x"], ()), ("relu6", "Relu6", ["x"], ()),
    ("leaky_relu", "LeakyRelu", ["x"], (("negative_slope", 0.2),)),
    ("softsign", "Softsign", ["x"], ()), ("hard_sigmoid", "HardSigmoid", ["x"], ()),
    ("one_hot", "OneHot", ["x"], (("num_classes", None), ("axis", -1), ("dtype", None),
                                  ("sparse", False))),
]

for _name, _op, _call, _config in _TABLE:
    globals()[_name] = _made(_op, _call, _config)
    globals()[_name].__name__ = globals()[_name].__qualname__ = _name


def where(condition, x1=None, x2=None):
    """Keras' ops.where: x1 where condition holds, else x2; with neither, the indices where
    it holds (nonzero)."""
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("keras.ops.where: give both x1 and x2, or neither (the indices "
                         "where the condition holds)")
    return _operation("Where", [condition, x1, x2])


def nonzero(x):
    """Keras' ops.nonzero: a tuple of the indices (int64) of x's non-zero entries, one array
    per axis. Its size depends on the data, so not on a functional model's tensors."""
    if _symbolic(x):
        raise ValueError("keras.ops.nonzero (where with a condition alone) on a functional "
                         "model's symbolic tensors: its size depends on the data; compute it "
                         "in a layer's call, or give where x1 and x2")
    data = to_cpu(array_of(x)) if hasattr(x, "shape") else np.asarray(x)
    return tuple(Variable(index, requires_grad=False) for index in np.nonzero(data))


def einsum(subscripts, *operands):
    """Keras' ops.einsum: Einstein summation of `operands` by `subscripts`."""
    return _operation("Einsum", operands, subscripts=subscripts)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Keras' ops.convert_to_tensor: a Variable of x (an array, a number, nested lists), in
    `dtype` where given; Python's numbers become float32 and int32 by default, as Keras'
    (an array keeps its dtype)."""
    if _symbolic(x):
        return _operation("ConvertToTensor", [x], dtype=dtype, sparse=sparse, ragged=ragged)
    if not isinstance(x, Variable):
        values = x if hasattr(x, "shape") else np.asarray(x)  # (converted once)
        if dtype is None and _python_numbers(x):
            dtype = _keras_default_dtype(values)
        x = as_variable(values)
    return x if dtype is None else _autograd_ops.astype(x, dtype)


def _python_numbers(x):
    """Whether x is a Python number, or nested lists and tuples of them only."""
    if isinstance(x, (list, tuple)):
        return builtins.all(_python_numbers(item) for item in x)
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _keras_default_dtype(values):
    """Keras' dtype for Python's numbers: float32 for floats, int32 for ints that fit it
    (int64 for larger ones, never a silent wrap-around)."""
    if values.dtype.kind == "f":
        return "float32"
    if values.dtype.kind == "i":
        fits = values.size == 0 or (values.min() >= -2 ** 31 and values.max() < 2 ** 31)
        return "int32" if fits else "int64"
    return None


def convert_to_numpy(x):
    """Keras' ops.convert_to_numpy: x's values as a NumPy array (from the GPU too)."""
    return to_cpu(array_of(x)) if hasattr(x, "shape") else np.asarray(x)


def shape(x):
    """Keras' ops.shape: x's shape as a tuple (None for a symbolic tensor's batch)."""
    return tuple(x.shape)


def stop_gradient(variable):
    """Keras' ops.stop_gradient: the values, with no gradient flowing back through them."""
    return as_variable(variable).detach()


def zeros(shape, dtype=None):
    """Keras' ops.zeros: a constant of zeros (float32 by default), on the array module of
    the latest model call (CuPy for a model on the GPU)."""
    return Variable(call_array_module().zeros(shape, np.dtype(dtype or "float32")),
                    requires_grad=False)


def ones(shape, dtype=None):
    """Keras' ops.ones: a constant of ones (float32 by default), as zeros is made."""
    return Variable(call_array_module().ones(shape, np.dtype(dtype or "float32")),
                    requires_grad=False)


__all__ = sorted([name for name, *_ in _TABLE] + [
    "where", "nonzero", "einsum", "convert_to_tensor", "convert_to_numpy", "shape",
    "stop_gradient", "zeros", "ones"])
