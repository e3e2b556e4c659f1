"""keras.datasets' load_data(): Keras' layouts and dtypes, from nn.datasets' files (offline,
on the small stand-ins the MNIST and CIFAR-10 tests build)."""
import numpy as np
import pytest

from nn.datasets import cifar, mnist_sets
from nn.keras import datasets as keras_datasets

from .test_cifar_shakespeare import fake_cifar
from .test_mnist import fake_mnist, serve


def test_mnist_and_fashion_mnist_load_data_are_keras_uint8_28_by_28(monkeypatch):
    blobs, images, labels = fake_mnist(monkeypatch)
    monkeypatch.setattr(mnist_sets, "_FASHION_FILES", mnist_sets._MNIST_FILES)
    serve(monkeypatch, blobs)
    for module in (keras_datasets.mnist, keras_datasets.fashion_mnist):
        (x, y), (xt, yt) = module.load_data()
        assert x.shape == (6, 28, 28) and xt.shape == (4, 28, 28) and x.dtype == np.uint8
        np.testing.assert_array_equal(np.concatenate([x, xt]), images)
        assert y.dtype == yt.dtype == np.uint8 and y.shape == (6,)
        np.testing.assert_array_equal(np.concatenate([y, yt]), labels)
    with pytest.raises(ValueError, match=r"mnist.load_data: path='digits.npz' names Keras' "
                                         r"cache file; rungrad caches MNIST in"):
        keras_datasets.mnist.load_data(path="digits.npz")


def test_cifar10_load_data_is_keras_channels_last_with_labels_of_shape_n_by_1(monkeypatch):
    blob, (pixels, labels), (test_pixels, test_labels) = fake_cifar(monkeypatch)
    serve(monkeypatch, {cifar.ARCHIVE: blob})
    (x, y), (xt, yt) = keras_datasets.cifar10.load_data()
    assert x.shape == (10, 32, 32, 3) and xt.shape == (3, 32, 32, 3) and x.dtype == np.uint8
    np.testing.assert_array_equal(x, pixels.transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(xt, test_pixels.transpose(0, 2, 3, 1))
    assert y.shape == (10, 1) and y.dtype == np.uint8 and y[:, 0].tolist() == labels
    assert yt[:, 0].tolist() == test_labels
