"""The op library. Each op is a small Function class plus a NumPy-named wrapper."""
from .arithmetic import add, div, mul, neg, pow, sub
from .elementwise import (
    abs,
    astype,
    clip,
    cos,
    exp,
    log,
    maximum,
    minimum,
    sin,
    sqrt,
    tan,
    tanh,
    where,
)
from .indexing import get_item
from .linalg import dot, matmul
from .reduction import broadcast_to, logsumexp, max, mean, min, sum, sum_to
from .shape import (
    concatenate,
    expand_dims,
    flatten,
    reshape,
    split,
    squeeze,
    stack,
    swapaxes,
    transpose,
)

__all__ = ["add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sin", "cos", "tan", "tanh",
           "sqrt", "abs", "maximum", "minimum", "clip", "where", "astype", "sum", "mean", "max",
           "min", "logsumexp", "sum_to", "broadcast_to", "reshape", "transpose", "swapaxes",
           "squeeze", "expand_dims", "flatten", "concatenate", "stack", "split", "get_item",
           "matmul", "dot"]
