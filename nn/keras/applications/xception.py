"""keras.applications.xception: Xception (Chollet, CVPR 2017), layer for layer as Keras
3.15 builds it: an entry flow of strided separable-convolution blocks with 1x1 shortcuts,
eight residual middle blocks of 728 channels, an exit flow to 2048 channels. Inputs in
[-1, 1] (preprocess_input), 299x299 by default, at least 71x71."""
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

_URL = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
_WEIGHTS = {True: ("xception_weights_tf_dim_ordering_tf_kernels.h5",
                   "0a58e3b7378bc2990ea3b43d5981f1f6"),
            False: ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
                    "b0042744bf5b25fce3cb969f33bebb97")}


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    """Xception: images (N, 299, 299, 3) -> (N, classes) class probabilities (headless:
    (N, h, w, 2048) features, or (N, 2048) pooled)."""
    images, _ = input_images("Xception", weights, include_top, classes, pooling, input_tensor,
                             input_shape, 299, 71)
    axis = channel_axis(-1)
    x = _conv_bn_relu(images, 32, "block1_conv1", axis, strides=2)
    x = _conv_bn_relu(x, 64, "block1_conv2", axis)
    x = _strided_block(x, 2, (128, 128), axis, first_relu=False)
    x = _strided_block(x, 3, (256, 256), axis)
    x = _strided_block(x, 4, (728, 728), axis)
    for block in range(5, 13):
        x = _middle_block(x, block, axis)
    x = _strided_block(x, 13, (728, 1024), axis)
    for conv, filters in ((1, 1536), (2, 2048)):
        x = _sepconv_bn(x, filters, f"block14_sepconv{conv}", axis)
        x = layers.Activation("relu", name=f"block14_sepconv{conv}_act")(x)
    x = global_pool_top(x, include_top, pooling, classes, classifier_activation, weights)
    model = Model(model_inputs(input_tensor, images), x, name=name)
    file_name, file_hash = _WEIGHTS[bool(include_top)]
    load_application_weights(model, weights, "Xception", file_name, _URL + file_name,
                             file_hash)
    return model


def _conv_bn_relu(x, filters, name, axis, strides=1):
    """The stem's 3x3 'valid' convolution (no bias), BatchNormalization and ReLU."""
    x = layers.Conv2D(filters, (3, 3), strides=strides, use_bias=False, name=name)(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_act")(x)


def _sepconv_bn(x, filters, name, axis):
    """A 3x3 'same' SeparableConv2D (no bias) and its BatchNormalization."""
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False,
                               name=name)(x)
    return layers.BatchNormalization(axis=axis, name=f"{name}_bn")(x)


def _strided_block(x, block, filters, axis, first_relu=True):
    """[ReLU,] sepconv-BN, ReLU, sepconv-BN, 3x3/2 max pool, plus a 1x1/2 convolution-BN
    shortcut (Keras leaves the shortcut's layers unnamed): (N, H, W, C) -> (N, H/2, W/2,
    filters[1])."""
    prefix = f"block{block}"
    residual = layers.Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same",
                             use_bias=False)(x)
    residual = layers.BatchNormalization(axis=axis)(residual)
    if first_relu:  # (block 2 follows block 1's ReLU)
        x = layers.Activation("relu", name=f"{prefix}_sepconv1_act")(x)
    x = _sepconv_bn(x, filters[0], f"{prefix}_sepconv1", axis)
    x = layers.Activation("relu", name=f"{prefix}_sepconv2_act")(x)
    x = _sepconv_bn(x, filters[1], f"{prefix}_sepconv2", axis)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"{prefix}_pool")(x)
    return layers.add([x, residual])


def _middle_block(x, block, axis):
    """x + three (ReLU, sepconv-BN) of 728 channels."""
    residual = x
    for conv in (1, 2, 3):
        name = f"block{block}_sepconv{conv}"
        x = layers.Activation("relu", name=f"{name}_act")(x)
        x = _sepconv_bn(x, 728, name, axis)
    return layers.add([x, residual])


def preprocess_input(x, data_format=None):
    """Pixels in [0, 255] -> x / 127.5 - 1, in [-1, 1] (imagenet_utils' 'tf' mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["Xception", "preprocess_input"]
