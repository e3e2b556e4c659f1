"""keras.applications.resnet: ResNet50, ResNet101 and ResNet152 (He et al., 2015), layer for
layer as Keras 3.15 builds them, and the builder (`ResNet`) and residual blocks (v1:
post-activation bottlenecks; v2: pre-activation) that resnet_v2 shares.

Stem: 'conv1_pad' (3) -> 'conv1_conv' (7x7/2, 64) [-> 'conv1_bn' -> 'conv1_relu'] ->
'pool1_pad' (1) -> 'pool1_pool' (3x3/2 max), then four stacks 'conv2'..'conv5' of
bottleneck blocks (64, 128, 256, 512 filters, 4x as many out), [-> 'post_bn' ->
'post_relu'], then 'avg_pool' and 'predictions'. BatchNormalization's epsilon is 1.001e-5
throughout (the Caffe weights' value)."""
from .. import layers
from .._training import Model
from . import arguments, imagenet_utils
from .global_pool_top import global_pool_top
from .weights import load_application_weights

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
# (the 'imagenet' files' MD5s: with the top, without)
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}
EPSILON = 1.001e-5


def ResNet(stack_fn, preact, use_bias, include_top=True, weights="imagenet",
           input_tensor=None, input_shape=None, pooling=None, classes=1000,
           classifier_activation="softmax", name="resnet", weights_name=None):
    """Keras' ResNet builder: the stem, stack_fn(x) (the residual stacks), the end (see the
    module doc); preact: v2's pre-activation (no BN after conv1, 'post_bn' at the end);
    use_bias: conv1's bias. weights_name names the 'imagenet' files ('resnet50', ...)."""
    images, _ = arguments.input_images(name, weights, include_top, classes, pooling,
                                       input_tensor, input_shape, 224)
    if include_top:  # (Keras checks it once the body is built: the same error, sooner)
        arguments.validate_activation(classifier_activation, weights)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(images)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = batch_norm(x, "conv1_bn")
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = batch_norm(x, "post_bn")
        x = layers.Activation("relu", name="post_relu")(x)
    x = global_pool_top(x, include_top, pooling, classes, classifier_activation, weights,
                        pool_names=("avg_pool", "max_pool"))  # (Keras names ResNet's pools)
    model = Model(arguments.model_inputs(input_tensor, images), x, name=name)
    if weights == "imagenet" and weights_name not in WEIGHTS_HASHES:
        return model  # (Keras' builder too leaves such a model as initialised)
    _load(model, weights, name, weights_name, include_top)
    return model


def _load(model, weights, who, weights_name, include_top):
    top = "" if include_top else "_notop"
    file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{top}.h5"
    file_hash = WEIGHTS_HASHES.get(weights_name, (None, None))[0 if include_top else 1]
    load_application_weights(model, weights, who, file_name, BASE_WEIGHTS_PATH + file_name,
                             file_hash)


def batch_norm(x, name):
    """Keras' BatchNormalization on the channel axis, epsilon 1.001e-5."""
    axis = 1 if arguments.data_format() == "channels_first" else 3
    return layers.BatchNormalization(axis=axis, epsilon=EPSILON, name=name)(x)


def residual_block_v1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """A v1 bottleneck: 1x1/stride (filters) -> BN, ReLU -> kxk 'same' -> BN, ReLU -> 1x1
    (4 filters) -> BN, added to the shortcut (x, or a strided 1x1 conv and BN), then ReLU."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = batch_norm(shortcut, f"{name}_0_bn")
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = batch_norm(x, f"{name}_1_bn")
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x)
    x = batch_norm(x, f"{name}_2_bn")
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = batch_norm(x, f"{name}_3_bn")
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack_residual_blocks_v1(x, filters, blocks, stride1=2, name=None):
    """`blocks` v1 blocks; the first has the conv shortcut and stride stride1."""
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def residual_block_v2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """A v2 (pre-activation) bottleneck: BN, ReLU of x ('preact') -> 1x1 (filters, no bias)
    -> BN, ReLU -> pad 1, kxk/stride (no bias) -> BN, ReLU -> 1x1 (4 filters), added to
    the shortcut: a 1x1/stride conv of preact, or x (1x1/stride max-pooled when strided)."""
    preact = batch_norm(x, f"{name}_preact_bn")
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        # (unnamed in Keras too: it takes the class's automatic name)
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = batch_norm(x, f"{name}_1_bn")
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False,
                      name=f"{name}_2_conv")(x)
    x = batch_norm(x, f"{name}_2_bn")
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_residual_blocks_v2(x, filters, blocks, stride1=2, name=None):
    """`blocks` v2 blocks: the first with the conv shortcut, the last with stride stride1."""
    x = residual_block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = residual_block_v2(x, filters, name=f"{name}_block{i}")
    return residual_block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def stacks(stack, depths, strides):
    """A stack_fn: `stack` (v1's or v2's) for conv2..conv5 (64, 128, 256, 512 filters)
    with depths[i] blocks and stride1 strides[i]."""
    def stack_fn(x):
        for i, (filters, blocks, stride) in enumerate(zip((64, 128, 256, 512), depths,
                                                          strides)):
            x = stack(x, filters, blocks, stride1=stride, name=f"conv{i + 2}")
        return x
    return stack_fn


def _v1(depths, weights_name, name, **kwargs):
    return ResNet(stacks(stack_residual_blocks_v1, depths, (1, 2, 2, 2)), preact=False,
                  use_bias=True, name=name, weights_name=weights_name, **kwargs)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="resnet50"):
    """ResNet50 (stacks of 3, 4, 6, 3 blocks): (N, 224, 224, 3) -> (N, classes); 25.6M
    parameters."""
    return _v1((3, 4, 6, 3), "resnet50", name, include_top=include_top, weights=weights,
               input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
               classes=classes, classifier_activation=classifier_activation)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet101"):
    """ResNet101 (stacks of 3, 4, 23, 3 blocks): (N, 224, 224, 3) -> (N, classes); 44.7M
    parameters."""
    return _v1((3, 4, 23, 3), "resnet101", name, include_top=include_top, weights=weights,
               input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
               classes=classes, classifier_activation=classifier_activation)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet152"):
    """ResNet152 (stacks of 3, 8, 36, 3 blocks): (N, 224, 224, 3) -> (N, classes); 60.4M
    parameters."""
    return _v1((3, 8, 36, 3), "resnet152", name, include_top=include_top, weights=weights,
               input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
               classes=classes, classifier_activation=classifier_activation)


def preprocess_input(x, data_format=None):
    """Keras' 'caffe' convention: RGB -> BGR, minus ImageNet's mean per channel."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


__all__ = ["ResNet50", "ResNet101", "ResNet152", "preprocess_input"]
