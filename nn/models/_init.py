"""torchvision's initialisation of its image models, shared by VGG and ResNet."""
from .. import init
from ..layers.conv import Conv2d
from ..layers.linear import Linear
from ..layers.normalization import BatchNorm2d


def init_conv_and_batch_norm(model):
    """Convolutions: He normal over fan_out (no bias, or a zero one); BatchNorm: weight 1,
    bias 0."""
    for module in model.modules():
        if isinstance(module, Conv2d):
            init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            if module.bias is not None:
                init.zeros_(module.bias)
        elif isinstance(module, BatchNorm2d):
            init.ones_(module.weight)
            init.zeros_(module.bias)


def init_linear_small_normal(model):
    """Linear layers: weight N(0, 0.01^2), bias 0 (VGG's classifier)."""
    for module in model.modules():
        if isinstance(module, Linear):
            init.normal_(module.weight, 0.0, 0.01)
            init.zeros_(module.bias)
