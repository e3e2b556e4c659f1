"""rungrad's autograd: define-by-run reverse-mode automatic differentiation on NumPy.

Note: this is rungrad's `autograd`, not the unrelated PyPI package of the same name
(`autograd.IS_RUNGRAD` tells them apart; do not install both in one environment).
"""
from . import cuda, memory  # memory tunes glibc's malloc on import (see autograd/memory.py)
from .anomaly import detect_anomaly
from .backward_trace import BackwardTrace, record_backward
from .capture import CapturedStep, CaptureError, DetachedResultWarning, RandomDrawWarning, capture
from .config import (
    Config,
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
    test_mode,
    using_config,
)
from .engine import grad, queue_callback
from .function import Function
from .functional import hessian, hvp, jacobian, jvp, vhp, vjp
from .grad_memory import offer_grad_memory, take_grad_memory
from .hooks import RemovableHandle
from .lazy import dezero_hints, lazy_attributes
from .multi_grad_hook import register_multi_grad_hook
from .ops import (
    abs,
    add,
    astype,
    broadcast_to,
    cat,
    clip,
    clone,
    concatenate,
    cos,
    div,
    dot,
    einsum,
    equal,
    exp,
    expand_dims,
    expm1,
    flatten,
    get_item,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    log1p,
    logsumexp,
    matmul,
    matrix_exp,
    max,
    maximum,
    mean,
    min,
    minimum,
    mul,
    neg,
    norm,
    not_equal,
    pow,
    prod,
    reshape,
    sigmoid,
    sin,
    solve,
    split,
    sqrt,
    squeeze,
    stack,
    sub,
    sum,
    sum_to,
    swapaxes,
    tan,
    tanh,
    transpose,
    where,
)
from .variable import Parameter, Variable, as_variable

# Drawing and numerical checking load on first use (`autograd.gradcheck`, `plot_graph`, ...).
__getattr__, __dir__ = lazy_attributes(__name__, {
    "get_dot_graph": "graph", "plot_graph": "graph", "plot_backward": "backprop_page",
    "GradcheckError": "numerical", "gradcheck": "numerical", "gradgradcheck": "numerical",
    "numerical_diff": "numerical", "numerical_grad": "numerical",
    "numerical_gradient": "numerical",
    "checkpoint": "checkpointing", "checkpoint_sequential": "checkpointing",
    # the less common ops, which autograd.ops itself loads on first use
    **{name: "ops" for name in ("pad", "cumsum", "cumprod", "var", "std", "sort", "argsort",
                                "topk", "argmax", "argmin", "flip", "roll", "tile", "chunk",
                                "clamp", "unsqueeze", "permute", "mm", "bmm", "eq", "ne",
                                "lt", "le", "gt", "ge", "isclose", "allclose",
                                "unbind", "narrow", "gather", "scatter", "scatter_add",
                                "index_select", "masked_fill", "take_along_axis",
                                "vector_norm", "matrix_norm",
                                # structure and linear algebra
                                "tril", "triu", "diagonal", "diag", "diag_embed", "trace",
                                "diff", "repeat_interleave", "unflatten", "movedim",
                                "moveaxis", "rot90", "meshgrid", "outer", "kron", "cross",
                                "tensordot", "cdist", "inv", "det", "slogdet", "logdet",
                                "cholesky", "eigh", "svd", "svdvals", "qr", "pinv", "lstsq",
                                "matrix_rank", "lu_factor",
                                # integers
                                "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
                                "bitwise_left_shift", "bitwise_right_shift", "gcd", "lcm",
                                "isin", "nextafter", "bitcast", "logical_and",
                                "logical_or", "logical_xor", "logical_not",
                                # elementwise math
                                "sinh", "cosh", "asinh", "acosh", "atanh", "asin", "acos", "atan",
                                "atan2", "hypot", "log2", "log10", "exp2", "xlogy", "logit",
                                "floor", "ceil", "round", "trunc", "frac", "sign", "fmod",
                                "remainder", "floor_divide", "copysign", "nan_to_num", "lerp",
                                "erf", "erfc", "erfinv", "lgamma", "digamma", "polygamma",
                                "i0", "i1", "amax", "amin", "aminmax", "dist", "var_mean",
                                "std_mean", "fmax", "fmin", "logaddexp", "logaddexp2",
                                "sinc",
                                # the activations Variable has as methods
                                "relu", "softmax", "log_softmax")},
    # PyTorch's free functions of Variable methods (the fused products, ...)
    **dict.fromkeys(("addcmul", "addcdiv", "addmm", "addmv", "addr", "baddbmm", "float_power",
                     "heaviside", "inner", "vdot", "matrix_power", "tensor_split"),
                    "ops.method_functions"),
    # indexing, scatter and reductions
    **{name: "ops" for name in ("index_add", "index_copy", "index_fill", "index_put",
                                "masked_select", "masked_scatter", "take", "scatter_reduce",
                                "median", "nanmedian", "kthvalue", "mode", "cummax", "cummin",
                                "nansum", "nanmean", "logcumsumexp", "isnan", "isinf",
                                "isfinite", "all", "any", "count_nonzero", "nonzero",
                                "argwhere", "unique", "bincount", "searchsorted",
                                "bucketize")},
}, missing=dezero_hints(__name__, {
    "plot_dot_graph": "autograd.plot_graph(y, to_file='graph.png')",
    "gradient_check": "autograd.gradcheck(f, x) (it raises GradcheckError on a mismatch)",
    "utils": "spread over autograd (plot_graph, get_dot_graph, sum_to) and nn.datasets",
    "setup_variable": "built in: every Variable has the operators",
}))

__version__ = "0.1.0"
IS_RUNGRAD = True

__all__ = [
    "Variable", "Parameter", "as_variable", "Function", "grad", "jacobian", "hessian", "vjp",
    "jvp", "hvp", "vhp",
    "offer_grad_memory", "take_grad_memory",
    "Config", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
    "is_grad_enabled", "using_config", "test_mode", "detect_anomaly",
    "numerical_diff", "numerical_grad", "numerical_gradient", "gradcheck", "gradgradcheck",
    "GradcheckError",
    "get_dot_graph", "plot_graph", "cuda", "memory", "record_backward", "plot_backward",
    "BackwardTrace", "RemovableHandle", "queue_callback", "register_multi_grad_hook",
    "capture", "CapturedStep",
    "CaptureError", "DetachedResultWarning", "RandomDrawWarning",
    "checkpoint", "checkpoint_sequential",
    # the op library (autograd.ops)
    "add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sin", "cos", "tan", "tanh", "sqrt",
    "abs", "maximum", "minimum", "clip", "where", "astype", "sum", "mean", "max", "min",
    "logsumexp", "sum_to", "broadcast_to", "reshape", "transpose", "swapaxes", "squeeze",
    "expand_dims", "flatten", "concatenate", "cat", "stack", "split", "get_item", "matmul", "dot",
    "log1p", "expm1", "sigmoid", "var", "std", "prod", "cumsum", "cumprod", "einsum", "pad",
    "norm", "sort", "argsort", "topk", "argmax", "argmin", "solve",
    "matrix_exp", "clone", "equal", "not_equal", "greater", "greater_equal", "less",
    "less_equal", "eq", "ne", "lt", "le", "gt", "ge", "isclose", "allclose", "clamp",
    "unsqueeze", "permute", "mm", "bmm", "flip", "roll", "tile",
    "chunk", "unbind", "narrow", "gather", "scatter",
    "scatter_add", "index_select", "masked_fill", "take_along_axis", "vector_norm",
    "matrix_norm",
    # indexing, scatter and reductions
    "index_add", "index_copy", "index_fill", "index_put", "masked_select", "masked_scatter",
    "take", "scatter_reduce", "median", "nanmedian", "kthvalue", "mode", "cummax", "cummin",
    "nansum", "nanmean", "logcumsumexp", "isnan", "isinf", "isfinite", "all", "any",
    "count_nonzero", "nonzero", "argwhere", "unique", "bincount", "searchsorted", "bucketize",
    # structure and linear algebra
    "tril", "triu", "diagonal", "diag", "diag_embed", "trace", "diff", "repeat_interleave",
    "unflatten", "movedim", "moveaxis", "rot90", "meshgrid", "outer", "kron", "cross",
    "tensordot", "cdist", "inv", "det", "slogdet", "logdet", "cholesky", "eigh", "svd",
    "svdvals", "qr", "pinv", "lstsq", "matrix_rank", "lu_factor",
    # integers
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
    "bitwise_right_shift", "gcd", "lcm", "isin", "nextafter", "bitcast", "logical_and",
    "logical_or", "logical_xor", "logical_not",
    # elementwise math
    "sinh", "cosh", "asinh", "acosh", "atanh", "asin", "acos", "atan", "atan2", "hypot", "log2",
    "log10", "exp2", "xlogy", "logit", "floor", "ceil", "round", "trunc", "frac", "sign", "fmod",
    "remainder", "floor_divide", "copysign", "nan_to_num", "lerp", "erf", "erfc", "erfinv",
    "lgamma", "digamma", "polygamma", "i0", "i1", "amax", "amin", "aminmax", "dist",
    "var_mean", "std_mean", "fmax", "fmin", "logaddexp", "logaddexp2", "sinc",
    # PyTorch's free functions of Variable methods
    "addcmul", "addcdiv", "addmm", "addmv", "addr", "baddbmm", "float_power", "heaviside",
    "inner", "vdot", "matrix_power", "tensor_split",
    # activations (nn.functional re-exports them)
    "relu", "softmax", "log_softmax",
]
