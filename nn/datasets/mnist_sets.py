"""MNIST and Fashion-MNIST: downloaded once (checksummed), then read from the cache.

Files are the official gzip'd IDX files; their SHA-256 digests and sizes in bytes are
pinned below (the sizes are the ones the mirrors serve, as published beside these digests).
MNIST: Y. LeCun, C. Cortes, C. J. C. Burges. Fashion-MNIST: H. Xiao, K. Rasul,
R. Vollgraf (Zalando Research, 2017, MIT licence).
"""

from ._images import format_images
from .download import Published, fetch_files
from .idx import read_idx

_MNIST_FILES = {
    "train-images-idx3-ubyte.gz": Published(
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9_912_422),
    "train-labels-idx1-ubyte.gz": Published(
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28_881),
    "t10k-images-idx3-ubyte.gz": Published(
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1_648_877),
    "t10k-labels-idx1-ubyte.gz": Published(
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4_542),
}
_MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
_FASHION_FILES = {
    "train-images-idx3-ubyte.gz": Published(
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26_421_880),
    "train-labels-idx1-ubyte.gz": Published(
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29_515),
    "t10k-images-idx3-ubyte.gz": Published(
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4_422_102),
    "t10k-labels-idx1-ubyte.gz": Published(
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5_148),
}
_FASHION_MIRRORS = (
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # checksummed anyway
)


def _load_idx_set(dataset, files, mirrors, flatten, normalize):
    """Fetch (or find) the four files of `dataset` and format them."""
    paths = fetch_files(dataset, files, mirrors)
    split = []
    for prefix in ("train", "t10k"):
        images = read_idx(paths[f"{prefix}-images-idx3-ubyte.gz"])
        labels = read_idx(paths[f"{prefix}-labels-idx1-ubyte.gz"]).astype("int64")
        split.append((format_images(images, 255, flatten, normalize), labels))
    return tuple(split)


def mnist(flatten=True, normalize=True):
    """MNIST handwritten digits: 60,000 train / 10,000 test 28x28 images.

    x: float32 in [0, 1], (n, 784), or (n, 1, 28, 28) with flatten=False;
    normalize=False keeps uint8 0..255. y: int64 labels 0..9.
    The first call downloads 11 MB into data_home()/mnist.
    """
    return _load_idx_set("mnist", _MNIST_FILES, _MNIST_MIRRORS, flatten, normalize)


def fashion_mnist(flatten=True, normalize=True):
    """Fashion-MNIST: 60,000 / 10,000 28x28 images of 10 clothing classes.

    Same shapes and options as mnist(); downloads 30 MB into data_home()/fashion_mnist.
    """
    return _load_idx_set("fashion_mnist", _FASHION_FILES, _FASHION_MIRRORS,
                         flatten, normalize)
