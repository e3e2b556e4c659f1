"""prod: the product over axes, with a gradient that needs no division where x has zeros."""
import numpy as np

from ..backend import get_array_module
from ..function import Function
from ..spec import Axes, Choice, Spec
from ..variable import torch_axis, wrap
from .accumulation import reduced
from .reduction import _count, _expand_back, _reduce
from .shape import concatenate, reshape, transpose


class Prod(Function):
    """y = product of x over `axes`;  dy/dx_i = product of the others (y / x_i without zeros)"""

    input_specs = (Spec(elements=(0.5, 1.5)),)
    arg_specs = {"axis": Axes(of=0), "keepdims": Choice(False, True)}
    apply = staticmethod(lambda x, axis, keepdims: prod(x, axis, keepdims))
    reference = staticmethod(lambda x, axis, keepdims: np.prod(x, axis, keepdims=keepdims))

    def __init__(self, axes, keepdims):
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x):
        return reduced(x, "prod", axis=self.axes, keepdims=self.keepdims)

    def backward(self, gy):
        x = self.inputs[0]
        gx = _expand_back(gy, x.shape, self.axes)
        if _count(x.shape, self.axes) == 1:  # a product of one element: dy/dx = 1
            return gx
        if not (x.data == 0).any():
            y = self.outputs[0]()
            return gx * _expand_back(y, x.shape, self.axes) / x
        return gx * _product_of_others(x, self.axes)


def _product_of_others(x, axes):
    """For each element, the product of the others over `axes`, without dividing (zeros are
    fine): exclusive cumulative products from the left times those from the right."""
    rest = tuple(i for i in range(x.ndim) if i not in axes)
    order = rest + tuple(axes)
    moved = transpose(x, order)
    n = _count(x.shape, axes)
    flat = reshape(moved, moved.shape[:len(rest)] + (n,))
    one = wrap(get_array_module(x.data).ones(flat.shape[:-1] + (1,), x.dtype))
    from .rearrange import reversed_view  # here: prod loads with autograd, these on first use
    from .scan import cumprod
    left = cumprod(concatenate([one, flat[..., :-1]], axis=-1), axis=-1)
    last = (flat.ndim - 1,)
    right = reversed_view(cumprod(reversed_view(concatenate([flat[..., 1:], one], axis=-1),
                                                last), -1), last)
    others = reshape(left * right, moved.shape)
    return transpose(others, tuple(np.argsort(order)))


def prod(x, axis=None, keepdims=False, *, dim=None, keepdim=None):
    if dim is not None or keepdim is not None:
        axis, keepdims = torch_axis(axis, keepdims, dim, keepdim, "prod")
    return _reduce(Prod, x, axis, keepdims, "prod")
