"""keras.datasets.mnist: MNIST handwritten digits, as Keras' load_data() gives them."""
from nn import datasets

from .keras_layout import keras_split


def load_data(path="mnist.npz"):
    """((x_train, y_train), (x_test, y_test)): uint8 images (60000, 28, 28) and
    (10000, 28, 28), uint8 labels 0..9 of shape (n,), as Keras'. The first call downloads
    the files into nn.datasets.data_home() (set RUNGRAD_DATA to move it): Keras' `path`, its
    cache file's name, is taken at its default only."""
    if path != "mnist.npz":
        raise ValueError(f"mnist.load_data: path={path!r} names Keras' cache file; rungrad "
                         f"caches MNIST in nn.datasets.data_home() (set RUNGRAD_DATA to move it)")
    return keras_split(datasets.mnist(flatten=False, normalize=False), lambda n: (n,))
