"""The layers Keras' application modules define for themselves (ConvNeXt's LayerScale and
StochasticDepth, InceptionResNetV2's CustomScaleLayer), in one place: where a saved model's
config finds them by name (nn.layers.config), as Keras' saving finds them."""
from .convnext_layers import LayerScale, StochasticDepth
from .inception_resnet_v2 import CustomScaleLayer

__all__ = ["LayerScale", "StochasticDepth", "CustomScaleLayer"]
