"""keras.applications.mobilenet: MobileNet (Howard et al., 2017), layer for layer as Keras
3.15 builds it, and its preprocess_input (pixels to [-1, 1]).

'conv1' (3x3/2, 32 alpha filters, no bias) -> 'conv1_bn' -> 'conv1_relu' (ReLU6), then 13
depthwise separable blocks 'conv_dw_i' (3x3 depthwise; strided ones after 'conv_pad_i', a
zero row and column at the bottom right) -> BN -> ReLU6 -> 'conv_pw_i' (1x1) -> BN -> ReLU6;
the top: global average pooling (kept 1x1) -> 'dropout' -> 'conv_preds' (1x1, classes) ->
'reshape_2' -> 'predictions'. BatchNormalization keeps Keras' defaults (epsilon 1e-3)."""

from autograd.user_warnings import user_warning

from .. import layers
from .._training import Model
from . import arguments, imagenet_utils
from .weights import load_application_weights

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
IMAGENET_SIZES = (128, 160, 192, 224)
IMAGENET_ALPHAS = {0.25: "2_5", 0.50: "5_0", 0.75: "7_5", 1.0: "1_0"}
# (pointwise filters before alpha, stride of each depthwise block 1..13)
BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
          (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True,
              weights="imagenet", input_tensor=None, pooling=None, classes=1000,
              classifier_activation="softmax", name=None):
    """Keras' MobileNet: alpha scales every layer's filters, depth_multiplier the depthwise
    convolutions' outputs per channel, dropout is the top's rate (see the module doc)."""
    who = "MobileNet"
    arguments.check_arguments(who, weights, include_top, classes, pooling)
    shape = arguments.obtain_input_shape(
        input_shape, default_size(input_shape, IMAGENET_SIZES), 32, arguments.data_format(),
        require_flatten=include_top, weights=weights)
    rows, cols = spatial_size(shape)
    if weights == "imagenet":
        _check_imagenet_variant(alpha, depth_multiplier)
        rows = imagenet_rows(rows, cols, IMAGENET_SIZES)
    images = arguments.model_input(input_tensor, shape)
    x = _conv_block(images, 32, alpha, strides=2)
    for block_id, (filters, stride) in enumerate(BLOCKS, start=1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = _top(x, dropout, classes, classifier_activation, weights)
    else:
        x = arguments.pooled(x, pooling)
    model = Model(arguments.model_inputs(input_tensor, images), x,
                  name=f"mobilenet_{alpha:0.2f}_{rows}" if name is None else name)
    top = "" if include_top else "_no_top"
    file_name = f"mobilenet_{IMAGENET_ALPHAS.get(alpha)}_{rows}_tf{top}.h5"
    load_application_weights(model, weights, who, file_name, BASE_WEIGHT_PATH + file_name)
    return model


def default_size(input_shape, sizes):
    """Keras' default image size: input_shape's side where it is square and one of the
    sizes ImageNet weights were released for, else 224."""
    if input_shape is None:
        return 224
    rows, cols = spatial_size(input_shape)
    return rows if rows == cols and rows in sizes else 224


def spatial_size(shape):
    """(rows, cols) of an image shape: (H, W, C), or (C, H, W) channels first."""
    return tuple(shape[1:3]) if arguments.data_format() == "channels_first" else \
        tuple(shape[:2])


def imagenet_rows(rows, cols, sizes):
    """The size whose ImageNet weights load: rows where square and released, else 224
    (with Keras' warning)."""
    if rows == cols and rows in sizes:
        return rows
    user_warning(f"`input_shape` is undefined or non-square, or `rows` is not in "
                 f"{list(sizes)}. Weights for input shape (224, 224) will be loaded as "
                 "the default.")
    return 224


def _check_imagenet_variant(alpha, depth_multiplier):
    if depth_multiplier != 1:
        raise ValueError("MobileNet: if imagenet weights are being loaded, depth multiplier "
                         f"must be 1.  Received depth_multiplier={depth_multiplier}")
    if alpha not in IMAGENET_ALPHAS:
        raise ValueError("MobileNet: if imagenet weights are being loaded, alpha can be one "
                         f"of `0.25`, `0.50`, `0.75` or `1.0` only.  Received alpha={alpha}")


def batch_norm(x, name, **options):
    """BatchNormalization on the channel axis (Keras': -1, or 1 channels first)."""
    axis = 1 if arguments.data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, name=name, **options)(x)


def _conv_block(inputs, filters, alpha, strides):
    x = layers.Conv2D(int(filters * alpha), 3, padding="same", use_bias=False,
                      strides=strides, name="conv1")(inputs)
    x = batch_norm(x, "conv1_bn")
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_conv_block(x, pointwise_filters, alpha, depth_multiplier, stride, block_id):
    """3x3 depthwise (padded at the bottom right first when strided, as TensorFlow's 'same'
    does) -> BN -> ReLU6 -> 1x1 to int(pointwise_filters * alpha) -> BN -> ReLU6."""
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D(3, padding="same" if stride == 1 else "valid",
                               depth_multiplier=depth_multiplier, strides=stride,
                               use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = batch_norm(x, f"conv_dw_{block_id}_bn")
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(int(pointwise_filters * alpha), 1, padding="same", use_bias=False,
                      name=f"conv_pw_{block_id}")(x)
    x = batch_norm(x, f"conv_pw_{block_id}_bn")
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def _top(x, dropout, classes, classifier_activation, weights):
    """(N, H, W, C) -> (N, classes): Keras' 1x1-convolution classifier."""
    arguments.validate_activation(classifier_activation, weights)
    x = layers.GlobalAveragePooling2D(keepdims=True)(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    x = layers.Conv2D(classes, 1, padding="same", name="conv_preds")(x)
    x = layers.Reshape((classes,), name="reshape_2")(x)
    return layers.Activation(classifier_activation, name="predictions")(x)


def preprocess_input(x, data_format=None):
    """Pixels in [0, 255] -> x / 127.5 - 1, in [-1, 1] (imagenet_utils' 'tf' mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["MobileNet", "preprocess_input"]
