"""Keras 3's operations (`keras.ops.*`) by the class name Keras records them under, each as
rungrad's op with Keras' meaning.

A Keras functional model's config lists, among its layers, the operations called on its
symbolic tensors: those a user wrote (`ops.mean(x, axis=1)`, `x * 2`) and those Keras' own
mask computations make (Embedding(mask_zero=True)'s `NotEqual`, a merge's `LogicalOr`,
`ExpandDims`, `ZerosLike`, `Concatenate`, `Any`; an attention layer's `ConvertToTensor`),
and `GetItem`, a slice of a tensor (`x[:, -1]`; its key in nn.keras.index_keys).
Each is `{"module": "keras.src.ops.numpy", "class_name": "Mean", "config": {"name",
the op's own arguments: "axis", "keepdims"}}`, its call's arguments in its inbound node.
OPERATIONS maps the class name to a function of the call's arguments (Variables and
constants) and the op's config; nn.keras.layers.Operation runs it as a node of a model.
Keras' operations drop a mask (the layers after one see none), and so does Operation.
This table holds the first ones; operations_math, operations_arrays, operations_statistics,
operations_nn, operations_conv, operations_signal, operations_image, operations_sampling and
operations_complex the rest, by kind.
"""
import functools
import inspect

import numpy as np

from autograd import ops
from autograd.ops.sorting import recorded_indices
from autograd.variable import Variable, as_variable

from ..functional import activation as _activation
from ..functional.one_hot import one_hot as _one_hot_of
from .index_keys import index_key
from .operation_kinds import axes, binary, full_like, reduction, truth, unary
from .operations_arrays import ARRAYS
from .operations_complex import COMPLEX
from .operations_conv import CONV
from .operations_image import IMAGE
from .operations_math import FLOAT_RESULTS, MATH, clipping, summed_in_int32
from .operations_nn import NN
from .operations_sampling import SAMPLING
from .operations_signal import SIGNAL
from .operations_statistics import FLOAT_STATISTICS, STATISTICS


def _extreme(reduce, pick, numpy_reduce):
    """Keras' Max / Min: the reduction, with `initial` among the values compared (NumPy's
    rule: an empty reduction gives it; the gradient goes where x wins)."""
    def reduced(x, axis=None, keepdims=False, initial=None):
        if initial is None:
            return reduce(x, axis=axes(axis), keepdims=keepdims)
        x = as_variable(x)
        if x.size == 0:  # (nothing to differentiate: the initial value alone)
            return Variable(numpy_reduce(x.data, axis=axes(axis), keepdims=keepdims,
                                         initial=initial), requires_grad=False)
        # (initial in x's dtype, as NumPy compares it: an int tensor stays int)
        floor = np.asarray(initial).astype(x.dtype)
        return pick(reduce(x, axis=axes(axis), keepdims=keepdims), Variable(
            floor, requires_grad=False))
    return reduced


def _any_or_all(reduce):
    def reduced(x, axis=None, keepdims=False):
        return reduce(truth(x), dim=axes(axis), keepdim=keepdims)
    return reduced


def _filled(value):
    """Keras' ZerosLike / OnesLike: x's shape, `dtype` (x's by default); a constant."""
    def like(x, dtype=None):
        return full_like(x, value, dtype)
    return like


def _cast(x, dtype=None, sparse=None, ragged=None):
    """Keras' Cast and ConvertToTensor: x in `dtype` (as it is for None)."""
    if sparse or ragged:
        raise NotImplementedError("sparse and ragged tensors are not supported")
    return x if dtype is None else ops.astype(x, dtype)


def _where(condition, x1=None, x2=None):
    if x1 is None or x2 is None:
        raise NotImplementedError("where(condition) alone (the indices where it holds) is "
                                  "not supported: give x1 and x2")
    return ops.where(truth(condition), x1, x2)


def _indices(kind, x, axis=None, keepdims=False):
    """argmax, argmin or argsort as an op (a captured step computes each call's), int32 as
    Keras gives them."""
    return ops.astype(recorded_indices(kind, x, axis, keepdims), np.int32)


def _get_item(x, key):
    """Keras' GetItem: x[key] (nn.keras.index_keys), differentiable."""
    return ops.get_item(x, index_key(key))


def _one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Keras' OneHot: float32 rows (by default) of `num_classes`, along `axis`."""
    if sparse:
        raise NotImplementedError("sparse one-hot tensors are not supported")
    x = as_variable(x)
    negative = ops.less(x, 0)  # (Keras' rows of zeros for negative indices)
    hot = _one_hot_of(ops.where(negative, 0, x), num_classes,
                      dtype=np.dtype(dtype or "float32"))
    if bool(negative.data.any()):  # (on NumPy's or CuPy's array)
        hot = ops.where(ops.expand_dims(negative, -1), full_like(hot, 0), hot)
    return hot if axis in (-1, hot.ndim - 1) else ops.moveaxis(hot, -1, axis)


def _prod(x, axis=None, keepdims=False, dtype=None):
    # (NumPy's dtype=, as Variable.prod takes it: each element cast, the product kept in it)
    if dtype is None:
        return summed_in_int32(x, lambda x: x.prod(axes(axis), keepdims))
    return as_variable(x).prod(axes(axis), keepdims, dtype=dtype)


def _sum(x, axis=None, keepdims=False):
    """Keras' Sum: over `axis`, narrow integers and booleans summed in int32."""
    return summed_in_int32(x, lambda x: ops.sum(x, axis=axes(axis), keepdims=keepdims))


def _round(x, decimals=0):
    """NumPy's round (half to even); integers stay integers, rounded to tens for decimals < 0
    (Keras'; rungrad's round takes floats alone where decimals is given)."""
    x = as_variable(x)
    if x.dtype.kind not in "iub" or decimals == 0:
        return ops.round(x, decimals)
    if decimals > 0:
        return ops.clone(x)
    return ops.astype(ops.round(ops.astype(x, np.float64), decimals), x.dtype)


def _square(x):
    """x * x, booleans as int32 (Keras': True * True would stay a boolean)."""
    x = as_variable(x)
    x = ops.astype(x, np.int32) if x.dtype.kind == "b" else x
    return ops.mul(x, x)


def _cumsum(x, axis=None, dtype=None):
    return ops.cumsum(x, axis, dtype)


def _sign(x):
    """NumPy's sign (Keras'): NaN at NaN, where PyTorch's (autograd's) gives 0."""
    x = as_variable(x)
    signs = ops.sign(x)
    return ops.where(ops.isnan(x), x, signs) if x.dtype.kind == "f" else signs


OPERATIONS = {
    # reductions
    "Mean": reduction(ops.mean), "Sum": _sum,
    "Max": _extreme(ops.max, ops.maximum, np.max), "Min": _extreme(ops.min, ops.minimum, np.min),
    "Any": _any_or_all(ops.any), "All": _any_or_all(ops.all),
    # shapes
    "ExpandDims": lambda x, axis: ops.expand_dims(x, axes(axis)),
    "Squeeze": lambda x, axis=None: ops.squeeze(x, axis=axes(axis)),
    "Reshape": lambda x, newshape: ops.reshape(x, tuple(newshape)),
    "Transpose": lambda x, axes=None: ops.transpose(x, None if axes is None else tuple(axes)),
    "Concatenate": lambda xs, axis=0: ops.concatenate(list(xs), axis=axis),
    "GetItem": _get_item,
    # arithmetic
    "Add": binary(ops.add), "Subtract": binary(ops.sub), "Multiply": binary(ops.mul),
    "Divide": binary(ops.div), "TrueDivide": binary(ops.div), "Power": binary(ops.pow),
    "Matmul": binary(ops.matmul), "Maximum": binary(ops.maximum),
    "Minimum": binary(ops.minimum), "Negative": unary(ops.neg),
    # elementwise
    "Sqrt": unary(ops.sqrt), "Exp": unary(ops.exp), "Log": unary(ops.log),
    "Absolute": unary(ops.abs), "Tanh": unary(ops.tanh),
    "StopGradient": lambda x: as_variable(x).detach(),
    "Square": _square,
    "Relu": unary(_activation.relu), "Sigmoid": unary(ops.sigmoid),
    "Softmax": lambda x, axis=-1: _activation.softmax(x, axis=axis),
    "Where": _where, "Cast": _cast, "ConvertToTensor": _cast,
    "ZerosLike": _filled(0), "OnesLike": _filled(1),
    # comparisons and logic (booleans, no gradient)
    "Equal": binary(ops.equal), "NotEqual": binary(ops.not_equal),
    "Greater": binary(ops.greater), "GreaterEqual": binary(ops.greater_equal),
    "Less": binary(ops.less), "LessEqual": binary(ops.less_equal),
    "LogicalAnd": lambda x1, x2: ops.where(truth(x1), truth(x2), False),
    "LogicalOr": lambda x1, x2: ops.where(truth(x1), True, truth(x2)),
    "LogicalNot": lambda x: ops.equal(x, 0),
    # more of keras.ops (nn.keras.ops): numpy's
    "Stack": lambda x, axis=0: ops.stack(list(x), axis=axis),
    "Log1p": unary(ops.log1p), "Expm1": unary(ops.expm1), "Sin": unary(ops.sin),
    "Cos": unary(ops.cos), "Sign": unary(_sign), "Floor": unary(ops.floor),
    "Round": _round,
    "Clip": lambda x, x_min, x_max: ops.clip(x, x_min, x_max),
    "Std": lambda x, axis=None, keepdims=False: ops.std(x, axis=axes(axis),
                                                        keepdims=keepdims),
    "Var": lambda x, axis=None, keepdims=False: ops.var(x, axis=axes(axis),
                                                        keepdims=keepdims),
    "Argmax": lambda x, axis=None, keepdims=False: _indices("argmax", x, axis, keepdims),
    "Argmin": lambda x, axis=None, keepdims=False: _indices("argmin", x, axis, keepdims),
    "Prod": _prod, "Cumsum": _cumsum,
    "Flip": lambda x, axis=None: ops.flip(x, axes(axis)),
    "Tile": lambda x, repeats: ops.tile(x, tuple(repeats) if isinstance(repeats, list)
                                        else repeats),
    "Einsum": lambda *operands, subscripts: ops.einsum(subscripts, *operands),
    # nn's and math's
    "Softplus": lambda x: _activation.softplus(x, threshold=np.inf),  # (Keras': no cut-off)
    "LogSoftmax": lambda x, axis=-1: _activation.log_softmax(x, axis=axis),
    "Elu": lambda x, alpha=1.0: _activation.elu(x, alpha),
    "Gelu": lambda x, approximate=True: _activation.gelu(x, "tanh" if approximate else "none"),
    "Silu": unary(_activation.silu), "Selu": unary(_activation.selu),
    "LeakyRelu": lambda x, negative_slope=0.2: _activation.leaky_relu(x, negative_slope),
    "Relu6": clipping(_activation.relu6, 0, 6), "Softsign": unary(_activation.softsign),
    "HardSigmoid": unary(_activation.hardsigmoid), "OneHot": _one_hot,
    "Erf": unary(ops.erf), "Rsqrt": lambda x: ops.div(1.0, ops.sqrt(x)),
    "Logsumexp": reduction(ops.logsumexp),
}


def _in_floats(function):
    """`function` given its integer and boolean tensors as float32: Keras computes these
    operations in floats (ops.mean of int32 is float32; NumPy's would be float64)."""
    @functools.wraps(function)
    def computed(*args, **config):
        return function(*[_float32_if_integral(arg) for arg in args], **config)
    return computed


def _float32_if_integral(value):
    data = getattr(value, "data", value) if isinstance(value, Variable) else value
    if getattr(getattr(data, "dtype", None), "kind", "f") in "biu":
        return ops.astype(as_variable(value), np.float32)
    return value


# Keras' operations whose results are floats whatever their inputs' dtype (measured on
# Keras 3.15.1: int32, int64 and bool inputs give float32)
_FLOAT_RESULTS = ("Mean", "Std", "Var", "Logsumexp", "Sqrt", "Rsqrt", "Exp", "Expm1", "Log",
                  "Floor", "Log1p", "Sin", "Cos", "Tanh", "Erf", "Sigmoid", "Softplus", "Silu",
                  "Gelu", "Elu", "Selu", "Softsign", "HardSigmoid", "Divide", "TrueDivide")
OPERATIONS.update(MATH)
OPERATIONS.update(ARRAYS)
OPERATIONS.update(NN)
OPERATIONS.update(CONV)
OPERATIONS.update(STATISTICS)
OPERATIONS.update(SIGNAL)
OPERATIONS.update(IMAGE)
OPERATIONS.update(SAMPLING)
OPERATIONS.update(COMPLEX)
for _name in _FLOAT_RESULTS + FLOAT_RESULTS + FLOAT_STATISTICS:
    OPERATIONS[_name] = _in_floats(OPERATIONS[_name])


def operation(name, config, who):
    """The function of Keras' operation `name`, its config's arguments checked: a
    ValueError naming an operation or an argument rungrad lacks."""
    function = OPERATIONS.get(name)
    if function is None:
        raise ValueError(f"{who}: Keras' operation {name!r} has no counterpart in rungrad "
                         f"(it reads {', '.join(sorted(OPERATIONS))})")
    params = inspect.signature(function).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    unknown = [] if takes_any else sorted(key for key in config if key not in params)
    if unknown:
        raise ValueError(f"{who}: Keras' operation {name!r} given the arguments {unknown}, "
                         f"which rungrad's does not take")
    return function


__all__ = ["OPERATIONS", "operation"]
