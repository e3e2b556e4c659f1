"""keras.applications.inception_resnet_v2: Inception-ResNet v2 (Szegedy et al., AAAI
2017), layer for layer as Keras 3.15 builds it: Inception v3's stem, 'mixed_5b', ten
block35, 'mixed_6a', twenty block17, 'mixed_7a', ten block8 and 'conv_7b'; each block
adds scale times its branches' 1x1 projection to its input (CustomScaleLayer). Inputs in
[-1, 1] (preprocess_input), 299x299 by default, at least 75x75."""
import numpy as np

from .. import layers
from .._training import Model
from ..layers.layer import Layer
from . import imagenet_utils
from .arguments import (
    channel_axis,
    input_images,
    model_inputs,
)
from .global_pool_top import global_pool_top
from .weights import load_application_weights

_URL = "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/"
_WEIGHTS = {True: ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5",
                   "e693bd0210a403b3192acc6073ad2e96"),
            False: ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
                    "d19885ff4a710c122648d3b5c3b684e4")}
_DOWN = dict(strides=2, padding="valid")  # (the grid-reducing convolutions)
# each residual block's branches: (filters, kernel size) conv2d_bn after conv2d_bn
_BLOCK_BRANCHES = {
    "block35": [[(32, 1)], [(32, 1), (32, 3)], [(32, 1), (48, 3), (64, 3)]],
    "block17": [[(192, 1)], [(128, 1), (160, (1, 7)), (192, (7, 1))]],
    "block8": [[(192, 1)], [(192, 1), (224, (1, 3)), (256, (3, 1))]],
}


class CustomScaleLayer(Layer):
    """[x, r] -> x + r * scale: an Inception-ResNet block's residual, scaled."""

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        x, residual = inputs
        # (as an array of x's dtype: a Python float would not promote, a NumPy one would)
        return x + residual * np.asarray(self.scale, residual.dtype)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None,
                      input_shape=None, pooling=None, classes=1000,
                      classifier_activation="softmax", name="inception_resnet_v2"):
    """Inception-ResNet v2: images (N, 299, 299, 3) -> (N, classes) class probabilities
    (headless: (N, h, w, 1536) features, or (N, 1536) pooled)."""
    images, _ = input_images("InceptionResNetV2", weights, include_top, classes, pooling,
                             input_tensor, input_shape, 299, 75)
    x = _stem(images)
    x = _mixed(x, [[(96, 1)], [(48, 1), (64, 5)], [(64, 1), (96, 3), (96, 3)]], "mixed_5b",
               pool_filters=64)
    x = _repeated(x, 10, 0.17, "block35")
    x = _mixed(x, [[(384, 3, _DOWN)], [(256, 1), (256, 3), (384, 3, _DOWN)]], "mixed_6a")
    x = _repeated(x, 20, 0.1, "block17")
    x = _mixed(x, [[(256, 1), (384, 3, _DOWN)], [(256, 1), (288, 3, _DOWN)],
                   [(256, 1), (288, 3), (320, 3, _DOWN)]], "mixed_7a")
    x = _repeated(x, 9, 0.2, "block8")
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8",
                               block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")
    x = global_pool_top(x, include_top, pooling, classes, classifier_activation, weights)
    model = Model(model_inputs(input_tensor, images), x, name=name)
    file_name, file_hash = _WEIGHTS[bool(include_top)]
    load_application_weights(model, weights, "InceptionResNetV2", file_name,
                             _URL + file_name, file_hash)
    return model


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu",
              use_bias=False, name=None):
    """Keras': Conv2D, BatchNormalization without scale where the convolution has no bias,
    the activation where one is given; named name, name_bn and name_ac where a name is."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                      use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=channel_axis(), scale=False,
                                      name=None if name is None else f"{name}_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else f"{name}_ac")(x)
    return x


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """x + scale * (1x1 biased projection of the block's branches joined), then the
    activation: block_type 'block35', 'block17' or 'block8'; layers named
    f'{block_type}_{block_idx}_mixed', '_conv', '_ac'."""
    if block_type not in _BLOCK_BRANCHES:
        raise ValueError('Unknown Inception-ResNet block type. Expects "block35", '
                         f'"block17" or "block8", but got: {block_type}')
    name = f"{block_type}_{block_idx}"
    branches = [_branch(x, convs) for convs in _BLOCK_BRANCHES[block_type]]
    mixed = layers.Concatenate(axis=channel_axis(), name=f"{name}_mixed")(branches)
    up = conv2d_bn(mixed, x.shape[channel_axis()], 1, activation=None, use_bias=True,
                   name=f"{name}_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{name}_ac")(x)
    return x


def _stem(x):
    """(N, 299, 299, 3) -> (N, 35, 35, 192): five conv2d_bn, two 3x3/2 max pools."""
    x = conv2d_bn(x, 32, 3, **_DOWN)
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    return layers.MaxPooling2D(3, strides=2)(x)


def _branch(x, convs):
    """conv2d_bn after conv2d_bn: (filters, kernel size[, {strides, padding}]) each."""
    for filters, kernel_size, *options in convs:
        x = conv2d_bn(x, filters, kernel_size, **(options[0] if options else {}))
    return x


def _mixed(x, branches, name, pool_filters=None):
    """A block without residual: its branches, then a pooling branch (a 3x3/1 average pool
    and a 1x1 conv2d_bn of pool_filters; with None, a 3x3/2 max pool), joined."""
    outputs = [_branch(x, convs) for convs in branches]
    if pool_filters is None:
        outputs.append(layers.MaxPooling2D(3, strides=2, padding="valid")(x))
    else:
        pool = layers.AveragePooling2D(3, strides=1, padding="same")(x)
        outputs.append(conv2d_bn(pool, pool_filters, 1))
    return layers.Concatenate(axis=channel_axis(), name=name)(outputs)


def _repeated(x, count, scale, block_type):
    for block_idx in range(1, count + 1):
        x = inception_resnet_block(x, scale=scale, block_type=block_type,
                                   block_idx=block_idx)
    return x


def preprocess_input(x, data_format=None):
    """Pixels in [0, 255] -> x / 127.5 - 1, in [-1, 1] (imagenet_utils' 'tf' mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["CustomScaleLayer", "InceptionResNetV2", "conv2d_bn", "inception_resnet_block",
           "preprocess_input"]
