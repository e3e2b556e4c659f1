"""keras.datasets.boston_housing and .california_housing as Keras 3.15.1's: Keras' cache
files and hashes, the same shuffle and split. Row i of the stand-ins has first feature i, so
the row order below is the shuffle Keras made; the digests are of Keras' own arrays."""
import io

import numpy as np
import pytest

from nn.keras.datasets import boston_housing, california_housing

from . import _keras_dataset_files as files

BOSTON, CALIFORNIA = files.boston_npz(), files.california_npz()


@pytest.fixture
def cache(monkeypatch, tmp_path):
    monkeypatch.setattr(boston_housing, "FILE_HASH", files.sha256(BOSTON))
    monkeypatch.setattr(california_housing, "FILE_HASH", files.sha256(CALIFORNIA))
    return files.keras_cache(monkeypatch, tmp_path, {"boston_housing.npz": BOSTON,
                                                     "california_housing.npz": CALIFORNIA})


BOSTON_KERAS = [  # (arguments, train rows, test rows, digests of x, xt, y, yt), by Keras
    ({}, [14, 11, 19, 17, 1, 4, 8, 3, 13, 15, 16, 9, 0, 7, 6, 18], [12, 10, 2, 5],
     ("0fb81157ddc444547eb5865c3470c58177054adda33b12a3d9d229fa614a50e5",
      "e352c771d5c40371e8357226e4933711098d640cc17b9936ecba157298a423d7",
      "52b961958756cdf19fbfa3d3795012318ce5a10264890ea1bfd924bd15e1d461",
      "3f1a58466162941ba8af8ae353f6fb4e5427ac11912d3ba45a274be0d0691fdd")),
    ({"test_split": 0.5, "seed": 4}, [19, 3, 18, 6, 13, 4, 0, 17, 12, 11],
     [15, 10, 9, 2, 16, 7, 8, 1, 5, 14],
     ("9132f8f41b5e471d72b8da077bfbbc82d2132f8aba273a4f9184709794046d76",
      "e44c9aaf67d9b94e874027495a027aa05b76bf49d739d2c8d9af1031f7a4b3e3",
      "606b60602ccad2bd55c9bb32f939a80e5974134fbbe16d4c095df9e89c1063ae",
      "c15e36c01424b6d37fb9addb1f8badcd974acf9e5d042c854754391f719b63bb")),
    ({"test_split": 0}, [14, 11, 19, 17, 1, 4, 8, 3, 13, 15, 16, 9, 0, 7, 6, 18, 12, 10, 2, 5],
     [], ("32c0b75efce13a822f73693878273ab7bc2e8c3a1ec31db993e237f50d15d301",
          "5c8e75952d284c1c9aaa3a1a7c1ef0d9c77d132b00fe70a51b3fd0ec76d5a4e2",
          "8d9ce23d1dbdb4cdacf1a72fa3a59f5f102e6e5e5abc5635ecb1c500e485ce72",
          "64578373a8a80ad1966c3cce7de4dc481c80ff42d854a1a792f6a18e306e028b")),
]
CALIFORNIA_KERAS = [  # (arguments, shapes, first train rows, digests), by Keras
    ({}, ((520, 8), (130, 8)), [23, 227, 103, 386, 79, 266],
     ("f78f44ebee277e78bb2a4ad039a2b400dae8bed265ce4ef6cda0f6236e3bf1fa",
      "5b052c10afc8b7e9578d960085a094d75a5fe32c239c6fc1838369613e401340",
      "4f60c7edb0b75f3aa5e9e3f4589ed3df398267d89fc12c3e07ae61ef3f2ae493",
      "e2f7e101a36b51fe2bc155ae933bb5677eec96d5abc335c7fd8b5cb3a7586bc7")),
    ({"version": "small", "seed": 2, "test_split": 0.25}, ((450, 8), (150, 8)),
     [449, 141, 131, 311, 176, 134],
     ("2bb0a9399a816ed1eb1bd200d61e19f48aa17fdf8f91ad09df854783d555777f",
      "251e7f6f7f496a68da9cf2cea7bafc7d8e35cdf9efcc2f797b7e7e7f95efb3fc",
      "89dc914f0e5b37c15411fb2c829816fc9e9117fad918d0f4a4ea350b350a43f1",
      "9424cd842f00b41d1630771ca7c5cce9cba9abb60ef57f7ae90b417788a877fa")),
]


def _digests(result):
    (x, y), (xt, yt) = result
    return tuple(files.array_digest(a) for a in (x, xt, y, yt))


@pytest.mark.parametrize("kwargs, rows, test_rows, digests", BOSTON_KERAS)
def test_boston_returns_what_keras_returns(cache, kwargs, rows, test_rows, digests):
    result = boston_housing.load_data(**kwargs)
    (x, _), (xt, _) = result
    assert x.shape[1] == 13 and x.dtype == np.float64
    assert x[:, 0].astype(int).tolist() == rows and xt[:, 0].astype(int).tolist() == test_rows
    assert _digests(result) == digests


@pytest.mark.parametrize("kwargs, shapes, rows, digests", CALIFORNIA_KERAS)
def test_california_returns_what_keras_returns(cache, kwargs, shapes, rows, digests):
    result = california_housing.load_data(**kwargs)
    (x, _), (xt, _) = result
    assert (x.shape, xt.shape) == shapes and x.dtype == np.float32
    assert x[:6, 0].astype(int).tolist() == rows
    assert _digests(result) == digests


@pytest.mark.parametrize("module", [boston_housing, california_housing])
@pytest.mark.parametrize("test_split", [1, -0.1, 1.5])
def test_test_split_outside_0_1_is_keras_error(cache, module, test_split):
    with pytest.raises(ValueError, match=rf"Invalid `test_split` argument: {test_split}. It "
                                         r"must be between 0 and 1 \(exclusive of 1\)."):
        module.load_data(test_split=test_split)


def test_california_bad_version_is_keras_error(cache):
    with pytest.raises(ValueError, match="Argument `version` must be one of 'small', 'large'. "
                                         "Received: version=tiny"):
        california_housing.load_data(version="tiny")


def test_a_missing_file_is_downloaded_from_keras_origin(cache, monkeypatch):
    (cache / "boston_housing.npz").unlink()
    url = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"
    asked = files.serve(monkeypatch, {url: BOSTON})
    assert _digests(boston_housing.load_data()) == BOSTON_KERAS[0][3]
    assert asked == [url] and (cache / "boston_housing.npz").read_bytes() == BOSTON


def test_object_arrays_are_refused_as_keras_refuses_them(monkeypatch, tmp_path):
    out = io.BytesIO()
    np.savez(out, x=files.objects([[1], [2, 3]]), y=np.zeros(2))
    monkeypatch.setattr(boston_housing, "FILE_HASH", files.sha256(out.getvalue()))
    files.keras_cache(monkeypatch, tmp_path, {"boston_housing.npz": out.getvalue()})
    with pytest.raises(ValueError, match=r"member 'x.npy' holds Python objects"):
        boston_housing.load_data()
