"""Ready-to-train data sets, each returning ((x_train, y_train), (x_test, y_test)).

Offline: spiral, sin_curve, digits, breast_cancer and diabetes (shipped with the package).
With scikit-learn installed: iris, wine. Downloaded once and cached (see
data_home): mnist, fashion_mnist, cifar10, and shakespeare (a character corpus: id arrays
and their Vocabulary). Arrays are NumPy; features float32, labels int64.
"""

from autograd.lazy import missing_only

from .bundled import breast_cancer, diabetes, diabetes_feature_names, digits
from .cifar import CifarError, cifar10
from .download import CacheError, ChecksumError, DownloadError, data_home
from .idx import IDXError, read_idx
from .mnist_sets import fashion_mnist, mnist
from .sklearn_sets import iris, wine
from .synthetic import sin_curve, spiral
from .text_sets import shakespeare
from .vocabulary import Vocabulary

__getattr__ = missing_only(__name__, {
    "Spiral": "nn.datasets.spiral(), which returns ((x, t), (x_test, t_test)) arrays",
    "get_spiral": "nn.datasets.spiral()", "MNIST": "nn.datasets.mnist()",
    "SinCurve": "nn.datasets.sin_curve()", "Shakespear": "nn.datasets.shakespeare()",
    "ImageNet": "not included"})

__all__ = ["spiral", "sin_curve", "digits", "iris", "breast_cancer", "wine", "diabetes",
           "diabetes_feature_names",
           "mnist", "fashion_mnist", "cifar10", "shakespeare", "Vocabulary", "read_idx",
           "data_home", "IDXError", "DownloadError", "CacheError", "ChecksumError", "CifarError"]
