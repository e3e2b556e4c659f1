"""keras.applications.nasnet: NASNet-A (Zoph et al., "Learning Transferable Architectures for
Scalable Image Recognition", 2018) as Keras 3.15 builds it, layer for layer: a 3x3 stem, two
reduction cells, then three stacks of `num_blocks` normal cells with a reduction cell between
them; every cell mixes the last two cells' outputs through separable convolutions and
poolings and concatenates the branches."""
from .. import layers
from .._training import Model
from . import arguments, imagenet_utils
from .correct_pad import correct_pad
from .global_pool_top import global_pool_top
from .weights import load_application_weights

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
NASNET_MOBILE_WEIGHT_PATH = f"{BASE_WEIGHTS_PATH}NASNet-mobile.h5"
NASNET_MOBILE_WEIGHT_PATH_NO_TOP = f"{BASE_WEIGHTS_PATH}NASNet-mobile-no-top.h5"
NASNET_LARGE_WEIGHT_PATH = f"{BASE_WEIGHTS_PATH}NASNet-large.h5"
NASNET_LARGE_WEIGHT_PATH_NO_TOP = f"{BASE_WEIGHTS_PATH}NASNet-large-no-top.h5"

# default_size -> (top, no top): Keras' file name, URL and MD5 for 'imagenet'
_IMAGENET_FILES = {
    224: (("nasnet_mobile.h5", NASNET_MOBILE_WEIGHT_PATH, "020fb642bf7360b370c678b08e0adf61"),
          ("nasnet_mobile_no_top.h5", NASNET_MOBILE_WEIGHT_PATH_NO_TOP,
           "1ed92395b5b598bdda52abe5c0dbfd63")),
    331: (("nasnet_large.h5", NASNET_LARGE_WEIGHT_PATH, "11577c9a518f0070763c2b964a382f17"),
          ("nasnet_large_no_top.h5", NASNET_LARGE_WEIGHT_PATH_NO_TOP,
           "d81d89dc07e6e56530c4e77faddd61b5")),
}

_CHANNELS = -1  # NASNet is channels-last only


def _batch_norm(name=None):
    """NASNet's BatchNormalization: TensorFlow-slim's momentum 0.9997 and epsilon 1e-3."""
    return layers.BatchNormalization(axis=_CHANNELS, momentum=0.9997, epsilon=1e-3, name=name)


def _conv1x1(filters, name, strides=(1, 1)):
    return layers.Conv2D(filters, (1, 1), strides=strides, padding="same", use_bias=False,
                         name=name, kernel_initializer="he_normal")


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """Twice relu -> separable conv -> batch norm; the first strided where strides is 2
    (zero padded by correct_pad, then 'valid')."""
    x = layers.Activation("relu")(ip)
    padding = "same"
    if strides == (2, 2):
        x = layers.ZeroPadding2D(padding=correct_pad(x, kernel_size),
                                 name=f"separable_conv_1_pad_{block_id}")(x)
        padding = "valid"
    x = layers.SeparableConv2D(filters, kernel_size, strides=strides, padding=padding,
                               use_bias=False, name=f"separable_conv_1_{block_id}")(x)
    x = _batch_norm(f"separable_conv_1_bn_{block_id}")(x)
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel_size, padding="same", use_bias=False,
                               name=f"separable_conv_2_{block_id}")(x)
    return _batch_norm(f"separable_conv_2_bn_{block_id}")(x)


def _adjust_block(p, ip, filters, block_id=None):
    """The previous cell's output p made to match ip: ip itself where there is none; halved
    in size by two offset 1x1 paths concatenated where ip is smaller; else projected to
    `filters` channels by a 1x1 convolution where its width differs."""
    if p is None:
        return ip
    if p.shape[-2] != ip.shape[-2]:
        return _factorized_reduction(p, filters, block_id)
    if p.shape[_CHANNELS] != filters:
        p = layers.Activation("relu")(p)
        p = _conv1x1(filters, f"adjust_conv_projection_{block_id}")(p)
        return _batch_norm(f"adjust_bn_{block_id}")(p)
    return p


def _factorized_reduction(p, filters, block_id):
    """relu, then two 1x1 stride-2 paths of filters // 2 each (the second shifted by one
    pixel: padded at the end, cropped at the start), concatenated and batch normalized."""
    p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
    p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                 name=f"adjust_avg_pool_1_{block_id}")(p)
    p1 = _conv1x1(filters // 2, f"adjust_conv_1_{block_id}")(p1)
    p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
    p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
    p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                 name=f"adjust_avg_pool_2_{block_id}")(p2)
    p2 = _conv1x1(filters // 2, f"adjust_conv_2_{block_id}")(p2)
    p = layers.concatenate([p1, p2], axis=_CHANNELS)
    return _batch_norm(f"adjust_bn_{block_id}")(p)


def _squeezed(ip, filters, kind, block_id):
    """The cell's input: relu, 1x1 conv to `filters`, batch norm."""
    h = layers.Activation("relu")(ip)
    h = _conv1x1(filters, f"{kind}_conv_1_{block_id}")(h)
    return _batch_norm(f"{kind}_bn_1_{block_id}")(h)


def _avg_pool_3x3(name, strides=(1, 1), padding="same"):
    return layers.AveragePooling2D((3, 3), strides=strides, padding=padding, name=name)


def _normal_a_cell(ip, p, filters, block_id=None):
    """NASNet-A's normal cell (the paper's Fig. 4): five branch pairs added, concatenated
    with p; returns (the cell's output, ip) - the next cell's (x, p)."""
    p = _adjust_block(p, ip, filters, block_id)
    h = _squeezed(ip, filters, "normal", block_id)
    x1_1 = _separable_conv_block(h, filters, (5, 5), block_id=f"normal_left1_{block_id}")
    x1_2 = _separable_conv_block(p, filters, block_id=f"normal_right1_{block_id}")
    x1 = layers.add([x1_1, x1_2], name=f"normal_add_1_{block_id}")
    x2_1 = _separable_conv_block(p, filters, (5, 5), block_id=f"normal_left2_{block_id}")
    x2_2 = _separable_conv_block(p, filters, (3, 3), block_id=f"normal_right2_{block_id}")
    x2 = layers.add([x2_1, x2_2], name=f"normal_add_2_{block_id}")
    x3 = _avg_pool_3x3(f"normal_left3_{block_id}")(h)
    x3 = layers.add([x3, p], name=f"normal_add_3_{block_id}")
    x4_1 = _avg_pool_3x3(f"normal_left4_{block_id}")(p)
    x4_2 = _avg_pool_3x3(f"normal_right4_{block_id}")(p)
    x4 = layers.add([x4_1, x4_2], name=f"normal_add_4_{block_id}")
    x5 = _separable_conv_block(h, filters, block_id=f"normal_left5_{block_id}")
    x5 = layers.add([x5, h], name=f"normal_add_5_{block_id}")
    x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=_CHANNELS,
                           name=f"normal_concat_{block_id}")
    return x, ip


def _reduction_a_cell(ip, p, filters, block_id=None):
    """NASNet-A's reduction cell (Fig. 4): strided branches halve the size; returns (the
    cell's output, ip)."""
    p = _adjust_block(p, ip, filters, block_id)
    h = _squeezed(ip, filters, "reduction", block_id)
    h3 = layers.ZeroPadding2D(padding=correct_pad(h, 3), name=f"reduction_pad_1_{block_id}")(h)
    x1_1 = _separable_conv_block(h, filters, (5, 5), strides=(2, 2),
                                 block_id=f"reduction_left1_{block_id}")
    x1_2 = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                 block_id=f"reduction_right1_{block_id}")
    x1 = layers.add([x1_1, x1_2], name=f"reduction_add_1_{block_id}")
    x2_1 = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                               name=f"reduction_left2_{block_id}")(h3)
    x2_2 = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                 block_id=f"reduction_right2_{block_id}")
    x2 = layers.add([x2_1, x2_2], name=f"reduction_add_2_{block_id}")
    x3_1 = _avg_pool_3x3(f"reduction_left3_{block_id}", (2, 2), "valid")(h3)
    x3_2 = _separable_conv_block(p, filters, (5, 5), strides=(2, 2),
                                 block_id=f"reduction_right3_{block_id}")
    x3 = layers.add([x3_1, x3_2], name=f"reduction_add3_{block_id}")
    x4 = _avg_pool_3x3(f"reduction_left4_{block_id}")(x1)
    x4 = layers.add([x2, x4])
    x5_1 = _separable_conv_block(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
    x5_2 = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                               name=f"reduction_right5_{block_id}")(h3)
    x5 = layers.add([x5_1, x5_2], name=f"reduction_add4_{block_id}")
    x = layers.concatenate([x2, x3, x4, x5], axis=_CHANNELS,
                           name=f"reduction_concat_{block_id}")
    return x, ip


def _check_nasnet_arguments(who, weights, include_top, classes, pooling, input_shape):
    if arguments.data_format() == "channels_first":
        raise ValueError(f"{who} does not support the `channels_first` image data format. "
                         "Switch to `channels_last`.")
    arguments.check_arguments(who, weights, include_top, classes, pooling)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(f"{who}: when loading `ImageNet` weights, the input_shape argument "
                         f"must be static (no None entries). Got: `input_shape={input_shape}`.")


def _cells(x, filters, num_blocks, skip_reduction, filter_multiplier):
    """The stem's two reduction cells, then three stacks of normal cells (widths filters,
    x filter_multiplier, x filter_multiplier^2) with a reduction cell before the last two;
    skip_reduction feeds the stack's first cell the reduction cell's input as p."""
    p = None
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier ** 2, block_id="stem_1")
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
    for i in range(num_blocks):
        x, p = _normal_a_cell(x, p, filters, block_id=f"{i}")
    for stack in (1, 2):
        width = filters * filter_multiplier ** stack
        x, p0 = _reduction_a_cell(x, p, width, block_id=f"reduce_{stack * num_blocks}")
        p = p if skip_reduction else p0
        for i in range(num_blocks):
            x, p = _normal_a_cell(x, p, width, block_id=f"{stack * num_blocks + 1 + i}")
    return x


def NASNet(input_shape=None, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
           skip_reduction=True, filter_multiplier=2, include_top=True, weights="imagenet",
           input_tensor=None, pooling=None, classes=1000, default_size=None,
           classifier_activation="softmax", name="NASNet"):
    """A NASNet-A (N @ P): num_blocks normal cells per stack, penultimate_filters channels
    before the top (a multiple of 24 * filter_multiplier^2); images (N, H, W, 3) in [-1, 1]
    (preprocess_input), H and W at least 32 (default_size: 331)."""
    who = "NASNet"
    _check_nasnet_arguments(who, weights, include_top, classes, pooling, input_shape)
    default_size = 331 if default_size is None else default_size
    input_shape = arguments.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=arguments.data_format(), require_flatten=include_top, weights=weights)
    images = arguments.model_input(input_tensor, input_shape)
    if penultimate_filters % (24 * (filter_multiplier ** 2)) != 0:
        raise ValueError("For NASNet-A models, the `penultimate_filters` must be a multiple "
                         f"of 24 * (`filter_multiplier` ** 2). Current value: "
                         f"{penultimate_filters}")
    x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid",
                      use_bias=False, name="stem_conv1", kernel_initializer="he_normal")(images)
    x = _batch_norm("stem_bn1")(x)
    x = _cells(x, penultimate_filters // 24, num_blocks, skip_reduction, filter_multiplier)
    x = layers.Activation("relu")(x)
    x = global_pool_top(x, include_top, pooling, classes, classifier_activation, weights,
                        top_pool_name=None)
    model = Model(arguments.model_inputs(input_tensor, images), x, name=name)
    _load_weights(model, weights, who, default_size, include_top)
    return model


def _load_weights(model, weights, who, default_size, include_top):
    if weights == "imagenet" and default_size not in _IMAGENET_FILES:
        raise ValueError("ImageNet weights can only be loaded with NASNetLarge or "
                         "NASNetMobile")
    file_name, origin, file_hash = _IMAGENET_FILES.get(default_size, ((None,) * 3,) * 2)[
        0 if include_top else 1]
    load_application_weights(model, weights, who, file_name, origin, file_hash)


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                 pooling=None, classes=1000, classifier_activation="softmax",
                 name="nasnet_mobile"):
    """Keras' NASNetMobile: NASNet-A (4 @ 1056), 224x224 by default, at least 32x32, images
    in [-1, 1]. (Keras 3.15 refuses it on its torch backend for a bug of its own; rungrad
    builds it as Keras' other backends do.)"""
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                  skip_reduction=False, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=224, classifier_activation=classifier_activation, name=name)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="nasnet_large"):
    """Keras' NASNetLarge: NASNet-A (6 @ 4032), 331x331 by default, at least 32x32, images
    in [-1, 1]."""
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
                  skip_reduction=True, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=331, classifier_activation=classifier_activation, name=name)


def preprocess_input(x, data_format=None):
    """Pixels in [0, 255] to [-1, 1] (imagenet_utils' 'tf' mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["NASNet", "NASNetMobile", "NASNetLarge", "preprocess_input"]
