"""VGG-16 (Simonyan and Zisserman, configuration D) with torchvision's layers and names:
`features.0.weight` ... `features.28.bias`, `classifier.0/3/6.weight/bias`."""
from ..layers.activation import ReLU
from ..layers.conv import Conv2d
from ..layers.dropout import Dropout
from ..layers.linear import Linear
from ..layers.normalization import BatchNorm2d
from ..layers.pooling import AdaptiveAvgPool2d, MaxPool2d
from ..training.model import Model
from ..training.sequential import Sequential
from ._init import init_conv_and_batch_norm, init_linear_small_normal
from .flatten import flatten_features

# Output channels of each 3x3 convolution; "M" is a 2x2 max pooling.
VGG16_LAYERS = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
                512, 512, 512, "M")


class VGG(Model):
    """features (convolutions), avgpool to 7x7, classifier (three Linear layers).

    Any input of at least 32x32 works: the adaptive pooling makes the classifier's input
    512 * 7 * 7 whatever the image size (a 32x32 image gives 1x1 features, repeated).
    """

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = AdaptiveAvgPool2d((7, 7))
        self.classifier = Sequential(
            Linear(512 * 7 * 7, 4096), ReLU(True), Dropout(dropout),
            Linear(4096, 4096), ReLU(True), Dropout(dropout),
            Linear(4096, num_classes))
        if init_weights:
            init_conv_and_batch_norm(self)
            init_linear_small_normal(self)

    def get_config(self):
        """What model.save() records to rebuild this network; the saved weights replace the
        initial ones, so none are drawn on loading."""
        return {"features": self.features, "num_classes": self.classifier[-1].out_features,
                "init_weights": False, "dropout": self.classifier[2].p}

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(flatten_features(x))


def make_layers(layers, batch_norm=False):
    """The `features` Sequential: 3x3 convolutions (padding 1), each followed by ReLU (and
    BatchNorm2d before it with batch_norm), and 2x2 max poolings."""
    modules, channels = [], 3
    for item in layers:
        if item == "M":
            modules.append(MaxPool2d(kernel_size=2, stride=2))
            continue
        modules.append(Conv2d(channels, item, kernel_size=3, padding=1))
        if batch_norm:
            modules.append(BatchNorm2d(item))
        modules.append(ReLU(True))
        channels = item
    return Sequential(*modules)


def vgg16(num_classes=1000, init_weights=True, dropout=0.5):
    """VGG-16: 13 convolutions and 3 Linear layers, 138,357,544 parameters for 1000
    classes. Weights are drawn here (torchvision's scheme); see nn.models for pretrained."""
    return VGG(make_layers(VGG16_LAYERS), num_classes, init_weights, dropout)


__all__ = ["VGG", "vgg16"]
