"""keras.applications.efficientnet: EfficientNetB0..B7 (Tan & Le, 2019, arXiv:1905.11946),
Keras 3.15's layer for layer: a Rescaling + Normalization stem, MBConv blocks (expand 1x1,
depthwise kxk, squeeze-excite, project 1x1, residual with drop-connect), a 1x1 top conv.
Images in [0, 255] go in as they are (preprocess_input is the identity).

The parts EfficientNetV2 shares (squeeze-excite, the top, the weights) are here too."""
import copy
import math

from .. import layers
from .._training import Model
from .arguments import (
    channel_axis,
    input_images,
    model_inputs,
    validate_activation,
)
from .correct_pad import correct_pad
from .weights import load_application_weights

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/keras-applications/"

WEIGHTS_HASHES = {  # (include_top's file, the no-top file): Keras' md5 sums
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}


def _stage(kernel_size, repeats, filters_in, filters_out, expand_ratio, strides):
    return {"kernel_size": kernel_size, "repeats": repeats, "filters_in": filters_in,
            "filters_out": filters_out, "expand_ratio": expand_ratio, "id_skip": True,
            "strides": strides, "se_ratio": 0.25}


DEFAULT_BLOCKS_ARGS = [_stage(3, 1, 32, 16, 1, 1), _stage(3, 2, 16, 24, 6, 2),
                       _stage(5, 2, 24, 40, 6, 2), _stage(3, 3, 40, 80, 6, 2),
                       _stage(5, 3, 80, 112, 6, 1), _stage(5, 4, 112, 192, 6, 2),
                       _stage(3, 1, 192, 320, 6, 1)]

CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling", "config": {
    "scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling", "config": {
    "scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"}}

IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225]


def conv(x, filters, kernel_size, name, strides=1, padding="same", activation=None,
         use_bias=False):
    """Keras' EfficientNet convolution: He-style fan-out init, no bias unless asked."""
    return layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=CONV_KERNEL_INITIALIZER, name=name)(x)


def batch_norm(x, name, momentum=0.99):
    return layers.BatchNormalization(axis=channel_axis(), momentum=momentum, name=name)(x)


def squeeze_excite(x, filters, filters_se, activation, name):
    """x * sigmoid(W2 act(W1 mean_hw(x))): filters -> filters_se -> filters channel gates."""
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    shape = (filters, 1, 1) if channel_axis() == 1 else (1, 1, filters)
    se = layers.Reshape(shape, name=f"{name}se_reshape")(se)
    se = conv(se, filters_se, 1, f"{name}se_reduce", activation=activation, use_bias=True)
    se = conv(se, filters, 1, f"{name}se_expand", activation="sigmoid", use_bias=True)
    return layers.multiply([x, se], name=f"{name}se_excite")


def residual(x, inputs, drop_rate, name):
    """x + inputs, x first dropped per sample (drop-connect: noise shape (N, 1, 1, 1))."""
    if drop_rate > 0:
        x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
    return layers.add([x, inputs], name=f"{name}add")


def block(inputs, activation="swish", drop_rate=0.0, name="", filters_in=32, filters_out=16,
          kernel_size=3, strides=1, expand_ratio=1, se_ratio=0.0, id_skip=True):
    """Keras' MBConv block: (N, H, W, filters_in) -> (N, H/strides, W/strides,
    filters_out)."""
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = conv(x, filters, 1, f"{name}expand_conv")
        x = batch_norm(x, f"{name}expand_bn")
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    padding = "same"
    if strides == 2:  # (TF's 'same' windows, by explicit padding and 'valid')
        x = layers.ZeroPadding2D(padding=correct_pad(x, kernel_size),
                                 name=f"{name}dwconv_pad")(x)
        padding = "valid"
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding=padding, use_bias=False,
                               depthwise_initializer=CONV_KERNEL_INITIALIZER,
                               name=f"{name}dwconv")(x)
    x = batch_norm(x, f"{name}bn")
    x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(filters_in * se_ratio)), activation, name)
    x = conv(x, filters_out, 1, f"{name}project_conv")
    x = batch_norm(x, f"{name}project_bn")
    if id_skip and strides == 1 and filters_in == filters_out:
        x = residual(x, inputs, drop_rate, name)
    return x


def top(x, filters, activation, include_top, pooling, dropout_rate, classes,
        classifier_activation, weights, bn_momentum=0.99):
    """Keras' end of both EfficientNets: top_conv/bn/activation, then avg_pool, top_dropout
    and predictions, or (headless) avg_pool / max_pool by `pooling`."""
    x = conv(x, filters, 1, "top_conv")
    x = batch_norm(x, "top_bn", bn_momentum)
    x = layers.Activation(activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation,
                            kernel_initializer=DENSE_KERNEL_INITIALIZER,
                            name="predictions")(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def finished(input_tensor, images, x, name, weights, include_top, who, base_path,
             hashes):
    """The Model of images -> x, loaded with `weights` (Keras' imagenet file: name + '.h5',
    or name + '_notop.h5' headless)."""
    model = Model(model_inputs(input_tensor, images), x, name=name)
    suffix, file_hash = (".h5", hashes[0]) if include_top else ("_notop.h5", hashes[1])
    load_application_weights(model, weights, who, name + suffix, base_path + name + suffix,
                             file_hash)
    return model


def round_filters(filters, width_coefficient, divisor=8):
    """filters * width to a multiple of divisor (nearest, at least divisor, never more than
    10% down)."""
    filters *= width_coefficient
    new_filters = max(divisor, int(filters + divisor / 2) // divisor * divisor)
    if new_filters < 0.9 * filters:
        new_filters += divisor
    return int(new_filters)


def round_repeats(repeats, depth_coefficient):
    return int(math.ceil(depth_coefficient * repeats))


def stem(x, weights, width_coefficient, depth_divisor, activation):
    """[0, 255] pixels -> (x / 255 - mean) / std (mean, std: Normalization's, learned or
    loaded), then the stride-2 3x3 stem_conv/bn/activation."""
    x = layers.Rescaling(1.0 / 255.0)(x)
    x = layers.Normalization(axis=channel_axis())(x)
    if weights == "imagenet":
        # the released weights hold std**2 as Normalization's variance, and the original
        # divides by variance: one more 1/sqrt(std) per channel, as Keras does
        x = layers.Rescaling([1.0 / math.sqrt(stddev) for stddev in IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(padding=correct_pad(x, 3), name="stem_conv_pad")(x)
    x = conv(x, round_filters(32, width_coefficient, depth_divisor), 3, "stem_conv",
             strides=2, padding="valid")
    x = batch_norm(x, "stem_bn")
    return layers.Activation(activation, name="stem_activation")(x)


def EfficientNet(width_coefficient, depth_coefficient, default_size,  # noqa: N802 (Keras')
                 dropout_rate=0.2, drop_connect_rate=0.2, depth_divisor=8, activation="swish",
                 blocks_args="default", name="efficientnet", include_top=True,
                 weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                 classes=1000, classifier_activation="softmax", weights_name=None):
    """Keras' EfficientNet of the given width/depth scaling: (N, S, S, 3) pixels in
    [0, 255] (S >= 32) -> (N, classes) (or the headless features)."""
    who = "EfficientNet"
    blocks_args = DEFAULT_BLOCKS_ARGS if blocks_args == "default" else blocks_args
    images, input_shape = input_images(who, weights, include_top, classes, pooling,
                                       input_tensor, input_shape, default_size)
    x = stem(images, weights, width_coefficient, depth_divisor, activation)
    x = _blocks(x, copy.deepcopy(blocks_args), width_coefficient, depth_coefficient,
                depth_divisor, drop_connect_rate, activation)
    x = top(x, round_filters(1280, width_coefficient, depth_divisor), activation,
            include_top, pooling, dropout_rate, classes, classifier_activation, weights)
    hashes = WEIGHTS_HASHES.get(weights_name, (None, None))
    return finished(input_tensor, images, x, name, weights, include_top, who,
                    BASE_WEIGHTS_PATH, hashes)


def _blocks(x, blocks_args, width, depth, divisor, drop_connect_rate, activation):
    """Every stage's blocks, named block{stage}{a, b, ...}_; the drop-connect rate grows
    linearly with the block's index, from 0 to drop_connect_rate."""
    index, total = 0, float(sum(round_repeats(a["repeats"], depth) for a in blocks_args))
    for i, args in enumerate(blocks_args):
        if args["repeats"] <= 0:
            raise ValueError(f"The number of repeats in `EfficientNet` must be > 0. "
                             f"Received: repeats={args['repeats']}")
        args["filters_in"] = round_filters(args["filters_in"], width, divisor)
        args["filters_out"] = round_filters(args["filters_out"], width, divisor)
        for j in range(round_repeats(args.pop("repeats"), depth)):
            if j > 0:  # (only a stage's first block strides and changes the width)
                args["strides"], args["filters_in"] = 1, args["filters_out"]
            x = block(x, activation, drop_connect_rate * index / total,
                      name=f"block{i + 1}{chr(j + 97)}_", **args)
            index += 1
    return x


def _builder(builder_name, width, depth, default_size, dropout_rate, weights_name):
    """Keras' EfficientNetB{k}(include_top, weights, ...) of these coefficients."""
    def builder(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name=f"efficientnet{weights_name}"):
        return EfficientNet(width, depth, default_size, dropout_rate, name=name,
                            include_top=include_top, weights=weights,
                            input_tensor=input_tensor, input_shape=input_shape,
                            pooling=pooling, classes=classes,
                            classifier_activation=classifier_activation,
                            weights_name=weights_name)
    builder.__name__ = builder.__qualname__ = builder_name
    builder.__doc__ = (f"Keras' {builder_name}: width x{width}, depth x{depth}, "
                       f"{default_size}x{default_size} images in [0, 255] (3 channels), "
                       f"dropout {dropout_rate} before the classifier.")
    return builder


EfficientNetB0 = _builder("EfficientNetB0", 1.0, 1.0, 224, 0.2, "b0")
EfficientNetB1 = _builder("EfficientNetB1", 1.0, 1.1, 240, 0.2, "b1")
EfficientNetB2 = _builder("EfficientNetB2", 1.1, 1.2, 260, 0.3, "b2")
EfficientNetB3 = _builder("EfficientNetB3", 1.2, 1.4, 300, 0.3, "b3")
EfficientNetB4 = _builder("EfficientNetB4", 1.4, 1.8, 380, 0.4, "b4")
EfficientNetB5 = _builder("EfficientNetB5", 1.6, 2.2, 456, 0.4, "b5")
EfficientNetB6 = _builder("EfficientNetB6", 1.8, 2.6, 528, 0.5, "b6")
EfficientNetB7 = _builder("EfficientNetB7", 2.0, 3.1, 600, 0.5, "b7")


def preprocess_input(x, data_format=None):
    """x unchanged: EfficientNet's preprocessing is in the model (Keras' placeholder)."""
    return x


__all__ = ["EfficientNet", "EfficientNetB0", "EfficientNetB1", "EfficientNetB2",
           "EfficientNetB3", "EfficientNetB4", "EfficientNetB5", "EfficientNetB6",
           "EfficientNetB7", "preprocess_input"]
