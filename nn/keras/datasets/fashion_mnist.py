"""keras.datasets.fashion_mnist: Fashion-MNIST, as Keras' load_data() gives it."""
from nn import datasets

from .keras_layout import keras_split


def load_data():
    """((x_train, y_train), (x_test, y_test)): uint8 images (60000, 28, 28) and
    (10000, 28, 28), uint8 labels 0..9 of shape (n,), as Keras'. The first call downloads
    the files into nn.datasets.data_home()."""
    return keras_split(datasets.fashion_mnist(flatten=False, normalize=False), lambda n: (n,))
