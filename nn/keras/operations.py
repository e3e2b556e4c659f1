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
"""
import inspect

import numpy as np

from autograd import ops
from autograd.variable import Variable, as_variable

from ..functional import activation as _activation
from .index_keys import index_key


def _truth(x):
    """x != 0 as booleans (Keras' logical ops take any dtype)."""
    return ops.not_equal(x, 0)


def _reduction(reduce):
    def reduced(x, axis=None, keepdims=False, initial=None):
        if initial is not None:
            raise NotImplementedError(f"initial={initial!r} is not supported")
        return reduce(x, axis=_axes(axis), keepdims=keepdims)
    return reduced


def _axes(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _any_or_all(reduce):
    def reduced(x, axis=None, keepdims=False):
        return reduce(_truth(x), dim=_axes(axis), keepdim=keepdims)
    return reduced


def _filled(value):
    """Keras' ZerosLike / OnesLike: x's shape, `dtype` (x's by default); a constant."""
    def like(x, dtype=None):
        x = as_variable(x)
        return Variable(np.full(x.shape, value, dtype=dtype or x.dtype), requires_grad=False)
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
    return ops.where(_truth(condition), x1, x2)


def _get_item(x, key):
    """Keras' GetItem: x[key] (nn.keras.index_keys), differentiable."""
    return ops.get_item(x, index_key(key))


def _binary(op):
    def binary(x1, x2):
        return op(x1, x2)
    return binary


def _unary(op):
    def unary(x):
        return op(x)
    return unary


OPERATIONS = {
    # reductions
    "Mean": _reduction(ops.mean), "Sum": _reduction(ops.sum), "Max": _reduction(ops.max),
    "Min": _reduction(ops.min), "Any": _any_or_all(ops.any), "All": _any_or_all(ops.all),
    # shapes
    "ExpandDims": lambda x, axis: ops.expand_dims(x, _axes(axis)),
    "Squeeze": lambda x, axis=None: ops.squeeze(x, axis=_axes(axis)),
    "Reshape": lambda x, newshape: ops.reshape(x, tuple(newshape)),
    "Transpose": lambda x, axes=None: ops.transpose(x, None if axes is None else tuple(axes)),
    "Concatenate": lambda xs, axis=0: ops.concatenate(list(xs), axis=axis),
    "GetItem": _get_item,
    # arithmetic
    "Add": _binary(ops.add), "Subtract": _binary(ops.sub), "Multiply": _binary(ops.mul),
    "Divide": _binary(ops.div), "TrueDivide": _binary(ops.div), "Power": _binary(ops.pow),
    "Matmul": _binary(ops.matmul), "Maximum": _binary(ops.maximum),
    "Minimum": _binary(ops.minimum), "Negative": _unary(ops.neg),
    # elementwise
    "Sqrt": _unary(ops.sqrt), "Exp": _unary(ops.exp), "Log": _unary(ops.log),
    "Absolute": _unary(ops.abs), "Tanh": _unary(ops.tanh),
    "Square": lambda x: ops.mul(x, x),
    "Relu": _unary(_activation.relu), "Sigmoid": _unary(ops.sigmoid),
    "Softmax": lambda x, axis=-1: _activation.softmax(x, axis=axis),
    "Where": _where, "Cast": _cast, "ConvertToTensor": _cast,
    "ZerosLike": _filled(0), "OnesLike": _filled(1),
    # comparisons and logic (booleans, no gradient)
    "Equal": _binary(ops.equal), "NotEqual": _binary(ops.not_equal),
    "Greater": _binary(ops.greater), "GreaterEqual": _binary(ops.greater_equal),
    "Less": _binary(ops.less), "LessEqual": _binary(ops.less_equal),
    "LogicalAnd": lambda x1, x2: ops.where(_truth(x1), _truth(x2), False),
    "LogicalOr": lambda x1, x2: ops.where(_truth(x1), True, _truth(x2)),
    "LogicalNot": lambda x: ops.equal(x, 0),
}


def operation(name, config, who):
    """The function of Keras' operation `name`, its config's arguments checked: a
    ValueError naming an operation or an argument rungrad lacks."""
    function = OPERATIONS.get(name)
    if function is None:
        raise ValueError(f"{who}: Keras' operation {name!r} has no counterpart in rungrad "
                         f"(it reads {', '.join(sorted(OPERATIONS))})")
    params = inspect.signature(function).parameters
    unknown = sorted(key for key in config if key not in params)
    if unknown:
        raise ValueError(f"{who}: Keras' operation {name!r} given the arguments {unknown}, "
                         f"which rungrad's does not take")
    return function


__all__ = ["OPERATIONS", "operation"]
