"""keras.applications.imagenet_utils.decode_predictions as Keras 3.15.1's: each row's top
classes, best first, as (wordnet id, name, score), from ImageNet's class index, which
get_file fetches into Keras' cache (models/) and which is read once.

The real index is not fetched here (no network): Keras checks it by its md5
(c2c37ea517e94d9795004a39431a14cb), which a fake index cannot have, so a fake one put in the
cache would be fetched again from Keras' URL. The tests instead serve a fake index from a
file:// origin and give get_file that file's md5, which is the same path the real index
takes (download, hash check, cache), and reset the once-read index around each test."""
import hashlib
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from nn.datasets.download import DownloadError
from nn.keras.applications import imagenet_utils

FAKE_INDEX = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}


@pytest.fixture
def served_index(tmp_path, monkeypatch):
    """A fake class index at a file:// origin, with its md5, and a fresh KERAS_HOME."""
    source = tmp_path / "served" / "imagenet_class_index.json"
    source.parent.mkdir()
    source.write_text(json.dumps(FAKE_INDEX))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", source.as_uri())
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH",
                        hashlib.md5(source.read_bytes()).hexdigest())
    return source


def test_keras_url_and_hash():
    assert imagenet_utils.CLASS_INDEX_PATH == ("https://storage.googleapis.com/download."
                                               "tensorflow.org/data/imagenet_class_index.json")
    assert imagenet_utils.CLASS_INDEX_HASH == "c2c37ea517e94d9795004a39431a14cb"


def test_top_classes_best_first(served_index):
    preds = np.zeros((2, 1000), np.float32)
    preds[0, [7, 500, 999]] = [0.2, 0.5, 0.3]
    preds[1, 3] = 1.0
    decoded = imagenet_utils.decode_predictions(preds, top=3)
    assert [entry[:2] for entry in decoded[0]] == [("n00000500", "class_500"),
                                                   ("n00000999", "class_999"),
                                                   ("n00000007", "class_7")]
    assert [entry[2] for entry in decoded[0]] == pytest.approx([0.5, 0.3, 0.2])
    assert decoded[1][0] == ("n00000003", "class_3", pytest.approx(1.0))
    assert len(imagenet_utils.decode_predictions(preds)[1]) == 5  # (Keras' default top)


def test_the_index_is_cached_in_keras_home_and_read_once(served_index, tmp_path):
    preds = np.eye(1000, dtype=np.float32)[:1]
    imagenet_utils.decode_predictions(preds)
    cached = tmp_path / "keras_home" / "models" / "imagenet_class_index.json"
    assert json.loads(cached.read_text()) == FAKE_INDEX
    served_index.unlink()
    cached.unlink()  # (neither is read again)
    assert imagenet_utils.decode_predictions(preds, top=1) == [[("n00000000", "class_0", 1.0)]]


def test_a_variable_decodes_as_its_values(served_index):
    values = np.random.default_rng(0).random((1, 1000)).astype(np.float32)
    assert imagenet_utils.decode_predictions(autograd.Variable(values)) == \
        imagenet_utils.decode_predictions(values)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), top=st.integers(1, 12))
def test_decoded_scores_are_the_largest_in_order(seed, top):
    preds = np.random.default_rng(seed).permutation(3000).reshape(3, 1000) / 3000.0
    imagenet_utils.CLASS_INDEX = [(f"n{i}", f"c{i}") for i in range(1000)]  # (no file)
    try:
        decoded = imagenet_utils.decode_predictions(preds, top=top)
    finally:
        imagenet_utils.CLASS_INDEX = None
    for row, entries in zip(preds, decoded):
        scores = [score for _, _, score in entries]
        assert scores == sorted(row, reverse=True)[:top]
        assert all(row[int(wnid[1:])] == score for wnid, _, score in entries)


@pytest.mark.parametrize("shape", [(1000,), (2, 999), (1, 1000, 1)])
def test_predictions_not_of_1000_classes_are_refused(shape):
    with pytest.raises(ValueError, match=r"\(samples, 1000\).*" + str(shape).replace(
            "(", r"\(").replace(")", r"\)")):
        imagenet_utils.decode_predictions(np.zeros(shape))


def test_top_must_count_classes(served_index):
    with pytest.raises(ValueError, match="top must be"):
        imagenet_utils.decode_predictions(np.zeros((1, 1000)), top=0)


def test_a_cached_index_of_another_hash_is_fetched_again(served_index, tmp_path):
    cached = tmp_path / "keras_home" / "models" / "imagenet_class_index.json"
    cached.parent.mkdir(parents=True)
    cached.write_text(json.dumps({"0": ["wrong", "wrong"]}))
    decoded = imagenet_utils.decode_predictions(np.eye(1000)[:1], top=1)
    assert decoded[0][0][:2] == ("n00000000", "class_0")
    assert json.loads(cached.read_text()) == FAKE_INDEX


def test_offline_the_error_names_the_url(served_index):
    served_index.unlink()
    with pytest.raises(DownloadError, match=f"URL fetch failure on {served_index.as_uri()}"):
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))


def test_an_index_of_another_shape_is_refused(served_index, monkeypatch):
    served_index.write_text(json.dumps({"0": "just a name"}))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH",
                        hashlib.md5(served_index.read_bytes()).hexdigest())
    with pytest.raises(ValueError, match="not ImageNet's class index: its entry '0'"):
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))
