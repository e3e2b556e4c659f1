"""keras.datasets.mnist.load_data() reads Keras' own mnist.npz from a Keras cache
($KERAS_HOME/datasets), as Keras does offline, instead of downloading the IDX files."""
import hashlib
import io

import numpy as np
import pytest

from nn.keras.datasets import mnist

from ._keras_dataset_files import keras_cache


def keras_mnist_npz(rng):
    """(the bytes of a small mnist.npz laid out as Keras' file, its arrays)."""
    arrays = {"x_train": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
              "y_train": rng.integers(0, 10, 5, dtype=np.uint8),
              "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
              "y_test": rng.integers(0, 10, 3, dtype=np.uint8)}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue(), arrays


@pytest.mark.parametrize("name", ["mnist.npz", "my_mnist.npz"])
def test_a_keras_cache_file_is_read_offline(monkeypatch, tmp_path, name):
    blob, arrays = keras_mnist_npz(np.random.default_rng(len(name)))
    keras_cache(monkeypatch, tmp_path, {name: blob})  # (downloads refused)
    monkeypatch.setattr(mnist, "FILE_HASH", hashlib.sha256(blob).hexdigest())
    (x, y), (xt, yt) = mnist.load_data() if name == "mnist.npz" else mnist.load_data(name)
    for got, part in ((x, "x_train"), (y, "y_train"), (xt, "x_test"), (yt, "y_test")):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[part])


def test_another_name_without_its_file_is_refused(monkeypatch, tmp_path):
    keras_cache(monkeypatch, tmp_path, {})
    with pytest.raises(ValueError, match=r"path='digits.npz' names Keras' cache file"):
        mnist.load_data(path="digits.npz")
