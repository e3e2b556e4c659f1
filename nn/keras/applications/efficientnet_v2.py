"""keras.applications.efficientnet_v2: EfficientNetV2B0..B3, S, M, L (Tan & Le, 2021,
arXiv:2104.00298), Keras 3.15's layer for layer: an optional preprocessing stem, Fused-MBConv
stages (a kxk conv in place of expand + depthwise) then MBConv stages, a 1x1 top conv.
With include_preprocessing (the default) images in [0, 255] go in as they are; without it,
in [-1, 1]. preprocess_input is the identity."""
import copy

from .. import layers
from .arguments import channel_axis, input_images
from .efficientnet import (
    CONV_KERNEL_INITIALIZER,
    batch_norm,
    conv,
    finished,
    residual,
    round_repeats,
    squeeze_excite,
    top,
)

BASE_WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                     "efficientnet_v2/")

WEIGHTS_HASHES = {  # (include_top's file, the no-top file): Keras' md5 sums
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}


def _stages(*rows):
    """Keras' block arguments from rows (conv_type, expand_ratio, input_filters,
    num_repeat, output_filters, se_ratio, strides); conv_type 1 is Fused-MBConv, 0 MBConv;
    every kernel is 3x3."""
    keys = ("conv_type", "expand_ratio", "input_filters", "num_repeat", "output_filters",
            "se_ratio", "strides")
    return [{"kernel_size": 3, **dict(zip(keys, row))} for row in rows]


_B_BLOCKS = _stages((1, 1, 32, 1, 16, 0, 1), (1, 4, 16, 2, 32, 0, 2), (1, 4, 32, 2, 48, 0, 2),
                    (0, 4, 48, 3, 96, 0.25, 2), (0, 6, 96, 5, 112, 0.25, 1),
                    (0, 6, 112, 8, 192, 0.25, 2))

DEFAULT_BLOCKS_ARGS = {
    "efficientnetv2-s": _stages(
        (1, 1, 24, 2, 24, 0, 1), (1, 4, 24, 4, 48, 0, 2), (1, 4, 48, 4, 64, 0, 2),
        (0, 4, 64, 6, 128, 0.25, 2), (0, 6, 128, 9, 160, 0.25, 1),
        (0, 6, 160, 15, 256, 0.25, 2)),
    "efficientnetv2-m": _stages(
        (1, 1, 24, 3, 24, 0, 1), (1, 4, 24, 5, 48, 0, 2), (1, 4, 48, 5, 80, 0, 2),
        (0, 4, 80, 7, 160, 0.25, 2), (0, 6, 160, 14, 176, 0.25, 1),
        (0, 6, 176, 18, 304, 0.25, 2), (0, 6, 304, 5, 512, 0.25, 1)),
    "efficientnetv2-l": _stages(
        (1, 1, 32, 4, 32, 0, 1), (1, 4, 32, 7, 64, 0, 2), (1, 4, 64, 7, 96, 0, 2),
        (0, 4, 96, 10, 192, 0.25, 2), (0, 6, 192, 19, 224, 0.25, 1),
        (0, 6, 224, 25, 384, 0.25, 2), (0, 6, 384, 7, 640, 0.25, 1)),
    **{f"efficientnetv2-b{k}": _B_BLOCKS for k in range(4)},
}


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    """filters * width to the nearest multiple of depth_divisor, at least min_depth (or
    depth_divisor when min_depth is None or 0)."""
    filters *= width_coefficient
    return int(max(min_depth or depth_divisor,
                   int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def _expanded(x, filters, kernel_size, strides, bn_momentum, activation, name):
    """The expansion: conv (kxk, strides) -> batch norm -> activation."""
    x = conv(x, filters, kernel_size, f"{name}expand_conv", strides=strides)
    x = batch_norm(x, f"{name}expand_bn", bn_momentum)
    return layers.Activation(activation, name=f"{name}expand_activation")(x)


def _excited(x, filters, input_filters, se_ratio, activation, name):
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(input_filters * se_ratio)), activation, name)
    return x


def MBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3,  # noqa: N802
                strides=1, se_ratio=0.0, bn_momentum=0.9, activation="swish",
                survival_probability=0.8, name=None):
    """Keras' MBConv block, as a function of its input: expand 1x1, depthwise kxk ('same',
    strides), squeeze-excite, project 1x1; a residual where shapes allow."""
    name = "block0" if name is None else name

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs if expand_ratio == 1 else _expanded(inputs, filters, 1, 1, bn_momentum,
                                                       activation, name)
        x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="same",
                                   depthwise_initializer=CONV_KERNEL_INITIALIZER, use_bias=False,
                                   name=f"{name}dwconv2")(x)
        x = batch_norm(x, f"{name}bn", bn_momentum)
        x = layers.Activation(activation, name=f"{name}activation")(x)
        x = _excited(x, filters, input_filters, se_ratio, activation, name)
        x = conv(x, output_filters, 1, f"{name}project_conv")
        x = batch_norm(x, f"{name}project_bn", bn_momentum)
        return _residual(x, inputs, strides, input_filters, output_filters,
                         survival_probability, name)
    return apply


def FusedMBConvBlock(input_filters, output_filters, expand_ratio=1,  # noqa: N802 (Keras')
                     kernel_size=3, strides=1, se_ratio=0.0, bn_momentum=0.9,
                     activation="swish", survival_probability=0.8, name=None):
    """Keras' Fused-MBConv block: expand by a kxk conv (strides), squeeze-excite, project
    1x1 (or, unexpanded, one kxk conv + activation); a residual where shapes allow."""
    name = "block0" if name is None else name

    def apply(inputs):
        filters = input_filters * expand_ratio
        expanded = expand_ratio != 1
        x = _expanded(inputs, filters, kernel_size, strides, bn_momentum, activation,
                      name) if expanded else inputs
        x = _excited(x, filters, input_filters, se_ratio, activation, name)
        x = conv(x, output_filters, 1 if expanded else kernel_size, f"{name}project_conv",
                 strides=1 if expanded else strides)
        x = batch_norm(x, f"{name}project_bn", bn_momentum)
        if not expanded:
            x = layers.Activation(activation, name=f"{name}project_activation")(x)
        return _residual(x, inputs, strides, input_filters, output_filters,
                         survival_probability, name)
    return apply


def _residual(x, inputs, strides, input_filters, output_filters, survival_probability,
              name):
    """x + inputs where the block keeps the shape (Keras' name for the drop rate is
    survival_probability)."""
    if strides == 1 and input_filters == output_filters:
        return residual(x, inputs, survival_probability or 0.0, name)
    return x


def preprocessed(x, name, input_shape, include_preprocessing):
    """The B variants' V1 preprocessing (x / 255, less ImageNet's mean, over its std) for
    3 channels; else x / 128 - 1 (in [-1, 1]); nothing without include_preprocessing."""
    if not include_preprocessing:
        return x
    channels = input_shape[channel_axis() - 1]
    if name.split("-")[-1].startswith("b") and channels == 3:
        x = layers.Rescaling(scale=1.0 / 255)(x)
        return layers.Normalization(mean=[0.485, 0.456, 0.406],
                                    variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2],
                                    axis=channel_axis())(x)
    return layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)


def EfficientNetV2(width_coefficient, depth_coefficient, default_size,  # noqa: N802
                   dropout_rate=0.2, drop_connect_rate=0.2, depth_divisor=8, min_depth=8,
                   bn_momentum=0.9, activation="swish", blocks_args="default",
                   name="efficientnetv2", include_top=True, weights="imagenet",
                   input_tensor=None, input_shape=None, pooling=None, classes=1000,
                   classifier_activation="softmax", include_preprocessing=True,
                   weights_name=None):
    """Keras' EfficientNetV2 of the given scaling: (N, S, S, 3) images (S >= 32) ->
    (N, classes) (or the headless features). blocks_args 'default' takes Keras' table
    of `name`."""
    who = "EfficientNetV2"
    if blocks_args == "default":
        if name not in DEFAULT_BLOCKS_ARGS:
            raise ValueError(f"{who}: blocks_args='default' needs a name of Keras' table, "
                             f"one of {sorted(DEFAULT_BLOCKS_ARGS)}; got name={name!r}")
        blocks_args = DEFAULT_BLOCKS_ARGS[name]
    images, input_shape = input_images(who, weights, include_top, classes, pooling,
                                       input_tensor, input_shape, default_size)
    x = preprocessed(images, name, input_shape, include_preprocessing)
    filters = {"width_coefficient": width_coefficient, "min_depth": min_depth,
               "depth_divisor": depth_divisor}
    x = conv(x, round_filters(blocks_args[0]["input_filters"], **filters), 3, "stem_conv",
             strides=2)
    x = batch_norm(x, "stem_bn", bn_momentum)
    x = layers.Activation(activation, name="stem_activation")(x)
    x = _blocks(x, copy.deepcopy(blocks_args), filters, depth_coefficient, drop_connect_rate,
                bn_momentum, activation)
    x = top(x, round_filters(1280, **filters), activation, include_top, pooling,
            dropout_rate, classes, classifier_activation, weights, bn_momentum)
    hashes = WEIGHTS_HASHES.get(weights_name, (None, None))
    return finished(input_tensor, images, x, name, weights, include_top, who,
                    BASE_WEIGHTS_PATH, hashes)


def _blocks(x, blocks_args, filters, depth, drop_connect_rate, bn_momentum, activation):
    """Every stage's blocks, named block{stage}{a, b, ...}_; the drop rate grows with the
    block's index over the stages' unscaled repeats, as Keras counts them."""
    index, total = 0, float(sum(args["num_repeat"] for args in blocks_args))
    for i, args in enumerate(blocks_args):
        if args["num_repeat"] <= 0:
            raise ValueError(f"The number of repeats in `EfficientNetV2` must be > 0. "
                             f"Received: num_repeat={args['num_repeat']}")
        args["input_filters"] = round_filters(args["input_filters"], **filters)
        args["output_filters"] = round_filters(args["output_filters"], **filters)
        make = {0: MBConvBlock, 1: FusedMBConvBlock}[args.pop("conv_type")]
        for j in range(round_repeats(args.pop("num_repeat"), depth)):
            if j > 0:  # (only a stage's first block strides and changes the width)
                args["strides"], args["input_filters"] = 1, args["output_filters"]
            x = make(activation=activation, bn_momentum=bn_momentum,
                     survival_probability=drop_connect_rate * index / total,
                     name=f"block{i + 1}{chr(j + 97)}_", **args)(x)
            index += 1
    return x


def _builder(builder_name, width, depth, default_size, weights_name):
    """Keras' EfficientNetV2{variant}(include_top, weights, ...) of these coefficients."""
    model_name = f"efficientnetv2{_dash(weights_name)}"

    def builder(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                include_preprocessing=True, name=model_name):
        return EfficientNetV2(width, depth, default_size, name=name,
                              include_top=include_top, weights=weights,
                              input_tensor=input_tensor, input_shape=input_shape,
                              pooling=pooling, classes=classes,
                              classifier_activation=classifier_activation,
                              include_preprocessing=include_preprocessing,
                              weights_name=weights_name)
    builder.__name__ = builder.__qualname__ = builder_name
    builder.__doc__ = (f"Keras' {builder_name}: width x{width}, depth x{depth}, "
                       f"{default_size}x{default_size} images in [0, 255] (in [-1, 1] with "
                       "include_preprocessing=False).")
    return builder


def _dash(weights_name):
    """'b0' -> '-b0', '-s' -> '-s': the model name's tail."""
    return weights_name if weights_name.startswith("-") else f"-{weights_name}"


EfficientNetV2B0 = _builder("EfficientNetV2B0", 1.0, 1.0, 224, "b0")
EfficientNetV2B1 = _builder("EfficientNetV2B1", 1.0, 1.1, 240, "b1")
EfficientNetV2B2 = _builder("EfficientNetV2B2", 1.1, 1.2, 260, "b2")
EfficientNetV2B3 = _builder("EfficientNetV2B3", 1.2, 1.4, 300, "b3")
EfficientNetV2S = _builder("EfficientNetV2S", 1.0, 1.0, 384, "-s")
EfficientNetV2M = _builder("EfficientNetV2M", 1.0, 1.0, 480, "-m")
EfficientNetV2L = _builder("EfficientNetV2L", 1.0, 1.0, 480, "-l")


def preprocess_input(x, data_format=None):
    """x unchanged: EfficientNetV2's preprocessing is in the model (Keras' placeholder)."""
    return x


__all__ = ["EfficientNetV2", "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2",
           "EfficientNetV2B3", "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L",
           "MBConvBlock", "FusedMBConvBlock", "preprocess_input"]
