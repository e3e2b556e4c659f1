"""Keras' operations (nn.keras.layers.Operation: keras.ops called on a functional model's
tensors) as Keras 3 writes them among the model's layers in a `.keras` archive's config:
{"module": the module of Keras' class of the op, "class_name": the op, "config": {"name",
its own arguments}, "registered_name": the op}; the writer adds its name and its call (the
constants at their positions among the tensors). No weights: Keras' HDF5 holds no group of
an operation.
"""

# the module of Keras 3.15.1's class of each operation rungrad knows (nn.keras.operations),
# by keras.src.ops' submodule (read from Keras' classes: type(op).__module__)
_MODULES = {
    "numpy": (
        "Absolute Add All AllClose Amax Amin Angle Any Append Arange Arccos Arccosh Arcsin "
        "Arcsinh Arctan Arctan2 Arctanh Argmax Argmin Argpartition Argsort Array ArraySplit "
        "Average Bincount BitwiseAnd BitwiseInvert BitwiseLeftShift BitwiseNot BitwiseOr "
        "BitwiseRightShift BitwiseXor BroadcastTo Cbrt Ceil Clip Concatenate Conjugate Copy "
        "Corrcoef Correlate Cos Cosh CountNonzero Cross Cumprod Cumsum Deg2rad Diag Diagflat "
        "Diagonal Diff Digitize Divide DivideNoNan Dot Dsplit Dstack Einsum EmptyLike Equal "
        "Exp Exp2 ExpandDims Expm1 Fabs Flip Fliplr Flipud Floor FloorDivide Fmax Fmin Fmod "
        "Full FullLike Gcd Geomspace GetItem Greater GreaterEqual Heaviside Histogram Hsplit "
        "Hstack Hypot I0 Imag Inner IsIn Isclose Isfinite Isinf Isnan Isneginf Isposinf "
        "Isreal Kron Lcm Ldexp LeftShift Less LessEqual Linspace Log Log10 Log1p Log2 "
        "Logaddexp Logaddexp2 LogicalAnd LogicalNot LogicalOr LogicalXor Logspace Matmul Max "
        "Maximum Mean Median Meshgrid Min Minimum Mod Moveaxis Multiply NanToNum Nanargmax "
        "Nanargmin Nancumprod Nancumsum Nanmax Nanmean Nanmedian Nanmin Nanpercentile Nanprod "
        "Nanquantile Nanstd Nansum Nanvar Negative Nextafter NotEqual OnesLike Outer Pad "
        "Percentile Power Prod Ptp Quantile Rad2deg Ravel Real Reciprocal Repeat Reshape "
        "RightShift Roll Rot90 Round SearchSorted Select Sign Signbit Sin Sinc Sinh Slogdet "
        "Sort Split Sqrt Square Squeeze Stack Std Subtract Sum Swapaxes Take TakeAlongAxis "
        "Tan Tanh Tensordot Tile Trace Transpose Trapezoid Tril Triu TrueDivide Trunc "
        "UnravelIndex Vander Var Vdot View Vsplit Vstack Where ZerosLike"),
    "math": (
        "CDist Erf Erfc Erfinv ExtractSequences FFT FFT2 IFFT2 IRFFT ISTFT InTopK Logdet "
        "Logsumexp RFFT Rsqrt STFT SegmentMax SegmentMin SegmentProd SegmentSum TopK "
        "ViewAsComplex ViewAsReal"),
    "nn": (
        "AdaptiveAveragePool AdaptiveMaxPool AveragePool BatchNorm BinaryCrossentropy "
        "CTCDecode CTCLoss CategoricalCrossentropy Celu Conv ConvTranspose DepthToSpace "
        "DepthwiseConv DotProductAttention Elu Fold Gelu Glu HardShrink HardSigmoid HardSilu "
        "HardTanh LayerNorm LeakyRelu LogSigmoid LogSoftmax MaxPool Moments MultiHot "
        "Normalize OneHot PSNR Polar RMSNorm Relu Relu6 Selu SeparableConv Sigmoid Silu "
        "SoftShrink Softmax Softplus Softsign SpaceToDepth SparseCategoricalCrossentropy "
        "SparsePlus SparseSigmoid Sparsemax Squareplus TanhShrink Threshold Unfold"),
    "core": (
        "Cast ConvertToTensor SaturateCast Scatter ScatterUpdate Slice SliceUpdate "
        "StopGradient Unstack"),
    "linalg": (
        "Cholesky CholeskyInverse Det Eig Eigh Inv Lstsq LuFactor MatrixRank Norm Pinv Qr SVD "
        "Solve SolveTriangular"),
    "image": (
        "AffineTransform CropImages ElasticTransform ExtractPatches GaussianBlur HSVToRGB "
        "MapCoordinates PadImages PerspectiveTransform RGBToGrayscale RGBToHSV Resize SSIM "
        "ScaleAndTranslate SobelEdges"),
    "einops": (
        "Rearrange"),
}
KERAS_OPERATION_MODULES = {name: f"keras.src.ops.{part}" for part, names in _MODULES.items()
                           for name in names.split()}


def operation_entry(operation, value):
    """Keras' object of `operation` (its name and its own arguments, each as value(key,
    argument, where) writes it); NotWritable where Keras' module of its op is not known."""
    from .keras_config_writer import NotWritable, keras_object

    module = KERAS_OPERATION_MODULES.get(operation.op)
    where = f"operation {operation.name!r} ({operation.op})"
    if module is None:
        raise NotWritable(f"the model calls keras.ops' {operation.op} ({where}), whose Keras "
                          "module is not known here")
    config = {"name": operation.name}
    for key, argument in operation.config.items():
        try:  # (by no key but data_format's, whose None is resolved as Keras' ops resolve it:
            # an activation None stays None)
            config[key] = value(key if key == "data_format" else None, argument, where)
        except NotWritable:
            raise NotWritable(f"{where}: its argument {key}={argument!r} is not a value "
                              "Keras' config holds") from None
    return keras_object(module, operation.op, config, operation.op)


__all__ = ["KERAS_OPERATION_MODULES", "operation_entry"]
