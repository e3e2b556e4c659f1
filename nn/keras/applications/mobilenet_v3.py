"""keras.applications.mobilenet_v3: MobileNetV3Small and MobileNetV3Large (Howard et al.,
2019), layer for layer as Keras 3.15 builds them, and preprocess_input (the identity: the
models rescale their input themselves, with include_preprocessing).

[Rescaling (to [-1, 1]) ->] 'conv' (3x3/2, 16, no bias) -> 'conv_bn' -> activation, the
inverted residual blocks ('expanded_conv_', 'expanded_conv_1_', ...: 1x1 'expand' ->
'expand_bn' -> activation -> kxk 'depthwise' (strided ones after 'depthwise_pad') ->
'depthwise_bn' -> activation [-> squeeze-and-excite] -> 1x1 'project' -> 'project_bn' [->
'add']) -> 'conv_1' (1x1, 6x the channels) -> 'conv_1_bn' -> activation, then the top:
global average pooling (kept 1x1) -> 'conv_2' (1x1, 1024 or 1280, biased) -> activation
[-> dropout] -> 'logits' (1x1) -> flatten -> 'predictions'. The activation is hard swish
(ReLU where minimalistic, which also drops squeeze-and-excite and uses 3x3 kernels, not
5x5). BatchNormalization: epsilon 1e-3, momentum 0.999."""

from autograd.user_warnings import user_warning

from .. import layers
from .._training import Model
from . import arguments
from .correct_pad import correct_pad
from .mobilenet import batch_norm, spatial_size
from .mobilenet_v2 import check_input_tensor, make_divisible
from .weights import load_application_weights

BASE_WEIGHT_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                    "mobilenet_v3/")
# (the 'imagenet' files' MD5s: with the top, without)
WEIGHTS_HASHES = {
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb",
                             "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7",
                            "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c",
                                         "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7",
                             "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862",
                            "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37",
                                         "cde8136e733e811080d9fcd8a252f7e4"),
}
# Each block: (expansion, filters before alpha, kernel, stride, squeeze-and-excite,
# ReLU); kernel None is the variant's (5, or 3 minimalistic), ReLU False its activation.
SMALL_BLOCKS = (
    (1, 16, 3, 2, True, True), (72 / 16, 24, 3, 2, False, True),
    (88 / 24, 24, 3, 1, False, True), (4, 40, None, 2, True, False),
    (6, 40, None, 1, True, False), (6, 40, None, 1, True, False),
    (3, 48, None, 1, True, False), (3, 48, None, 1, True, False),
    (6, 96, None, 2, True, False), (6, 96, None, 1, True, False),
    (6, 96, None, 1, True, False))
LARGE_BLOCKS = (
    (1, 16, 3, 1, False, True), (4, 24, 3, 2, False, True), (3, 24, 3, 1, False, True),
    (3, 40, None, 2, True, True), (3, 40, None, 1, True, True), (3, 40, None, 1, True, True),
    (6, 80, 3, 2, False, False), (2.5, 80, 3, 1, False, False),
    (2.3, 80, 3, 1, False, False), (2.3, 80, 3, 1, False, False),
    (6, 112, 3, 1, True, False), (6, 112, 3, 1, True, False),
    (6, 160, None, 2, True, False), (6, 160, None, 1, True, False),
    (6, 160, None, 1, True, False))


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                     dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Small"):
    """Keras' MobileNetV3Small: 11 blocks, 'conv_2' of 1024 (see the module doc)."""
    return MobileNetV3(_stack(SMALL_BLOCKS, alpha), 1024, input_shape, alpha, "small",
                       minimalistic, include_top, weights, input_tensor, classes, pooling,
                       dropout_rate, classifier_activation, include_preprocessing, name=name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                     dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Large"):
    """Keras' MobileNetV3Large: 15 blocks, 'conv_2' of 1280 (see the module doc)."""
    return MobileNetV3(_stack(LARGE_BLOCKS, alpha), 1280, input_shape, alpha, "large",
                       minimalistic, include_top, weights, input_tensor, classes, pooling,
                       dropout_rate, classifier_activation, include_preprocessing, name=name)


def MobileNetV3(stack_fn, last_point_ch, input_shape=None, alpha=1.0, model_type="large",
                minimalistic=False, include_top=True, weights="imagenet", input_tensor=None,
                classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax",
                include_preprocessing=True, name=None):
    """Keras' builder: stack_fn(x, kernel, activation, se_ratio) adds the blocks;
    last_point_ch is 'conv_2''s filters (times alpha above 1)."""
    who = name or f"MobileNetV3{model_type.capitalize()}"
    arguments.check_arguments(who, weights, include_top, classes, pooling)
    if include_top:  # (Keras checks it once the body is built; no need to wait)
        arguments.validate_activation(classifier_activation, weights)
    shape = _input_shape(who, input_tensor, input_shape)
    if weights == "imagenet":
        _check_imagenet_variant(who, alpha, minimalistic, shape)
    images = arguments.model_input(input_tensor, shape)
    kernel, activation, se_ratio = (3, relu, None) if minimalistic else (5, hard_swish, 0.25)
    x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(images) if include_preprocessing \
        else images
    x = layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False, name="conv")(x)
    x = activation(_batch_norm(x, "conv_bn"))
    x = stack_fn(x, kernel, activation, se_ratio)
    channel_axis = 1 if arguments.data_format() == "channels_first" else -1
    x = layers.Conv2D(make_divisible(x.shape[channel_axis] * 6, 8), 1, padding="same",
                      use_bias=False, name="conv_1")(x)
    x = activation(_batch_norm(x, "conv_1_bn"))
    if include_top:
        last_point_ch = make_divisible(last_point_ch * alpha, 8) if alpha > 1.0 else \
            last_point_ch
        x = _top(x, last_point_ch, activation, dropout_rate, classes, classifier_activation)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = Model(arguments.model_inputs(input_tensor, images), x, name=name)
    _load(model, weights, who, model_type, minimalistic, alpha, include_top)
    return model


def _input_shape(who, input_tensor, input_shape):
    """input_shape, else the input tensor's, else any size; Keras' only check is a size of
    at least 32x32."""
    check_input_tensor(who, input_tensor, input_shape)
    if input_shape is None:
        if input_tensor is not None and hasattr(input_tensor, "shape"):
            input_shape = tuple(input_tensor.shape[1:])
        else:
            first = arguments.data_format() == "channels_first"
            input_shape = (3, None, None) if first else (None, None, 3)
    rows, cols = spatial_size(input_shape)
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"{who}: Input size must be at least 32x32; Received "
                         f"`input_shape={input_shape}`")
    return tuple(input_shape)


def _check_imagenet_variant(who, alpha, minimalistic, shape):
    if alpha not in ((1.0,) if minimalistic else (0.75, 1.0)):
        raise ValueError(f"{who}: if imagenet weights are being loaded, alpha can be one of "
                         "`0.75`, `1.0` for non minimalistic or `1.0` for minimalistic only.")
    rows, cols = spatial_size(shape)
    if rows != cols or rows != 224:
        user_warning("`input_shape` is undefined or non-square, or `rows` is not 224. "
                     "Weights for input shape (224, 224) will be loaded as the default.")


def _load(model, weights, who, model_type, minimalistic, alpha, include_top):
    variant = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{float(alpha)}_float"
    top = "" if include_top else "_no_top_v2"
    file_name = f"weights_mobilenet_v3_{variant}{top}.h5"
    file_hash = WEIGHTS_HASHES.get(variant, (None, None))[0 if include_top else 1]
    load_application_weights(model, weights, who, file_name, BASE_WEIGHT_PATH + file_name,
                             file_hash)


def _stack(blocks, alpha):
    """Keras' stack_fn of a table of blocks (SMALL_BLOCKS, LARGE_BLOCKS)."""
    def stack_fn(x, kernel, activation, se_ratio):
        for block_id, (expansion, filters, size, stride, squeeze, plain) in enumerate(blocks):
            x = _inverted_res_block(x, expansion, make_divisible(filters * alpha, 8),
                                    size or kernel, stride, se_ratio if squeeze else None,
                                    relu if plain else activation, block_id)
        return x
    return stack_fn


def _top(x, last_point_ch, activation, dropout_rate, classes, classifier_activation):
    """(N, H, W, C) -> (N, classes): Keras' 1x1-convolution head."""
    x = layers.GlobalAveragePooling2D(keepdims=True)(x)
    x = layers.Conv2D(last_point_ch, 1, padding="same", use_bias=True, name="conv_2")(x)
    x = activation(x)
    if dropout_rate > 0:
        x = layers.Dropout(dropout_rate)(x)
    x = layers.Conv2D(classes, 1, padding="same", name="logits")(x)
    x = layers.Flatten()(x)
    return layers.Activation(classifier_activation, name="predictions")(x)


def relu(x):
    return layers.ReLU()(x)


def hard_sigmoid(x):
    """ReLU6(x + 3) / 6, as Keras builds it (one ReLU layer between two operations)."""
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _batch_norm(x, name):
    return batch_norm(x, name, epsilon=1e-3, momentum=0.999)


def _se_block(inputs, filters, se_ratio, prefix):
    """Squeeze-and-excite: inputs times hard_sigmoid of a 1x1 bottleneck (filters *
    se_ratio, ReLU) of their spatial mean."""
    x = layers.GlobalAveragePooling2D(keepdims=True,
                                      name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(make_divisible(filters * se_ratio, 8), 1, padding="same",
                      name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, 1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, hard_sigmoid(x)])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation,
                        block_id):
    """[1x1 expand -> BN -> activation ->] kxk depthwise/stride -> BN -> activation [->
    squeeze-and-excite] -> 1x1 project -> BN, plus x where stride is 1 and the channels
    agree."""
    channel_axis = 1 if arguments.data_format() == "channels_first" else -1
    shortcut, in_filters = x, x.shape[channel_axis]
    expanded = make_divisible(in_filters * expansion, 8)
    prefix = f"expanded_conv_{block_id}_" if block_id else "expanded_conv_"
    if block_id:
        x = layers.Conv2D(expanded, 1, padding="same", use_bias=False,
                          name=f"{prefix}expand")(x)
        x = activation(_batch_norm(x, f"{prefix}expand_bn"))
    if stride == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, kernel_size),
                                 name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=f"{prefix}depthwise")(x)
    x = activation(_batch_norm(x, f"{prefix}depthwise_bn"))
    if se_ratio:
        x = _se_block(x, expanded, se_ratio, prefix)
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _batch_norm(x, f"{prefix}project_bn")
    if stride == 1 and in_filters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def preprocess_input(x, data_format=None):
    """x as it is: MobileNetV3 rescales its input itself (include_preprocessing); kept for
    the applications' common interface."""
    return x


__all__ = ["MobileNetV3Small", "MobileNetV3Large", "preprocess_input"]
