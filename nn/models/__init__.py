"""Model definitions with torchvision's structure and parameter names (`nn.models.vgg16`,
`nn.models.resnet18/34/50`), so a torchvision state dict loads without renaming.

No weights are downloaded. For pretrained weights, save a torchvision model's state dict
where PyTorch is installed (safetensors keeps it pickle-free) and load it here:

    # with PyTorch:  from safetensors.torch import save_file
    #                save_file(torchvision.models.resnet18(weights="DEFAULT").state_dict(),
    #                          "resnet18.safetensors")
    model = nn.models.resnet18()
    model.load_weights("resnet18.safetensors")   # or an .npz of the same names
    model.eval()                                 # BatchNorm's running statistics, no dropout

Inputs are (N, 3, H, W) float32 images normalized as torchvision's weights expect (mean
0.485, 0.456, 0.406 and std 0.229, 0.224, 0.225 per channel).
"""
from autograd.lazy import missing_only

from .resnet import BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50
from .vgg import VGG, vgg16

# dezero.models' names (the book's `from dezero.models import MLP`): what they are here
__getattr__ = missing_only(__name__, {
    "MLP": "nn.Sequential(nn.Linear(out1), nn.Sigmoid(), nn.Linear(out2)), on nn itself",
    "Model": "nn.Module (nn.Model adds Keras' compile and fit)",
    "Sequential": "nn.Sequential, on nn itself", "VGG16": "nn.models.vgg16()"})

__all__ = ["VGG", "vgg16", "ResNet", "BasicBlock", "Bottleneck", "resnet18", "resnet34",
           "resnet50"]
