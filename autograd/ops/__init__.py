"""The op library. Each op is a small Function class plus a NumPy-named wrapper."""
from ..lazy import lazy_attributes
from .arithmetic import add, div, mul, neg, pow, sub
from .comparison import equal, greater, greater_equal, less, less_equal, not_equal
from .copy import clone
from .einsum import einsum
from .elementwise import (
    abs,
    astype,
    clip,
    cos,
    exp,
    expm1,
    log,
    log1p,
    maximum,
    minimum,
    sigmoid,
    sin,
    sqrt,
    tan,
    tanh,
    where,
)
from .indexing import get_item
from .linalg import dot, matmul, matrix_exp, solve
from .norm import norm
from .prod import prod
from .reduction import broadcast_to, logsumexp, max, mean, min, sum, sum_to
from .shape import (
    cat,
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

# Less common ops load on first use (`ag.cumsum`, `x.var()`), so `import autograd` stays fast.
# (Only from files not named like their op: importing autograd.ops.prod, say, would bind
# the module over a lazy `prod`.)
__getattr__, __dir__ = lazy_attributes(__name__, {
    "pad": "padding", "cumsum": "scan", "cumprod": "scan", "var": "statistics", "std": "statistics",
    "sort": "sorting", "argsort": "sorting", "topk": "sorting", "argmax": "sorting",
    "argmin": "sorting", "flip": "rearrange", "roll": "rearrange", "tile": "rearrange",
    "clamp": "torch_names", "unsqueeze": "torch_names", "permute": "torch_names",
    "mm": "torch_names", "bmm": "torch_names", "amax": "torch_names", "amin": "torch_names",
    "aminmax": "torch_names", "dist": "torch_names", "var_mean": "torch_names",
    "std_mean": "torch_names", **dict.fromkeys(("eq", "ne", "lt", "le", "gt", "ge"), "torch_names"),
    "isclose": "comparison", "allclose": "comparison", "fmax": "elementwise", "fmin": "elementwise",
    "logaddexp": "logarithmic", "logaddexp2": "logarithmic", "sinc": "trigonometric",
    "chunk": "rearrange", "unbind": "rearrange", "narrow": "rearrange",
    "split_sizes": "rearrange", "gather": "selection", "scatter": "selection",
    "scatter_add": "selection", "index_select": "selection", "masked_fill": "selection",
    "take_along_axis": "sorting", "vector_norm": "norm",
    "matrix_norm": "norm",
    # indexing, scatter and reductions
    "index_add": "index_writes", "index_copy": "index_writes", "index_fill": "index_writes",
    "index_put": "index_writes", "masked_select": "index_writes",
    "masked_scatter": "index_writes", "take": "index_writes",
    "scatter_reduce": "scatter_reduction",
    "median": "order_statistics", "nanmedian": "order_statistics",
    "kthvalue": "order_statistics", "mode": "order_statistics", "cummax": "order_statistics",
    "cummin": "order_statistics", "nansum": "nan_reductions", "nanmean": "nan_reductions",
    "logcumsumexp": "log_scan",
    **dict.fromkeys(("isnan", "isinf", "isfinite", "all", "any", "count_nonzero", "nonzero",
                     "argwhere", "unique",
                     "bincount", "searchsorted", "bucketize"), "counting"),
    # structure and linear algebra
    "tril": "diagonals", "triu": "diagonals", "diagonal": "diagonals", "diag": "diagonals",
    "diag_embed": "diagonals", "trace": "diagonals", "diff": "differences",
    "repeat_interleave": "interleave", "unflatten": "layout", "movedim": "layout",
    "moveaxis": "layout", "rot90": "layout", "meshgrid": "layout", "outer": "products",
    "kron": "products", "cross": "products", "tensordot": "products", "cdist": "distance",
    **dict.fromkeys(("inv", "det", "slogdet", "logdet", "cholesky"), "matrix_functions"),
    **dict.fromkeys(("eigh", "svd", "svdvals", "qr", "pinv", "lstsq", "matrix_rank",
                     "lu_factor"), "decompositions"),
    **dict.fromkeys(("bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
                     "bitwise_left_shift", "bitwise_right_shift", "gcd", "lcm", "isin"),
                    "integer_math"),
    **dict.fromkeys(("logical_and", "logical_or", "logical_xor", "logical_not"), "logical"),
    "nextafter": "bit_views", "bitcast": "bit_views",
    # elementwise math
    **dict.fromkeys(("sinh", "cosh", "asinh", "acosh", "atanh", "asin", "acos", "atan", "atan2",
                     "hypot"), "trigonometric"),
    **dict.fromkeys(("log2", "log10", "exp2", "xlogy", "logit"), "logarithmic"),
    **dict.fromkeys(("floor", "ceil", "round", "trunc", "frac", "sign"), "rounding"),
    **dict.fromkeys(("fmod", "remainder", "floor_divide"), "modulo"),
    **dict.fromkeys(("erf", "erfc", "erfinv", "lgamma", "digamma", "polygamma", "i0", "i1"),
                    "special"),
    "copysign": "signs", "nan_to_num": "finite", "lerp": "interpolation",
    # the activations Variable has as methods (nn.functional re-exports them)
    "relu": "activation", "softmax": "activation", "log_softmax": "activation",
})

__all__ = ["add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sin", "cos", "tan", "tanh",
           "sqrt", "abs", "maximum", "minimum", "clip", "where", "astype", "sum", "mean", "max",
           "min", "logsumexp", "sum_to", "broadcast_to", "reshape", "transpose", "swapaxes",
           "squeeze", "expand_dims", "flatten", "concatenate", "cat", "stack", "split", "get_item",
           "matmul", "dot", "log1p", "expm1", "sigmoid", "var", "std", "prod", "cumsum",
           "cumprod", "einsum", "pad", "norm", "sort", "argsort", "topk", "argmax", "argmin",
           "solve", "matrix_exp", "clone", "equal", "not_equal", "greater", "greater_equal",
           "less", "less_equal", "eq", "ne", "lt", "le", "gt", "ge", "isclose", "allclose",
           "clamp", "unsqueeze", "permute", "mm", "bmm", "flip", "roll",
           "tile", "chunk", "unbind", "narrow",
           "split_sizes", "gather", "scatter", "scatter_add", "index_select", "masked_fill",
           "take_along_axis", "vector_norm",
           # indexing, scatter and reductions
           "index_add", "index_copy", "index_fill", "index_put", "masked_select",
           "masked_scatter", "take", "scatter_reduce", "median", "nanmedian", "kthvalue",
           "mode", "cummax", "cummin", "nansum", "nanmean", "logcumsumexp", "isnan", "isinf",
           "isfinite", "all", "any", "count_nonzero", "nonzero", "argwhere", "unique", "bincount",
           "searchsorted", "bucketize",
           # structure and linear algebra
           "tril", "triu", "diagonal", "diag", "diag_embed", "trace", "diff",
           "repeat_interleave", "unflatten", "movedim", "moveaxis", "rot90", "meshgrid",
           "outer", "kron", "cross", "tensordot", "cdist", "inv", "det", "slogdet", "logdet",
           "cholesky", "eigh", "svd", "svdvals", "qr", "pinv", "lstsq", "matrix_rank",
           "lu_factor",
           # integers
           "logical_and", "logical_or", "logical_xor", "logical_not",
           "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
           "bitwise_right_shift", "gcd", "lcm", "isin", "nextafter", "bitcast",
           # elementwise math
           "sinh", "cosh", "asinh", "acosh", "atanh", "asin", "acos", "atan", "atan2", "hypot",
           "log2", "log10", "exp2", "xlogy", "logit", "floor", "ceil", "round", "trunc", "frac",
           "sign", "fmod", "remainder", "floor_divide", "copysign", "nan_to_num", "lerp",
           "erf", "erfc", "erfinv",
           "lgamma", "digamma", "polygamma", "i0", "i1", "amax", "amin", "aminmax", "dist",
           "var_mean", "std_mean", "fmax", "fmin", "logaddexp", "logaddexp2", "sinc",
           # activations
           "relu", "softmax", "log_softmax"]
