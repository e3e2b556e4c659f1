"""keras.applications: Keras' image classification architectures, layer for layer (names,
order, weights), built with rungrad's Keras layers: `ResNet50(weights=None, classes=10)`
trains from scratch; a weights file Keras wrote (.weights.h5, or the Keras 2 .h5 of its
ImageNet releases) loads into them, and weights='imagenet' fetches that release into
Keras' cache (keras.utils.get_file). Each family's builders and its preprocess_input live
in a module of the family's name (resnet, mobilenet_v2, ...), as in Keras. The modules load
when first asked for."""
from autograd.lazy import lazy_attributes

_FAMILIES = {
    "convnext": ["ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge",
                 "ConvNeXtXLarge"],
    "densenet": ["DenseNet121", "DenseNet169", "DenseNet201"],
    "efficientnet": [f"EfficientNetB{i}" for i in range(8)],
    "efficientnet_v2": [f"EfficientNetV2{size}" for size in
                        ("B0", "B1", "B2", "B3", "S", "M", "L")],
    "inception_resnet_v2": ["InceptionResNetV2"], "inception_v3": ["InceptionV3"],
    "mobilenet": ["MobileNet"], "mobilenet_v2": ["MobileNetV2"],
    "mobilenet_v3": ["MobileNetV3Small", "MobileNetV3Large"],
    "nasnet": ["NASNetMobile", "NASNetLarge"],
    "resnet": ["ResNet50", "ResNet101", "ResNet152"],
    "resnet_v2": ["ResNet50V2", "ResNet101V2", "ResNet152V2"],
    "vgg16": ["VGG16"], "vgg19": ["VGG19"], "xception": ["Xception"],
}
_SUBMODULES = tuple(_FAMILIES) + ("imagenet_utils", "resnet50")

__getattr__, __dir__ = lazy_attributes(__name__, submodules=_SUBMODULES, names={
    name: module for module, names in _FAMILIES.items() for name in names})

__all__ = sorted(_SUBMODULES) + sorted(name for names in _FAMILIES.values()
                                       for name in names)
