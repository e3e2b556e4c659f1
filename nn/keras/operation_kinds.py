"""The shapes of Keras' operations that nn.keras.operations' tables are made of: a rungrad op
of one or two tensors, a reduction over Keras' `axis` (an int, a list or None), Keras'
truth of any dtype, a result cast to an optional `dtype`."""
from autograd import ops


def truth(x):
    """x != 0 as booleans (Keras' logical ops take any dtype)."""
    return ops.not_equal(x, 0)


def axes(axis):
    """Keras' axis argument as rungrad's ops take it (a list is a tuple of axes)."""
    return tuple(axis) if isinstance(axis, list) else axis


def reduction(reduce):
    """Keras' reduction of x over `axis` (all for None), keeping its axes for keepdims."""
    def reduced(x, axis=None, keepdims=False):
        return reduce(x, axis=axes(axis), keepdims=keepdims)
    return reduced


def unary(op):
    """op(x), with no other argument (a config naming one is refused by its signature)."""
    def one(x):
        return op(x)
    return one


def binary(op):
    def two(x1, x2):
        return op(x1, x2)
    return two


def in_dtype(x, dtype):
    """x, cast to `dtype` where one is given (Prod's and Cumsum's `dtype`)."""
    return x if dtype is None else ops.astype(x, dtype)


__all__ = ["axes", "binary", "in_dtype", "reduction", "truth", "unary"]
