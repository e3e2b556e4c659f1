"""ResNet-18/34/50 (He et al.) with torchvision's layers and names: conv1, bn1, layer1..4
(blocks "0", "1", ..., each with conv1, bn1, conv2, bn2 [conv3, bn3] and downsample "0"
(1x1 conv) and "1" (BatchNorm2d)), fc. The stride of a Bottleneck is on its 3x3 convolution
(torchvision's "ResNet V1.5")."""
from .. import init
from ..layers.activation import ReLU
from ..layers.conv import Conv2d
from ..layers.linear import Linear
from ..layers.normalization import BatchNorm2d
from ..layers.pooling import AdaptiveAvgPool2d, MaxPool2d
from ..module import Module
from ..training.model import Model
from ..training.sequential import Sequential
from ._init import init_conv_and_batch_norm
from .flatten import flatten_features


def conv3x3(in_planes, out_planes, stride=1):
    return Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes, out_planes, stride=1):
    return Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(Module):
    """relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), two 3x3 convolutions."""

    expansion = 1
    last_norm = "bn2"  # the BatchNorm that zero_init_residual starts at 0

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = BatchNorm2d(planes)
        self.relu = ReLU(True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + _shortcut(self, x))


class Bottleneck(Module):
    """1x1 (reduce), 3x3 (with the stride), 1x1 (expand 4x), plus the shortcut."""

    expansion = 4
    last_norm = "bn3"

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv1x1(inplanes, planes)
        self.bn1 = BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * self.expansion)
        self.bn3 = BatchNorm2d(planes * self.expansion)
        self.relu = ReLU(True)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + _shortcut(self, x))


def _shortcut(block, x):
    """x itself, or its projection (1x1 conv + BatchNorm) where the shape changes."""
    return x if block.downsample is None else block.downsample(x)


class ResNet(Model):
    """A 7x7/2 stem with max pooling, four stages of residual blocks (64, 128, 256, 512
    planes; stages 2-4 halve the resolution), global average pooling and `fc`.

    zero_init_residual: start each block's last BatchNorm at weight 0 (torchvision's option),
    so that every block begins as the identity.
    """

    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False):
        super().__init__()
        self.block, self.layer_counts = block, list(layers)
        self.zero_init_residual = zero_init_residual
        self.inplanes = 64
        self.conv1 = Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = BatchNorm2d(64)
        self.relu = ReLU(True)
        self.maxpool = MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = AdaptiveAvgPool2d((1, 1))
        self.fc = Linear(512 * block.expansion, num_classes)
        init_conv_and_batch_norm(self)
        if zero_init_residual:
            for module in self.modules():
                if isinstance(module, (BasicBlock, Bottleneck)):
                    init.zeros_(getattr(module, module.last_norm).weight)

    def get_config(self):
        """What model.save() records to rebuild this network (the block by its class name)."""
        return {"block": self.block, "layers": self.layer_counts,
                "num_classes": self.fc.out_features, "zero_init_residual": self.zero_init_residual}

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                    BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(flatten_features(self.avgpool(x)))


def resnet18(num_classes=1000, zero_init_residual=False):
    """ResNet-18: BasicBlocks [2, 2, 2, 2], 11,689,512 parameters for 1000 classes."""
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes, zero_init_residual)


def resnet34(num_classes=1000, zero_init_residual=False):
    """ResNet-34: BasicBlocks [3, 4, 6, 3], 21,797,672 parameters for 1000 classes."""
    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes, zero_init_residual)


def resnet50(num_classes=1000, zero_init_residual=False):
    """ResNet-50: Bottlenecks [3, 4, 6, 3], 25,557,032 parameters for 1000 classes."""
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes, zero_init_residual)


__all__ = ["ResNet", "BasicBlock", "Bottleneck", "resnet18", "resnet34", "resnet50"]
