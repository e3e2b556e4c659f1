"""keras.applications.densenet: DenseNet-121/169/201 (Huang et al., CVPR 2017), layer for
layer as Keras 3.15 builds them: a 7x7/2 stem, four dense blocks (each conv_block adds
32 channels: BN-ReLU-1x1 conv of 128, BN-ReLU-3x3 conv of 32, joined to its input) with
halving transitions between them (BN-ReLU-1x1 conv, 2x2 average pool), a final BN-ReLU.
Channels-last only; inputs scaled and normalised as torchvision's (preprocess_input),
224x224 by default, at least 32x32."""
from .. import layers
from .._training import Model
from . import imagenet_utils
from .arguments import data_format, input_images, model_inputs
from .global_pool_top import global_pool_top
from .weights import load_application_weights

_URL = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
_EPSILON = 1.001e-5  # (Keras' BatchNormalization epsilon here, not its default 1e-3)
# blocks -> (depth, (file hash with the top, without it)) of Keras' ImageNet releases
_RELEASES = {(6, 12, 24, 16): (121, ("9d60b8095a5708f2dcce2bca79d332c7",
                                     "30ee3e1110167f948a6b9946edeeb738")),
             (6, 12, 32, 32): (169, ("d699b8f76981ab1b30698df4c175e90b",
                                     "b8c4d4c20dd625c148057b9ff1c1176b")),
             (6, 12, 48, 32): (201, ("1ceb130c1ea1b78c3bf6114dbdfd8807",
                                     "c13680b51ded0fb44dff2d8f86ac8bb1"))}


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None,
             input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
             name="densenet"):
    """A DenseNet of `blocks` conv_blocks in its four dense blocks: images (N, 224, 224, 3)
    -> (N, classes) class probabilities (headless: (N, h, w, C) features, or (N, C))."""
    if data_format() == "channels_first":
        raise ValueError("DenseNet does not support the `channels_first` image data format. "
                         "Switch to `channels_last` by editing your local config file at "
                         "~/.keras/keras.json")
    images, _ = input_images("DenseNet", weights, include_top, classes, pooling, input_tensor,
                             input_shape, 224, 32)
    x = _stem(images)
    for stage, count in enumerate(blocks, start=2):
        if stage > 2:
            x = transition_block(x, 0.5, name=f"pool{stage - 1}")
        x = dense_block(x, count, name=f"conv{stage}")
    x = _bn_relu(x, "bn", "relu")
    x = global_pool_top(x, include_top, pooling, classes, classifier_activation, weights,
                        pool_names=("avg_pool", "max_pool"))
    model = Model(model_inputs(input_tensor, images), x, name=name)
    release = _release(blocks, include_top) if weights == "imagenet" else ()
    load_application_weights(model, weights, "DenseNet", *release)
    return model


def _release(blocks, include_top):
    """(file name, URL, hash) of Keras' ImageNet weights for these blocks."""
    if tuple(blocks) not in _RELEASES:
        raise ValueError("weights_path undefined")
    depth, hashes = _RELEASES[tuple(blocks)]
    file_name = (f"densenet{depth}_weights_tf_dim_ordering_tf_kernels"
                 f"{'' if include_top else '_notop'}.h5")
    return file_name, _URL + file_name, hashes[0 if include_top else 1]


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet121"):
    """DenseNet-121: dense blocks of 6, 12, 24, 16 (1024 channels at the end)."""
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name=name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet169"):
    """DenseNet-169: dense blocks of 6, 12, 32, 32 (1664 channels at the end)."""
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name=name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet201"):
    """DenseNet-201: dense blocks of 6, 12, 48, 32 (1920 channels at the end)."""
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation, name=name)


def dense_block(x, blocks, name):
    """`blocks` conv_blocks: (N, H, W, C) -> (N, H, W, C + 32 * blocks)."""
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    """BN, ReLU, 1x1 conv to C * reduction channels, 2x2/2 average pool:
    (N, H, W, C) -> (N, H/2, W/2, int(C * reduction))."""
    x = _bn_relu(x, f"{name}_bn", f"{name}_relu")
    x = layers.Conv2D(int(x.shape[3] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def conv_block(x, growth_rate, name):
    """x joined on channels with BN-ReLU-1x1 conv (4 growth_rate)-BN-ReLU-3x3 conv
    (growth_rate) of it: (N, H, W, C) -> (N, H, W, C + growth_rate)."""
    x1 = _bn_relu(x, f"{name}_0_bn", f"{name}_0_relu")
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(x1)
    x1 = _bn_relu(x1, f"{name}_1_bn", f"{name}_1_relu")
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False,
                       name=f"{name}_2_conv")(x1)
    return layers.Concatenate(axis=3, name=f"{name}_concat")([x, x1])


def _bn_relu(x, bn_name, relu_name):
    x = layers.BatchNormalization(axis=3, epsilon=_EPSILON, name=bn_name)(x)
    return layers.Activation("relu", name=relu_name)(x)


def _stem(x):
    """(N, 224, 224, 3) -> (N, 56, 56, 64): padded 7x7/2 conv, BN, ReLU, padded 3x3/2 max
    pool (Keras leaves the paddings unnamed)."""
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(x)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn_relu(x, "conv1_bn", "conv1_relu")
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    return layers.MaxPooling2D(3, strides=2, name="pool1")(x)


def preprocess_input(x, data_format=None):
    """Pixels in [0, 255] -> (x / 255 - mean) / std per channel, ImageNet's mean and
    standard deviation (imagenet_utils' 'torch' mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


__all__ = ["DenseNet", "DenseNet121", "DenseNet169", "DenseNet201", "conv_block",
           "dense_block", "preprocess_input", "transition_block"]
