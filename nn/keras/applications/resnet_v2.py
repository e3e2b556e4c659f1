"""keras.applications.resnet_v2: ResNet50V2, ResNet101V2 and ResNet152V2 (He et al., 2016:
pre-activation residual blocks), layer for layer as Keras 3.15 builds them from resnet's
builder and v2 blocks; the stride-2 block is the last of each stack (conv2..conv4), and
preprocess_input is the 'tf' convention."""
from . import imagenet_utils
from .resnet import ResNet, stack_residual_blocks_v2, stacks


def _v2(depths, weights_name, name, **kwargs):
    return ResNet(stacks(stack_residual_blocks_v2, depths, (2, 2, 2, 1)), preact=True,
                  use_bias=True, name=name, weights_name=weights_name, **kwargs)


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
               pooling=None, classes=1000, classifier_activation="softmax",
               name="resnet50v2"):
    """ResNet50V2 (stacks of 3, 4, 6, 3 blocks): (N, 224, 224, 3) -> (N, classes); 25.6M
    parameters."""
    return _v2((3, 4, 6, 3), "resnet50v2", name, include_top=include_top, weights=weights,
               input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
               classes=classes, classifier_activation=classifier_activation)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet101v2"):
    """ResNet101V2 (stacks of 3, 4, 23, 3 blocks): (N, 224, 224, 3) -> (N, classes);
    44.7M parameters."""
    return _v2((3, 4, 23, 3), "resnet101v2", name, include_top=include_top, weights=weights,
               input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
               classes=classes, classifier_activation=classifier_activation)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet152v2"):
    """ResNet152V2 (stacks of 3, 8, 36, 3 blocks): (N, 224, 224, 3) -> (N, classes);
    60.4M parameters."""
    return _v2((3, 8, 36, 3), "resnet152v2", name, include_top=include_top, weights=weights,
               input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
               classes=classes, classifier_activation=classifier_activation)


def preprocess_input(x, data_format=None):
    """Keras' 'tf' convention: x / 127.5 - 1, in [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "preprocess_input"]
