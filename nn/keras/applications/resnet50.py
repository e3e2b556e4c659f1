"""keras.applications.resnet50: Keras' alias module, resnet's ResNet50 and preprocess_input
under their old home."""
from .resnet import ResNet50, preprocess_input

__all__ = ["ResNet50", "preprocess_input"]
