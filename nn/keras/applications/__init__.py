"""keras.applications: Keras' image classification architectures, layer for layer (names,
order, weights), built with rungrad's Keras layers: `ResNet50(weights=None, classes=10)`
trains from scratch; a weights file Keras wrote (or one of its ImageNet releases) loads into
them. Each family's builders and its preprocess_input live in a module of the family's name
(resnet, mobilenet_v2, ...), as in Keras."""
from . import imagenet_utils

__all__ = ["imagenet_utils"]
