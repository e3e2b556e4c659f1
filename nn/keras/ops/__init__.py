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

Keras' submodules hold the same functions under its grouping: keras.ops.numpy, .nn,
.linalg and .image (the image operations live there alone), loaded on first use (Keras 3
has no .math or .core: those functions are flat only).
"""
import builtins

import numpy as np

from autograd import ops as _autograd_ops
from autograd.backend import array_of, as_array, to_cpu
from autograd.lazy import lazy_attributes
from autograd.variable import Variable, as_variable, computed_from_values

from ...call_losses import call_array_module
from ..control_flow import (  # noqa: F401 (keras.ops' names)
    CONTROL_FLOW,
    associative_scan,
    cond,
    custom_gradient,
    fori_loop,
    map,  # noqa: A004 (Keras' name)
    scan,
    switch,
    vectorize,
    vectorized_map,
    while_loop,
)
from ..functional import KerasTensor
from ..layers.operation import Operation
from ..operation_kinds import gpu_array_in, keras_tensor, moved_to
from ..operations import OPERATIONS

SUBMODULES = ("numpy", "nn", "linalg", "image")


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
        home = gpu_array_in(args)
        if home is not None:  # NumPy constants beside GPU tensors go there (Keras' device)
            args = [moved_to(arg, home) for arg in args]
            config = {key: moved_to(value, home) for key, value in config.items()}
        result = OPERATIONS[name](*args, **config)  # (Argmax's indices come as an array)
        if isinstance(result, (tuple, list)):  # (several results: top_k's, split's, ...)
            return result
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


def _made(name, call, config_defaults=(), positions=None, doc=""):
    """keras.ops' function of Keras' operation `name`: its call arguments `call` (names; a
    (name, default) pair for one that may be left out) and its own `config_defaults`
    ((name, default) pairs), by keyword, or by position in the order `positions` (all
    names; by default the call arguments', then the config's)."""
    call_defaults = dict(item for item in call if isinstance(item, tuple))
    call = [item[0] if isinstance(item, tuple) else item for item in call]
    config_names = [key for key, _ in config_defaults]
    positions = positions or call + config_names

    def function(*args, **kwargs):
        count = len(positions)
        if len(args) > count:
            raise TypeError(f"keras.ops.{function.__name__}() takes {count} arguments, "
                            f"{len(args)} given")
        given = dict(zip(positions, args))
        for key, value in kwargs.items():
            if key not in call and key not in config_names or key in given:
                raise TypeError(f"keras.ops.{function.__name__}() got an unexpected or "
                                f"repeated argument {key!r}")
            given[key] = value
        missing = [key for key in call if key not in given and key not in call_defaults]
        if missing:
            raise TypeError(f"keras.ops.{function.__name__}() is missing {missing}")
        config = {key: given.get(key, default) for key, default in config_defaults}
        arguments = [given.get(key, call_defaults.get(key)) for key in call]
        return _operation(name, arguments, **config)
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
    ("stop_gradient", "StopGradient", ["variable"], ()),
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

_MORE = [
    # elementwise (nn.keras.operations_math)
    *[(name, op, ["x"], ()) for name, op in (
        ("ceil", "Ceil"), ("trunc", "Trunc"), ("tan", "Tan"), ("sinh", "Sinh"),
        ("cosh", "Cosh"), ("arcsin", "Arcsin"), ("arccos", "Arccos"), ("arctan", "Arctan"),
        ("arcsinh", "Arcsinh"), ("arccosh", "Arccosh"), ("arctanh", "Arctanh"),
        ("log2", "Log2"), ("log10", "Log10"), ("exp2", "Exp2"), ("reciprocal", "Reciprocal"),
        ("cbrt", "Cbrt"), ("deg2rad", "Deg2rad"), ("rad2deg", "Rad2deg"), ("erfc", "Erfc"),
        ("erfinv", "Erfinv"), ("isnan", "Isnan"), ("isinf", "Isinf"),
        ("isfinite", "Isfinite"), ("signbit", "Signbit"), ("log_sigmoid", "LogSigmoid"),
        ("swish", "Silu"), ("hard_silu", "HardSilu"), ("hard_swish", "HardSilu"),
        ("hard_tanh", "HardTanh"), ("tanh_shrink", "TanhShrink"),
        ("sparse_plus", "SparsePlus"), ("det", "Det"), ("inv", "Inv"),
        ("logdet", "Logdet"), ("slogdet", "Slogdet"), ("ravel", "Ravel"))],
    *[(name, op, ["x1", "x2"], ()) for name, op in (
        ("arctan2", "Arctan2"), ("hypot", "Hypot"), ("logaddexp", "Logaddexp"),
        ("floor_divide", "FloorDivide"), ("mod", "Mod"), ("fmod", "Fmod"),
        ("logical_xor", "LogicalXor"), ("heaviside", "Heaviside"), ("dot", "Dot"),
        ("outer", "Outer"), ("inner", "Inner"), ("vdot", "Vdot"), ("kron", "Kron"))],
    ("isclose", "Isclose", ["x1", "x2", ("rtol", 1e-5), ("atol", 1e-8)],
     (("equal_nan", False),)),
    ("celu", "Celu", ["x"], (("alpha", 1.0),)), ("glu", "Glu", ["x"], (("axis", -1),)),
    ("soft_shrink", "SoftShrink", ["x"], (("threshold", 0.5),)),
    ("hard_shrink", "HardShrink", ["x"], (("threshold", 0.5),)),
    ("squareplus", "Squareplus", ["x"], (("b", 4),)),
    ("threshold", "Threshold", ["x"], (("threshold", None), ("default_value", None))),
    # reductions
    ("amax", "Amax", ["x"], _AXIS), ("amin", "Amin", ["x"], _AXIS),
    ("count_nonzero", "CountNonzero", ["x"], (("axis", None),)),
    ("cumprod", "Cumprod", ["x"], (("axis", None), ("dtype", None))),
    ("median", "Median", ["x"], _AXIS), ("ptp", "Ptp", ["x"], _AXIS),
    ("nansum", "Nansum", ["x"], _AXIS), ("nanmean", "Nanmean", ["x"], _AXIS),
    ("average", "Average", ["x", ("weights", None)], (("axis", None),),
     ["x", "axis", "weights"]),
    ("norm", "Norm", ["x"], (("ord", None),) + _AXIS),
    ("solve", "Solve", ["a", "b"], ()),
    ("cholesky", "Cholesky", ["x"], (("upper", False),)),
    # shapes and selections (nn.keras.operations_arrays)
    ("take", "Take", ["x", "indices"], (("axis", None),)),
    ("take_along_axis", "TakeAlongAxis", ["x", "indices"], (("axis", None),)),
    ("repeat", "Repeat", ["x"], (("repeats", None), ("axis", None))),
    ("broadcast_to", "BroadcastTo", ["x"], (("shape", None),)),
    ("moveaxis", "Moveaxis", ["x"], (("source", None), ("destination", None))),
    ("swapaxes", "Swapaxes", ["x"], (("axis1", None), ("axis2", None))),
    ("pad", "Pad", ["x", ("constant_values", None)], (("pad_width", None), ("mode", "constant")),
     ["x", "pad_width", "mode", "constant_values"]),
    ("roll", "Roll", ["x"], (("shift", None), ("axis", None))),
    ("tril", "Tril", ["x"], (("k", 0),)), ("triu", "Triu", ["x"], (("k", 0),)),
    ("diag", "Diag", ["x"], (("k", 0),)),
    ("diagonal", "Diagonal", ["x"], (("offset", 0), ("axis1", 0), ("axis2", 1))),
    ("trace", "Trace", ["x"], (("offset", 0), ("axis1", 0), ("axis2", 1))),
    ("tensordot", "Tensordot", ["x1", "x2"], (("axes", 2),)),
    ("unstack", "Unstack", ["x"], (("num", None), ("axis", 0))),
    ("append", "Append", ["x1", "x2"], (("axis", None),)),
    ("hstack", "Hstack", ["xs"], ()), ("vstack", "Vstack", ["xs"], ()),
    ("sort", "Sort", ["x"], (("axis", -1),)), ("argsort", "Argsort", ["x"], (("axis", -1),)),
    ("top_k", "TopK", ["x"], (("k", None), ("sorted", True))),
    ("in_top_k", "InTopK", ["targets", "predictions"], (("k", None),)),
    ("split", "Split", ["x"], (("indices_or_sections", None), ("axis", 0))),
    ("diff", "Diff", ["a"], (("n", 1), ("axis", -1))),
    ("cross", "Cross", ["x1", "x2"], (("axisa", -1), ("axisb", -1), ("axisc", -1),
                                      ("axis", None))),
    ("full_like", "FullLike", ["x", "fill_value"], (("dtype", None),)),
    ("empty_like", "EmptyLike", ["x"], (("dtype", None),)),
    # made from numbers alone
    ("arange", "Arange", ["start", ("stop", None), ("step", None)], (("dtype", None),)),
    ("full", "Full", ["fill_value"], (("shape", None), ("dtype", None)),
     ["shape", "fill_value", "dtype"]),
    ("linspace", "Linspace", ["start", "stop"], (("num", 50), ("endpoint", True),
                                                 ("retstep", False), ("dtype", None),
                                                 ("axis", 0))),
    # keras.ops.nn's (nn.keras.operations_nn)
    ("binary_crossentropy", "BinaryCrossentropy", ["target", "output"],
     (("from_logits", False),)),
    ("categorical_crossentropy", "CategoricalCrossentropy", ["target", "output"],
     (("from_logits", False), ("axis", -1))),
    ("sparse_categorical_crossentropy", "SparseCategoricalCrossentropy",
     ["target", "output"], (("from_logits", False), ("axis", -1))),
    ("multi_hot", "MultiHot", ["inputs"], (("num_classes", None), ("axis", -1),
                                           ("dtype", None), ("sparse", False))),
    ("psnr", "PSNR", ["x1", "x2"], (("max_val", None),)),
    ("moments", "Moments", ["x"], (("axes", None), ("keepdims", False),
                                   ("synchronized", False))),
    ("normalize", "Normalize", ["x"], (("axis", -1), ("order", 2), ("epsilon", None))),
    ("batch_normalization", "BatchNorm",
     ["x", "mean", "variance", ("offset", None), ("scale", None)],
     (("axis", None), ("epsilon", 1e-3)),
     ["x", "mean", "variance", "axis", "offset", "scale", "epsilon"]),
    ("layer_normalization", "LayerNorm", ["x", ("gamma", None), ("beta", None)],
     (("axis", -1), ("epsilon", None), ("rms_scaling", False))),
    ("rms_normalization", "RMSNorm", ["x", ("scale", None)], (("axis", -1), ("epsilon", None))),
    # statistics (nn.keras.operations_statistics)
    *[(name, op, ["x"], _AXIS) for name, op in (
        ("nanmedian", "Nanmedian"), ("nanmax", "Nanmax"), ("nanmin", "Nanmin"),
        ("nanargmax", "Nanargmax"), ("nanargmin", "Nanargmin"), ("nanprod", "Nanprod"),
        ("nanvar", "Nanvar"), ("nanstd", "Nanstd"))],
    *[(name, op, ["x", "q"], (("axis", None), ("method", "linear"), ("keepdims", False)))
      for name, op in (("quantile", "Quantile"), ("percentile", "Percentile"),
                       ("nanquantile", "Nanquantile"), ("nanpercentile", "Nanpercentile"))],
    ("histogram", "Histogram", ["x"], (("bins", 10), ("range", None))),
    ("nancumsum", "Nancumsum", ["x"], (("axis", None), ("dtype", None))),
    ("nancumprod", "Nancumprod", ["x"], (("axis", None), ("dtype", None))),
    ("corrcoef", "Corrcoef", ["x"], ()),
    ("trapezoid", "Trapezoid", ["y"], (("x", None), ("dx", 1.0), ("axis", -1))),
    # more elementwise, and indices, segments and blocks (operations_math, operations_arrays)
    *[(name, op, ["x1", "x2"], ()) for name, op in (
        ("logaddexp2", "Logaddexp2"), ("fmax", "Fmax"), ("fmin", "Fmin"), ("ldexp", "Ldexp"))],
    *[(name, op, ["x"], ()) for name, op in (
        ("sinc", "Sinc"), ("isneginf", "Isneginf"), ("isposinf", "Isposinf"),
        ("isreal", "Isreal"), ("fliplr", "Fliplr"), ("flipud", "Flipud"), ("copy", "Copy"))],
    ("vander", "Vander", ["x"], (("N", None), ("increasing", False))),
    *[(name, op, ["data", "segment_ids"], (("num_segments", None), ("sorted", False)))
      for name, op in (("segment_sum", "SegmentSum"), ("segment_max", "SegmentMax"),
                       ("segment_min", "SegmentMin"), ("segment_prod", "SegmentProd"))],
    ("scatter", "Scatter", ["indices", "values"], (("shape", None),)),
    ("scatter_update", "ScatterUpdate", ["inputs", "indices", "updates"],
     (("reduction", None),)),
    ("slice", "Slice", ["inputs", "start_indices"], (("shape", None),)),
    ("slice_update", "SliceUpdate", ["inputs", "start_indices", "updates"], ()),
    ("searchsorted", "SearchSorted", ["sorted_sequence", "values"], (("side", "left"),)),
    ("digitize", "Digitize", ["x", "bins"], ()),
    ("bincount", "Bincount", ["x"], (("weights", None), ("minlength", 0), ("sparse", False))),
    ("unravel_index", "UnravelIndex", ["indices"], (("shape", None),)),
    ("select", "Select", ["condlist", "choicelist", ("default", 0)], ()),
    ("extract_sequences", "ExtractSequences", ["x"], (("sequence_length", None),
                                                      ("sequence_stride", None))),
    ("rot90", "Rot90", ["array"], (("k", 1), ("axes", (0, 1)))),
    ("dstack", "Dstack", ["xs"], ()),
    ("array_split", "ArraySplit", ["x"], (("indices_or_sections", None), ("axis", 0))),
    *[(name, op, ["x"], (("indices_or_sections", None),)) for name, op in (
        ("hsplit", "Hsplit"), ("vsplit", "Vsplit"), ("dsplit", "Dsplit"))],
    ("array", "Array", ["x"], (("dtype", None),)),
    ("diagflat", "Diagflat", ["x"], (("k", 0),)),
    ("argpartition", "Argpartition", ["x"], (("kth", None), ("axis", -1))),
    *[(name, op, ["x"], (("block_size", None), ("data_format", "channels_last")))
      for name, op in (("depth_to_space", "DepthToSpace"), ("space_to_depth", "SpaceToDepth"))],
    # complex parts of real numbers, safe arithmetic, integers (nn.keras.operations_math)
    *[(name, op, ["x"], ()) for name, op in (
        ("fabs", "Fabs"), ("i0", "I0"), ("angle", "Angle"), ("conj", "Conjugate"),
        ("conjugate", "Conjugate"), ("real", "Real"), ("imag", "Imag"),
        ("bitwise_not", "BitwiseNot"),
        ("bitwise_invert", "BitwiseInvert"))],
    *[(name, op, ["x", "y"], ()) for name, op in (
        ("bitwise_and", "BitwiseAnd"), ("bitwise_or", "BitwiseOr"), ("bitwise_xor", "BitwiseXor"),
        ("bitwise_left_shift", "BitwiseLeftShift"), ("left_shift", "LeftShift"),
        ("bitwise_right_shift", "BitwiseRightShift"), ("right_shift", "RightShift"),
        ("cdist", "CDist"))],
    *[(name, op, ["x1", "x2"], ()) for name, op in (
        ("divide_no_nan", "DivideNoNan"), ("gcd", "Gcd"), ("lcm", "Lcm"),
        ("nextafter", "Nextafter"))],
    ("view", "View", ["x"], (("dtype", None),)),
    ("nan_to_num", "NanToNum", ["x"], (("nan", 0.0), ("posinf", None), ("neginf", None))),
    ("allclose", "AllClose", ["x1", "x2"], (("rtol", 1e-5), ("atol", 1e-8),
                                             ("equal_nan", False))),
    ("isin", "IsIn", ["x1", "x2"], (("assume_unique", False), ("invert", False))),
    ("solve_triangular", "SolveTriangular", ["a", "b"], (("lower", False),)),
    ("cholesky_inverse", "CholeskyInverse", ["x"], (("upper", False),)),
    ("eigh", "Eigh", ["x"], ()), ("qr", "Qr", ["x"], (("mode", "reduced"),)),
    # complex results as (real, imag) pairs (nn.keras.operations_complex)
    ("eig", "Eig", ["x"], ()), ("polar", "Polar", ["abs_", "angle"], ()),
    ("view_as_complex", "ViewAsComplex", ["x"], ()), ("view_as_real", "ViewAsReal", ["x"], ()),
    ("lu_factor", "LuFactor", ["x"], ()),
    # Fourier transforms, of (real, imag) pairs (nn.keras.operations_signal)
    *[(name, op, ["x"], ()) for name, op in (("fft", "FFT"), ("fft2", "FFT2"),
                                              ("ifft2", "IFFT2"))],
    *[(name, op, ["x"], (("fft_length", None),)) for name, op in (("rfft", "RFFT"),
                                                                   ("irfft", "IRFFT"))],
    ("stft", "STFT", ["x"], (("sequence_length", None), ("sequence_stride", None),
                             ("fft_length", None), ("window", "hann"), ("center", True))),
    ("istft", "ISTFT", ["x"], (("sequence_length", None), ("sequence_stride", None),
                               ("fft_length", None), ("length", None), ("window", "hann"),
                               ("center", True))),
    ("svd", "SVD", ["x"], (("full_matrices", True), ("compute_uv", True))),
    ("pinv", "Pinv", ["x"], (("rcond", None),)),
    ("lstsq", "Lstsq", ["a", "b"], (("rcond", None),)),
    ("matrix_rank", "MatrixRank", ["x"], (("tol", None),)),
    ("saturate_cast", "SaturateCast", ["x"], (("dtype", None),)),
    ("logspace", "Logspace", ["start", "stop"], (("num", 50), ("endpoint", True),
                                                 ("base", 10), ("dtype", None), ("axis", 0))),
    ("geomspace", "Geomspace", ["start", "stop"], (("num", 50), ("endpoint", True),
                                                   ("dtype", None), ("axis", 0))),
    # sliding windows and attention (nn.keras.operations_conv)
    *[(name, op, ["inputs", "kernel"], (("strides", 1), ("padding", "valid"),
                                        ("data_format", None), ("dilation_rate", 1)))
      for name, op in (("conv", "Conv"), ("depthwise_conv", "DepthwiseConv"))],
    *[(name, op, ["inputs"], (("pool_size", None), ("strides", None), ("padding", "valid"),
                              ("data_format", None)))
      for name, op in (("max_pool", "MaxPool"), ("average_pool", "AveragePool"))],
    ("separable_conv", "SeparableConv", ["inputs", "depthwise_kernel", "pointwise_kernel"],
     (("strides", 1), ("padding", "valid"), ("data_format", None), ("dilation_rate", 1))),
    ("conv_transpose", "ConvTranspose", ["inputs", "kernel"],
     (("strides", 1), ("padding", "valid"), ("output_padding", None), ("data_format", None),
      ("dilation_rate", 1))),
    ("correlate", "Correlate", ["x1", "x2"], (("mode", "valid"),)),
    *[(name, op, ["inputs"], (("output_size", None), ("data_format", None)))
      for name, op in (("adaptive_average_pool", "AdaptiveAveragePool"),
                       ("adaptive_max_pool", "AdaptiveMaxPool"))],
    ("unfold", "Unfold", ["x"], (("kernel_size", None), ("dilation", 1), ("padding", 0),
                                 ("stride", 1))),
    ("fold", "Fold", ["x"], (("output_size", None), ("kernel_size", None), ("dilation", 1),
                             ("padding", 0), ("stride", 1))),
    ("sparse_sigmoid", "SparseSigmoid", ["x"], ()),
    ("sparsemax", "Sparsemax", ["x"], (("axis", -1),)),
    ("ctc_decode", "CTCDecode", ["inputs", "sequence_lengths"],
     (("strategy", "greedy"), ("beam_width", 100), ("top_paths", 1), ("merge_repeated", True),
      ("mask_index", 0))),
    ("ctc_loss", "CTCLoss", ["target", "output", "target_length", "output_length"],
     (("mask_index", 0),), ["target", "output", "target_length", "output_length",
                            "mask_index"]),
    ("dot_product_attention", "DotProductAttention",
     ["query", "key", "value", ("bias", None), ("mask", None), ("scale", None)],
     (("is_causal", False), ("flash_attention", None), ("attn_logits_soft_cap", None))),
]

for _name, _op, _call, _config, *_positions in _TABLE + _MORE:
    globals()[_name] = _made(_op, _call, _config, *_positions)
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
    # (computed from the values outside the ops: a captured step refuses them)
    return tuple(Variable(computed_from_values(index), requires_grad=False)
                 for index in np.nonzero(data))


def meshgrid(*x, indexing="xy"):
    """Keras' ops.meshgrid: coordinate grids of 1-D tensors, 'xy' (Cartesian) or 'ij'
    (matrix) indexing, as a list."""
    return _operation("Meshgrid", list(x), indexing=indexing)


def einsum(subscripts, *operands):
    """Keras' ops.einsum: Einstein summation of `operands` by `subscripts`."""
    return _operation("Einsum", operands, subscripts=subscripts)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Keras' ops.convert_to_tensor: a Variable of x (an array, a number, nested lists), in
    `dtype` where given; Python's numbers become float32 and int32 by default, as Keras'
    (an array keeps its dtype)."""
    if _symbolic(x):
        return _operation("ConvertToTensor", [x], dtype=dtype, sparse=sparse, ragged=ragged)
    return keras_tensor(x, dtype)


def convert_to_numpy(x):
    """Keras' ops.convert_to_numpy: x's values as a NumPy array (from the GPU too)."""
    return to_cpu(array_of(x)) if hasattr(x, "shape") else np.asarray(x)


def shape(x):
    """Keras' ops.shape: x's shape as a tuple (None for a symbolic tensor's batch)."""
    return tuple(x.shape)


def zeros(shape, dtype=None):
    """Keras' ops.zeros: a constant of zeros (float32 by default), on the array module of
    the latest model call (CuPy for a model on the GPU)."""
    return Variable(call_array_module().zeros(shape, np.dtype(dtype or "float32")),
                    requires_grad=False)


def ones(shape, dtype=None):
    """Keras' ops.ones: a constant of ones (float32 by default), as zeros is made."""
    return Variable(call_array_module().ones(shape, np.dtype(dtype or "float32")),
                    requires_grad=False)


def empty(shape, dtype=None):
    """Keras' ops.empty: a constant of the shape (its values zeros here)."""
    return zeros(shape, dtype)


def eye(N, M=None, k=0, dtype=None):  # noqa: N803 (Keras' argument names)
    """Keras' ops.eye: ones on the k-th diagonal of an N x M matrix (float32 by default)."""
    return _host_constant(np.eye(N, M, k, dtype=np.dtype(dtype or "float32")))


def identity(n, dtype=None):
    """Keras' ops.identity: the n x n identity matrix (float32 by default)."""
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):  # noqa: N803
    """Keras' ops.tri: ones at and below the k-th diagonal of an N x M matrix."""
    return _host_constant(np.tri(N, M, k, dtype=np.dtype(dtype or "float32")))


def ndim(x):
    """Keras' ops.ndim: x's number of axes."""
    return len(x.shape)


def size(x):
    """Keras' ops.size: x's number of entries."""
    return int(np.prod(x.shape))


def get_item(x, key):
    """Keras' ops.get_item: x[key] (ints, slices, None, Ellipsis; index arrays too, on
    values)."""
    return x[key] if isinstance(x, (KerasTensor, Variable)) else as_variable(x)[key]


def rearrange(tensor, pattern, **axes_lengths):
    """Keras' ops.rearrange (einops'): tensor's axes split, merged and reordered by `pattern`
    ('b h w c -> b (h w) c'; 'b (h p) w c -> b h p w c' with p=2 given)."""
    return _operation("Rearrange", [tensor, pattern], **axes_lengths)


def dtype(x):
    """Keras' ops.dtype: the name of x's dtype ('float32')."""
    return np.dtype(x.dtype).name


def jvp(fun, primals, tangents, has_aux=False):
    """Keras' ops.jvp: (fun(*primals), the Jacobian of fun at primals times tangents), both
    shaped as fun's output (a tuple for a tuple); with has_aux, fun returns (output, aux)
    and aux comes third. Differentiable (autograd.jvp with create_graph)."""
    from autograd.functional import jvp as _jvp  # (first use only: import autograd stays fast)
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents) or not primals:
        raise ValueError(f"keras.ops.jvp: give as many tangents as primals (at least one), got "
                         f"{len(primals)} and {len(tangents)}")
    aux = []

    def output_of(*xs):
        out = fun(*xs)
        if has_aux:
            out, extra = out
            aux.append(extra)
        return out
    several = len(primals) > 1
    out, tangent = _jvp(output_of, primals if several else primals[0],
                        tangents if several else tangents[0], create_graph=True)
    return (out, tangent, aux[0]) if has_aux else (out, tangent)


def unique(x, sorted=True, return_index=False, return_inverse=False,  # noqa: A002 (Keras')
           return_counts=False, axis=None, size=None, fill_value=None):
    """Keras' ops.unique: x's distinct values, sorted (the distinct slices along `axis`),
    then as asked the index of each one's first occurrence, the position of each element
    among them, and how often each occurs; with `size`, exactly that many (cut, or padded
    with fill_value, 0 by default, their counts 0 and indices 1, as Keras' PyTorch backend).
    Its size depends on the data, so not on a functional model's tensors; no gradient."""
    if _symbolic(x):
        raise ValueError("keras.ops.unique on a functional model's symbolic tensors: its size "
                         "depends on the data; compute it in a layer's call")
    x = as_variable(x)
    values, inverse, counts = _autograd_ops.unique(x, return_inverse=True, return_counts=True,
                                                   dim=axis)
    first = None
    if return_index:
        host = to_cpu(x.data)
        found = np.unique(host.reshape(-1) if axis is None else host, return_index=True,
                          axis=axis, **({"equal_nan": False} if axis is None else {}))[1]
        first = Variable(computed_from_values(as_array(found.astype(np.int64), like=x.data)),
                         requires_grad=False)
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
            raise ValueError(f"keras.ops.unique: size must be an int >= 0, got {size!r}")
        values, counts, first = _sized(values, counts, first, axis, int(size), fill_value)
    results = [values] + [r for r, wanted in ((first, return_index), (inverse, return_inverse),
                                             (counts, return_counts)) if wanted]
    return results[0] if len(results) == 1 else tuple(results)


def _sized(values, counts, first, axis, size, fill_value):
    """unique's values, counts and first indices cut or padded to `size` along its axis."""
    axis = 0 if axis is None else axis % values.ndim
    have = values.shape[axis]
    if have >= size:
        keep = (builtins.slice(None),) * axis + (builtins.slice(0, size),)
        return (values[keep], counts[:size], None if first is None else first[:size])
    widths = [(0, 0)] * values.ndim
    widths[axis] = (0, size - have)
    values = _autograd_ops.pad(values, widths,
                              constant_values=0 if fill_value is None else fill_value)
    counts = _autograd_ops.pad(counts, ((0, size - have),))
    first = None if first is None else _autograd_ops.pad(first, ((0, size - have),),
                                                           constant_values=1)
    return values, counts, first


def _window(make, x, *args):
    """A window of x points (an int, or a 0-d tensor of one) made by NumPy's `make`, float32
    (Keras'), on the array module of the latest model call."""
    count = int(to_cpu(array_of(x))) if hasattr(x, "shape") else int(x)
    return _host_constant(make(count, *args).astype(np.float32))


def bartlett(x):
    """Keras' ops.bartlett: the triangular window of x points."""
    return _window(np.bartlett, x)


def blackman(x):
    """Keras' ops.blackman: the Blackman window of x points."""
    return _window(np.blackman, x)


def hamming(x):
    """Keras' ops.hamming: the Hamming window of x points."""
    return _window(np.hamming, x)


def hanning(x):
    """Keras' ops.hanning: the Hann window of x points."""
    return _window(np.hanning, x)


def kaiser(x, beta):
    """Keras' ops.kaiser: the Kaiser window of x points with shape parameter beta."""
    return _window(np.kaiser, x, float(beta))


def is_tensor(x):
    """Keras' ops.is_tensor: whether x is a tensor (a Variable) rather than an array or a
    number."""
    return isinstance(x, Variable)


def _host_constant(values):
    return Variable(call_array_module().asarray(values), requires_grad=False)


# keras.ops.numpy, .nn, .linalg and .image: loaded on first use
__getattr__, __dir__ = lazy_attributes(__name__, submodules=SUBMODULES)

__all__ = sorted([name for name, *_ in _TABLE + _MORE] + [
    "where", "nonzero", "meshgrid", "einsum", "convert_to_tensor", "convert_to_numpy", "shape",
    "zeros", "ones", "empty", "eye", "identity", "tri", "ndim", "size",
    "is_tensor", "get_item", "bartlett", "blackman", "hamming", "hanning", "kaiser", "dtype",
    "jvp", "unique", "rearrange",
    *CONTROL_FLOW])
