"""keras.datasets.cifar100 as Keras 3.15.1's: Keras' archive name, folder and hash, its
Python 2 pickled batches read as data, images channels-last (or first), int64 labels of
shape (n, 1). The digests are Keras' own results on _keras_dataset_files' stand-in."""
import io
import tarfile

import numpy as np
import pytest

from nn.keras import config
from nn.keras.datasets import cifar100

from . import _keras_dataset_files as files

ARCHIVE = files.cifar100_tar_gz()
CACHE_NAME = "cifar-100-python-target_archive"  # (where Keras keeps the download)

# Keras 3.15.1 on the stand-in: (x_train, x_test) digests, fine and coarse labels.
KERAS_X = ("546b3e8db44f0e937ac35a94525e5b91dfa0ccbcab67746dd736cd2611146814",
           "99d0233d91d9a1cb03d8fa98f92e252a0e3a89e3f644906e8d5cf83ae74852b5")
KERAS_X_CHANNELS_FIRST = ("b615b4a00099274d1227ef7d82e6b8c4f6aa54298328c0c624c3e112cbe238bc",
                          "066d0ad9c44541a4b5d32f13fbf9632ff91dc2d4a10b983183f11aaa9cfd60fe")
KERAS_LABELS = {"fine": ([40, 15, 72, 22, 43], [67, 8, 89]),
                "coarse": ([18, 11, 8, 7, 2], [0, 6, 2])}


@pytest.fixture
def cache(monkeypatch, tmp_path):
    monkeypatch.setattr(cifar100, "FILE_HASH", files.sha256(ARCHIVE))
    return files.keras_cache(monkeypatch, tmp_path, {CACHE_NAME: ARCHIVE})


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_load_data_returns_what_keras_returns(cache, label_mode):
    (x, y), (xt, yt) = cifar100.load_data(label_mode)
    assert x.shape == (5, 32, 32, 3) and xt.shape == (3, 32, 32, 3) and x.dtype == np.uint8
    assert (files.array_digest(x), files.array_digest(xt)) == KERAS_X
    assert y.shape == (5, 1) and yt.shape == (3, 1) and y.dtype == yt.dtype == np.int64
    assert (y[:, 0].tolist(), yt[:, 0].tolist()) == KERAS_LABELS[label_mode]
    assert (cache / "cifar-100-python-target" / "cifar-100-python" / "meta").exists()


def test_channels_first_keeps_the_batches_layout(cache):
    config.set_image_data_format("channels_first")
    try:
        (x, _), (xt, _) = cifar100.load_data()
    finally:
        config.set_image_data_format("channels_last")
    assert x.shape == (5, 3, 32, 32)
    assert (files.array_digest(x), files.array_digest(xt)) == KERAS_X_CHANNELS_FIRST


def test_a_bad_label_mode_is_keras_error(cache):
    with pytest.raises(ValueError, match=r'`label_mode` must be one of `"fine"`, `"coarse"`. '
                                         r"Received: label_mode=medium."):
        cifar100.load_data("medium")


def test_a_missing_archive_is_downloaded_from_the_cifar_site(cache, monkeypatch):
    (cache / CACHE_NAME).unlink()
    asked = files.serve(monkeypatch, {cifar100.ORIGIN: ARCHIVE})
    (x, _), _ = cifar100.load_data()
    assert asked == ["https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"]
    assert files.array_digest(x) == KERAS_X[0] and (cache / CACHE_NAME).exists()


def test_a_batch_naming_another_global_is_refused_without_running(monkeypatch, tmp_path):
    rng = np.random.RandomState(0)
    evil = files.py2_pickle(files.cifar100_batch(rng, 2)).replace(
        b"cnumpy\nndarray\n", b"cposix\nsystem\n", 1)
    archive = _tar_gz({"cifar-100-python/train": evil, "cifar-100-python/test": evil})
    monkeypatch.setattr(cifar100, "FILE_HASH", files.sha256(archive))
    files.keras_cache(monkeypatch, tmp_path, {CACHE_NAME: archive})
    with pytest.raises(ValueError, match=r"cifar-100-python/train: refused to read the "
                                         r"global posix.system"):
        cifar100.load_data()


def test_a_batch_without_its_labels_is_named(monkeypatch, tmp_path):
    batch = files.cifar100_batch(np.random.RandomState(0), 2)
    del batch[b"coarse_labels"]
    blob = files.py2_pickle(batch)
    archive = _tar_gz({"cifar-100-python/train": blob, "cifar-100-python/test": blob})
    monkeypatch.setattr(cifar100, "FILE_HASH", files.sha256(archive))
    files.keras_cache(monkeypatch, tmp_path, {CACHE_NAME: archive})
    with pytest.raises(ValueError, match="train: not a CIFAR-100 batch .no coarse_labels."):
        cifar100.load_data("coarse")


def _tar_gz(members):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()
