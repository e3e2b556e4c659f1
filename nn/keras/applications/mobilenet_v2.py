"""keras.applications.mobilenet_v2: MobileNetV2 (Sandler et al., 2018), layer for layer as
Keras 3.15 builds it, and its preprocess_input (pixels to [-1, 1]).

'Conv1' (3x3/2, no bias) -> 'bn_Conv1' -> 'Conv1_relu' (ReLU6), then 17 inverted residual
blocks ('expanded_conv_', then 'block_1_' .. 'block_16_'): 1x1 'expand' (6x the channels;
not in the first) -> BN -> ReLU6 -> 3x3 'depthwise' (strided ones after a 'pad' of
correct_pad) -> BN -> ReLU6 -> 1x1 'project' (linear) -> BN [-> 'add' of the input where the
shapes agree], then 'Conv_1' (1x1, 1280) -> 'Conv_1_bn' -> 'out_relu' and the top: global
average pooling and the 'predictions' Dense. BatchNormalization: epsilon 1e-3, momentum
0.999."""
from .. import layers
from .._training import Model
from ..keras_tensors import is_keras_tensor
from . import arguments, imagenet_utils
from .correct_pad import correct_pad
from .global_pool_top import global_pool_top
from .mobilenet import batch_norm, default_size, imagenet_rows, spatial_size
from .weights import load_application_weights

BASE_WEIGHT_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                    "mobilenet_v2/")
IMAGENET_SIZES = (96, 128, 160, 192, 224)
IMAGENET_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
# (filters before alpha, stride, expansion, blocks) of each stage
STAGES = ((16, 1, 1, 1), (24, 2, 6, 2), (32, 2, 6, 3), (64, 2, 6, 4), (96, 1, 6, 3),
          (160, 2, 6, 3), (320, 1, 6, 1))


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet",
                input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax",
                name=None):
    """Keras' MobileNetV2: alpha scales the blocks' filters (rounded to multiples of 8) and,
    above 1, the last convolution's 1280 (see the module doc)."""
    who = "MobileNetV2"
    arguments.check_arguments(who, weights, include_top, classes, pooling)
    check_input_tensor(who, input_tensor, input_shape)
    # (Keras' default size: where no input_shape is given, the input tensor's)
    given = input_tensor.shape[1:] if input_shape is None and is_keras_tensor(input_tensor) \
        else input_shape
    shape = arguments.obtain_input_shape(
        input_shape, default_size(given, IMAGENET_SIZES), 32, arguments.data_format(),
        require_flatten=include_top, weights=weights)
    rows, cols = spatial_size(shape)
    if weights == "imagenet":
        if alpha not in IMAGENET_ALPHAS:
            raise ValueError(f"{who}: if imagenet weights are being loaded, alpha must be one "
                             "of `0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; "
                             f"Received `alpha={alpha}`")
        rows = imagenet_rows(rows, cols, IMAGENET_SIZES)
    images = arguments.model_input(input_tensor, shape)
    x = layers.Conv2D(make_divisible(32 * alpha, 8), 3, strides=2, padding="same",
                      use_bias=False, name="Conv1")(images)
    x = _batch_norm(x, "bn_Conv1")
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    x = _stages(x, alpha)
    # (the paper applies no alpha below 1 to the last convolution)
    last_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_filters, 1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm(x, "Conv_1_bn")
    x = layers.ReLU(6.0, name="out_relu")(x)
    x = global_pool_top(x, include_top, pooling, classes, classifier_activation, weights,
                        top_pool_name=None)
    model = Model(arguments.model_inputs(input_tensor, images), x,
                  name=f"mobilenetv2_{alpha:0.2f}_{rows}" if name is None else name)
    top = "" if include_top else "_no_top"
    file_name = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{top}.h5"
    load_application_weights(model, weights, who, file_name, BASE_WEIGHT_PATH + file_name)
    return model


def check_input_tensor(who, input_tensor, input_shape):
    """Keras' check where both are given: input_tensor symbolic, its width input_shape's."""
    if input_tensor is None or input_shape is None:
        return
    if not is_keras_tensor(input_tensor):
        raise ValueError(f"{who}: input_tensor is not a Keras tensor; Received "
                         f"`input_tensor={input_tensor!r}`")
    axis = 3 if arguments.data_format() == "channels_first" else 2
    if input_tensor.shape[axis] != input_shape[1]:
        raise ValueError(f"{who}: input_tensor.shape[{axis}] must equal input_shape[1]; "
                         f"Received `input_tensor.shape={input_tensor.shape}`, "
                         f"`input_shape={input_shape}`")


def make_divisible(v, divisor, min_value=None):
    """v rounded to the nearest multiple of divisor (at least min_value, default divisor),
    one divisor more where that fell below 90% of v (TensorFlow's slim mobilenet rule)."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * v else rounded


def _batch_norm(x, name):
    return batch_norm(x, name, epsilon=1e-3, momentum=0.999)


def _stages(x, alpha):
    block_id = 0
    for filters, stride, expansion, blocks in STAGES:
        for i in range(blocks):
            x = _inverted_res_block(x, expansion, stride if i == 0 else 1, alpha, filters,
                                    block_id)
            block_id += 1
    return x


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """[1x1 expand -> BN -> ReLU6 ->] 3x3 depthwise/stride -> BN -> ReLU6 -> 1x1 project ->
    BN, plus the input where stride is 1 and the channels agree."""
    channel_axis = 1 if arguments.data_format() == "channels_first" else -1
    in_channels = inputs.shape[channel_axis]
    pointwise_filters = make_divisible(int(filters * alpha), 8)
    x, prefix = inputs, f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, 1, padding="same", use_bias=False,
                          name=f"{prefix}expand")(x)
        x = _batch_norm(x, f"{prefix}expand_BN")
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(3, strides=stride, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=f"{prefix}depthwise")(x)
    x = _batch_norm(x, f"{prefix}depthwise_BN")
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, 1, padding="same", use_bias=False,
                      name=f"{prefix}project")(x)
    x = _batch_norm(x, f"{prefix}project_BN")
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def preprocess_input(x, data_format=None):
    """Pixels in [0, 255] -> x / 127.5 - 1, in [-1, 1] (imagenet_utils' 'tf' mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["MobileNetV2", "preprocess_input"]
