"""keras.applications' weights='imagenet': the release file fetched by get_file into Keras'
cache (models/), checked by its hash, then loaded (a Keras 2 .h5); offline, a clear error
saying where to put it. The "release" here is a small legacy file at a file:// origin."""
import hashlib

import numpy as np
import pytest

import nn.keras as keras
from nn.keras import layers
from nn.keras.applications.weights import load_application_weights
from nn.keras.get_file import keras_home

from ..test_legacy_h5_weights import write_legacy

KERNEL = np.arange(6, dtype=np.float32).reshape(3, 2) / 10
BIAS = np.float32([0.5, -1.0])
FILE_NAME = "tiny_weights_tf_dim_ordering_tf_kernels.h5"


def _model():
    return keras.Sequential([keras.Input((3,)), layers.Dense(2, name="predictions")])


@pytest.fixture
def release(tmp_path, monkeypatch):
    """(origin, md5) of a served weights file, with a fresh KERAS_HOME."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    path = write_legacy(tmp_path / "served.h5", [
        ("input_layer", []),
        ("predictions", [("predictions/kernel", KERNEL), ("predictions/bias", BIAS)])],
        keras2=True)
    return path.as_uri(), hashlib.md5(path.read_bytes()).hexdigest()


def test_imagenet_weights_are_downloaded_into_keras_cache_and_loaded(release, tmp_path):
    origin, md5 = release
    model = _model()
    load_application_weights(model, "imagenet", "Tiny", FILE_NAME, origin, md5)
    np.testing.assert_array_equal(model.get_weights()[0], KERNEL)
    np.testing.assert_array_equal(model.get_weights()[1], BIAS)
    assert keras_home() == str(tmp_path / "keras_home")
    assert (tmp_path / "keras_home" / "models" / FILE_NAME).is_file()


def test_a_cached_file_is_used_offline(release, tmp_path):
    origin, md5 = release
    load_application_weights(_model(), "imagenet", "Tiny", FILE_NAME, origin, md5)
    (tmp_path / "served.h5").unlink()
    model = _model()
    load_application_weights(model, "imagenet", "Tiny", FILE_NAME, origin, md5)
    np.testing.assert_array_equal(model.get_weights()[1], BIAS)


def test_offline_without_the_file_the_error_says_where_to_put_it(release, tmp_path):
    origin, md5 = release
    (tmp_path / "served.h5").unlink()
    with pytest.raises(FileNotFoundError, match=f"Tiny: weights='imagenet' reads {FILE_NAME}"
                       f".*{tmp_path / 'keras_home' / 'models'}.*URL fetch failure on "
                       f"{origin}.*weights=None"):
        load_application_weights(_model(), "imagenet", "Tiny", FILE_NAME, origin, md5)
    assert not (tmp_path / "keras_home" / "models" / FILE_NAME).exists()


def test_a_download_of_another_hash_is_refused_and_not_kept(release, tmp_path):
    origin, _ = release
    with pytest.raises(ValueError, match="file hash"):
        load_application_weights(_model(), "imagenet", "Tiny", FILE_NAME, origin, "0" * 32)
    assert not (tmp_path / "keras_home" / "models" / FILE_NAME).exists()


def test_a_path_and_none_still_work(release, tmp_path):
    model = _model()
    before = model.get_weights()
    load_application_weights(model, None, "Tiny")
    np.testing.assert_array_equal(model.get_weights()[0], before[0])
    load_application_weights(model, tmp_path / "served.h5", "Tiny")
    np.testing.assert_array_equal(model.get_weights()[0], KERNEL)


def test_offline_error_names_the_fallback_folder_where_the_cache_is_read_only(
        release, tmp_path, monkeypatch):
    from nn.keras import get_file as get_file_module
    origin, md5 = release
    (tmp_path / "served.h5").unlink()
    fallback = tmp_path / "fallback"
    monkeypatch.setattr(get_file_module, "_writable_root", lambda cache_dir: str(fallback))
    with pytest.raises(FileNotFoundError, match=f"not in Keras' cache \\({fallback / 'models'};"):
        load_application_weights(_model(), "imagenet", "Tiny", FILE_NAME, origin, md5)
