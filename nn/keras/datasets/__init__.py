"""keras.datasets: `mnist`, `fashion_mnist` and `cifar10`, each with Keras' `load_data()`,
which returns what Keras' does (uint8 channels-last images, uint8 labels). The files are
nn.datasets': downloaded once, checksummed, cached in nn.datasets.data_home()."""
from autograd.lazy import lazy_attributes

__getattr__, __dir__ = lazy_attributes(__name__, submodules=("mnist", "fashion_mnist",
                                                             "cifar10"))

__all__ = ["mnist", "fashion_mnist", "cifar10"]
