"""keras.applications.inception_v3: Inception v3 (Szegedy et al., CVPR 2016), layer for
layer as Keras 3.15 builds it: a convolutional stem, then the 'mixed0'..'mixed10'
blocks of parallel branches (1x1; factorised 5x5, 7x7 and 3x3 convolutions; pooling),
each convolution followed by BatchNormalization (no scale) and ReLU. Inputs in [-1, 1]
(preprocess_input), 299x299 by default, at least 75x75."""
from .. import layers
from .._training import Model
from . import imagenet_utils
from .arguments import (
    channel_axis,
    input_images,
    model_inputs,
)
from .global_pool_top import global_pool_top
from .weights import load_application_weights

_URL = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
_WEIGHTS = {True: ("inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
                   "9a0d58056eeedaa3f26cb7ebd46da564"),
            False: ("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
                    "bcbd6486424b2319ff4ef7d526e38f63")}
_DOWN = dict(strides=(2, 2), padding="valid")  # (the grid-reducing convolutions)


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="inception_v3"):
    """Inception v3: images (N, 299, 299, 3) -> (N, classes) class probabilities
    (headless: (N, h, w, 2048) features, or (N, 2048) pooled)."""
    images, _ = input_images("InceptionV3", weights, include_top, classes, pooling, input_tensor,
                             input_shape, 299, 75)
    x = _stem(images)
    for block, pool_filters in enumerate((32, 64, 64)):
        x = _mixed(x, [[(64, 1, 1)], [(48, 1, 1), (64, 5, 5)],
                       [(64, 1, 1), (96, 3, 3), (96, 3, 3)]], pool_filters, f"mixed{block}")
    x = _mixed(x, [[(384, 3, 3, _DOWN)], [(64, 1, 1), (96, 3, 3), (96, 3, 3, _DOWN)]],
               None, "mixed3")
    for block, width in zip((4, 5, 6, 7), (128, 160, 160, 192)):
        x = _mixed(x, _seven_by_seven(width), 192, f"mixed{block}")
    x = _mixed(x, [[(192, 1, 1), (320, 3, 3, _DOWN)],
                   [(192, 1, 1), (192, 1, 7), (192, 7, 1), (192, 3, 3, _DOWN)]],
               None, "mixed8")
    for i in range(2):
        x = _expanded(x, i)
    x = global_pool_top(x, include_top, pooling, classes, classifier_activation, weights)
    model = Model(model_inputs(input_tensor, images), x, name=name)
    file_name, file_hash = _WEIGHTS[bool(include_top)]
    load_application_weights(model, weights, "InceptionV3", file_name, _URL + file_name,
                             file_hash)
    return model


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Keras': Conv2D (num_row x num_col, no bias), BatchNormalization without scale, ReLU;
    named name_conv, name_bn and name where a name is given."""
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=None if name is None else f"{name}_conv")(x)
    x = layers.BatchNormalization(axis=channel_axis(), scale=False,
                                  name=None if name is None else f"{name}_bn")(x)
    return layers.Activation("relu", name=name)(x)


def _stem(x):
    """(N, 299, 299, 3) -> (N, 35, 35, 192): five convolutions, two 3x3/2 max pools."""
    x = conv2d_bn(x, 32, 3, 3, **_DOWN)
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    return layers.MaxPooling2D((3, 3), strides=(2, 2))(x)


def _seven_by_seven(width):
    """mixed4..7's branches: 1x1; 1x1, 1x7, 7x1; 1x1, (7x1, 1x7) twice; `width` inside."""
    return [[(192, 1, 1)], [(width, 1, 1), (width, 1, 7), (192, 7, 1)],
            [(width, 1, 1), (width, 7, 1), (width, 1, 7), (width, 7, 1), (192, 1, 7)]]


def _branch(x, convs):
    """conv2d_bn after conv2d_bn: (filters, rows, cols[, {strides, padding}]) each."""
    for filters, rows, cols, *options in convs:
        x = conv2d_bn(x, filters, rows, cols, **(options[0] if options else {}))
    return x


def _mixed(x, branches, pool_filters, name):
    """A block: its convolution branches, then a pooling branch (3x3/1 average pool and a
    1x1 conv2d_bn of pool_filters; with None, a 3x3/2 max pool), joined on channels."""
    outputs = [_branch(x, convs) for convs in branches]
    if pool_filters is None:
        outputs.append(layers.MaxPooling2D((3, 3), strides=(2, 2))(x))
    else:
        pool = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
        outputs.append(conv2d_bn(pool, pool_filters, 1, 1))
    return layers.concatenate(outputs, axis=channel_axis(), name=name)


def _split(x, filters, name=None):
    """A 1x3 and a 3x1 conv2d_bn side by side, joined on channels."""
    return layers.concatenate([conv2d_bn(x, filters, 1, 3), conv2d_bn(x, filters, 3, 1)],
                              axis=channel_axis(), name=name)


def _expanded(x, i):
    """mixed9 / mixed10 (i = 0, 1): 1x1; 1x1 then split; 1x1, 3x3 then split; pooling."""
    single = conv2d_bn(x, 320, 1, 1)
    wide = _split(conv2d_bn(x, 384, 1, 1), 384, name=f"mixed9_{i}")
    deep = _split(_branch(x, [(448, 1, 1), (384, 3, 3)]), 384)
    pool = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return layers.concatenate([single, wide, deep, conv2d_bn(pool, 192, 1, 1)],
                              axis=channel_axis(), name=f"mixed{9 + i}")


def preprocess_input(x, data_format=None):
    """Pixels in [0, 255] -> x / 127.5 - 1, in [-1, 1] (imagenet_utils' 'tf' mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["InceptionV3", "conv2d_bn", "preprocess_input"]
