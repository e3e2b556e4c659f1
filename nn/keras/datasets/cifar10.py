"""keras.datasets.cifar10: CIFAR-10, as Keras' load_data() gives it."""
from nn import datasets

from .keras_layout import keras_split


def load_data():
    """((x_train, y_train), (x_test, y_test)): uint8 channels-last images (50000, 32, 32, 3)
    and (10000, 32, 32, 3), uint8 labels 0..9 of shape (n, 1), as Keras'. The first call
    downloads the archive into nn.datasets.data_home()."""
    return keras_split(datasets.cifar10(flatten=False, normalize=False), lambda n: (n, 1))
