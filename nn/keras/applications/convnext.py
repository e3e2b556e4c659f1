"""keras.applications.convnext: ConvNeXt (Liu et al., "A ConvNet for the 2020s", 2022) as
Keras 3.15 builds it, layer for layer: an optional Normalization by ImageNet's mean and
variance (include_preprocessing), a 4x4 patchify stem and three 2x2 downsampling blocks (each
a nested Sequential), and stages of blocks  x + LayerScale(Dense(GELU(Dense(LN(dwconv7(x))))))
with Dense layers as the pointwise convolutions."""
import numpy as np

from .. import layers
from .._training import Model, Sequential
from . import arguments
from .convnext_layers import LayerScale, StochasticDepth
from .weights import load_application_weights

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"

# (with the top, without) per variant: the SHA-256 of Keras' ImageNet files
WEIGHTS_HASHES = {
    "convnext_tiny": ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
                      "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
    "convnext_small": ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
                       "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
    "convnext_base": ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
                      "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
    "convnext_large": ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
                       "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
    "convnext_xlarge": ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
                        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"),
}

_DEEP = [3, 3, 27, 3]
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768],
             "default_size": 224},
    "small": {"depths": _DEEP, "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "base": {"depths": _DEEP, "projection_dims": [128, 256, 512, 1024], "default_size": 224},
    "large": {"depths": _DEEP, "projection_dims": [192, 384, 768, 1536], "default_size": 224},
    "xlarge": {"depths": _DEEP, "projection_dims": [256, 512, 1024, 2048],
               "default_size": 224},
}

# ImageNet's per-channel statistics of pixels in [0, 255] (PreStem's Normalization)
_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255]
_VARIANCE = [(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2]


def ConvNeXtBlock(projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=None):
    """One block: x + scale(Dense(gelu(Dense(LN(depthwise 7x7 conv(x)))))) (C -> 4C -> C),
    the branch dropped by StochasticDepth where drop_path_rate > 0."""
    def apply(inputs):
        x = layers.Conv2D(projection_dim, 7, padding="same", groups=projection_dim,
                          name=f"{name}_depthwise_conv")(inputs)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
        x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim,
                           name=f"{name}_layer_scale")(x)
        if drop_path_rate:
            last = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
        else:
            last = layers.Activation("linear", name=f"{name}_identity")
        return inputs + last(x)
    return apply


def PreStem(name):
    """Pixels in [0, 255] normalized by ImageNet's mean and variance per channel."""
    def apply(x):
        return layers.Normalization(mean=_MEAN, variance=_VARIANCE,
                                    name=f"{name}_prestem_normalization")(x)
    return apply


def Head(num_classes=1000, classifier_activation=None, name=None):
    """The top: global average pooling, LayerNormalization, Dense(num_classes)."""
    def apply(x):
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        return layers.Dense(num_classes, activation=classifier_activation,
                            name=f"{name}_head_dense")(x)
    return apply


def _downsampling_layers(projection_dims, name):
    """The stem (4x4 conv stride 4, LN) and three downsamplings (LN, 2x2 conv stride 2),
    each a Sequential of Keras' names."""
    stem = Sequential([
        layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
        layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm"),
    ], name=f"{name}_stem")
    return [stem] + [Sequential([
        layers.LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
        layers.Conv2D(projection_dims[i + 1], kernel_size=2, strides=2,
                      name=f"{name}_downsampling_conv_{i}"),
    ], name=f"{name}_downsampling_block_{i}") for i in range(3)]


def _stages(x, depths, projection_dims, drop_path_rate, layer_scale_init_value, name):
    """The four stages, each after its downsampling; the drop rate rising linearly from 0
    to drop_path_rate over all blocks (the original ConvNeXt's schedule)."""
    rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    first = 0
    for i, downsample in enumerate(_downsampling_layers(projection_dims, name)):
        x = downsample(x)
        for j in range(depths[i]):
            x = ConvNeXtBlock(projection_dims[i], rates[first + j], layer_scale_init_value,
                              name=f"{name}_stage_{i}_block_{j}")(x)
        first += depths[i]
    return x


def ConvNeXt(depths, projection_dims, drop_path_rate=0.0, layer_scale_init_value=1e-6,
             default_size=224, name="convnext", include_preprocessing=True, include_top=True,
             weights=None, input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", weights_name=None):
    """A ConvNeXt of four stages of `depths` blocks and `projection_dims` channels (Keras'
    ConvNeXt); images (N, H, W, 3), H and W at least 32."""
    who = "ConvNeXt"
    if arguments.data_format() == "channels_first":
        raise ValueError("ConvNeXt does not support the `channels_first` image data format. "
                         "Switch to `channels_last`.")
    images, input_shape = arguments.input_images(who, weights, include_top, classes, pooling,
                                                 input_tensor, input_shape, default_size)
    x = images
    if include_preprocessing and input_shape[-1] == 3:
        x = PreStem(name)(x)
    x = _stages(x, depths, projection_dims, drop_path_rate, layer_scale_init_value, name)
    if include_top:
        arguments.validate_activation(classifier_activation, weights)
        x = Head(classes, classifier_activation, name)(x)
    else:
        x = layers.LayerNormalization(epsilon=1e-6)(arguments.pooled(x, pooling))
    # (Keras' ConvNeXt takes the first source input only)
    model = Model(arguments.model_inputs(input_tensor, [images])[0], x, name=name)
    if weights == "imagenet":
        _check_imagenet_variant(depths, projection_dims, name, weights_name)
    file_name = f"{name}{'.h5' if include_top else '_notop.h5'}"
    file_hash = WEIGHTS_HASHES.get(weights_name, (None, None))[0 if include_top else 1]
    load_application_weights(model, weights, who, file_name, BASE_WEIGHTS_PATH + file_name,
                             file_hash)
    return model


def _check_imagenet_variant(depths, projection_dims, name, weights_name):
    """Keras' rule: ImageNet weights need the variant's own architecture and its name."""
    expected = MODEL_CONFIGS[str(weights_name).split("convnext_")[-1]] \
        if str(weights_name).startswith("convnext_") else None
    if expected is None or list(depths) != expected["depths"] or \
            list(projection_dims) != expected["projection_dims"]:
        raise ValueError(f"Architecture configuration does not match {weights_name} variant: "
                         f"got depths={depths}, projection_dims={projection_dims}"
                         + ("" if expected is None else
                            f"; expected depths={expected['depths']}, projection_dims="
                            f"{expected['projection_dims']}"))
    if weights_name not in name:
        raise ValueError(f'Model name "{name}" does not match weights variant '
                         f'"{weights_name}". When using imagenet weights, model name must '
                         f'contain the weights variant.')


def _variant(size, builder_name):
    """The builder `builder_name` of MODEL_CONFIGS' variant `size`, with Keras' signature."""
    weights_name = f"convnext_{size}"
    config = MODEL_CONFIGS[size]

    def builder(include_top=True, include_preprocessing=True, weights="imagenet",
                input_tensor=None, input_shape=None, pooling=None, classes=1000,
                classifier_activation="softmax", name=weights_name):
        return ConvNeXt(depths=config["depths"], projection_dims=config["projection_dims"],
                        drop_path_rate=0.0, layer_scale_init_value=1e-6,
                        default_size=config["default_size"], name=name,
                        include_preprocessing=include_preprocessing, include_top=include_top,
                        weights=weights, input_tensor=input_tensor, input_shape=input_shape,
                        pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, weights_name=weights_name)
    builder.__name__ = builder.__qualname__ = builder_name
    builder.__doc__ = (f"Keras' {builder.__name__}: ConvNeXt of depths {config['depths']} and "
                       f"widths {config['projection_dims']}; takes pixels in [0, 255] (its "
                       "own Normalization) at 224x224 by default, at least 32x32.")
    return builder


ConvNeXtTiny = _variant("tiny", "ConvNeXtTiny")
ConvNeXtSmall = _variant("small", "ConvNeXtSmall")
ConvNeXtBase = _variant("base", "ConvNeXtBase")
ConvNeXtLarge = _variant("large", "ConvNeXtLarge")
ConvNeXtXLarge = _variant("xlarge", "ConvNeXtXLarge")


def preprocess_input(x, data_format=None):
    """x as it is: ConvNeXt normalizes inside the model (Keras keeps this for its API)."""
    return x


__all__ = ["ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge",
           "ConvNeXt", "ConvNeXtBlock", "LayerScale", "StochasticDepth", "preprocess_input"]
